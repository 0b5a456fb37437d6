package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.ppo.Ppo;
import dev.trail.algo.ppo.PpoConfig;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.grid.MiniGridEnv;
import dev.trail.envs.grid.MiniGridEnvs;
import dev.trail.envs.grid.ShortestPathExpert;
import dev.trail.policy.ActorCritic;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PPO with offline data: BC pre-training, the concurrent BC term, SnapshotRL start states; exact resume. */
class PpoOfflineDataTest {

    private static final String DOOR_KEY = "MiniGrid-DoorKey-8x8-v0";

    @TempDir
    Path dir;

    /** CartPole episodes of the controller "push towards where the pole is falling": a = [θ + θ̇ > 0]. */
    private Path cartPoleDemos(int episodes) throws IOException {
        List<Trajectory> out = new ArrayList<>();
        ArrayEnv<?> env = Envs.makeArray("CartPole-v1");
        for (int e = 0; e < episodes; e++) {
            float[] obs = new float[501 * 4];
            float[] actions = new float[500];
            double[] rewards = new double[500];
            env.resetInto(e, obs, 0);
            int t = 0;
            while (!env.needsReset() && t < 200) {
                int a = obs[t * 4 + 2] + obs[t * 4 + 3] > 0 ? 1 : 0;
                actions[t] = a;
                rewards[t] = env.stepInto(a, obs, (t + 1) * 4);
                t++;
            }
            out.add(new Trajectory("c" + e, null, e, Arrays.copyOf(obs, (t + 1) * 4), 4, Arrays.copyOf(actions, t), 1,
                    Arrays.copyOf(rewards, t), null, null, null, env.terminated(), !env.terminated(), Double.NaN, null,
                    "CartPole-v1", null, null, 0, null));
        }
        return write("cartpole-demos.jsonl", out);
    }

