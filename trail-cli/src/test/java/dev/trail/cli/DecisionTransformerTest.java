package dev.trail.cli;

import dev.trail.algo.TrainingListener;
import dev.trail.algo.offline.Dt;
import dev.trail.algo.offline.DtConfig;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Parameters;
import dev.trail.offline.TransitionDataset;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code trail train --algo dt}: learning on a CartPole dataset, exact resume, and the dataset checks. */
class DecisionTransformerTest {

    @TempDir
    Path tmp;

    /**
     * CartPole episodes of the controller "push towards where the pole falls" ({@code θ + θ' > 0}),
     * each step replaced by a random action with probability {@code epsilon}: returns spread from
     * tens to hundreds, the kind of mixed data return conditioning is for.
     */
    static List<Trajectory> cartPole(int episodes, double epsilon, long seed) {
        EnvSpec spec = TrainCommand.envSpec("CartPole-v1");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Trajectory> out = new ArrayList<>();
        try (ArrayEnv<?> env = spec.makeArray()) {
            for (int e = 0; e < episodes; e++) {
                List<float[]> obs = new ArrayList<>();
                List<Integer> acts = new ArrayList<>();
                List<Double> rewards = new ArrayList<>();
                float[] o = new float[4];
                env.resetInto(seed * 1000 + e, o, 0);
                obs.add(o.clone());
                while (true) {
                    int a = rng.nextDouble() < epsilon ? rng.nextInt(2) : (o[2] + o[3] > 0 ? 1 : 0);
                    rewards.add(env.stepInto(a, o, 0));
                    acts.add(a);
                    obs.add(o.clone());
                    if (env.terminated() || env.truncated()) {
                        break;
                    }
                }
                int t = acts.size();
                float[] flat = new float[(t + 1) * 4];
                for (int i = 0; i <= t; i++) {
                    System.arraycopy(obs.get(i), 0, flat, i * 4, 4);
                }
                float[] a = new float[t];
                double[] r = new double[t];
                for (int i = 0; i < t; i++) {
                    a[i] = acts.get(i);
                    r[i] = rewards.get(i);
                }
                out.add(new Trajectory("h-" + e, null, seed * 1000 + e, flat, 4, a, 1, r, null, null, null,
                        env.terminated(), env.truncated(), Double.NaN, Map.of()));
            }
        }
        return out;
    }

    private Path write(String name, List<Trajectory> ts) throws IOException {
        Path f = tmp.resolve(name);
        try (TrajectorySink sink = TrajectoryFiles.create(f, null, Map.of(), false)) {
            for (Trajectory t : ts) {
                sink.write(t);
            }
            sink.commit();
        }
        Files.writeString(tmp.resolve(name + ".provenance.json"),
                "{\"env\":\"CartPole-v1\",\"reference_return_random\":\"22\",\"reference_return_expert\":\"500\"}");
        return f;
    }

    private static Map<String, List<Double>> metrics(Path run) throws IOException {
        Map<String, List<Double>> m = new HashMap<>();
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            m.computeIfAbsent(f[f.length - 2], k -> new ArrayList<>()).add(Double.parseDouble(f[f.length - 1]));
        }
        return m;
    }

    @Test
    void learnsCartPoleFromMixedDataAndBeatsRandom() throws IOException {
        Path data = write("mixed.jsonl", cartPole(30, 0.3, 1));
        Path runs = tmp.resolve("runs");
        CliRunner r = CliRunner.run("train", "--algo", "dt", "--dataset", data.toString(), "--env", "CartPole-v1",
                "--seed", "1", "--total-steps", "300", "--out", runs.toString(),
                "--set", "context_length=5", "--set", "layers=1", "--set", "width=32", "--set", "batch_size=32",
                "--set", "learning_rate=1e-3", "--set", "warmup_steps=10", "--set", "max_episode_length=500",
                "--set", "log_every=10", "--set", "eval_every=300", "--set", "eval_episodes=3",
                "--set", "target_return=500");
        assertEquals(0, r.code(), r.err());
        Path run;
        try (var s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Map<String, List<Double>> m = metrics(run);
        List<Double> loss = m.get("losses/action_loss");
        // random CartPole: ~22; the data's controller without noise reaches hundreds
        double ret = m.get("eval/mean_return").get(0);
        assertTrue(ret > 60, "eval return " + ret + ", action loss " + loss);
        // from about ln 2 = 0.69 after 10 updates towards the floor the 30% random actions leave
        assertTrue(loss.get(loss.size() - 1) < 0.85 * loss.get(0), "action loss " + loss);
        assertTrue(m.containsKey("eval/normalized_score"), m.keySet().toString());
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("target_return: \"500\"") && config.contains("context_length: 5"), config);
    }

    @Test
    void resumeFromACheckpointContinuesExactly() throws IOException {
        EnvSpec env = TrainCommand.envSpec("CartPole-v1");
        TransitionDataset data = TransitionDataset.of("h.jsonl", "", cartPole(6, 0.3, 2), Map.of());
        try (var e = env.makeArray()) {
            data = data.fitted(e.observationSpace(), e.actionSpace());
        }
        DtConfig config = DtConfig.fromSettings(Map.of("context_length", "4", "layers", "1", "width", "16",
                "batch_size", "8", "warmup_steps", "5", "eval_episodes", "0", "max_episode_length", "500"));
        TrainingListener quiet = new TrainingListener() { };
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        try (Dt straight = new Dt(config, data, env, 3, 12)) {
            straight.run(quiet, a, 6);
        }
        try (Dt resumed = Dt.load(a.resolve("update-0000006"), data, env)) {
            resumed.run(quiet, b, 6);
        }
        for (String file : List.of("parameters", "transformer", "optimizer")) {
            Parameters x = Checkpoint.read(a.resolve("update-0000012")).tensors(file);
            Parameters y = Checkpoint.read(b.resolve("update-0000012")).tensors(file);
            assertEquals(x.count(), y.count());
            for (int i = 0; i < x.count(); i++) {
                assertArrayEquals(x.get(i).data(), y.get(i).data(), file + " " + x.get(i).name());
            }
        }
    }

    @Test
    void datasetWithoutReturnsToGoIsExitTwo() throws IOException {
        // every trajectory one transition long: no returns-to-go beyond the reward itself
        List<Trajectory> cut = new ArrayList<>();
        for (Trajectory t : cartPole(3, 0, 3)) {
            cut.add(new Trajectory(t.id(), null, 0, java.util.Arrays.copyOf(t.observations(), 8), 4,
                    new float[] {t.actions()[0]}, 1, new double[] {1}, null, null, null, false, true, Double.NaN, Map.of()));
        }
        Path data = write("steps.jsonl", cut);
        CliRunner r = CliRunner.run("train", "--algo", "dt", "--dataset", data.toString(), "--env", "CartPole-v1",
                "--total-steps", "10", "--out", tmp.resolve("runs").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("steps.jsonl") && r.err().contains("returns-to-go"), r.err());
        r = CliRunner.run("train", "--algo", "dt", "--dataset", write("long.jsonl", cartPole(2, 0, 4)).toString(),
                "--env", "CartPole-v1", "--total-steps", "10", "--set", "max_episode_length=5",
                "--out", tmp.resolve("runs").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("max_episode_length=5"), r.err());
    }
}
