package dev.trail.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trail.cli.Trail;
import dev.trail.data.TrajectoryFiles;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/** Shared by the Spark tests: one local master for the JVM (2 threads, a task may fail 3 times), CLI runs, comparisons. */
final class SparkTesting {

    /** Two worker threads; {@code ,4}: a failed task is retried (local mode's spark.task.maxFailures). */
    static final String MASTER = "local[2,4]";

    private SparkTesting() {
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trail.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    static List<Trajectory> read(Path file) throws IOException {
        return TrajectoryFiles.readAll(file, TrajectoryFiles.Format.PARQUET);
    }

    /** Every field of every trajectory equal, in order (arrays by content). */
    static void assertSameTrajectories(List<Trajectory> expected, List<Trajectory> actual) {
        assertEquals(expected.size(), actual.size(), "number of trajectories");
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i));
        }
    }

    static void assertSame(Trajectory e, Trajectory a) {
        String id = e.id();
        assertEquals(e.id(), a.id());
        assertEquals(e.groupId(), a.groupId(), id);
        assertEquals(e.taskId(), a.taskId(), id);
        assertEquals(e.seed(), a.seed(), id);
        assertArrayEquals(e.observations(), a.observations(), id);
        assertArrayEquals(e.actions(), a.actions(), id);
        assertArrayEquals(e.rewards(), a.rewards(), id);
        assertArrayEquals(e.logProbs(), a.logProbs(), id);
        assertArrayEquals(e.values(), a.values(), id);
        assertEquals(e.terminated(), a.terminated(), id);
        assertEquals(e.truncated(), a.truncated(), id);
        assertEquals(Double.doubleToLongBits(e.bootstrapValue()), Double.doubleToLongBits(a.bootstrapValue()), id);
        assertEquals(e.labels(), a.labels(), id);
        assertEquals(e.extras().keySet(), a.extras().keySet(), id);
        for (String k : e.extras().keySet()) {
            assertArrayEquals(e.extras().get(k), a.extras().get(k), id + " " + k);
        }
    }
}
