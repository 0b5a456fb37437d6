package dev.trail.cli;

import dev.trail.track.plot.Plots;
import dev.trail.track.query.RunFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trail plot}: learning curves of recorded runs. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Plot a metric of recorded runs: the mean across seeds with a 95%% confidence band, one colour per group.")
final class PlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--runs", split = ",", paramLabel = "ID", description = "Runs (ids, prefixes or * globs); all if omitted.")
    List<String> runs;

    @Option(names = "--metric", defaultValue = "charts/episodic_return", paramLabel = "M", description = "Metric (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--x", defaultValue = "global_step", paramLabel = "AXIS", description = "global_step or time (default: ${DEFAULT-VALUE}).")
    String x;

    @Option(names = "--smooth", defaultValue = "1", paramLabel = "N", description = "Moving average over N points (default: ${DEFAULT-VALUE}).")
    int smooth;

    @Option(names = "--group-by", split = ",", paramLabel = "KEYS", description = "Group keys among algo, env, status, seed (default: algo,env).")
    List<String> groupBy = List.of("algo", "env");

    @Option(names = "--out", required = true, paramLabel = "FILE.png|svg", description = "Output picture.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new UserError("runs folder " + dir + " does not exist (train something first, or pass --dir)");
        }
        UserError.requirePositive("--smooth", smooth);
        Outputs.checkWritable(out, "--out");
        RunFilter filter = runs == null || runs.isEmpty() ? RunFilter.ALL : RunFilter.ids(runs);
        Plots.PlotResult r = Plots.learningCurve(dir, Plots.PlotRequest.of(filter, out).withMetric(metric)
                .withX(Plots.XAxis.parse(x)).withSmooth(smooth).withGroupBy(groupBy));
        spec.commandLine().getOut().printf("wrote %s (%d runs in %d groups)%n", r.file(), r.runs(), r.groups().size());
        spec.commandLine().getOut().flush();
        RunsCommand.warn(spec, r.warnings());
        return Trail.OK;
    }
}
