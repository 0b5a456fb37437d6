package dev.trail.track.query;

import dev.trail.track.internal.TextTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Result records of {@link RunsQuery}, each with a plain-text rendering for the terminal. */
public final class Results {

    private Results() {
    }

    /** Rows of {@code trail runs list} plus warnings about runs whose files are damaged. */
    public record Listing(List<RunRow> runs, List<String> warnings) {
        public Listing {
            runs = List.copyOf(runs);
            warnings = List.copyOf(warnings);
        }

        /** Columns: id, status, env, algo, seed, steps, return, wall, started. */
        public String toTable() {
            TextTable t = new TextTable(List.of("id", "status", "env", "algo", "seed", "steps", "return", "wall_s", "started"));
            for (RunRow r : runs) {
                t.row(List.of(r.id(), r.status().label(), r.env(), r.algo(), Long.toString(r.seed()),
                        Long.toString(r.globalStep()), TextTable.num(r.finalReturn()), TextTable.num(r.wallSeconds()),
                        r.startTime() == null ? "-" : r.startTime()));
            }
            return t.render();
        }
    }

    /**
     * Summary of one metric of a run.
     *
     * @param best       max, or min for {@code losses/*} names (where lower is better)
     * @param bestStep   step at which {@code best} was logged
     * @param finalValue mean of the last {@link dev.trail.track.Run#FINAL_WINDOW} values
     */
    public record MetricSummary(String name, long count, long lastStep, double last, double finalValue,
                                double min, double max, double best, long bestStep) {
    }

    /** {@code trail runs show}: config, provenance and per-metric final and best values. */
    public record RunDetails(RunRow run, Map<String, Object> config, Map<String, Object> provenance,
                             List<MetricSummary> metrics, List<String> warnings) {

        public String toText() {
            StringBuilder sb = new StringBuilder();
            sb.append("run       ").append(run.id()).append('\n');
            sb.append("status    ").append(run.status().label()).append('\n');
            sb.append("dir       ").append(run.dir()).append('\n');
            sb.append("env       ").append(run.env()).append("   algo ").append(run.algo()).append("   seed ").append(run.seed()).append('\n');
            sb.append("started   ").append(run.startTime()).append(run.endTime() == null ? "" : "   ended " + run.endTime()).append('\n');
            if (provenance != null) {
                sb.append("trail     ").append(provenance.get("trail_version"));
                if (provenance.get("git") instanceof Map<?, ?> g) {
                    sb.append("   git ").append(g.get("commit")).append(Boolean.TRUE.equals(g.get("dirty")) ? " (dirty)" : "");
                }
                sb.append('\n');
                if (provenance.get("java") instanceof Map<?, ?> j) {
                    sb.append("java      ").append(j.get("version")).append(" (").append(j.get("vendor")).append(")\n");
                }
                if (provenance.get("os") instanceof Map<?, ?> o) {
                    sb.append("os        ").append(o.get("name")).append(' ').append(o.get("arch"))
                            .append("   cpus ").append(provenance.get("cpus")).append("   host ").append(provenance.get("host")).append('\n');
                }
                if (provenance.get("command_line") instanceof List<?> cl && !cl.isEmpty()) {
                    sb.append("command   ").append(String.join(" ", cl.stream().map(String::valueOf).toList())).append('\n');
                }
            }
            sb.append("\nconfig:\n");
            if (config == null || config.isEmpty()) {
                sb.append("  (none)\n");
            } else {
                sb.append(dev.trail.track.ConfigYaml.write(config).indent(2));
            }
            sb.append("\nmetrics:\n");
            TextTable t = new TextTable(List.of("name", "count", "last_step", "last", "final", "best", "best_step", "min", "max"));
            for (MetricSummary m : metrics) {
                t.row(List.of(m.name(), Long.toString(m.count()), Long.toString(m.lastStep()), TextTable.num(m.last()),
                        TextTable.num(m.finalValue()), TextTable.num(m.best()), Long.toString(m.bestStep()),
                        TextTable.num(m.min()), TextTable.num(m.max())));
            }
            sb.append(t.render().indent(2));
            return sb.toString();
        }
    }

    /**
     * One group of {@code trail runs compare}.
     *
     * @param key            group-by values, in group-by order (e.g. {@code {algo: ppo, env: CartPole-v1}})
     * @param runIds         the runs (seeds) in the group
     * @param n              runs having the metric
     * @param mean           mean over runs of each run's final value
     * @param std            sample std over runs (NaN if n &lt; 2)
     * @param ciLow          lower end of the confidence interval of the mean (Student t, n-1 df)
     * @param ciHigh         upper end
     * @param reached        runs whose moving average reached the threshold
     * @param stepsToThreshold mean over reaching runs of the first step where it did (NaN if none)
     * @param secondsToThreshold mean wall time to the threshold (NaN if none)
     * @param meanSteps      mean last step of the runs
     * @param meanWallSeconds mean last wall time of the runs
     */
    public record GroupStats(Map<String, String> key, List<String> runIds, int n, double mean, double std,
                             double ciLow, double ciHigh, int reached, double stepsToThreshold,
                             double secondsToThreshold, double meanSteps, double meanWallSeconds) {
        public String label() {
            return String.join(" ", key.values());
        }
    }

