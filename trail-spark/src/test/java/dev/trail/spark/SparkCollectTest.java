package dev.trail.spark;

import static dev.trail.spark.SparkTesting.MASTER;
import static dev.trail.spark.SparkTesting.cli;
import static dev.trail.spark.SparkTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectoryParquet;
import dev.trail.data.TrajectorySource;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail collect --spark}: the dataset of the local command, whatever the partitions, with a retried task. */
class SparkCollectTest {

    @TempDir
    Path dir;

    private static Map<String, String> metadata(Path file) throws IOException {
        try (TrajectorySource s = TrajectoryFiles.open(file, TrajectoryFiles.Format.PARQUET)) {
            return s.metadata();
        }
    }

    @Test
    void randomStepsOnPendulumEqualLocalForAnyPartitionsAndARetriedTask() throws IOException {
        String[] base = {"collect", "--env", "Pendulum-v1", "--recipe", "random", "--steps", "1500", "--seed", "11",
            "--reference-episodes", "2"};
        Path local = dir.resolve("local.parquet");
        var r = cli(Stream.concat(Stream.of(base), Stream.of("--out", local.toString())).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<Trajectory> expected = read(local);
        assertEquals(8, expected.size(), "Pendulum episodes are 200 steps: 8 reach 1500");

        // the same collection with 3 tasks per round; shard 1's first attempt throws and the task is retried
        Path spark3 = dir.resolve("spark3.parquet");
        SparkSession spark = Sessions.session(MASTER, "test");
        spark.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, "1");
        try {
            r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark3.toString(), "--spark", MASTER,
                    "--partitions", "3")).toArray(String[]::new));
        } finally {
            spark.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, null);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(spark3.resolve(TrajectoryParquet.COMMITTED)));
        SparkTesting.assertSameTrajectories(expected, read(spark3));
        assertEquals(metadata(local), metadata(spark3));

        // one task per round, a new part file every 700 steps (4 episodes): round 1 runs episodes 0-1, round 2
        // episodes 2-8 in two files (2-5, 6-8), and the trim rewrites the last to episodes 6-7
        Path spark1 = dir.resolve("spark1.parquet");
        spark.sparkContext().setLocalProperty(SparkCollect.FILE_STEPS_PROPERTY, "700");
        try {
            r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark1.toString(), "--spark", MASTER,
                    "--partitions", "1")).toArray(String[]::new));
        } finally {
            spark.sparkContext().setLocalProperty(SparkCollect.FILE_STEPS_PROPERTY, null);
        }
        assertEquals(0, r.code(), r.err());
        SparkTesting.assertSameTrajectories(expected, read(spark1));
        try (Stream<Path> files = Files.list(spark1)) {
            assertEquals(List.of("p0-e000000000000.parquet", "p0-e000000000002.parquet", "p0-e000000000006.parquet"),
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".parquet")).sorted().toList());
        }
        assertTrue(r.out().contains("2 rounds (the first") && r.out().contains("1800 steps run"), r.out());

        // an existing output folder is refused, and nothing is written beside it
        r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark1.toString(), "--spark", MASTER))
                .toArray(String[]::new));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
    }

    @Test
    void episodesOnCartPoleEqualLocalAndAFailingJobLeavesNoDataset() throws IOException {
        String[] base = {"collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "25", "--seed", "3",
            "--reference-episodes", "0"};
        Path local = dir.resolve("local.parquet");
        var r = cli(Stream.concat(Stream.of(base), Stream.of("--out", local.toString(), "--envs", "4"))
                .toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path spark = dir.resolve("spark.parquet");
        r = cli(Stream.concat(Stream.of(base), Stream.of("--out", spark.toString(), "--spark", MASTER, "--partitions",
                "4")).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        SparkTesting.assertSameTrajectories(read(local), read(spark));

        // a task that fails on every attempt: the job fails and no folder looks complete
        Path failed = dir.resolve("failed.parquet");
        SparkSession session = Sessions.session(MASTER, "test");
        session.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, "-1");
        session.sparkContext().setLocalProperty(SparkCollect.FAIL_ALWAYS, "0");
        try {
            r = cli(Stream.concat(Stream.of(base), Stream.of("--out", failed.toString(), "--spark", MASTER))
                    .toArray(String[]::new));
        } finally {
            session.sparkContext().setLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT, null);
            session.sparkContext().setLocalProperty(SparkCollect.FAIL_ALWAYS, null);
        }
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("Spark job failed"), r.err());
        assertFalse(Files.exists(failed));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".failed")), "temporary folder left");
        }
    }
}
