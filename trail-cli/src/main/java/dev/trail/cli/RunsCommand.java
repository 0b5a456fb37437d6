package dev.trail.cli;

import dev.trail.track.query.Results;
import dev.trail.track.query.Rliable;
import dev.trail.track.query.RunFilter;
import dev.trail.track.query.RunsQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code trail runs}: list, show, compare, export and delete recorded runs. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Query the recorded runs of a runs/ folder (no service needed).",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class,
            RunsCommand.Export.class, RunsCommand.Delete.class})
final class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Trail.USAGE;
    }

    RunsQuery query() {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new UserError("runs folder " + dir + " does not exist (train something first, or pass --dir)");
        }
        return RunsQuery.of(dir);
    }

    /** Run fields come from files anyone may have written: control characters are escaped before printing. */
    static String printable(String text) {
        return dev.trail.track.internal.TextTable.printable(text);
    }

    static void warn(CommandSpec spec, List<String> warnings) {
        PrintWriter err = spec.commandLine().getErr();
        for (String w : warnings) {
            err.println("warning: " + printable(w));
        }
        err.flush();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per run: id, status, env, algo, seed, steps, return.")
    static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        RunsCommand parent;
        @Option(names = "--env", paramLabel = "ID", description = "Only this environment.")
        String env;
        @Option(names = "--algo", paramLabel = "A", description = "Only this algorithm.")
        String algo;
        @Option(names = "--status", split = ",", paramLabel = "S", description = "Only these statuses (running, finished, failed, interrupted, crashed, damaged).")
        List<String> statuses;
        @Option(names = "--verify", description = "Also check each metrics file's checksum.")
        boolean verify;

        @Override
        public Integer call() throws IOException {
            Results.Listing l = parent.query().list(RunsQuery.filter(env, algo, statuses, null), verify);
            spec.commandLine().getOut().print(printable(l.toTable()));
            spec.commandLine().getOut().flush();
            warn(spec, l.warnings());
            return Trail.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Config, provenance, final and best metrics of one run.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        RunsCommand parent;
        @Parameters(paramLabel = "ID", description = "Run id or a unique prefix.")
        String id;

        @Override
        public Integer call() throws IOException {
            Results.RunDetails d = parent.query().show(id);
            spec.commandLine().getOut().print(printable(d.toText()));
            spec.commandLine().getOut().flush();
            warn(spec, d.warnings());
            return Trail.OK;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Final metric mean ± std and 95%% CI over seeds, and steps/time to a threshold, per group;"
                    + " optionally rliable's IQM/mean/median with stratified-bootstrap CIs and the probability of improvement.")
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        RunsCommand parent;
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Runs (ids, prefixes or * globs); all runs if none.")
        List<String> ids;
        @Option(names = "--group-by", split = ",", paramLabel = "KEYS", description = "Group keys among algo, env, status, seed (default: algo,env).")
        List<String> groupBy = List.of("algo", "env");
        @Option(names = "--metric", defaultValue = "charts/episodic_return", paramLabel = "M", description = "Metric (default: ${DEFAULT-VALUE}).")
        String metric;
        @Option(names = "--threshold", paramLabel = "T", description = "Report steps and wall time to reach this value.")
        Double threshold;
        @Option(names = "--window", defaultValue = "10", paramLabel = "N", description = "A run's final value is the mean of its last N values (default: ${DEFAULT-VALUE}).")
        int window;
        @Option(names = "--stat", paramLabel = "S", description = "Also rliable's aggregate per group over its envs and runs: mean, median (both of per-env means) or iqm (interquartile mean of all runs), with a stratified-bootstrap 95%% CI.")
        String stat;
        @Option(names = "--improvement", split = ",", paramLabel = "X,Y", description = "Probability that a run of group X beats one of group Y on the same env (averaged over shared envs), with a bootstrap CI; groups by label, e.g. iql,bc with --group-by algo.")
        List<String> improvement;
        @Option(names = "--bootstrap-reps", defaultValue = "50000", paramLabel = "N", description = "Bootstrap resamples of --stat and --improvement intervals (default: ${DEFAULT-VALUE}, as rliable).")
        int bootstrapReps;

        @Override
        public Integer call() throws IOException {
            RunFilter filter = ids == null || ids.isEmpty() ? RunFilter.ALL : RunFilter.ids(ids);
            Results.Comparison c = parent.query().compare(RunsQuery.CompareRequest.of(filter).withGroupBy(groupBy)
                    .withMetric(metric).withThreshold(threshold).withWindow(window)
                    .withStat(stat == null ? null : Rliable.Statistic.parse(stat)).withImprovement(improvement)
                    .withBootstrapReps(bootstrapReps));
            spec.commandLine().getOut().print(printable(c.toTable()));
            spec.commandLine().getOut().flush();
            warn(spec, c.warnings());
            return Trail.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "All metrics of the selected runs as one CSV or Parquet table.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        RunsCommand parent;
        @Option(names = "--format", required = true, paramLabel = "FMT", description = "csv or parquet.")
        String format;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file.")
        Path out;
        @Option(names = "--env", paramLabel = "ID", description = "Only this environment.")
        String env;
        @Option(names = "--algo", paramLabel = "A", description = "Only this algorithm.")
        String algo;
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Runs (ids or prefixes); all if none.")
        List<String> ids;

        @Override
        public Integer call() throws IOException {
            Outputs.checkWritable(out, "--out");
            Results.Export e = parent.query().export(RunsQuery.filter(env, algo, null, ids),
                    RunsQuery.ExportFormat.parse(format), out);
            PrintWriter w = Outputs.summary(spec, out);
            w.printf("wrote %d rows of %d runs to %s%n", e.rows(), e.runs(), e.file());
            w.flush();
            warn(spec, e.warnings());
            return Trail.OK;
        }
    }

    /** The console when the user sits at a terminal (the launcher's {@code trail.tty}, and the JDK agrees), else null. */
    static java.io.Console terminal() {
        java.io.Console c = System.console();
        if (c == null || !Boolean.getBoolean("trail.tty")) {
            return null;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c) ? c : null; // JDK 22+
        } catch (ReflectiveOperationException e) {
            return c; // JDK 21: System.console() is null unless interactive
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete runs (a running one only with --force).")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        RunsCommand parent;
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Run ids or unique prefixes; a pattern with * only with --all.")
        List<String> ids;
        @Option(names = "--force", description = "Also delete runs that are still running.")
        boolean force;
        @Option(names = "--all", description = "Let a pattern with * delete every run it matches (asked on a terminal otherwise).")
        boolean all;

        @Override
        public Integer call() throws IOException {
            RunsQuery q = parent.query();
            boolean patterns = all;
            java.io.Console console = terminal();
            if (!all && console != null && ids.stream().anyMatch(dev.trail.track.query.RunFilter::isPattern)) {
                for (String id : ids) {
                    if (dev.trail.track.query.RunFilter.isPattern(id)) {
                        List<String> names = q.matching(id).stream().map(dev.trail.track.query.RunRow::id).toList();
                        String answer = console.readLine("'%s' matches %d run(s): %s%s%ndelete them? [y/N] ", id,
                                names.size(), String.join(", ", names.subList(0, Math.min(5, names.size()))),
                                names.size() > 5 ? ", ..." : "");
                        if (answer == null || !answer.strip().equalsIgnoreCase("y")) {
                            throw new UserError("nothing deleted");
                        }
                    }
                }
                patterns = true;
            }
            Results.Deletion d = q.delete(ids, force, patterns);
            for (Path p : d.deleted()) {
                spec.commandLine().getOut().println(printable("deleted " + p));
            }
            spec.commandLine().getOut().flush();
            warn(spec, d.warnings());
            return Trail.OK;
        }
    }
}