    private Path doorKeyDemos(int episodes) throws IOException {
        ShortestPathExpert expert = new ShortestPathExpert();
        MiniGridEnv env = MiniGridEnvs.make(DOOR_KEY);
        List<Trajectory> out = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            out.add(expert.episode(env, 1000 + e, "d" + e));
        }
        return write("doorkey-demos.jsonl", out);
    }

    private Path write(String name, List<Trajectory> data) throws IOException {
        Path file = dir.resolve(name);
        try (TrajectorySink sink = TrajectoryFiles.create(file, null, Map.of(), false)) {
            for (Trajectory t : data) {
                sink.write(t);
            }
            sink.commit();
        }
        return file;
    }

    private static PpoConfig config(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return PpoConfig.fromSettings(m);
    }

    /** Share of demonstration steps where the policy's most likely action is the demonstrated one. */
    private static double agreement(ActorCritic policy, Path demos) throws IOException {
        int same = 0;
        int total = 0;
        for (Trajectory t : TrajectoryFiles.readAll(demos, null)) {
            int d = t.observationSize();
            int[] actions = policy.actDeterministic(Arrays.copyOf(t.observations(), t.length() * d), t.length())
                    .discreteActions();
            for (int i = 0; i < t.length(); i++) {
                same += actions[i] == (int) t.actions()[i] ? 1 : 0;
            }
            total += t.length();
        }
        return (double) same / total;
    }

    @Test
    void bcPretrainingImitatesTheDemonstrations() throws IOException {
        Path demos = cartPoleDemos(5);
        EnvSpec env = Envs.spec("CartPole-v1");
        double before;
        try (Ppo fresh = Ppo.create(PpoConfig.defaults(), env, 1, 512)) {
            before = agreement(fresh.policy(), demos);
        }
        try (Ppo ppo = Ppo.create(config("bc_dataset", demos.toString(), "bc_pretrain_steps", "300",
                "bc_learning_rate", "0.01"), env, 1, 512)) {
            double after = agreement(ppo.policy(), demos);
            assertTrue(after > 0.9 && 1 - after < 0.5 * (1 - before), "agreement before " + before + ", after " + after);
            Map<String, Double> m = ppo.iterate(TrainingListener.NONE);
            assertTrue(m.get(Metrics.BC_PRETRAIN_LOSS) < 0.35, m.toString());
            assertFalse(m.containsKey(Metrics.BC_LOSS), "no concurrent term without bc_coef");
        }
    }

    @Test
    void theConcurrentBcTermPullsThePolicyTowardsTheDemonstrations() throws IOException {
        Path demos = cartPoleDemos(5);
        EnvSpec env = Envs.spec("CartPole-v1");
        List<Double> losses = new ArrayList<>();
        try (Ppo ppo = Ppo.create(config("bc_dataset", demos.toString(), "bc_coef", "2", "num_steps", "64",
                "learning_rate", "0.003", "anneal_lr", "false"), env, 2, 256 * 8)) {
            while (!ppo.done()) {
                losses.add(ppo.iterate(TrainingListener.NONE).get(Metrics.BC_LOSS));
            }
            assertTrue(losses.get(losses.size() - 1) < 0.6 * losses.get(0), losses.toString());
            assertTrue(agreement(ppo.policy(), demos) > 0.85);
        }
    }

    @Test
    void aResumedRunWithBcAndStartStatesContinuesExactly() throws IOException {
        Path demos = doorKeyDemos(3);
        EnvSpec env = Envs.spec(DOOR_KEY);
        PpoConfig c = config("bc_dataset", demos.toString(), "bc_coef", "0.5", "bc_pretrain_steps", "5",
                "bc_batch_size", "32", "start_states", demos.toString(), "num_envs", "2", "num_steps", "32",
                "num_minibatches", "2", "update_epochs", "1");
        float[][] straight;
        try (Ppo a = Ppo.create(c, env, 4, 4 * 64)) {
            while (!a.done()) {
                a.iterate(TrainingListener.NONE);
            }
            straight = params(a);
        }
        Path checkpoint = dir.resolve("ckpt");
        try (Ppo b = Ppo.create(c, env, 4, 4 * 64)) {
            b.iterate(TrainingListener.NONE);
            b.iterate(TrainingListener.NONE);
            b.save(checkpoint);
        }
        try (Ppo b = Ppo.load(checkpoint, env)) {
            while (!b.done()) {
                b.iterate(TrainingListener.NONE);
            }
            float[][] resumed = params(b);
            for (int i = 0; i < straight.length; i++) {
                assertArrayEquals(straight[i], resumed[i], "tensor " + i);
            }
        }
    }

    private static float[][] params(Ppo ppo) {
        float[][] out = new float[ppo.policy().parameters().count()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ppo.policy().parameters().get(i).data().clone();
        }
        return out;
    }

    @Test
    void aResumedRunRefusesDataFilesThatChangedSinceItStarted() throws IOException {
        Path demos = Files.copy(doorKeyDemos(2), dir.resolve("bc.jsonl"));
        Path starts = Files.copy(doorKeyDemos(3), dir.resolve("starts.jsonl"));
        Path runs = dir.resolve("resumable");
        CliRunner r = CliRunner.run("train", "--env", DOOR_KEY, "--algo", "ppo", "--total-steps", "256", "--seed", "1",
                "--eval-episodes", "0", "--checkpoint-every", "128", "--out", runs.toString(), "--set", "num_envs=2",
                "--set", "num_steps=64", "--set", "bc_dataset=" + demos, "--set", "bc_coef=0.1",
                "--set", "start_states=" + starts);
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.findFirst().orElseThrow();
        }
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("data_sha256") && config.contains(dev.trail.data.OfflineDatasets.contentHash(demos))
                && config.contains(dev.trail.data.OfflineDatasets.contentHash(starts)), config);
        Path summary = run.resolve("summary.json");
        Files.writeString(summary, Files.readString(summary).replace("\"finished\"", "\"interrupted\""));

        // the start states are replaced by other episodes: refused, naming the key and file, nothing changed
        Files.copy(doorKeyDemos(4), starts, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> before = HostileInputTest.snapshot(runs);
        r = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("start_states=" + starts) && r.err().contains("changed since the run started"),
                r.err());
        Map<String, String> after = HostileInputTest.snapshot(runs);
        before.remove(run.getFileName() + "/.lock");
        after.remove(run.getFileName() + "/.lock");
        assertEquals(before, after, "nothing changed");
    }

    @Test
    void theCliTrainsWithOfflineDataAndRefusesFilesOfAnotherEnv() throws IOException {
        Path demos = doorKeyDemos(2);
        Path runs = dir.resolve("runs");
        CliRunner r = CliRunner.run("train", "--env", DOOR_KEY, "--algo", "ppo", "--total-steps", "512", "--seed", "1",
                "--eval-episodes", "0", "--out", runs.toString(), "--set", "bc_dataset=" + demos, "--set",
                "bc_coef=0.1", "--set", "bc_pretrain_steps=10", "--set", "start_states=" + demos);
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.findFirst().orElseThrow();
        }
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("bc_coef") && config.contains("start_states"), config);

        Path other = dir.resolve("other-runs");
        r = CliRunner.run("train", "--env", "MiniGrid-Empty-8x8-v0", "--algo", "ppo", "--total-steps", "512",
                "--out", other.toString(), "--set", "start_states=" + demos);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("start_states=" + demos + ": trajectory d0 was recorded on " + DOOR_KEY
                + ", not MiniGrid-Empty-8x8-v0"), r.err());
        assertFalse(Files.exists(other), "no run folder for a refused config");

        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "512", "--out",
                other.toString(), "--set", "bc_dataset=" + demos, "--set", "bc_coef=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bc_dataset=" + demos + ": trajectory d0 was recorded on " + DOOR_KEY), r.err());

        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "512", "--out",
                other.toString(), "--set", "bc_coef=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bc_coef=1.0 needs bc_dataset=FILE"), r.err());

        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "512", "--out",
                other.toString(), "--set", "start_states=" + dir.resolve("missing.jsonl"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.jsonl is not a file"), r.err());
    }
}
