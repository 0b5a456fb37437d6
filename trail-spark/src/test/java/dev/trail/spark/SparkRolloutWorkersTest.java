package dev.trail.spark;

import static dev.trail.spark.SparkTesting.MASTER;
import static dev.trail.spark.SparkTesting.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail train --set rollout_workers=spark}: PPO's batches collected on executors, the local run's metrics. */
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
}
