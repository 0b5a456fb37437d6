package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.track.Run;
import dev.trail.track.RunInfo;
import dev.trail.track.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail runs ...} and {@code trail plot} over a runs folder with two algorithms × two seeds. */
class RunsAndPlotCommandTest {

    @TempDir
    Path dir;

    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void recordRuns() throws IOException {
        for (String algo : List.of("ppo", "sac")) {
            for (long seed = 1; seed <= 2; seed++) {
                Run.Options opts = Run.Options.defaults().withPlotAtFinish(false).withTensorBoard(false);
                try (Run run = Run.start(dir, new RunInfo("Pendulum-v1", algo, seed, Map.of("lr", 3e-4), List.of("test")), opts)) {
                    for (int k = 1; k <= 20; k++) {
                        double ret = (algo.equals("ppo") ? -1000 : -800) + 30.0 * k + seed;
                        run.log(k * 1000L, Map.of(Run.EPISODIC_RETURN, ret, "losses/policy", 1.0 / k));
                    }
                    run.finish(RunStatus.FINISHED);
                    ids.add(run.id());
                }
            }
        }
    }

    @Test
    void listShowsEveryRunAndFiltersByAlgo() {
        CliRunner r = CliRunner.run("runs", "--dir", dir.toString(), "list");
        assertEquals(0, r.code(), r.err());
        for (String id : ids) {
            assertTrue(r.out().contains(id), id + " missing in\n" + r.out());
        }
        r = CliRunner.run("runs", "--dir", dir.toString(), "list", "--algo", "sac");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sac") && !r.out().contains("__ppo__"), r.out());
    }

    @Test
    void showPrintsConfigProvenanceAndMetrics() {
        CliRunner r = CliRunner.run("runs", "--dir", dir.toString(), "show", ids.get(0));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("charts/episodic_return") && r.out().contains("lr"), r.out());
    }

    @Test
    void compareGroupsByAlgoOverSeeds() {
        CliRunner r = CliRunner.run("runs", "--dir", dir.toString(), "compare", "--group-by", "algo", "--threshold", "-500");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ppo") && r.out().contains("sac"), r.out());
    }

    @Test
    void exportWritesCsvWithEveryValue() throws IOException {
        Path out = dir.resolve("all.csv");
        CliRunner r = CliRunner.run("runs", "--dir", dir.toString(), "export", "--format", "csv", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(1 + 4 * 20 * 2, lines.size(), "header + 4 runs x 20 steps x 2 metrics");
    }

    @Test
    void plotWritesAPngAndRefusesAnUnknownAxis() throws IOException {
        Path png = dir.resolve("curve.png");
        CliRunner r = CliRunner.run("plot", "--dir", dir.toString(), "--metric", "charts/episodic_return", "--smooth", "3",
                "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G');
        r = CliRunner.run("plot", "--dir", dir.toString(), "--x", "episodes", "--out", dir.resolve("b.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("episodes"), r.err());
    }

    @Test
    void deleteRemovesTheRunAndUnknownIdsAreUsageErrors() {
        CliRunner r = CliRunner.run("runs", "--dir", dir.toString(), "delete", ids.get(0));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve(ids.get(0))));
        r = CliRunner.run("runs", "--dir", dir.toString(), "show", "no-such-run");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no-such-run"), r.err());
    }

    @Test
    void missingRunsFolderIsAUsageError() {
        CliRunner r = CliRunner.run("runs", "--dir", dir.resolve("nope").toString(), "list");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope"), r.err());
    }
}