    /**
     * rliable's aggregate of one group of {@code trail runs compare --stat}.
     *
     * @param statistic {@code mean}, {@code median} or {@code iqm} ({@link Rliable.Statistic})
     * @param tasks     the group's envs (the strata of the bootstrap)
     * @param ciLow     lower end of the stratified percentile-bootstrap interval
     */
    public record Aggregate(Map<String, String> key, String statistic, List<String> tasks, int runs, double value,
                            double ciLow, double ciHigh) {
    }

    /** Probability of improvement of group {@code x} over group {@code y} on their shared envs. */
    public record Improvement(String x, String y, List<String> tasks, double probability, double ciLow,
                              double ciHigh) {
    }

    /** Result of {@code trail runs compare}. */
    public record Comparison(String metric, List<String> groupBy, int window, double confidence, Double threshold,
                             List<GroupStats> groups, List<Aggregate> aggregates, Improvement improvement,
                             int bootstrapReps, List<String> warnings) {
        public Comparison {
            aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
        }

        public String toTable() {
            String level = (int) Math.round(confidence * 100) + "% CI";
            List<String> header = new ArrayList<>(groupBy);
            header.addAll(List.of("runs", "final mean ± std", level));
            String stat = aggregates.isEmpty() ? null : aggregates.get(0).statistic();
            if (stat != null) {
                header.addAll(List.of(stat, stat + " " + level + " (bootstrap)"));
            }
            if (threshold != null) {
                header.addAll(List.of("reached", "steps_to_" + TextTable.num(threshold), "seconds_to_" + TextTable.num(threshold)));
            }
            header.addAll(List.of("steps", "wall_s"));
            TextTable t = new TextTable(header);
            for (int i = 0; i < groups.size(); i++) {
                GroupStats g = groups.get(i);
                List<String> row = new ArrayList<>(g.key().values());
                row.add(Integer.toString(g.n()));
                row.add(TextTable.num(g.mean()) + " ± " + TextTable.num(g.std()));
                row.add(Double.isNaN(g.ciLow()) ? "-" : "[" + TextTable.num(g.ciLow()) + ", " + TextTable.num(g.ciHigh()) + "]");
                if (stat != null) {
                    Aggregate a = aggregates.get(i);
                    row.add(TextTable.num(a.value()));
                    row.add("[" + TextTable.num(a.ciLow()) + ", " + TextTable.num(a.ciHigh()) + "]");
                }
                if (threshold != null) {
                    row.add(g.reached() + "/" + g.n());
                    row.add(TextTable.num(g.stepsToThreshold()));
                    row.add(TextTable.num(g.secondsToThreshold()));
                }
                row.add(TextTable.num(g.meanSteps()));
                row.add(TextTable.num(g.meanWallSeconds()));
                t.row(row);
            }
            StringBuilder sb = new StringBuilder("metric " + metric + " (final = mean of last " + window + " values per run)\n");
            sb.append(t.render());
            if (stat != null) {
                sb.append(stat).append(" over each group's envs and runs; CI: stratified percentile bootstrap (runs resampled within each env, ")
                        .append(bootstrapReps).append(" resamples)\n");
            }
            if (improvement != null) {
                sb.append("P(").append(improvement.x()).append(" > ").append(improvement.y()).append(") = ")
                        .append(TextTable.num(improvement.probability())).append("  ").append(level).append(" [")
                        .append(TextTable.num(improvement.ciLow())).append(", ").append(TextTable.num(improvement.ciHigh()))
                        .append("]  over envs ").append(improvement.tasks()).append(" (Mann-Whitney, averaged over envs; ")
                        .append(bootstrapReps).append(" bootstrap resamples)\n");
            }
            return sb.toString();
        }
    }

    /** Result of {@code trail runs export}. */
    public record Export(Path file, String format, long rows, int runs, List<String> warnings) {
    }

    /** Result of {@code trail runs delete}. */
    public record Deletion(List<Path> deleted, List<String> warnings) {
    }

    /** One run's curve of one metric, in logging order. */
    public record RunCurve(RunRow run, double[] steps, double[] wallTimes, double[] values) {
    }

    /** Curves of the selected runs plus warnings. */
    public record Curves(String metric, List<RunCurve> curves, List<String> warnings) {
    }
}
