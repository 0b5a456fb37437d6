package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoryJsonlTest {

    @TempDir
    Path tmp;

    static void write(Path file, List<Trajectory> ts, boolean append) throws IOException {
        try (TrajectorySink sink = TrajectoryJsonl.create(file, append)) {
            for (Trajectory t : ts) {
                sink.write(t);
            }
            sink.commit();
        }
    }

    @Test
    void roundTripKeepsEveryField() throws IOException {
        SplittableRandom rng = new SplittableRandom(9);
        List<Trajectory> ts = new ArrayList<>(List.of(Samples.full("x1", "g", 4, rng), Samples.full("x2", "g", 6, rng)));
        ts.addAll(Samples.textTree());
        Path f = tmp.resolve("all.jsonl");
        write(f, ts, false);
        assertEquals(ts.size(), Files.readAllLines(f).size(), "one line per trajectory");
        Samples.assertSame(ts, TrajectoryFiles.readAll(f, null));
    }

    @Test
    void jsonlAndParquetHoldTheSameTrajectories() throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        List<Trajectory> ts = List.of(Samples.full("a", "g", 3, rng), Samples.full("b", "g", 2, rng));
        Path j = tmp.resolve("t.jsonl");
        Path p = tmp.resolve("t.parquet");
        write(j, ts, false);
        try (TrajectorySource in = TrajectoryFiles.open(j, null); TrajectorySink out = TrajectoryFiles.create(p, null, Map.of(), false)) {
            TrajectoryFiles.copy(in, out);
            out.commit();
        }
        Samples.assertSame(ts, TrajectoryFiles.readAll(p, null));
    }

    @Test
    void todaysCreditLinesStillRead() throws IOException {
        Path f = tmp.resolve("old.jsonl");
        Files.writeString(f, "{\"id\":\"q1-a\",\"group\":\"q1\",\"steps\":[{\"reward\":0,\"action\":\"<calc>37*89</calc>\",\"progress\":0},"
                + "{\"reward\":1,\"action\":\"3293\",\"progress\":0.5}]}\n{\"id\":7,\"group\":\"q1\",\"reward\":0}\n");
        TrajectoryJsonl.Batch b = TrajectoryJsonl.read(f);
        assertEquals(2, b.lines().size());
        Trajectory a = b.lines().get(0).trajectory();
        assertEquals("<calc>37*89</calc>", a.textActions()[0], "text actions are kept as text");
        assertNull(a.values());
        assertEquals(0.5, b.lines().get(0).trajectory().extra("progress")[1]);
        assertEquals("7", b.lines().get(1).trajectory().id());
    }

    @Test
    void theColumnFormRolloutWroteBeforeTheSchemaReads() throws IOException {
        Path f = tmp.resolve("old-rollout.jsonl");
        Files.writeString(f, "{\"id\":\"CartPole-v1-0\",\"env\":\"CartPole-v1\",\"episode\":0,\"seed\":5,"
                + "\"observations\":[[0.1,0.2,0.3,0.4],[0.5,0.6,0.7,0.8],[0.9,1.0,1.1,1.2]],\"actions\":[1,0],"
                + "\"rewards\":[1.0,1.0],\"terminated\":true,\"truncated\":false}\n");
        TrajectoryJsonl.Batch b = TrajectoryJsonl.read(f);
        Trajectory t = b.lines().get(0).trajectory();
        assertEquals(2, t.length());
        assertEquals(5, t.seed());
        assertEquals(4, t.observationSize());
        assertEquals(1.2f, t.observations()[11], "the last row is the final observation");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 0}, t.actions());
        assertEquals("CartPole-v1", t.labels().get("env"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        TrajectoryJsonl.writeWithCredit(b, new dev.trail.advantage.AdvantageResult(new double[][] {{0.5, 0.25}},
                new double[][] {{2, 1}}), out);
        String line = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(line.contains("\"steps\":[{\"observation\":[0.1,0.2,0.3,0.4],\"action\":1,\"reward\":1.0,"
                + "\"advantage\":0.5,\"return\":2.0}"), line);
    }

    @Test
    void aFieldOnSomeStepsOnlyIsAnErrorNamingLineAndField() throws IOException {
        Path f = tmp.resolve("partial.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"steps\":[{\"reward\":0,\"logprob\":-1},{\"reward\":1}]}\n");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryJsonl.read(f));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("logprob"), e.getMessage());
    }

    @Test
    void truncatedLastLineIsAOneLineErrorNamingFileAndLine() throws IOException {
        Path f = tmp.resolve("cut.jsonl");
        write(f, List.of(Samples.cartPole(0, 3, new SplittableRandom(1)), Samples.cartPole(1, 3, new SplittableRandom(2))), false);
        String text = Files.readString(f);
        Files.writeString(f, text.substring(0, text.length() - 30));
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(f, null));
        assertTrue(e.getMessage().startsWith(f.toString() + ": line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void observationSizeChangingMidFileNamesTheLine() throws IOException {
        Path f = tmp.resolve("obs.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"steps\":[{\"reward\":1,\"observation\":[1,2]}]}\n"
                + "{\"id\":\"b\",\"steps\":[{\"reward\":1,\"observation\":[1,2,3]}]}\n");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(f, null));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'observation'")
                && e.getMessage().contains("line 1 has 2"), e.getMessage());
    }

    @Test
    void linesWithParentsBecomeTheirGroupsTree() throws IOException {
        Path f = tmp.resolve("tree.jsonl");
        write(f, Samples.textTree(), false);
        TrajectoryJsonl.Batch b = TrajectoryJsonl.read(f);
        assertEquals(1, b.groups().size());
        TrajectoryGroup g = b.groups().get(0);
        assertEquals(6, g.tree().size(), "root, a's first step, a's second step, and the leaves a, b, c");
        assertTrue(Files.readString(f).contains("\"parent\":\"a\",\"branch_step\":2"));
    }

    @Test
    void aBranchWhoseSharedStepsDifferIsAnError() throws IOException {
        Path f = tmp.resolve("bad-tree.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"group\":\"q\",\"steps\":[{\"reward\":0,\"action\":\"x\"},{\"reward\":1,\"action\":\"y\"}]}\n"
                + "{\"id\":\"b\",\"group\":\"q\",\"parent\":\"a\",\"branch_step\":1,\"steps\":[{\"reward\":0,\"action\":\"z\"},"
                + "{\"reward\":0,\"action\":\"w\"}]}\n");
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryJsonl.read(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("differs"), e.getMessage());
    }

    @Test
    void appendKeepsTheOldLinesAndAddsTheNewOnes() throws IOException {
        Path f = tmp.resolve("grow.jsonl");
        SplittableRandom rng = new SplittableRandom(7);
        List<Trajectory> first = List.of(Samples.cartPole(0, 3, rng), Samples.cartPole(1, 4, rng));
        List<Trajectory> more = List.of(Samples.cartPole(2, 5, rng));
        write(f, first, false);
        write(f, more, true);
        List<Trajectory> all = new ArrayList<>(first);
        all.addAll(more);
        Samples.assertSame(all, TrajectoryFiles.readAll(f, null));
    }

    @Test
    void killingAnAppendingWriterLeavesTheOldFileWholeAndReadable() throws Exception {
        Path f = tmp.resolve("killed.jsonl");
        SplittableRandom rng = new SplittableRandom(11);
        List<Trajectory> old = List.of(Samples.cartPole(0, 20, rng), Samples.cartPole(1, 30, rng), Samples.cartPole(2, 10, rng));
        write(f, old, false);
        byte[] before = Files.readAllBytes(f);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), AppendingWriter.class.getName(), f.toString(), "1000000")
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("appending"));
            assertEquals("appending", line, "the writer started appending");
            Thread.sleep(300); // mid-append: the writer is busy writing trajectories
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(f), "the old content is intact");
        Samples.assertSame(old, TrajectoryFiles.readAll(f, null));
        // and the file can still be appended to
        write(f, List.of(Samples.cartPole(3, 5, rng)), true);
        assertEquals(4, TrajectoryFiles.readAll(f, null).size());
    }
}
