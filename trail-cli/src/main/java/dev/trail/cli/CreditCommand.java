package dev.trail.cli;

import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.config.Option;
import dev.trail.data.Groups;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectoryJsonl;
import dev.trail.data.TrajectorySink;
import dev.trail.data.TrajectorySource;
import dev.trail.io.AtomicFiles;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trail credit}: per-step advantages and returns for trajectories logged by any system.
 * Reads and writes JSONL and Parquet (by extension; {@code docs/CREDIT.md},
 * {@code docs/TRAJECTORIES.md}). JSONL in and out takes the splice path: the input lines are
 * copied with {@code advantage} and {@code return} inserted, never re-serialised.
 */
@Command(name = "credit", mixinStandardHelpOptions = true,
        description = {"Assign credit: read trajectories (.jsonl or .parquet), write them back with a per-step"
                + " `advantage` and `return` computed by an estimator (.jsonl or .parquet).",
            "Input: Trail's trajectory schema (docs/TRAJECTORIES.md): for JSONL one object per line with `id`, `group`,"
                + " and `steps` (each with `reward` and optionally `value`, `logprob`, `mask`, `action`, `progress`, ...),"
                + " or a single `reward` for an outcome-rewarded trajectory. See docs/CREDIT.md for each estimator's"
                + " required fields."})
