package dev.trail.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trail.data.DatasetStats;
import dev.trail.data.Splits;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectoryJsonl;
import dev.trail.data.TrajectorySink;
import dev.trail.data.TrajectorySource;
import dev.trail.trajectory.Trajectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trail data}: look into, sample, split and convert trajectory datasets in Trail's schema
 * ({@code docs/TRAJECTORIES.md}): JSONL, Parquet and Minari folders.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Trajectory datasets (JSONL, Parquet, Minari): info, stats, sample, split, convert, import, export,"
                + " label-actions, drop-actions.",
        subcommands = {DataCommand.Info.class, DataCommand.StatsCmd.class, DataCommand.Sample.class,
            DataCommand.Split.class, DataCommand.Convert.class, DataCommand.Import.class, DataCommand.Export.class,
            ActionLabelCommands.LabelActions.class, ActionLabelCommands.DropActions.class})
final class DataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Trail.USAGE;
    }

    static TrajectoryFiles.Format format(String name) {
        return name == null ? null : TrajectoryFiles.Format.parse(name);
    }

    static TrajectorySource open(Path file, String format) throws IOException {
        if (!Files.exists(file)) {
            throw new UserError(file + " does not exist");
        }
        return TrajectoryFiles.open(file, format(format));
    }

    /** Copies {@code in} to {@code out} (format by extension or {@code format}); returns the trajectory count. */
    static long convert(Path in, String inFormat, Path out, String outFormat, boolean append) throws IOException {
        TrajectoryFiles.Format of = outFormat != null ? format(outFormat) : TrajectoryFiles.formatOf(out);
        if (of != TrajectoryFiles.Format.MINARI) {
            Outputs.checkWritable(out, "--out");
        }
        Outputs.checkNotInput(in, "IN", out, "OUT");
        try (TrajectorySource src = open(in, inFormat);
                TrajectorySink sink = TrajectoryFiles.create(out, of, src.metadata(), append)) {
            long n = TrajectoryFiles.copy(src, sink);
            if (n == 0) {
                throw new UserError(in + ": no trajectories");
            }
            sink.commit();
            return n;
        }
    }

    /** Refuses a dataset whose observations or actions do not fit {@code envId}'s spaces, naming both. */
    static void checkFits(DatasetStats s, String envId) {
        dev.trail.env.EnvSpec spec = TrainCommand.envSpec(envId);
        try (dev.trail.env.Env<?, ?> env = spec.make()) {
            int obs = env.observationSpace().flatSize();
            if (s.observationSize() >= 0 && s.observationSize() != obs) {
                throw new UserError("the dataset's observations have " + s.observationSize() + " values but " + envId
                        + " observes " + env.observationSpace());
            }
            if (s.actionSize() >= 0) {
                if (env.actionSpace() instanceof dev.trail.space.Discrete d) {
                    if (s.actionSize() != 1 || s.actionMin() < d.start() || s.actionMax() >= d.start() + d.n()) {
                        throw new UserError("the dataset's actions (" + s.actionDescription() + ") are not in " + envId
                                + "'s " + d);
                    }
                } else if (s.actionSize() != env.actionSpace().flatSize()) {
                    throw new UserError("the dataset's actions have " + s.actionSize() + " values but " + envId
                            + " acts in " + env.actionSpace());
                }
            }
        }
    }

    static String fmt(double v) {
        return Tables.number(v);
    }

    /** {@code trail data info FILE}. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Episodes, steps, return and length distribution, observation and action shapes, fields.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "A .jsonl or .parquet file or a Minari dataset folder.")
        Path file;

        @Option(names = "--format", paramLabel = "jsonl|parquet|minari", description = "Override the format (default: by extension).")
        String format;

        @Option(names = "--env", paramLabel = "ID",
                description = "Also check that the dataset fits this environment's spaces (exit 2 naming the mismatch).")
        String envId;

        @Override
        public Integer call() throws IOException {
            DatasetStats s;
            Map<String, String> meta;
            try (TrajectorySource src = open(file, format)) {
                s = DatasetStats.of(src);
                meta = src.metadata();
            }
            PrintWriter w = spec.commandLine().getOut();
            Stats r = Stats.of(s.returns());
            Stats l = Stats.of(s.lengths());
            w.println("file: " + file);
            w.printf(Locale.ROOT, "trajectories: %d (%d terminated, %d truncated), steps: %d, groups: %d%n",
                    s.trajectories(), s.terminatedCount(), s.truncatedCount(), s.steps(), s.groupCount());
            if (!s.tasks().isEmpty()) {
                w.println("tasks: " + String.join(", ", s.tasks()));
            }
            w.printf("return: mean %s ± %s, min %s, p25 %s, median %s, p75 %s, max %s%n", fmt(r.mean()), fmt(r.std()),
                    fmt(r.min()), fmt(DatasetStats.quantile(s.returns(), 0.25)), fmt(DatasetStats.quantile(s.returns(), 0.5)),
                    fmt(DatasetStats.quantile(s.returns(), 0.75)), fmt(r.max()));
            w.printf("length: mean %s, min %s, max %s%n", fmt(l.mean()), fmt(l.min()), fmt(l.max()));
            w.println("observation: " + (s.observationSize() < 0 ? "none" : "float[" + s.observationSize() + "]"));
            w.println("action: " + s.actionDescription());
            w.println("optional fields: " + (s.fields().isEmpty() ? "none" : String.join(", ", s.fields())));
            if (!meta.isEmpty()) {
                w.println("metadata:");
                meta.forEach((k, v) -> w.println("  " + k + ": " + v));
            }
            if (envId != null) {
                checkFits(s, envId);
                w.println("fits " + envId + ": yes");
            }
            w.flush();
            return Trail.OK;
        }
    }

    /** {@code trail data stats FILE}. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Return quantiles, overall and per policy / source when those labels exist.")
    static final class StatsCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--format", paramLabel = "jsonl|parquet|minari")
        String format;

        @Override
        public Integer call() throws IOException {
            DatasetStats s;
            try (TrajectorySource src = open(file, format)) {
                s = DatasetStats.of(src);
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"subset", "trajectories", "mean", "std", "min", "p10", "p25", "p50", "p75", "p90", "max"});
            rows.add(row("all", s.returns()));
            s.returnsByLabel().forEach((label, m) -> m.forEach((v, rs) -> rows.add(row(label + "=" + v, rs))));
            PrintWriter w = spec.commandLine().getOut();
            w.println("returns of " + s.trajectories() + " trajectories (" + s.steps() + " steps) in " + file);
            Tables.print(w, rows);
            w.flush();
            return Trail.OK;
        }

        private static String[] row(String name, double[] r) {
            Stats st = Stats.of(r);
            return new String[] {name, Integer.toString(r.length), fmt(st.mean()), fmt(st.std()), fmt(st.min()),
                fmt(DatasetStats.quantile(r, 0.1)), fmt(DatasetStats.quantile(r, 0.25)), fmt(DatasetStats.quantile(r, 0.5)),
                fmt(DatasetStats.quantile(r, 0.75)), fmt(DatasetStats.quantile(r, 0.9)), fmt(st.max())};
        }
    }

    /** {@code trail data sample FILE --n N}. */
    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Print N trajectories, chosen uniformly at random (seeded), as JSON lines.")
    static final class Sample implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--format", paramLabel = "jsonl|parquet|minari")
        String format;

        @Option(names = "--n", defaultValue = "3", paramLabel = "N", description = "How many (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            UserError.requirePositive("--n", n);
            // reservoir sampling (Algorithm R): one pass, never more than n trajectories held
            List<Trajectory> chosen = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(seed);
            long seen = 0;
            try (TrajectorySource src = open(file, format)) {
                Trajectory t;
                while ((t = src.next()) != null) {
                    if (chosen.size() < n) {
                        chosen.add(t);
                    } else {
                        long j = rng.nextLong(seen + 1);
                        if (j < n) {
                            chosen.set((int) j, t);
                        }
                    }
                    seen++;
                }
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(buf, JsonEncoding.UTF8)) {
                g.setRootValueSeparator(null);
                for (Trajectory t : chosen) {
                    TrajectoryJsonl.writeTrajectory(g, t, null, null);
                    g.writeRaw('\n');
                }
            }
            PrintWriter w = spec.commandLine().getOut();
            w.print(buf.toString(StandardCharsets.UTF_8));
            w.flush();
            return Trail.OK;
        }
    }

    /** {@code trail data split FILE --validation F --seed S --out-train A --out-validation B}. */
    @Command(name = "split", mixinStandardHelpOptions = true,
            description = "Split into train and validation files by trajectory (a group's trajectories stay together), seeded.")
    static final class Split implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--format", paramLabel = "jsonl|parquet|minari")
        String format;

        @Option(names = "--validation", defaultValue = "0.1", paramLabel = "F",
                description = "Fraction of trajectories (groups) for validation (default: ${DEFAULT-VALUE}).")
        double validation;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Split seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out-train", required = true, paramLabel = "FILE")
        Path outTrain;

        @Option(names = "--out-validation", required = true, paramLabel = "FILE")
        Path outValidation;

        @Override
        public Integer call() throws IOException {
            if (!(validation >= 0 && validation < 1)) {
                throw new UserError("--validation must be in [0, 1), got " + validation);
            }
            Outputs.checkWritable(outTrain, "--out-train");
            Outputs.checkWritable(outValidation, "--out-validation");
            Outputs.checkNotInput(file, "FILE", outTrain, "--out-train");
            Outputs.checkNotInput(file, "FILE", outValidation, "--out-validation");
            List<String> keys = new ArrayList<>();
            Map<String, String> meta;
            try (TrajectorySource src = open(file, format)) {
                Trajectory t;
                while ((t = src.next()) != null) {
                    keys.add(Splits.unitKey(t));
                }
                meta = src.metadata();
            }
            boolean[] isValidation = Splits.validation(keys, validation, seed);
            long nTrain = 0;
            long nValidation = 0;
            try (TrajectorySource src = open(file, format);
                    TrajectorySink train = TrajectoryFiles.create(outTrain, null, meta, false);
                    TrajectorySink valid = TrajectoryFiles.create(outValidation, null, meta, false)) {
                Trajectory t;
                int i = 0;
                while ((t = src.next()) != null) {
                    if (isValidation[i++]) {
                        valid.write(t);
                        nValidation++;
                    } else {
                        train.write(t);
                        nTrain++;
                    }
                }
                train.commit();
                valid.commit();
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("split %s: %d train -> %s, %d validation -> %s (seed %d)%n", file, nTrain, outTrain, nValidation,
                    outValidation, seed);
            w.flush();
            return Trail.OK;
        }
    }

    /** {@code trail data convert IN OUT}. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert between JSONL, Parquet and Minari (by extension: .jsonl, .parquet, a folder = Minari; or --to).")
    static final class Convert implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT")
        Path out;

        @Option(names = "--from", paramLabel = "jsonl|parquet|minari", description = "Input format (default: by extension).")
        String from;

        @Option(names = {"--to", "--format"}, paramLabel = "jsonl|parquet|minari", description = "Output format (default: by extension).")
        String to;

        @Option(names = "--append", description = "Append to an existing JSONL file (its content is kept whole even if interrupted).")
        boolean append;

        @Override
        public Integer call() throws IOException {
            long n = convert(in, from, out, to, append);
            spec.commandLine().getOut().println("converted " + n + " trajectories: " + in + " -> " + out);
            spec.commandLine().getOut().flush();
            return Trail.OK;
        }
    }

    /** {@code trail data import minari DIR --out FILE}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a dataset of another system into Trail's schema: `import minari DIR --out x.parquet|x.jsonl`.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "minari", description = "The source system (minari).")
        String system;

        @Parameters(index = "1", paramLabel = "DIR", description = "A Minari dataset folder (arrow or hdf5).")
        Path dir;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = ".parquet or .jsonl")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (!system.equalsIgnoreCase("minari")) {
                throw new UserError("unknown source '" + system + "'; known: minari");
            }
            if (TrajectoryFiles.formatOf(out) == TrajectoryFiles.Format.MINARI) {
                throw new UserError("--out " + out + ": use a .parquet or .jsonl name");
            }
            long n = convert(dir, "minari", out, null, false);
            spec.commandLine().getOut().println("imported " + n + " episodes: " + dir + " -> " + out);
            spec.commandLine().getOut().flush();
            return Trail.OK;
        }
    }

    /** {@code trail data export IN --format minari --out DIR}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export trajectories for another system: `export x.parquet --format minari --out DIR` (arrow layout).")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN")
        Path in;

        @Option(names = "--format", required = true, paramLabel = "minari", description = "The target format (minari).")
        String format;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (!format.equalsIgnoreCase("minari")) {
                throw new UserError("--format " + format + ": export writes minari (use `trail data convert` for jsonl/parquet)");
            }
            long n = convert(in, null, out, "minari", false);
            spec.commandLine().getOut().println("exported " + n + " episodes: " + in + " -> " + out + " (Minari, arrow)");
            spec.commandLine().getOut().flush();
            return Trail.OK;
        }
    }
}
