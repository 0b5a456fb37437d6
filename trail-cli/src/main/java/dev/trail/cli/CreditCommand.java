package dev.trail.cli;

import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.config.Option;
import dev.trail.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trail credit}: per-step advantages and returns for trajectories logged by any system.
 * The JSONL format is documented in {@code docs/CREDIT.md} and in {@link TrajectoryJsonl}.
 */
@Command(name = "credit", mixinStandardHelpOptions = true,
        description = {"Assign credit: read trajectories as JSON lines, write them back with a per-step"
                + " `advantage` and `return` computed by an estimator.",
            "Input: one JSON object per line with `id`, `group`, and `steps` (each with `reward` and optionally"
                + " `value`, `logprob`, `mask`, `progress`, ...), or a single `reward` for an outcome-rewarded"
                + " trajectory. See docs/CREDIT.md."})
final class CreditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--estimator", paramLabel = "NAME", description = "Estimator name (see --list).")
    String estimator;

    @picocli.CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Estimator option, repeatable (see --list for each estimator's options).")
    Map<String, String> settings = new LinkedHashMap<>();

    @picocli.CommandLine.Option(names = "--in", paramLabel = "FILE.jsonl", description = "Input trajectories.")
    Path in;

    @picocli.CommandLine.Option(names = "--out", paramLabel = "FILE.jsonl", description = "Output file (written atomically).")
    Path out;

    @picocli.CommandLine.Option(names = "--list", description = "List the estimators with their options and exit.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        if (list) {
            printList(w);
            return Trail.OK;
        }
        if (estimator == null || in == null || out == null) {
            throw new UserError("--estimator, --in and --out are required (or use --list)");
        }
        AdvantageEstimator est = AdvantageEstimators.create(estimator, settings);
        if (!Files.isRegularFile(in)) {
            throw new UserError("--in " + in + " does not exist or is not a file");
        }
        Outputs.checkWritable(out, "--out");
        long start = System.nanoTime();
        TrajectoryJsonl.Batch batch = TrajectoryJsonl.read(in);
        AdvantageResult result;
        try {
            result = est.estimate(batch.groups());
        } catch (IllegalArgumentException e) {
            throw new UserError(in + ": " + batch.locate(e.getMessage()), e);
        }
        AdvantageResult byLine = batch.toLineOrder(result);
        try {
            AtomicFiles.write(out, os -> TrajectoryJsonl.writeWithCredit(batch, byLine, os));
        } catch (IOException e) {
            throw new UserError("cannot write --out " + out + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf("%s: %d trajectories in %d groups, %d steps -> %s (%.0f steps/s)%n", estimator,
                batch.lines().size(), batch.groups().size(), batch.totalSteps(), out,
                batch.totalSteps() / Math.max(seconds, 1e-9));
        w.flush();
        return Trail.OK;
    }

    private static void printList(PrintWriter w) {
        for (AdvantageEstimators.Entry e : AdvantageEstimators.entries()) {
            w.println(e.name() + " - " + e.description());
            for (Option o : e.options()) {
                w.printf("    %s=%s  %s  (%s)%n", o.name(), o.defaultValue(), o.description(), o.rangeText());
            }
        }
        w.flush();
    }
}