final class CreditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--estimator", paramLabel = "NAME", description = "Estimator name (see --list).")
    String estimator;

    @picocli.CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Estimator option, repeatable (see --list for each estimator's options).")
    Map<String, String> settings = new LinkedHashMap<>();

    @picocli.CommandLine.Option(names = "--in", paramLabel = "FILE", description = "Input trajectories (.jsonl or .parquet).")
    Path in;

    @picocli.CommandLine.Option(names = "--out", paramLabel = "FILE",
            description = "Output file (.jsonl or .parquet; written atomically).")
    Path out;

    @picocli.CommandLine.Option(names = "--list", description = "List the estimators with their options and exit.")
    boolean list;

    @picocli.CommandLine.Option(names = "--spark", paramLabel = "MASTER",
            description = "Run on Apache Spark (local[N], spark://HOST:PORT, or 'submit' for spark-submit's master):"
                    + " --in a Parquet file or dataset folder, --out a new dataset folder (docs/SPARK.md).")
    String sparkMaster;

    @picocli.CommandLine.Option(names = "--partitions", defaultValue = "0", paramLabel = "P",
            description = "--spark: tasks (default: 0 = Spark's default parallelism).")
    int partitions;

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
        if (sparkMaster != null) {
            return onSpark(w);
        }
        if (Files.isDirectory(in) && formatOf(in) == TrajectoryFiles.Format.PARQUET) {
            if (!Files.isRegularFile(in.resolve(dev.trail.data.TrajectoryParquet.COMMITTED))) {
                throw new UserError("--in " + in + " is a dataset folder without "
                        + dev.trail.data.TrajectoryParquet.COMMITTED + " (the job that wrote it did not finish)");
            }
        } else if (!Files.isRegularFile(in)) {
            throw new UserError("--in " + in + " does not exist or is not a file");
        }
        Outputs.checkWritable(out, "--out");
        Outputs.checkNotInput(in, "--in", out, "--out");
        w = Outputs.summary(spec, out);
        // .parquet is Parquet; any other name is JSON lines, as before Parquet existed
        TrajectoryFiles.Format inFormat = formatOf(in);
        TrajectoryFiles.Format outFormat = formatOf(out);
        long start = System.nanoTime();
        TrajectoryJsonl.Batch batch = null;
        List<Trajectory> trajectories;
        List<TrajectoryGroup> groups;
        if (inFormat == TrajectoryFiles.Format.JSONL) {
            batch = TrajectoryJsonl.read(in);
            trajectories = batch.trajectories();
            groups = batch.groups();
        } else {
            trajectories = TrajectoryFiles.readAll(in, inFormat);
            if (trajectories.isEmpty()) {
                throw new UserError(in + ": no trajectories (the file is empty)");
            }
            groups = groups(in, trajectories);
        }
        if (AdvantageEstimators.entry(estimator).has(dev.trail.advantage.Capability.NEEDS_TREE)
                && groups.stream().allMatch(g -> g.tree() == null)) {
            throw new UserError("--estimator " + estimator + " needs tree rollouts, but --in " + in
                    + " holds independent (i.i.d.) rollouts: no trajectory has `parent` and `branch_step`; write trees"
                    + " with `trail rollout --tree spo|latr|arpo` (docs/TRAJECTORIES.md)");
        }
        AdvantageResult result;
        try {
            result = est.estimate(groups);
        } catch (IllegalArgumentException e) {
            String msg = batch != null ? batch.locate(e.getMessage()) : e.getMessage();
            if (msg.contains("has no tree")) {
                msg += "; give each branch `parent` and `branch_step` (docs/TRAJECTORIES.md)";
            }
            throw new UserError(in + ": " + msg, e);
        }
        AdvantageResult byTrajectory = inFileOrder(trajectories, groups, result);
        long steps = 0;
        for (Trajectory t : trajectories) {
            steps += t.length();
        }
        try {
            if (batch != null && outFormat == TrajectoryFiles.Format.JSONL) {
                TrajectoryJsonl.Batch b = batch;
                AtomicFiles.write(out, os -> TrajectoryJsonl.writeWithCredit(b, byTrajectory, os));
            } else {
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("trail.credit.estimator", estimator);
                try (TrajectorySink sink = TrajectoryFiles.create(out, outFormat, meta, false)) {
                    for (int i = 0; i < trajectories.size(); i++) {
                        sink.write(withCredit(trajectories.get(i), byTrajectory.advantages()[i],
                                byTrajectory.returns()[i]));
                    }
                    sink.commit();
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot write --out " + out + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf("%s: %d trajectories in %d groups, %d steps -> %s (%.0f steps/s)%n", estimator,
                trajectories.size(), groups.size(), steps, out, steps / Math.max(seconds, 1e-9));
        w.flush();
        return Trail.OK;
    }

    /** The same estimator on a Spark cluster (the trail-spark module): a dataset folder out. */
    private Integer onSpark(PrintWriter w) {
        if (formatOf(in) != TrajectoryFiles.Format.PARQUET || formatOf(out) != TrajectoryFiles.Format.PARQUET) {
            throw new UserError("--spark reads and writes Parquet: give --in and --out names ending in .parquet");
        }
        if (partitions < 0) {
            throw new UserError("--partitions must be >= 0, got " + partitions);
        }
        dev.trail.scale.SparkBackend backend = dev.trail.scale.SparkBackend.find().orElseThrow(() -> new UserError(
                "--spark needs the trail-spark module on the class path (the `trail` launcher adds it when --spark"
                        + " is given; docs/SPARK.md)"));
        if (Files.exists(out)) {
            throw new UserError("--out " + out + " already exists; credit on Spark writes a new dataset folder"
                    + " (remove it or choose another name)");
        }
        dev.trail.scale.SparkBackend.Written r = backend.credit("submit".equals(sparkMaster) ? null : sparkMaster,
                estimator, settings, in, out, partitions);
        w.printf("%s: %d trajectories, %d steps -> %s (%s)%n", estimator, r.trajectories(), r.steps(), out, r.detail());
        w.flush();
        return Trail.OK;
    }

    private static TrajectoryFiles.Format formatOf(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT);
        // a device or FIFO named *.parquet (a link) gets Parquet too; -, /dev/stdout: lines
        return name.endsWith(".parquet") ? TrajectoryFiles.Format.PARQUET : TrajectoryFiles.Format.JSONL;
    }

    private static List<TrajectoryGroup> groups(Path in, List<Trajectory> trajectories) {
        try {
            return Groups.of(trajectories);
        } catch (IllegalArgumentException e) {
            throw new UserError(in + ": " + e.getMessage(), e);
        }
    }

    /** The estimator's rows (group order) in file order. */
    private static AdvantageResult inFileOrder(List<Trajectory> trajectories, List<TrajectoryGroup> groups,
            AdvantageResult r) {
        IdentityHashMap<Trajectory, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < trajectories.size(); i++) {
            index.put(trajectories.get(i), i);
        }
        double[][] adv = new double[trajectories.size()][];
        double[][] ret = new double[trajectories.size()][];
        int row = 0;
        for (TrajectoryGroup g : groups) {
            for (Trajectory t : g.trajectories()) {
                int i = index.get(t);
                adv[i] = r.advantages()[row];
                ret[i] = r.returns()[row];
                row++;
            }
        }
        return new AdvantageResult(adv, ret);
    }

    private static Trajectory withCredit(Trajectory t, double[] advantages, double[] returns) {
        for (int s = 0; s < advantages.length; s++) {
            if (!Double.isFinite(advantages[s]) || !Double.isFinite(returns[s])) {
                throw new UserError("trajectory " + t.id() + ": the estimator produced a non-finite advantage or return"
                        + " at step " + s);
            }
        }
        return t.withExtra("advantage", advantages).withExtra("return", returns);
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
