package dev.trail.track;

import dev.trail.track.internal.Json;
import dev.trail.track.query.Results.Listing;
import dev.trail.track.query.Results.MetricSummary;
import dev.trail.track.query.Results.RunDetails;
import dev.trail.track.query.RunFilter;
import dev.trail.track.query.RunRow;
import dev.trail.track.query.RunsQuery;
import dev.trail.track.tensorboard.TensorBoardReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunTest {

    @TempDir
    Path tmp;

    @Test
    void runDirectoryHoldsConfigProvenanceMetricsSummaryTensorBoardAndPlot() throws Exception {
        Path runs = tmp.resolve("runs");
        Run run = Run.start(runs, new RunInfo("CartPole-v1", "ppo", List.of(7L, 8L), TestRuns.config(),
                List.of("train", "CartPole-v1", "--seed", "7")), TestRuns.fast().withPlotAtFinish(true).withWorkDir(Path.of("")));
        assertTrue(run.id().matches("CartPole-v1__ppo__s7__\\d{8}-\\d{6}__[0-9a-f]{4}"), run.id());
        MetricsListener listener = MetricsListener.recordingTo(run);
        for (int i = 1; i <= 30; i++) {
            listener.onEpisode(i * 100L, 10.0 + i, 10 + i);
            listener.onUpdate(i * 100L, Map.of("losses/policy", -0.01 * i, "losses/value", 1.0 / i));
        }
        run.finish(RunStatus.FINISHED);
        assertTrue(run.warnings().isEmpty(), run.warnings().toString());

        Path dir = run.dir();
        for (String f : List.of(Run.CONFIG_FILE, Run.PROVENANCE_FILE, Run.METRICS_FILE, Run.SUMMARY_FILE)) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(Files.isDirectory(dir.resolve(Run.CHECKPOINTS_DIR)));
        Path curve = dir.resolve(Run.PLOTS_DIR).resolve(Run.LEARNING_CURVE_FILE);
        assertTrue(Files.size(curve) > 5_000);
        String example = System.getProperty("trail.track.exampleRunPng");
        if (example != null) {
            Files.copy(curve, Path.of(example), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        // config.yaml reads back to the same values
        assertEquals(TestRuns.config(), ConfigYaml.read(dir.resolve(Run.CONFIG_FILE)));

        Map<String, Object> p = Json.readMap(dir.resolve(Run.PROVENANCE_FILE));
        assertEquals(run.id(), p.get("run_id"));
        assertNotNull(p.get("trail_version"));
        assertEquals(List.of(7, 8), p.get("seeds"));
        assertEquals(List.of("train", "CartPole-v1", "--seed", "7"), p.get("command_line"));
        assertEquals("finished", p.get("exit_status"));
        assertTrue(p.get("start_time").toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), p.get("start_time").toString());
        assertNotNull(p.get("end_time"));
        assertEquals(Runtime.getRuntime().availableProcessors(), p.get("cpus"));
        Map<?, ?> java = (Map<?, ?>) p.get("java");
        assertEquals(System.getProperty("java.version"), java.get("version"));
        assertEquals(System.getProperty("os.name"), ((Map<?, ?>) p.get("os")).get("name"));
        Map<?, ?> deps = (Map<?, ?>) p.get("dependencies");
        assertEquals("2.18.1", deps.get("com.fasterxml.jackson.core:jackson-databind"), deps.toString());
        assertTrue(deps.containsKey("org.duckdb:duckdb_jdbc"), deps.toString());
        // the tests run inside the project's git work tree
        Map<?, ?> git = (Map<?, ?>) p.get("git");
        assertNotNull(git, "git state of the working directory");
        assertTrue(git.get("commit").toString().matches("[0-9a-f]{40}"));
        assertInstanceOf(Boolean.class, git.get("dirty"));

        List<String> lines = Files.readAllLines(dir.resolve(Run.METRICS_FILE));
        assertEquals(MetricsFile.HEADER, lines.get(0));
        assertEquals(1 + 30 * 5, lines.size(), "30 x (return, length, 2 losses, steps/s)");
        assertTrue(lines.stream().anyMatch(l -> l.matches("100,[0-9.E-]+,charts/episodic_return,11.0")));

        Map<String, Object> s = Json.readMap(dir.resolve(Run.SUMMARY_FILE));
        assertEquals("finished", s.get("status"));
        assertEquals(3000, ((Number) s.get("global_step")).intValue());
        assertEquals(35.5, ((Number) s.get("final_return")).doubleValue(), 1e-12, "mean of 31..40");

        try (Stream<Path> files = Files.list(dir)) {
            Path events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
            assertEquals(150, TensorBoardReader.read(events).scalars().size());
        }

        assertThrows(IllegalStateException.class, () -> run.log(1, "charts/x", 1));
        run.finish(RunStatus.FAILED); // second call does nothing
        assertEquals("finished", Json.readMap(dir.resolve(Run.SUMMARY_FILE)).get("status"));
    }

    @Test
    void badMetricNamesAreRejectedWithTheName() throws Exception {
        try (Run run = Run.start(tmp, new RunInfo("E", "a", 1, Map.of(), List.of()), TestRuns.fast())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.log(1, "a,b", 1));
            assertTrue(e.getMessage().contains("a,b"), e.getMessage());
        }
    }

    @Test
    void runsStartedAtTheSameMomentGetDistinctDirectories() throws Exception {
        Path runs = tmp.resolve("runs");
        int n = 8;
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Run>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    Run r = Run.start(runs, new RunInfo("CartPole-v1", "ppo", 1, Map.of("k", 1L), List.of()), TestRuns.fast());
                    r.log(10, "charts/episodic_return", 5);
                    r.finish(RunStatus.FINISHED);
                    return r;
                }));
            }
            Set<Path> dirs = new HashSet<>();
            for (Future<Run> f : futures) {
                dirs.add(f.get().dir());
            }
            assertEquals(n, dirs.size());
            Listing l = RunsQuery.of(runs).list(RunFilter.ALL);
            assertEquals(n, l.runs().size());
            assertTrue(l.warnings().isEmpty(), l.warnings().toString());
            for (RunRow r : l.runs()) {
                assertEquals(RunStatus.FINISHED, r.status());
                assertEquals(5.0, r.finalReturn());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void metricsAreReadableWhileTheRunGoes() throws Exception {
        Path runs = tmp.resolve("runs");
        try (Run run = Run.start(runs, new RunInfo("Pendulum-v1", "sac", 3, Map.of(), List.of()), TestRuns.fast())) {
            for (int i = 1; i <= 20; i++) {
                run.log(i, i * 0.1, Run.EPISODIC_RETURN, -100 + i);
            }
            // no explicit flush: the background flusher must write within the (50 ms) interval
            RunDetails d = null;
            for (int attempt = 0; attempt < 100; attempt++) {
                Thread.sleep(20);
                d = RunsQuery.of(runs).show(run.id());
                if (!d.metrics().isEmpty() && d.metrics().get(0).count() == 20 && d.run().globalStep() == 20) {
                    break;
                }
            }
            assertEquals(RunStatus.RUNNING, d.run().status());
            MetricSummary m = d.metrics().get(0);
            assertEquals(Run.EPISODIC_RETURN, m.name());
            assertEquals(20, m.count());
            assertEquals(-80.0, m.last());
            assertEquals(-80.0, m.best());
            assertEquals(20, m.bestStep());
            assertEquals(-84.5, m.finalValue(), 1e-12, "mean of the last 10: -89..-80");
            assertEquals(20, d.run().globalStep());
        }
    }

    @Test
    void aRunRecordedAsRunningWhosePidIsGoneIsCrashed() throws Exception {
        Path runs = tmp.resolve("runs");
        Run run = TestRuns.finishedRun(runs, "CartPole-v1", "ppo", 1, new double[]{1, 2, 3}, 10, 1);
        Process p = new ProcessBuilder(javaBinary(), "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        Path summary = run.dir().resolve(Run.SUMMARY_FILE);
        Map<String, Object> s = Json.readMap(summary);
        s.put("status", "running");
        s.put("pid", p.pid());
        Json.writeAtomic(summary, s);
        RunRow row = RunsQuery.of(runs).list(RunFilter.ALL).runs().get(0);
        assertEquals(RunStatus.CRASHED, row.status());
        assertEquals(1, RunsQuery.of(runs).list(RunsQuery.filter(null, null, List.of("crashed"), null)).runs().size());
        assertEquals(0, RunsQuery.of(runs).list(RunsQuery.filter(null, null, List.of("running"), null)).runs().size());
    }

    @Test
    void aRunKilledWithSigkillKeepsItsFlushedMetricsAndListsAsCrashed() throws Exception {
        Path runs = tmp.resolve("runs");
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "-Djava.awt.headless=true", CrashingRunMain.class.getName(), runs.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new String(child.getInputStream().readNBytes(6));
            assertEquals("READY\n", line, "child reported ready");
            // listed as running while the child lives
            Listing live = RunsQuery.of(runs).list(RunFilter.ALL);
            assertEquals(RunStatus.RUNNING, live.runs().get(0).status());
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
        }
        Listing l = RunsQuery.of(runs).list(RunFilter.ALL);
        assertEquals(1, l.runs().size());
        RunRow row = l.runs().get(0);
        assertEquals(RunStatus.CRASHED, row.status());
        assertTrue(l.warnings().isEmpty(), l.warnings().toString());
        RunDetails d = RunsQuery.of(runs).show(row.id());
        MetricSummary ret = d.metrics().stream().filter(m -> m.name().equals(Run.EPISODIC_RETURN)).findFirst().orElseThrow();
        assertEquals(CrashingRunMain.FLUSHED, ret.count(), "everything up to the last flush, nothing after");
        assertNull(Json.readMap(row.dir().resolve(Run.PROVENANCE_FILE)).get("exit_status"));
    }

    @Test
    void aRunStoppedWithSigtermIsRecordedAsInterrupted() throws Exception {
        Path runs = tmp.resolve("runs");
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "-Djava.awt.headless=true", CrashingRunMain.class.getName(), runs.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertEquals("READY\n", new String(child.getInputStream().readNBytes(6)));
        } finally {
            child.destroy(); // SIGTERM: shutdown hooks run
            child.waitFor();
        }
        RunRow row = RunsQuery.of(runs).list(RunFilter.ALL).runs().get(0);
        assertEquals(RunStatus.INTERRUPTED, row.status());
        MetricSummary ret = RunsQuery.of(runs).show(row.id()).metrics().get(0);
        assertEquals(CrashingRunMain.FLUSHED + 20, ret.count(), "the hook flushes what was buffered");
        assertEquals("interrupted", Json.readMap(row.dir().resolve(Run.PROVENANCE_FILE)).get("exit_status"));
    }

    /**
     * Two threads log enough rows to trigger the inline flush of log() while a third keeps calling
     * flush(), as the background flusher does: nothing may deadlock or get lost.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void manyScalarsFromSeveralThreadsAllReachTheFile() throws Exception {
        Run run = Run.start(tmp, new RunInfo("E", "a", 1, Map.of(), List.of()),
                TestRuns.fast().withTensorBoard(false).withFlushInterval(java.time.Duration.ofSeconds(5)));
        int threads = 2;
        int perThread = Run.INLINE_FLUSH_ROWS / 2 + 1000; // 2 scalars per call: both threads pass the threshold
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            String name = "charts/t" + t;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    run.log(i, i * 1e-3, Map.of(name, (double) i, "losses/x", 0.5));
                }
            });
            ts[t].start();
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread flusher = new Thread(() -> {
            while (!done.get()) {
                try {
                    run.flush();
                    Thread.sleep(1);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
        });
        flusher.start();
        for (Thread t : ts) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        done.set(true);
        flusher.join();
        long total = 2L * threads * perThread;
        System.out.printf("logged %d scalars in %.3f s (%.0f ns each, including contention)%n", total, seconds, seconds * 1e9 / total);
        run.finish(RunStatus.FINISHED);
        long[] count = new long[1];
        MetricsFile.ReadResult rr = MetricsFile.read(run.dir().resolve(Run.METRICS_FILE), null, (l, st, w, n, v) -> count[0]++);
        assertFalse(rr.damaged());
        assertEquals(total, count[0]);
        Map<String, Object> s = Json.readMap(run.dir().resolve(Run.SUMMARY_FILE));
        assertEquals(total, ((Number) s.get("rows")).longValue());
        assertEquals(MetricsFile.crc32c(run.dir().resolve(Run.METRICS_FILE), ((Number) s.get("metrics_bytes")).longValue()),
                ((Number) s.get("metrics_crc32c")).longValue());
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void closingWithoutFinishMarksTheRunFinished() throws Exception {
        Run run = Run.start(tmp, new RunInfo("E", "a", 1, Map.of(), List.of()), TestRuns.fast());
        run.close();
        assertEquals("finished", Json.readMap(run.dir().resolve(Run.SUMMARY_FILE)).get("status"));
        assertFalse(Files.exists(run.dir().resolve(Run.PLOTS_DIR).resolve(Run.LEARNING_CURVE_FILE)));
    }
}
