package dev.trail.track.query;

import dev.trail.track.Run;
import dev.trail.track.RunStatus;
import dev.trail.track.TestRuns;
import dev.trail.track.query.Results.Comparison;
import dev.trail.track.query.Results.Export;
import dev.trail.track.query.Results.GroupStats;
import dev.trail.track.query.Results.Listing;
import dev.trail.track.query.Results.RunDetails;
import dev.trail.track.query.RunsQuery.CompareRequest;
import dev.trail.track.query.RunsQuery.ExportFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunsQueryTest {

    @TempDir
    Path tmp;
    Path runs;
    Run a;
    Run b;
    Run c;

    /**
     * Three ppo seeds and two dqn seeds on CartPole-v1, one episode every 100 steps and 1 s.
     * With window 2 (final = mean of the last 2 returns; threshold on the 2-point moving average):
     * <pre>
     *   ppo a: 2 6 10 14  final 12  moving 2 4 8 12  reaches 8 at step 300, 3 s
     *   ppo b: 4 8 12 16  final 14  moving 4 6 10 14 reaches 8 at step 300, 3 s
     *   ppo c: 0 2 4 10   final 7   moving 0 1 3 7   never
     *   dqn:   1 1 1 1 / 3 3 3 3  finals 1 and 3
     * </pre>
     */
    @BeforeEach
    void fiveRuns() throws Exception {
        runs = tmp.resolve("runs");
        a = TestRuns.finishedRun(runs, "CartPole-v1", "ppo", 1, new double[]{2, 6, 10, 14}, 100, 1);
        b = TestRuns.finishedRun(runs, "CartPole-v1", "ppo", 2, new double[]{4, 8, 12, 16}, 100, 1);
        c = TestRuns.finishedRun(runs, "CartPole-v1", "ppo", 3, new double[]{0, 2, 4, 10}, 100, 1);
        TestRuns.finishedRun(runs, "CartPole-v1", "dqn", 1, new double[]{1, 1, 1, 1}, 100, 1);
        TestRuns.finishedRun(runs, "CartPole-v1", "dqn", 2, new double[]{3, 3, 3, 3}, 100, 1);
    }

    @Test
    void listFiltersByEnvAlgoAndStatus() throws Exception {
        RunsQuery q = RunsQuery.of(runs);
        Listing all = q.list(RunFilter.ALL);
        assertEquals(5, all.runs().size());
        assertTrue(all.warnings().isEmpty(), all.warnings().toString());
        assertEquals(3, q.list(RunsQuery.filter("CartPole-v1", "ppo", null, null)).runs().size());
        assertEquals(2, q.list(RunsQuery.filter(null, "DQN", List.of("finished"), null)).runs().size());
        assertEquals(0, q.list(RunsQuery.filter("Acrobot-v1", null, null, null)).runs().size());
        assertEquals(0, q.list(RunsQuery.filter(null, null, List.of("crashed"), null)).runs().size());
        RunRow row = q.list(RunFilter.ids(List.of(a.id()))).runs().get(0);
        assertEquals(400, row.globalStep());
        assertEquals(4, row.episodes());
        assertEquals(8.0, row.finalReturn(), 1e-12, "mean of the last 10 (here all 4) returns");
        String table = all.toTable();
        assertTrue(table.startsWith("id"), table);
        assertTrue(table.contains(a.id()), table);
    }

    @Test
    void showGivesConfigProvenanceAndFinalAndBestOfEachMetric() throws Exception {
        RunDetails d = RunsQuery.of(runs).show(c.id().substring(0, c.id().length() - 2));
        assertEquals(c.id(), d.run().id());
        assertEquals(TestRuns.config(), d.config());
        assertEquals("finished", d.provenance().get("exit_status"));
        Map<String, Results.MetricSummary> m = new LinkedHashMap<>();
        d.metrics().forEach(s -> m.put(s.name(), s));
        assertEquals(List.of("charts/episodic_return", "charts/learning_rate", "losses/policy"), List.copyOf(m.keySet()));
        Results.MetricSummary ret = m.get("charts/episodic_return");
        assertEquals(10.0, ret.last());
        assertEquals(4.0, ret.finalValue(), 1e-12, "mean of 0 2 4 10");
        assertEquals(10.0, ret.best());
        assertEquals(400, ret.bestStep());
        Results.MetricSummary loss = m.get("losses/policy");
        assertEquals(0.25, loss.best(), "lower is better for losses");
        assertEquals(400, loss.bestStep());
        assertEquals(1.0, loss.max());
        String text = d.toText();
        assertTrue(text.contains("gae_lambda: 0.95"), text);
        assertTrue(text.contains("charts/episodic_return"), text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunsQuery.of(runs).show("CartPole-v1__ppo"));
        assertTrue(e.getMessage().contains("matches 3 runs"), e.getMessage());
    }

    @Test
    void compareAddsRliableStatisticsOverEnvsAndRuns() throws Exception {
        // plus one run per algo on a second env: ppo final 2.5, dqn final 10
        TestRuns.finishedRun(runs, "Pendulum-v1", "ppo", 1, new double[]{0, 0, 0, 5}, 100, 1);
        TestRuns.finishedRun(runs, "Pendulum-v1", "dqn", 1, new double[]{10, 10, 10, 10}, 100, 1);
        Comparison cmp = RunsQuery.of(runs).compare(CompareRequest.of(RunFilter.ALL).withWindow(2)
                .withGroupBy(List.of("algo")).withStat(Rliable.Statistic.IQM).withImprovement(List.of("ppo", "dqn"))
                .withBootstrapReps(2000));
        Results.Aggregate dqn = cmp.aggregates().get(0);
        Results.Aggregate ppo = cmp.aggregates().get(1);
        assertEquals(List.of("CartPole-v1", "Pendulum-v1"), ppo.tasks());
        // ppo finals 2.5 7 12 14: one cut from each end -> (7 + 12)/2; dqn 1 3 10: nothing cut -> 14/3
        assertEquals(9.5, ppo.value(), 1e-12);
        assertEquals(14.0 / 3, dqn.value(), 1e-12);
        assertTrue(ppo.ciLow() <= 9.5 && 9.5 <= ppo.ciHigh() && ppo.ciLow() < ppo.ciHigh(), ppo.toString());
        // CartPole: every ppo run beats every dqn run (1); Pendulum: 2.5 < 10 (0) -> 0.5, and no
        // resample within envs can change either term, so the interval is [0.5, 0.5]
        Results.Improvement imp = cmp.improvement();
        assertEquals(0.5, imp.probability(), 1e-12);
        assertEquals(0.5, imp.ciLow(), 1e-12);
        assertEquals(0.5, imp.ciHigh(), 1e-12);
        String table = cmp.toTable();
        assertTrue(table.contains("iqm 95% CI (bootstrap)") && table.contains("9.5") && table.contains("P(ppo > dqn) = 0.5"),
                table);

        Comparison mean = RunsQuery.of(runs).compare(CompareRequest.of(RunFilter.ALL).withWindow(2)
                .withGroupBy(List.of("algo")).withStat(Rliable.Statistic.MEAN).withBootstrapReps(100));
        assertEquals((11 + 2.5) / 2, mean.aggregates().get(1).value(), 1e-12, "mean of the per-env means");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunsQuery.of(runs)
                .compare(CompareRequest.of(RunFilter.ALL).withGroupBy(List.of("algo")).withImprovement(List.of("ppo", "sac"))));
        assertTrue(e.getMessage().contains("no group 'sac'"), e.getMessage());
    }

    @Test
    void compareMatchesHandComputedStatistics() throws Exception {
        Comparison cmp = RunsQuery.of(runs).compare(CompareRequest.of(RunFilter.ALL).withWindow(2).withThreshold(8.0));
        assertTrue(cmp.warnings().isEmpty(), cmp.warnings().toString());
        assertEquals(2, cmp.groups().size());
        GroupStats dqn = cmp.groups().get(0);
        GroupStats ppo = cmp.groups().get(1);
        assertEquals(Map.of("algo", "dqn", "env", "CartPole-v1"), dqn.key());
        assertEquals(3, ppo.n());
        // finals 12, 14, 7: mean 11; deviations 1, 3, -4: s² = 26/2 = 13
        assertEquals(11.0, ppo.mean(), 1e-12);
        assertEquals(Math.sqrt(13), ppo.std(), 1e-12);
        // t(0.975, 2) = 4.302653; half-width = 4.302653 * sqrt(13) / sqrt(3) = 8.95668
        assertEquals(11 - 8.956681, ppo.ciLow(), 1e-5);
        assertEquals(11 + 8.956681, ppo.ciHigh(), 1e-5);
        assertEquals(2, ppo.reached());
        assertEquals(300.0, ppo.stepsToThreshold(), 1e-12);
        assertEquals(3.0, ppo.secondsToThreshold(), 1e-12);
        assertEquals(400.0, ppo.meanSteps());
        // dqn finals 1, 3: mean 2, std sqrt(2); t(0.975, 1) = 12.706205; half = 12.706205
        assertEquals(2.0, dqn.mean(), 1e-12);
        assertEquals(Math.sqrt(2), dqn.std(), 1e-12);
        assertEquals(2 + 12.706205, dqn.ciHigh(), 1e-5);
        assertEquals(0, dqn.reached());
        assertTrue(Double.isNaN(dqn.stepsToThreshold()));
        String table = cmp.toTable();
        assertTrue(table.contains("11.0 ± 3.606"), table);
        assertTrue(table.contains("2/3"), table);

        Comparison bySeed = RunsQuery.of(runs).compare(CompareRequest.of(RunsQuery.filter(null, "ppo", null, null))
                .withGroupBy(List.of("algo", "seed")).withWindow(2));
        assertEquals(3, bySeed.groups().size());
        assertEquals(1, bySeed.groups().get(0).n());
        assertTrue(Double.isNaN(bySeed.groups().get(0).ciLow()), "no interval from one run");
        assertThrows(IllegalArgumentException.class, () -> CompareRequest.of(RunFilter.ALL).withGroupBy(List.of("colour")));
    }

    @Test
    void exportCsvAndParquetReadBackThroughDuckDb() throws Exception {
        RunsQuery q = RunsQuery.of(runs);
        Export csv = q.export(RunFilter.ALL, ExportFormat.CSV, tmp.resolve("out/all.csv"));
        Export parquet = q.export(RunsQuery.filter(null, "ppo", null, null), ExportFormat.PARQUET, tmp.resolve("out/ppo.parquet"));
        assertEquals(5 * 12, csv.rows());
        assertEquals(3 * 12, parquet.rows());
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT run_id), sum(value) FILTER (WHERE name = 'charts/episodic_return') "
                    + "FROM read_csv('" + csv.file() + "', header = true)")) {
                rs.next();
                assertEquals(60, rs.getLong(1));
                assertEquals(5, rs.getLong(2));
                assertEquals(32 + 40 + 16 + 4 + 12, rs.getDouble(3), 1e-9);
            }
            try (ResultSet rs = st.executeQuery("SELECT algo, count(*), max(step), min(seed) FROM read_parquet('" + parquet.file() + "') GROUP BY algo")) {
                rs.next();
                assertEquals("ppo", rs.getString(1));
                assertEquals(36, rs.getLong(2));
                assertEquals(400, rs.getLong(3));
                assertEquals(1, rs.getLong(4));
                assertFalse(rs.next());
            }
        }
        assertEquals("step,wall_time", Files.readAllLines(csv.file()).get(0).split(",", 7)[5] + "," + "wall_time");
    }

    @Test
    void deleteRemovesRunDirectories() throws Exception {
        RunsQuery q = RunsQuery.of(runs);
        Results.Deletion d = q.delete(List.of(a.id()), false);
        assertEquals(List.of(a.dir().toAbsolutePath().normalize()), d.deleted());
        assertFalse(Files.exists(a.dir()));
        assertEquals(4, q.list(RunFilter.ALL).runs().size());
        assertThrows(IllegalArgumentException.class, () -> q.delete(List.of("CartPole-v1__ppo"), false), "ambiguous prefix");
        assertThrows(IllegalArgumentException.class, () -> q.delete(List.of("nope"), false));
        try (Run live = Run.start(runs, new dev.trail.track.RunInfo("E", "a", 1, Map.of(), List.of()), TestRuns.fast())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.delete(List.of(live.id()), false));
            assertTrue(e.getMessage().contains("still running"), e.getMessage());
        }
    }

    @Test
    void damagedFilesAreReportedWithTheirPathWhileTheOtherRunsStillAnswer() throws Exception {
        Path cMetrics = c.dir().resolve(Run.METRICS_FILE);
        List<String> lines = Files.readAllLines(cMetrics);
        // same length, so only the checksum (list --verify) or parsing (compare, show) can tell
        String garbage = "3\u0000\u0007garbage;;not,a,row,at,all -- a line longer than the one it replaces";
        lines.set(5, garbage.substring(0, lines.get(5).length()));
        Files.write(cMetrics, lines);
        Path bMetrics = b.dir().resolve(Run.METRICS_FILE);
        byte[] bytes = Files.readAllBytes(bMetrics);
        Files.write(bMetrics, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path dqnSummary = RunsQuery.of(runs).list(RunsQuery.filter(null, "dqn", null, null)).runs().get(0).dir().resolve(Run.SUMMARY_FILE);
        Files.writeString(dqnSummary, "{\"run_id\": \"x\", \"status\": ", StandardOpenOption.TRUNCATE_EXISTING);

        RunsQuery q = RunsQuery.of(runs);
        Listing quick = q.list(RunFilter.ALL);
        assertEquals(5, quick.runs().size(), "every run still lists");
        assertTrue(quick.warnings().stream().anyMatch(w -> w.contains(bMetrics.toString()) && w.contains("truncated")), quick.warnings().toString());
        assertTrue(quick.warnings().stream().anyMatch(w -> w.contains(dqnSummary.toString())), quick.warnings().toString());
        assertEquals(1, quick.runs().stream().filter(r -> r.status() == RunStatus.DAMAGED).count());
        assertTrue(quick.warnings().stream().noneMatch(w -> w.contains(cMetrics.toString())), "same-size damage needs --verify");

        Listing verified = q.list(RunFilter.ALL, true);
        assertTrue(verified.warnings().stream().anyMatch(w -> w.contains(cMetrics.toString()) && w.contains("checksum")), verified.warnings().toString());

        Comparison cmp = q.compare(CompareRequest.of(RunsQuery.filter(null, "ppo", null, null)).withWindow(2));
        assertTrue(cmp.warnings().stream().anyMatch(w -> w.contains(cMetrics.toString()) && w.contains("line 6")), cmp.warnings().toString());
        assertTrue(cmp.warnings().stream().anyMatch(w -> w.contains(bMetrics.toString())), cmp.warnings().toString());
        assertEquals(1, cmp.groups().get(0).n(), "only the intact ppo run is compared");
        assertEquals(12.0, cmp.groups().get(0).mean(), 1e-12);
        assertEquals(List.of(a.id()), cmp.groups().get(0).runIds());

        RunDetails shown = q.show(c.id());
        assertTrue(shown.warnings().stream().anyMatch(w -> w.contains(cMetrics.toString())), shown.warnings().toString());
        assertFalse(shown.metrics().isEmpty(), "the readable rows are still shown");
    }

    @Test
    void aRunStillStartingIsSkippedButAnOldOneWithoutSummaryIsDamaged() throws Exception {
        Path dir = Files.createDirectory(runs.resolve("CartPole-v1__ppo__s9__20260101-000000__beef"));
        Files.writeString(dir.resolve(Run.PROVENANCE_FILE), "{\"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"seeds\": [9]}");
        Listing young = RunsQuery.of(runs).list(RunFilter.ALL);
        assertEquals(5, young.runs().size());
        assertTrue(young.warnings().isEmpty(), young.warnings().toString());
        Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        Listing old = RunsQuery.of(runs).list(RunFilter.ALL);
        assertEquals(6, old.runs().size());
        RunRow damaged = old.runs().stream().filter(r -> r.status() == RunStatus.DAMAGED).findFirst().orElseThrow();
        assertEquals(9, damaged.seed());
        assertEquals(List.of("damaged run file " + dir.resolve(Run.SUMMARY_FILE) + ": missing"), old.warnings());
    }

    @Test
    void listsAThousandSmallRuns() throws Exception {
        Path many = tmp.resolve("many");
        Files.createDirectories(many);
        for (int i = 0; i < 1000; i++) {
            String id = "CartPole-v1__ppo__s" + i + "__20260101-000000__" + String.format("%04x", i);
            Path dir = Files.createDirectory(many.resolve(id));
            byte[] metrics = (dev.trail.track.MetricsFile.HEADER + "\n100,1.0,charts/episodic_return," + i + ".0\n").getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve(Run.METRICS_FILE), metrics);
            // plain writes: this is scaffolding, the runs themselves write through temp + rename
            Files.writeString(dir.resolve(Run.SUMMARY_FILE), """
                    {"run_id": "%s", "env": "CartPole-v1", "algo": "%s", "seed": %d, "status": "finished",
                     "start_time": "2026-01-01T00:00:00Z", "global_step": 100, "final_return": %d.0,
                     "metrics_bytes": %d, "metrics": {"charts/episodic_return": {"count": 1}}}
                    """.formatted(id, i % 2 == 0 ? "ppo" : "dqn", i, i, metrics.length));
        }
        RunsQuery q = RunsQuery.of(many);
        q.list(RunFilter.ALL); // warm up
        long t0 = System.nanoTime();
        Listing l = q.list(RunFilter.ALL);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("list over 1000 runs: " + ms + " ms");
        assertEquals(1000, l.runs().size());
        assertTrue(l.warnings().isEmpty(), l.warnings().toString());
        assertEquals(500, q.list(RunsQuery.filter(null, "dqn", null, null)).runs().size());
    }
}
