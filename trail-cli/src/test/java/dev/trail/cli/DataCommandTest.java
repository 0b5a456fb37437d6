package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.TrajectoryFiles;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail data ...}, {@code trail credit} on the schema, and {@code trail rollout --policy}, as a user types them. */
class DataCommandTest {

    @TempDir
    Path dir;

    static Path minari(String name) throws URISyntaxException {
        return Path.of(DataCommandTest.class.getResource("/minari/README.md").toURI()).getParent().resolve("testdata")
                .resolve(name);
    }

    private Path rollout(String name, int episodes, String... extra) {
        Path out = dir.resolve(name);
        String[] args = Stream.concat(Stream.of("rollout", "--env", "CartPole-v1", "--episodes", Integer.toString(episodes),
                "--seed", "3", "--out", out.toString()), Stream.of(extra)).toArray(String[]::new);
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
        return out;
    }

    @Test
    void infoDescribesADataset() {
        Path f = rollout("r.parquet", 6);
        CliRunner r = CliRunner.run("data", "info", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trajectories: 6"), r.out());
        assertTrue(r.out().contains("observation: float[4]"), r.out());
        assertTrue(r.out().contains("action: discrete 0..1"), r.out());
        assertTrue(r.out().contains("tasks: CartPole-v1"), r.out());
    }

    @Test
    void statsBreaksReturnsDownByPolicy() throws IOException {
        Path a = rollout("a.jsonl", 4);
        Path both = dir.resolve("both.jsonl");
        Files.copy(a, both);
        // a second source, labelled by hand as a user's own logger would
        Files.writeString(both, "{\"id\":\"x\",\"policy\":\"expert\",\"steps\":[{\"reward\":500}]}\n",
                java.nio.file.StandardOpenOption.APPEND);
        CliRunner r = CliRunner.run("data", "stats", both.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("policy=random") && r.out().contains("policy=expert"), r.out());
        String expertRow = r.out().lines().filter(l -> l.startsWith("policy=expert")).findFirst().orElseThrow();
        assertTrue(expertRow.contains("500"), expertRow);
    }

    @Test
    void sampleAndSplitAreSeededAndSplitByTrajectory() throws IOException {
        Path f = rollout("r.jsonl", 20);
        CliRunner s1 = CliRunner.run("data", "sample", f.toString(), "--n", "3", "--seed", "1");
        CliRunner s2 = CliRunner.run("data", "sample", f.toString(), "--n", "3", "--seed", "1");
        assertEquals(0, s1.code(), s1.err());
        assertEquals(3, s1.out().strip().split("\n").length);
        assertEquals(s1.out(), s2.out());
        Path train = dir.resolve("train.parquet");
        Path valid = dir.resolve("valid.jsonl");
        CliRunner r = CliRunner.run("data", "split", f.toString(), "--validation", "0.25", "--seed", "7", "--out-train",
                train.toString(), "--out-validation", valid.toString());
        assertEquals(0, r.code(), r.err());
        List<Trajectory> t = TrajectoryFiles.readAll(train, null);
        List<Trajectory> v = TrajectoryFiles.readAll(valid, null);
        assertEquals(15, t.size());
        assertEquals(5, v.size());
        Set<String> ids = new HashSet<>();
        t.forEach(x -> ids.add(x.id()));
        v.forEach(x -> assertTrue(ids.add(x.id()), "a trajectory on both sides: " + x.id()));
        Path valid2 = dir.resolve("valid2.jsonl");
        CliRunner.run("data", "split", f.toString(), "--validation", "0.25", "--seed", "7", "--out-train",
                dir.resolve("t2.jsonl").toString(), "--out-validation", valid2.toString());
        assertEquals(Files.readString(valid), Files.readString(valid2), "same seed, same split");
    }

    @Test
    void convertGoesJsonlToParquetToMinariAndBack() throws IOException {
        Path j = rollout("r.jsonl", 5);
        Path p = dir.resolve("r.parquet");
        Path m = dir.resolve("minari-out");
        Path back = dir.resolve("back.jsonl");
        assertEquals(0, CliRunner.run("data", "convert", j.toString(), p.toString()).code());
        CliRunner e = CliRunner.run("data", "export", p.toString(), "--format", "minari", "--out", m.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.isRegularFile(m.resolve("data").resolve("0").resolve("part-0.arrow")));
        CliRunner i = CliRunner.run("data", "import", "minari", m.toString(), "--out", back.toString());
        assertEquals(0, i.code(), i.err());
        List<Trajectory> orig = TrajectoryFiles.readAll(j, null);
        List<Trajectory> again = TrajectoryFiles.readAll(back, null);
        assertEquals(orig.size(), again.size());
        for (int k = 0; k < orig.size(); k++) {
            Trajectory a = orig.get(k);
            Trajectory b = again.get(k);
            assertEquals(a.seed(), b.seed());
            assertEquals(a.taskId(), b.taskId());
            assertTrue(java.util.Arrays.equals(a.observations(), b.observations()), "observations of " + k);
            assertTrue(java.util.Arrays.equals(a.actions(), b.actions()), "actions of " + k);
            assertTrue(java.util.Arrays.equals(a.rewards(), b.rewards()), "rewards of " + k);
            assertEquals(a.terminated(), b.terminated());
        }
    }

    @Test
    void importMinariArrowAndHdf5GiveTheSameParquet() throws Exception {
        Path a = dir.resolve("a.parquet");
        Path h = dir.resolve("h.parquet");
        CliRunner r = CliRunner.run("data", "import", "minari", minari("cartpole-random-arrow-v0").toString(), "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("imported 10 episodes"), r.out());
        assertEquals(0, CliRunner.run("data", "import", "minari", minari("cartpole-random-hdf5-v0").toString(), "--out",
                h.toString()).code());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT trajectory_id), sum(reward) FROM '" + a
                        + "' UNION ALL SELECT count(*), count(DISTINCT trajectory_id), sum(reward) FROM '" + h + "'")) {
            for (int k = 0; k < 2; k++) {
                rs.next();
                assertEquals(256, rs.getLong(1));
                assertEquals(10, rs.getLong(2));
                assertEquals(256.0, rs.getDouble(3));
            }
        }
        // the same rows, value for value (the source label names the dataset, so it is left out)
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT * EXCLUDE (source) FROM '" + a
                        + "' EXCEPT SELECT * EXCLUDE (source) FROM '" + h + "')")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndNoPartialOutput() throws IOException {
        Path in = dir.resolve("bad.jsonl");
        Files.writeString(in, "{\"id\":\"a\",\"steps\":[{\"reward\":1}]}\n{\"id\":\"b\",\"steps\":[{\"rew");
        Path out = dir.resolve("out.parquet");
        CliRunner r = CliRunner.run("data", "convert", in.toString(), out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(in.toString()) && r.err().contains("line 2"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".out.parquet")), "no temporary files left");
        }
        Path notParquet = dir.resolve("fake.parquet");
        Files.writeString(notParquet, "PAR1 not really");
        r = CliRunner.run("data", "info", notParquet.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("fake.parquet") && r.err().contains("Parquet"), r.err());
    }

    @Test
    void spoTreeRunsOnATreeOfTextActions() throws IOException {
        Path in = dir.resolve("tree.jsonl");
        Files.write(in, List.of(
                "{\"id\":\"a\",\"group\":\"q\",\"steps\":[{\"action\":\"s\",\"reward\":0},{\"action\":\"t\",\"reward\":0},{\"action\":\"u\",\"reward\":1}]}",
                "{\"id\":\"b\",\"group\":\"q\",\"parent\":\"a\",\"branch_step\":2,\"steps\":[{\"action\":\"s\",\"reward\":0},{\"action\":\"t\",\"reward\":0},{\"action\":\"v\",\"reward\":0}]}",
                "{\"id\":\"c\",\"group\":\"q\",\"parent\":\"a\",\"branch_step\":1,\"steps\":[{\"action\":\"s\",\"reward\":0},{\"action\":\"w\",\"reward\":0}]}"));
        Path out = dir.resolve("tree-credit.parquet");
        CliRunner r = CliRunner.run("credit", "--estimator", "spo-tree", "--set", "probability_mask=false", "--set",
                "whiten=false", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // V: leaves a 1, b 0, c 0; [t] = 0.5; [s] = 0.25 = root. Edges: [s] 0, [t] 0.25, a 0.5, b -0.5, c -0.25
        List<Trajectory> ts = TrajectoryFiles.readAll(out, null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.25, 0.5}, ts.get(0).extra("advantage"), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.25, -0.5}, ts.get(1).extra("advantage"), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, -0.25}, ts.get(2).extra("advantage"), 1e-12);
        Path flat = dir.resolve("flat.jsonl");
        Files.writeString(flat, "{\"id\":\"a\",\"group\":\"q\",\"reward\":1}\n");
        r = CliRunner.run("credit", "--estimator", "spo-tree", "--in", flat.toString(), "--out", dir.resolve("o.jsonl").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("parent") && r.err().contains("branch_step"), r.err());
    }

    @Test
    void rolloutOfATrainedPolicyWritesLogProbsAndValuesAndCreditReadsIt() throws IOException, SQLException {
        Path runs = dir.resolve("runs");
        CliRunner t = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "512", "--seed", "1",
                "--out", runs.toString());
        assertEquals(0, t.code(), t.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path traj = rollout("ppo.jsonl", 5, "--policy", run.toString());
        List<Trajectory> ts = TrajectoryFiles.readAll(traj, null);
        assertEquals(5, ts.size());
        for (Trajectory x : ts) {
            assertEquals(x.length(), x.logProbs().length);
            assertEquals(x.length(), x.values().length);
            assertTrue(x.logProbs()[0] <= 0, "a log-probability");
            assertEquals(run.toString(), x.labels().get("policy"));
        }
        Path credited = dir.resolve("c.parquet");
        CliRunner c = CliRunner.run("credit", "--estimator", "gae", "--in", traj.toString(), "--out", credited.toString());
        assertEquals(0, c.code(), c.err());
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(advantage), count(value), count(log_prob),"
                        + " max(step) FILTER (WHERE terminated) FROM '" + credited + "'")) {
            rs.next();
            long steps = ts.stream().mapToLong(Trajectory::length).sum();
            assertEquals(steps, rs.getLong(1));
            assertEquals(steps, rs.getLong(2));
            assertEquals(steps, rs.getLong(3));
            assertEquals(steps, rs.getLong(4));
        }
    }
}
