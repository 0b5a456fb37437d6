package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.ppo.Ppo;
import dev.trail.algo.ppo.PpoConfig;
import dev.trail.envs.Envs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code num_threads}: worker threads that act (the policy's forward pass) and step their own
 * environment copies give the same run, bit for bit, as one thread: the same metrics.csv rows
 * (wall-clock columns aside), the same final weights, and an exact resume.
 */
class ThreadedCollectionTest {

    @TempDir
    Path dir;

    /** The run's metrics.csv without the wall-clock column and the time/* metrics, and its last weights. */
    private record Outcome(List<String> metrics, byte[] weights) {
    }

    private Outcome train(String name, String env, String algo, long steps, String... sets) throws IOException {
        Path runs = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--env", env, "--algo", algo, "--seed", "3",
                "--total-steps", Long.toString(steps), "--eval-episodes", "0", "--out", runs.toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv")).stream().skip(1)
                .map(l -> l.split(",", 4))
                .filter(f -> !f[2].startsWith("time/"))
                .map(f -> f[0] + "," + f[2] + "," + f[3])
                .toList();
        Path last;
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            last = s.filter(p -> Files.isRegularFile(p.resolve("parameters.bin"))).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
        return new Outcome(metrics, Files.readAllBytes(last.resolve("parameters.bin")));
    }

    private void sameForThreads(String env, String algo, long steps, String... sets) throws IOException {
        sameForThreads(new int[] {2, 3}, env, algo, steps, sets);
    }

    private void sameForThreads(int[] counts, String env, String algo, long steps, String... sets) throws IOException {
        Outcome one = train(algo + env + "1", env, algo, steps, with(sets, "num_threads=1"));
        for (int threads : counts) {
            Outcome many = train(algo + env + threads, env, algo, steps, with(sets, "num_threads=" + threads));
            assertEquals(one.metrics(), many.metrics(), algo + " on " + env + ", num_threads=" + threads);
            assertArrayEquals(one.weights(), many.weights(), algo + " on " + env + ", num_threads=" + threads);
        }
        assertFalse(one.metrics().stream().noneMatch(l -> l.contains(Metrics.EPISODIC_RETURN)),
                "episodes were recorded: " + one.metrics().size() + " rows");
    }

    private static String[] with(String[] sets, String more) {
        return Stream.concat(Stream.of(sets), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void ppoDiscreteIsBitIdenticalForAnyThreadCount() throws IOException {
        // 5 copies: chunks of 3 + 2 and 2 + 2 + 1 rows
        sameForThreads("CartPole-v1", "ppo", 480, "num_envs=5", "num_steps=32", "num_minibatches=2",
                "update_epochs=2");
    }

    @Test
    void ppoGaussianWithNormalisationIsBitIdenticalForAnyThreadCount() throws IOException {
        // 3 copies x 240 steps (1 vs 2 threads: chunks of 2 + 1 rows): every copy's 200-step episode is truncated and bootstrapped once
        sameForThreads(new int[] {2}, "Pendulum-v1", "ppo", 720, "num_envs=3", "num_steps=80", "num_minibatches=2",
                "update_epochs=2", "normalize_observations=true", "normalize_rewards=true");
    }

    @Test
    void sacAndDqnAcceptNumThreadsWithTheSameResults() throws IOException {
        sameForThreads(new int[] {2}, "Pendulum-v1", "sac", 300, "learning_starts=100", "hidden_sizes=16,16",
                "batch_size=16");
        sameForThreads(new int[] {2}, "CartPole-v1", "dqn", 300, "learning_starts=100", "hidden_sizes=16", "batch_size=16",
                "train_frequency=4");
    }

    @Test
    void aThreadedRunResumesExactly(@TempDir Path cp) throws IOException {
        Map<String, String> s = new LinkedHashMap<>(Map.of("num_envs", "5", "num_steps", "16", "num_minibatches", "2",
                "update_epochs", "2", "num_threads", "2"));
        PpoConfig threaded = PpoConfig.fromSettings(s);
        s.put("num_threads", "1");
        PpoConfig single = PpoConfig.fromSettings(s);
        Recorder whole = new Recorder();
        Ppo.train(single, Envs.spec("CartPole-v1"), 5, 320, whole, null);
        Recorder first = new Recorder();
        try (Ppo ppo = Ppo.create(threaded, Envs.spec("CartPole-v1"), 5, 320)) {
            ppo.iterate(first);
            ppo.iterate(first);
            ppo.save(cp.resolve("c"));
        }
        Recorder rest = new Recorder();
        Ppo.resume(cp.resolve("c"), Envs.spec("CartPole-v1"), rest, null, 0);
        assertEquals(4, whole.updates.size());
        assertEquals(whole.updates.subList(0, 2), first.updates);
        assertEquals(whole.updates.subList(2, 4), rest.updates);
    }

    /** Each update's metrics without the wall-clock ones. */
    private static final class Recorder implements TrainingListener {
        final List<Map<String, Double>> updates = new ArrayList<>();

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
            Map<String, Double> m = new LinkedHashMap<>(metrics);
            m.keySet().removeIf(Metrics::isTiming);
            m.put("global_step", (double) globalStep);
            updates.add(m);
        }
    }
}
