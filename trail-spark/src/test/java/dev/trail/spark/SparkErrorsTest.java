package dev.trail.spark;

import static dev.trail.spark.SparkTesting.MASTER;
import static dev.trail.spark.SparkTesting.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.TrajectoryParquet;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three Spark paths' errors: an unreachable master, an existing output folder, a job that fails
 * half way; each a one-line message, and never a folder that looks like a finished dataset.
 */
class SparkErrorsTest {

    @TempDir
    Path dir;

    /** Everything in {@link #dir}, hidden temporary folders included. */
    private List<String> written() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A standalone master address where nothing listens (a port just released). */
    private static String deadMaster() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "spark://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void anUnreachableMasterIsRefusedBeforeAnyWork() throws IOException {
        String master = deadMaster();
        var r = cli("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "4", "--seed", "1",
                "--reference-episodes", "0", "--out", dir.resolve("c.parquet").toString(), "--spark", master);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Spark master " + master + " is unreachable"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(List.of(), written());

        r = cli("credit", "--estimator", "grpo", "--in", dir.resolve("in.parquet").toString(), "--out",
                dir.resolve("o.parquet").toString(), "--spark", master);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Spark master " + master + " is unreachable"), r.err());

        r = cli("train", "--env", "CartPole-v1", "--algo", "ppo", "--seed", "1", "--total-steps", "256",
                "--eval-episodes", "0", "--out", dir.resolve("runs").toString(), "--set", "num_envs=1", "--set",
                "num_steps=128", "--set", "rollout_workers=spark", "--set", "spark_master=" + master);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Spark master " + master + " is unreachable"), r.err());

        r = cli("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "4", "--seed", "1",
                "--reference-episodes", "0", "--out", dir.resolve("c.parquet").toString(), "--spark", "locall[2]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'locall[2]' is not local"), r.err());
    }

    @Test
    void creditRefusesAnExistingOutputAndAFailedJobLeavesNoDataset() throws IOException {
        Path collected = dir.resolve("c.parquet");
        var r = cli("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "6", "--seed", "2",
                "--reference-episodes", "0", "--out", collected.toString(), "--spark", MASTER, "--partitions", "2");
        assertEquals(0, r.code(), r.err());

        // an existing --out: refused before any work, its content untouched
        Path existing = Files.createDirectories(dir.resolve("e.parquet"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        r = cli("credit", "--estimator", "grpo", "--in", collected.toString(), "--out", existing.toString(), "--spark",
                MASTER);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("mine", Files.readString(existing.resolve("keep.txt")));

        // a folder whose job did not finish (no _SUCCESS) is not read as a dataset
        Path unfinished = Files.createDirectories(dir.resolve("u.parquet"));
        try (Stream<Path> parts = Files.list(collected)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.copy(part, unfinished.resolve(part.getFileName()));
        }
        r = cli("credit", "--estimator", "grpo", "--in", unfinished.toString(), "--out",
                dir.resolve("u-out.parquet").toString(), "--spark", MASTER);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(TrajectoryParquet.COMMITTED), r.err());

        // a part file damaged after the commit: the job fails part way, and nothing looks like a dataset
        try (Stream<Path> parts = Files.list(collected)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.write(part, new byte[] {'P', 'A', 'R', '1', 0, 1, 2, 3});
        }
        List<String> before = written();
        r = cli("credit", "--estimator", "grpo", "--in", collected.toString(), "--out",
                dir.resolve("f.parquet").toString(), "--spark", MASTER);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("Spark job failed"), r.err());
        assertEquals(before, written(), "no output folder, no temporary folder");
    }
}
