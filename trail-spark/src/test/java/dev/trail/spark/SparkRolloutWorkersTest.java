package dev.trail.spark;

import static dev.trail.spark.SparkTesting.MASTER;
import static dev.trail.spark.SparkTesting.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trail train --set rollout_workers=spark}: PPO's batches (one task, or shards of the env copies) and
 * the GRPO family's generation calls on executors, the local run's metrics.
 */
class SparkRolloutWorkersTest {

    @TempDir
    Path dir;

    /** metrics.csv without the wall-clock column and the time/* metrics. */
    private static List<String> reproducibleMetrics(Path runs) throws IOException {
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        return Files.readAllLines(run.resolve("metrics.csv")).stream().skip(1)
                .map(l -> l.split(",", 4))
                .filter(f -> !f[2].startsWith("time/"))
                .map(f -> f[0] + "," + f[2] + "," + f[3])
                .toList();
    }

    @Test
    void ppoOnSparkHasTheMetricsOfTheLocalRun() throws IOException {
        // normalised observations and rewards: the normalisers' running statistics travel with the collector state
        String[] base = {"train", "--env", "CartPole-v1", "--algo", "ppo", "--seed", "4", "--total-steps", "1536",
            "--eval-episodes", "0", "--set", "num_envs=3", "--set", "num_steps=128", "--set", "normalize_observations=true",
            "--set", "normalize_rewards=true"};
        Path local = dir.resolve("local");
        var r = cli(Stream.concat(Stream.of(base), Stream.of("--out", local.toString())).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path spark = dir.resolve("spark");
        r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark.toString(), "--set", "rollout_workers=spark",
                "--set", "spark_master=" + MASTER)).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> expected = reproducibleMetrics(local);
        assertTrue(expected.stream().anyMatch(l -> l.contains("charts/episodic_return")), expected.toString());
        assertEquals(expected, reproducibleMetrics(spark));
    }

    @Test
    void ppoBatchesShardedAcrossTasksHaveTheMetricsOfTheLocalRun() throws Exception {
        // without observation normalisation the copies are split across local[2]'s two tasks; shard 1's first
        // attempt of every batch fails and is retried. Discrete (one uniform per row) and Gaussian (one normal per
        // dimension) noise, time-limit truncations (Pendulum's 200 steps, bootstrapped with V), reward scaling
        SparkSession spark = Sessions.session(MASTER, "test");
        Map<Integer, Integer> tasks = new ConcurrentHashMap<>(); // task index -> successful tasks
        AtomicInteger failures = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().successful()) {
                    tasks.merge(end.taskInfo().index(), 1, Integer::sum);
                } else {
                    failures.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        spark.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, "1");
        try {
            String[][] runs = {
                {"--env", "CartPole-v1", "--total-steps", "1536", "--set", "num_envs=3", "--set", "num_steps=128"},
                {"--env", "Pendulum-v1", "--total-steps", "1024", "--set", "num_envs=2", "--set", "num_steps=128"}};
            for (String[] run : runs) {
                String[] base = Stream.concat(Stream.of("train", "--algo", "ppo", "--seed", "6", "--eval-episodes", "0",
                        "--set", "normalize_observations=false", "--set", "normalize_rewards=true"), Stream.of(run))
                        .toArray(String[]::new);
                Path local = dir.resolve("sharded-local" + run[1]);
                var r = cli(Stream.concat(Stream.of(base), Stream.of("--out", local.toString())).toArray(String[]::new));
                assertEquals(0, r.code(), r.err());
                Path remote = dir.resolve("sharded-spark" + run[1]);
                tasks.clear();
                failures.set(0);
                r = cli(Stream.concat(Stream.of(base), Stream.of("--out", remote.toString(), "--set",
                        "rollout_workers=spark", "--set", "spark_master=" + MASTER)).toArray(String[]::new));
                assertEquals(0, r.code(), r.err());
                spark.sparkContext().listenerBus().waitUntilEmpty();
                List<String> expected = reproducibleMetrics(local);
                assertTrue(expected.stream().anyMatch(l -> l.contains("charts/episodic_return")), expected.toString());
                assertEquals(expected, reproducibleMetrics(remote), run[1]);
                int batches = 4;
                assertEquals(Map.of(0, batches, 1, batches), tasks, run[1] + ": two tasks per batch");
                assertEquals(batches, failures.get(), run[1] + ": each batch's shard 1 retried once");
            }
        } finally {
            spark.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, null);
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    @Test
    void grpoFamilyOnSparkHasTheMetricsOfTheLocalRun() throws IOException {
        // remax: a greedy baseline call per batch besides the sampled one (two calls, one policy version)
        String[] base = {"train", "--env", "Arithmetic-v0", "--algo", "remax", "--seed", "5", "--set", "iterations=3",
            "--set", "prompts_per_batch=2", "--set", "group_size=4", "--set", "num_minibatches=1", "--set",
            "max_new_tokens=6", "--set", "eval_problems=2", "--set", "eval_k=0", "--set", "model.layers=1", "--set",
            "model.width=16", "--set", "model.heads=2", "--set", "model.vocab_size=53", "--set", "model.context_length=64",
            "--set", "model.mlp_ratio=2", "--set", "model.tied_embeddings=false", "--set", "model.init_std=0.02",
            // rewards from the overlong penalty (a random model answers nothing right), a large step: the later
            // batches are sampled with other weights than the first
            "--set", "overlong_shaping=true", "--set", "overlong_cache=4", "--set", "learning_rate=0.05"};
        Path local = dir.resolve("grpo-local");
        var r = cli(Stream.concat(Stream.of(base), Stream.of("--out", local.toString())).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path spark = dir.resolve("grpo-spark");
        r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark.toString(), "--set", "rollout_workers=spark",
                "--set", "spark_master=" + MASTER)).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> expected = reproducibleMetrics(local);
        // the policy moved before the last batch was sampled (a nonzero gradient step before the last update)
        List<String> gradNorms = expected.stream().filter(l -> l.contains(",losses/grad_norm,")).toList();
        assertEquals(3, gradNorms.size(), expected.toString());
        assertTrue(gradNorms.subList(0, 2).stream().anyMatch(l -> !l.endsWith(",0.0")), gradNorms.toString());
        assertEquals(expected, reproducibleMetrics(spark));

        // 3 tasks over the 8 sampled rows (3, 3, 2), 2 over the 2 greedy ones: the same responses from the same
        // weights (the first batch's charts), though the log-probs of smaller batches round differently
        Path shards = dir.resolve("grpo-shards");
        String[] one = Stream.of(base).map(a -> a.equals("iterations=3") ? "iterations=1" : a).toArray(String[]::new);
        r = cli(Stream.concat(Stream.of(one), Stream.of("--out", shards.toString(), "--set", "rollout_workers=spark",
                "--set", "spark_master=" + MASTER, "--set", "rollout_shards=3"))
                .toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        String firstStep = reproducibleMetrics(shards).stream().filter(l -> l.contains(",charts/")).findFirst()
                .orElseThrow().split(",")[0];
        List<String> firstCharts = expected.stream().filter(l -> l.startsWith(firstStep + ",charts/")).toList();
        assertTrue(firstCharts.size() > 10, expected.toString());
        assertEquals(firstCharts, reproducibleMetrics(shards).stream().filter(l -> l.startsWith(firstStep + ",charts/"))
                .toList());
    }
}
