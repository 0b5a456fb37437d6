package dev.trail.cli;

import dev.trail.algo.TrainingListener;
import dev.trail.track.MetricsListener;
import dev.trail.track.Run;
import dev.trail.track.RunInfo;
import dev.trail.track.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shared by {@code trail sft} and {@code trail train --algo grpo...} on token tasks: starts a
 * tracked run, bridges the trainer's listener to the metrics store and to plain progress lines.
 */
final class LmTraining {

    /** What a token-level trainer runs inside a recorded run. */
    @FunctionalInterface
    interface Body {
        void run(Path runDir, TrainingListener listener) throws IOException;
    }

    private LmTraining() {
    }

    static int run(PrintWriter w, PrintWriter err, Path runsDir, RunInfo info, Body body) throws IOException {
        Files.createDirectories(runsDir);
        Run run = Run.start(runsDir, info, Run.Options.defaults().withPlotAtFinish(false));
        MetricsListener metrics = MetricsListener.recordingTo(run);
        w.println("run " + run.id() + " -> " + run.dir());
        w.flush();
        long start = System.nanoTime();
        long[] lastPrint = {start};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> values) {
                metrics.onUpdate(globalStep, values);
                long now = System.nanoTime();
                boolean eval = values.keySet().stream().anyMatch(k -> k.startsWith("eval/"));
                if (eval || now - lastPrint[0] > 5_000_000_000L) {
                    lastPrint[0] = now;
                    w.println(String.format(Locale.ROOT, "update %d  %s  %s", update, Progress.duration((now - start) / 1e9),
                            brief(values)));
                    w.flush();
                }
            }
        };
        RunStatus status = RunStatus.FAILED;
        try {
            body.run(run.dir(), listener);
            status = RunStatus.FINISHED;
            w.println("run: " + run.dir() + "  (trail runs show " + run.id() + ")");
            w.flush();
            return Trail.OK;
        } catch (dev.trail.algo.TrainingDivergedException e) {
            err.println("train: " + e.getMessage());
            err.flush();
            return Trail.FAILURE;
        } finally {
            run.finish(status);
        }
    }

    /** The headline values of an update, in a fixed order. */
    static String brief(Map<String, Double> values) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("eval/pass@1", "charts/reward_mean", "losses/sft_loss", "losses/policy_loss", "losses/kl",
                "charts/response_length", "charts/tool_call_rate")) {
            Double v = values.get(key);
            if (v != null) {
                parts.add(key.substring(key.indexOf('/') + 1) + " " + String.format(Locale.ROOT, "%.4f", v));
            }
        }
        return String.join("  ", parts);
    }

    static void printEvaluation(PrintWriter w, String label, dev.trail.lm.LmEvaluation.Result r) {
        if (r == null) {
            return;
        }
        w.printf(Locale.ROOT, "%s: held-out pass@1 %.3f%s, response length %.1f, format errors %.3f, tool calls %.3f%n",
                label, r.passAt1(), r.k() > 0 ? String.format(Locale.ROOT, ", pass@%d %.3f", r.k(), r.passAtK()) : "",
                r.meanResponseLength(), r.formatErrorRate(), r.toolCallRate());
        w.flush();
    }
}
