package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoryParquetTest {

    @TempDir
    Path tmp;

    static void write(Path file, List<Trajectory> ts, Map<String, String> meta) throws IOException {
        try (TrajectorySink sink = TrajectoryParquet.create(file, meta)) {
            for (Trajectory t : ts) {
                sink.write(t);
            }
            sink.commit();
        }
    }

    @Test
    void roundTripKeepsEveryField() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        List<Trajectory> ts = new ArrayList<>();
        ts.add(Samples.full("x1", "g", 5, rng));
        ts.add(Samples.full("x2", "g", 7, rng));
        ts.add(Samples.full("x3", null, 1, rng));
        Path f = tmp.resolve("full.parquet");
        write(f, ts, Map.of("env", "Pendulum-v1"));
        List<Trajectory> back = TrajectoryFiles.readAll(f, null);
        Samples.assertSame(ts, back);
        try (TrajectorySource src = TrajectoryParquet.open(f)) {
            assertEquals("Pendulum-v1", src.metadata().get("env"));
            assertEquals(TrajectoryParquet.SCHEMA_VERSION, src.metadata().get(TrajectoryParquet.SCHEMA_KEY));
        }
        assertFalse(leftovers(), "no temporary files remain");
    }

    @Test
    void textActionsAndTreesRoundTrip() throws IOException {
        Path f = tmp.resolve("tree.parquet");
        write(f, Samples.textTree(), Map.of());
        Samples.assertSame(Samples.textTree(), TrajectoryFiles.readAll(f, null));
    }

    @Test
    void plainDuckDbSqlReadsTheRows() throws IOException, SQLException {
        SplittableRandom rng = new SplittableRandom(1);
        List<Trajectory> ts = List.of(Samples.cartPole(0, 3, rng), Samples.cartPole(1, 2, rng));
        Path f = tmp.resolve("cp.parquet");
        write(f, ts, Map.of());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT trajectory_id, step, observation, action, reward, terminated,"
                        + " truncated, task_id, policy, final_observation FROM '" + f + "' ORDER BY trajectory_id, step")) {
            int rows = 0;
            while (rs.next()) {
                Trajectory t = ts.get(rs.getString(1).equals("ep-0") ? 0 : 1);
                int s = rs.getInt(2);
                Object[] obs = (Object[]) rs.getArray(3).getArray();
                assertEquals(4, obs.length);
                for (int j = 0; j < 4; j++) {
                    assertEquals(t.observations()[s * 4 + j], ((Number) obs[j]).floatValue());
                }
                Object[] act = (Object[]) rs.getArray(4).getArray();
                assertEquals(t.actions()[s], ((Number) act[0]).floatValue());
                assertEquals(1.0, rs.getDouble(5));
                assertEquals(s == t.length() - 1, rs.getBoolean(6));
                assertFalse(rs.getBoolean(7));
                assertEquals("CartPole-v1", rs.getString(8));
                assertEquals("random", rs.getString(9));
                boolean last = s == t.length() - 1;
                assertEquals(last, rs.getArray(10) != null, "final_observation only on the last row");
                rows++;
            }
            assertEquals(5, rows);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT trajectory_id), sum(reward) FROM '" + f + "'")) {
            rs.next();
            assertEquals(2, rs.getInt(1));
            assertEquals(5.0, rs.getDouble(2));
        }
    }

    @Test
    void aFileWrittenByPlainSqlReadsWithDefaults() throws IOException, SQLException {
        Path f = tmp.resolve("ext.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT * FROM (VALUES ('a', 0, 0.0, [0.1, 0.2]::FLOAT[], false),"
                    + " ('a', 1, 1.0, [0.3, 0.4]::FLOAT[], true), ('b', 0, 2.0, [0.5, 0.6]::FLOAT[], false))"
                    + " t(trajectory_id, step, reward, observation, terminated)) TO '" + f + "' (FORMAT parquet)");
        }
        List<Trajectory> back = TrajectoryFiles.readAll(f, null);
        assertEquals(2, back.size());
        assertEquals(2, back.get(0).length());
        assertTrue(back.get(0).terminated());
        assertFalse(back.get(1).terminated());
        assertEquals(0.3f, back.get(0).observations()[2]);
        assertTrue(Float.isNaN(back.get(0).observations()[4]), "no final observation: NaN");
    }

    @Test
    void missingRequiredColumnNamesIt() throws IOException, SQLException {
        Path f = sql("COPY (SELECT 'a' AS trajectory_id, 0 AS step) TO '%s' (FORMAT parquet)");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(f, null));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'reward'"), e.getMessage());
    }

    @Test
    void observationSizeChangingMidFileNamesTheRow() throws IOException, SQLException {
        Path f = sql("COPY (SELECT * FROM (VALUES ('a', 0, 1.0, [1, 2]::FLOAT[]), ('a', 1, 1.0, [1, 2]::FLOAT[]),"
                + " ('b', 0, 1.0, [1, 2, 3]::FLOAT[])) t(trajectory_id, step, reward, observation)) TO '%s' (FORMAT parquet)");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(f, null));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("'observation'")
                && e.getMessage().contains("trajectory b"), e.getMessage());
    }

    @Test
    void stepsOutOfOrderAndInterleavedTrajectoriesAreErrors() throws IOException, SQLException {
        Path gap = sql("COPY (SELECT * FROM (VALUES ('a', 0, 1.0), ('a', 2, 1.0)) t(trajectory_id, step, reward))"
                + " TO '%s' (FORMAT parquet)");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(gap, null));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("'step'"), e.getMessage());
        Path again = sql("COPY (SELECT * FROM (VALUES ('a', 0, 1.0), ('b', 0, 1.0), ('a', 0, 1.0))"
                + " t(trajectory_id, step, reward)) TO '%s' (FORMAT parquet)");
        e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(again, null));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("trajectory a"), e.getMessage());
    }

    @Test
    void badFooterIsAOneLineErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("cut.parquet");
        write(f, List.of(Samples.cartPole(0, 50, new SplittableRandom(2))), Map.of());
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 10));
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(f, null));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("Parquet"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anUncommittedWriteLeavesTheOldFileAndNoTemporaries() throws IOException {
        Path f = tmp.resolve("keep.parquet");
        List<Trajectory> old = List.of(Samples.cartPole(0, 4, new SplittableRandom(5)));
        write(f, old, Map.of());
        try (TrajectorySink sink = TrajectoryParquet.create(f, Map.of())) {
            sink.write(Samples.cartPole(1, 9, new SplittableRandom(6)));
            // no commit: an error happened
        }
        assertEquals(old, TrajectoryFiles.readAll(f, null));
        assertFalse(leftovers());
    }

    @Test
    void aColumnFirstSeenAfterTheFirstBatchStartsAPartAndThePartsMergeByName() throws IOException {
        SplittableRandom rng = new SplittableRandom(8);
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < (TrajectoryParquet.BATCH_ROWS / 200) + 2; i++) {
            ts.add(Samples.cartPole(i, 200, rng)); // more than one batch without log-probs or values
        }
        Trajectory late = Samples.cartPole(999, 7, rng);
        double[] lp = new double[7];
        java.util.Arrays.fill(lp, -0.7);
        ts.add(new Trajectory(late.id(), "g", late.seed(), late.observations(), 4, late.actions(), 1, late.rewards(), lp,
                null, null, true, false, Double.NaN, Map.of("progress", new double[7]), late.taskId(), null, null, 0,
                Map.of(Labels.POLICY, "ppo", "source", "late")));
        Path f = tmp.resolve("parts.parquet");
        write(f, ts, Map.of("k", "v"));
        Samples.assertSame(ts, TrajectoryFiles.readAll(f, null));
        try (TrajectorySource src = TrajectoryParquet.open(f)) {
            assertEquals("v", src.metadata().get("k"), "the merged file keeps the metadata");
        }
        assertFalse(leftovers(), "the parts are gone");
    }

    private Path sql(String copy) throws SQLException {
        Path f = tmp.resolve("sql-" + System.nanoTime() + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(String.format(copy, f));
        }
        return f;
    }

    private boolean leftovers() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }
}
