package dev.trail.track.query;

import dev.trail.track.MetricsFile;
import dev.trail.track.Provenance;
import dev.trail.track.Run;
import dev.trail.track.RunStatus;
import dev.trail.track.internal.Json;
import dev.trail.track.ConfigYaml;
import dev.trail.seed.Rng;
import dev.trail.track.query.Results.Comparison;
import dev.trail.track.query.Results.Curves;
import dev.trail.track.query.Results.Deletion;
import dev.trail.track.query.Results.Export;
import dev.trail.track.query.Results.GroupStats;
import dev.trail.track.query.Results.Listing;
import dev.trail.track.query.Results.MetricSummary;
import dev.trail.track.query.Results.RunCurve;
import dev.trail.track.query.Results.RunDetails;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * All queries behind {@code trail runs list|show|compare|export|delete} and the data of
 * {@code trail plot}, over one {@code runs/} folder. Stateless and cheap to create.
 *
 * <p>Listing reads only each run's {@code summary.json} (and the first bytes and size of its
 * metrics file), which keeps {@code list} over a thousand runs well under a second; the other
 * queries load the metrics of the selected runs into an in-memory DuckDB and aggregate there.
 * A file that cannot be read becomes a warning naming its path; the other runs are answered.
 */
public final class RunsQuery {

    /** Keys {@link #compare} can group by. */
    public static final List<String> GROUP_KEYS = List.of("algo", "env", "status", "seed");

    private static final Duration MIN_STALE_HEARTBEAT = Duration.ofSeconds(60);
    /** A run directory without summary.json this young is a run still starting, not a damaged one. */
    private static final Duration STARTING_GRACE = Duration.ofSeconds(30);
    private static final byte[] HEADER = (MetricsFile.HEADER + "\n").getBytes(StandardCharsets.UTF_8);

    private final Path runsDir;

    public RunsQuery(Path runsDir) {
        this.runsDir = runsDir;
    }

    public static RunsQuery of(Path runsDir) {
        return new RunsQuery(runsDir);
    }

    public Path runsDir() {
        return runsDir;
    }

    // ------------------------------------------------------------------------------------ list

    /** {@code trail runs list}: runs matching the filter, newest first. Cheap checks of the metrics files. */
    public Listing list(RunFilter filter) throws IOException {
        return list(filter, false);
    }

    /**
     * {@code trail runs list [--verify]}: with {@code verify}, each metrics file's checksum is
     * compared with the one recorded at its last flush (reads every metrics file in full).
     */
    public Listing list(RunFilter filter, boolean verify) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<RunRow> rows = new ArrayList<>();
        for (Path dir : runDirs(warnings)) {
            Scanned s = scan(dir, verify);
            warnings.addAll(s.warnings);
            if (s.row != null && filter.matches(s.row)) {
                rows.add(s.row);
            }
        }
        rows.sort(Comparator.comparing((RunRow r) -> r.startTime() == null ? "" : r.startTime()).reversed()
                .thenComparing(RunRow::id));
        return new Listing(rows, warnings);
    }

    private List<Path> runDirs(List<String> warnings) throws IOException {
        if (!Files.isDirectory(runsDir)) {
            throw new NoSuchFileException(runsDir.toString(), null, "no runs folder here; runs are recorded under runs/ of the working directory");
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runsDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(Comparator.naturalOrder());
        return dirs;
    }

    private record Scanned(RunRow row, Map<String, Object> summary, List<String> warnings) {
    }

    /** Reads one run directory's summary; never throws for damaged files. */
    private Scanned scan(Path dir, boolean verify) {
        List<String> warnings = new ArrayList<>();
        Path summaryFile = dir.resolve(Run.SUMMARY_FILE);
        Path provenanceFile = dir.resolve(Run.PROVENANCE_FILE);
        Path metricsFile = dir.resolve(Run.METRICS_FILE);
        String id = dir.getFileName().toString();
        Map<String, Object> s;
        try {
            // summary.json ends with the per-metric map, which listing does not need
            s = Json.readTopLevelScalars(summaryFile, "metrics");
        } catch (NoSuchFileException e) {
            if (!Files.exists(provenanceFile) && !Files.exists(metricsFile)) {
                return new Scanned(null, null, warnings); // not a run directory
            }
            if (startedRecently(dir)) {
                return new Scanned(null, null, warnings); // Run.start is still writing its files
            }
            return damaged(dir, summaryFile, provenanceFile, e, warnings);
        } catch (IOException | RuntimeException e) {
            return damaged(dir, summaryFile, provenanceFile, e, warnings);
        }
        return scanned(dir, id, s, summaryFile, metricsFile, verify, warnings);
    }

    private static boolean startedRecently(Path dir) {
        try {
            Instant modified = Files.getLastModifiedTime(dir).toInstant();
            return Duration.between(modified, Instant.now()).compareTo(STARTING_GRACE) < 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Scanned damaged(Path dir, Path summaryFile, Path provenanceFile, Exception e, List<String> warnings) {
        String id = dir.getFileName().toString();
        warnings.add("damaged run file " + summaryFile + ": " + (e instanceof NoSuchFileException ? "missing" : message(e)));
        Map<String, Object> p = null;
        try {
            p = Json.readMap(provenanceFile);
        } catch (IOException | RuntimeException ignored) {
            // the summary warning already names the run
        }
        long seed = p != null && p.get("seeds") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Number n ? n.longValue() : 0;
        RunRow row = new RunRow(id, RunStatus.DAMAGED, p == null ? "?" : str(p, "env", "?"), p == null ? "?" : str(p, "algo", "?"),
                seed, 0, Double.NaN, Double.NaN, 0, p == null ? null : Json.string(p, "start_time"), null, dir,
                "unreadable " + Run.SUMMARY_FILE);
        return new Scanned(row, null, warnings);
    }

    private Scanned scanned(Path dir, String id, Map<String, Object> s, Path summaryFile, Path metricsFile, boolean verify,
                            List<String> warnings) {
        RunStatus status;
        try {
            status = RunStatus.parse(str(s, "status", "damaged"));
        } catch (IllegalArgumentException e) {
            warnings.add("damaged run file " + summaryFile + ": " + e.getMessage());
            status = RunStatus.DAMAGED;
        }
        if (status == RunStatus.RUNNING && !isAlive(s)) {
            status = RunStatus.CRASHED;
        }
        String problem = checkMetrics(metricsFile, s, status, verify);
        if (problem != null) {
            warnings.add("damaged metrics file " + metricsFile + ": " + problem);
        }
        Object fr = s.get("final_return");
        RunRow row = new RunRow(id, status, str(s, "env", "?"), str(s, "algo", "?"), Json.longValue(s, "seed", 0),
                Json.longValue(s, "global_step", 0), Json.doubleValue(s, "wall_seconds", Double.NaN),
                fr instanceof Number n ? n.doubleValue() : Double.NaN, Json.longValue(s, "episodes", 0),
                Json.string(s, "start_time"), Json.string(s, "end_time"), dir, problem);
        return new Scanned(row, s, warnings);
    }

    /**
     * Cheap checks (one stat) unless {@code verify}: the file holds at least the bytes recorded at
     * the last flush, and exactly those once the run has ended. With {@code verify}, also the
     * header line and the CRC32C of the recorded bytes.
     */
    private static String checkMetrics(Path file, Map<String, Object> summary, RunStatus status, boolean verify) {
        long recorded = Json.longValue(summary, "metrics_bytes", 0);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return "missing (" + message(e) + ")";
        }
        if (size < recorded) {
            return "truncated: " + size + " bytes, but " + recorded + " were written";
        }
        boolean ended = status == RunStatus.FINISHED || status == RunStatus.FAILED || status == RunStatus.INTERRUPTED;
        if (ended && size > recorded && summary.containsKey("metrics_bytes")) {
            return "changed after the run ended: " + size + " bytes, but " + recorded + " were written";
        }
        if (!verify) {
            return null;
        }
        byte[] head = new byte[HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return "unreadable (" + message(e) + ")";
        }
        if (recorded >= HEADER.length && (read < HEADER.length || !Arrays.equals(head, HEADER))) {
            return "does not start with the header line '" + MetricsFile.HEADER + "'";
        }
        if (summary.get("metrics_crc32c") instanceof Number crc) {
            try {
                long actual = MetricsFile.crc32c(file, recorded);
                if (actual != crc.longValue()) {
                    return "checksum mismatch over its first " + recorded + " bytes: the file changed after it was written";
                }
            } catch (IOException e) {
                return "unreadable (" + message(e) + ")";
            }
        }
        return null;
    }

    /**
     * Whether a run recorded as running is still going: on its own host, its PID is alive (and was
     * started when recorded, so a reused PID does not count); elsewhere, its heartbeat is fresh.
     */
    static boolean isAlive(Map<String, Object> s) {
        String host = Json.string(s, "host");
        long pid = Json.longValue(s, "pid", -1);
        String here = Provenance.hostName();
        if (pid > 0 && host != null && host.equals(here)) {
            Optional<ProcessHandle> ph = ProcessHandle.of(pid);
            if (ph.isEmpty() || !ph.get().isAlive()) {
                return false;
            }
            String recordedStart = Json.string(s, "pid_start");
            Optional<Instant> start = ph.get().info().startInstant();
            if (recordedStart != null && start.isPresent()
                    && Math.abs(Duration.between(Instant.parse(recordedStart), start.get()).toMillis()) > 1000) {
                return false;
            }
            return true;
        }
        String hb = Json.string(s, "heartbeat");
        if (hb == null) {
            return false;
        }
        Duration stale = Duration.ofMillis(Math.max(MIN_STALE_HEARTBEAT.toMillis(), 10 * Json.longValue(s, "flush_interval_ms", 5000)));
        return Duration.between(Instant.parse(hb), Instant.now()).compareTo(stale) < 0;
    }

    private static String str(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : v.toString();
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    /** The rows matching {@code filter}; warnings of unreadable runs go to {@code warnings}. */
    private List<RunRow> select(RunFilter filter, List<String> warnings) throws IOException {
        Listing l = list(filter);
        warnings.addAll(l.warnings());
        return l.runs();
    }

    /** Resolves an id or unique id prefix to exactly one run. */
    public RunRow resolve(String idOrPrefix) throws IOException {
        if (idOrPrefix == null || idOrPrefix.isBlank()) {
            throw new IllegalArgumentException("an empty run id names no run (is a shell variable unset?); see 'trail runs list'");
        }
        List<RunRow> all = list(RunFilter.ALL).runs();
        Optional<RunRow> exact = all.stream().filter(r -> r.id().equals(idOrPrefix)).findFirst();
        if (exact.isPresent()) {
            return exact.get();
        }
        List<RunRow> matches = all.stream().filter(r -> RunFilter.idMatches(idOrPrefix, r.id())).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no run '" + idOrPrefix + "' in " + runsDir
                    + (all.isEmpty() ? " (it holds no runs)" : "; see 'trail runs list'"));
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + idOrPrefix + "' matches " + matches.size() + " runs: "
                    + matches.stream().limit(10).map(RunRow::id).toList() + (matches.size() > 10 ? " ..." : "")
                    + "; give a longer prefix");
        }
        return matches.get(0);
    }

    /** The runs a pattern ({@code *} for any text) matches; none is an error naming the pattern. */
    public List<RunRow> matching(String pattern) throws IOException {
        List<RunRow> matches = list(RunFilter.ALL).runs().stream().filter(r -> RunFilter.idMatches(pattern, r.id())).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no run matches '" + pattern + "' in " + runsDir);
        }
        return matches;
    }

    // ------------------------------------------------------------------------------------ show

    /** {@code trail runs show ID}: config, provenance and the final and best value of every metric. */
    public RunDetails show(String idOrPrefix) throws IOException {
        RunRow row = resolve(idOrPrefix);
        List<String> warnings = new ArrayList<>();
        Map<String, Object> config = null;
        Path configFile = row.dir().resolve(Run.CONFIG_FILE);
        try {
            config = ConfigYaml.read(configFile);
        } catch (IOException | RuntimeException e) {
            warnings.add("damaged run file " + configFile + ": " + message(e));
        }
        Map<String, Object> provenance = null;
        Path provenanceFile = row.dir().resolve(Run.PROVENANCE_FILE);
        try {
            provenance = Json.readMap(provenanceFile);
        } catch (IOException | RuntimeException e) {
            warnings.add("damaged run file " + provenanceFile + ": " + message(e));
        }
        List<MetricSummary> metrics = new ArrayList<>();
        try (MetricsDb db = MetricsDb.open()) {
            db.addRuns(List.of(row));
            warnings.addAll(db.loadMetrics(List.of(row), null, false));
            metrics = db.metricSummaries(row.id());
        } catch (SQLException e) {
            throw new IOException("query over " + row.dir() + " failed: " + e.getMessage(), e);
        }
        return new RunDetails(row, config, provenance, metrics, warnings);
    }

    // ------------------------------------------------------------------------------------ compare

    /**
     * What to compare.
     *
     * @param filter     runs to include (ids, env, algo, status)
     * @param groupBy    keys from {@link #GROUP_KEYS}; default {@code [algo, env]}
     * @param metric     metric compared; default {@code charts/episodic_return}
     * @param window     a run's final value is the mean of its last {@code window} values; the
     *                   threshold is reached when the moving average over {@code window} values is ≥ it
     * @param threshold  optional threshold for steps and time to reach it (null: none)
     * @param confidence confidence level of the interval (default 0.95)
     * @param stat       optional rliable aggregate per group over its tasks (envs) and runs, with a
     *                   stratified-bootstrap interval (null: none)
     * @param improvement optional two group labels {@code [X, Y]} (a group's label is its key values
     *                   joined by spaces): the probability of improvement of X over Y (null: none)
     * @param bootstrapReps resamples of the bootstrap intervals (default {@link Rliable#DEFAULT_REPS})
     */
    public record CompareRequest(RunFilter filter, List<String> groupBy, String metric, int window, Double threshold,
                                 double confidence, Rliable.Statistic stat, List<String> improvement,
                                 int bootstrapReps) {
        public CompareRequest {
            filter = filter == null ? RunFilter.ALL : filter;
            groupBy = groupBy == null || groupBy.isEmpty() ? List.of("algo", "env") : List.copyOf(groupBy);
            for (String k : groupBy) {
                if (!GROUP_KEYS.contains(k)) {
                    throw new IllegalArgumentException("cannot group by '" + k + "'; known keys: " + GROUP_KEYS);
                }
            }
            metric = metric == null || metric.isBlank() ? Run.EPISODIC_RETURN : metric;
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, got " + window);
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
            }
            if (threshold != null && !Double.isFinite(threshold)) {
                throw new IllegalArgumentException("threshold must be finite, got " + threshold);
            }
            if (improvement != null && (improvement.size() != 2 || improvement.get(0).equals(improvement.get(1)))) {
                throw new IllegalArgumentException("improvement needs two different group labels X,Y, got " + improvement);
            }
            improvement = improvement == null ? null : List.copyOf(improvement);
            if (bootstrapReps < 1) {
                throw new IllegalArgumentException("bootstrap reps must be >= 1, got " + bootstrapReps);
            }
        }

        /** Defaults: group by algo and env, episodic return, window 10, no threshold, 95%, no rliable statistics. */
        public static CompareRequest of(RunFilter filter) {
            return new CompareRequest(filter, null, null, Run.FINAL_WINDOW, null, 0.95, null, null, Rliable.DEFAULT_REPS);
        }

        public CompareRequest withGroupBy(List<String> keys) {
            return new CompareRequest(filter, keys, metric, window, threshold, confidence, stat, improvement, bootstrapReps);
        }

        public CompareRequest withMetric(String m) {
            return new CompareRequest(filter, groupBy, m, window, threshold, confidence, stat, improvement, bootstrapReps);
        }

        public CompareRequest withWindow(int w) {
            return new CompareRequest(filter, groupBy, metric, w, threshold, confidence, stat, improvement, bootstrapReps);
        }

        public CompareRequest withThreshold(Double t) {
            return new CompareRequest(filter, groupBy, metric, window, t, confidence, stat, improvement, bootstrapReps);
        }

        public CompareRequest withStat(Rliable.Statistic s) {
            return new CompareRequest(filter, groupBy, metric, window, threshold, confidence, s, improvement, bootstrapReps);
        }

        public CompareRequest withImprovement(List<String> xy) {
            return new CompareRequest(filter, groupBy, metric, window, threshold, confidence, stat, xy, bootstrapReps);
        }

        public CompareRequest withBootstrapReps(int reps) {
            return new CompareRequest(filter, groupBy, metric, window, threshold, confidence, stat, improvement, reps);
        }
    }

    /** The seed of the bootstrap resampling: the same runs give the same intervals. */
    static final long BOOTSTRAP_SEED = 20211025L;

    /**
     * {@code trail runs compare}: per group, the mean ± std over runs of each run's final value,
     * a Student-t confidence interval of that mean, and steps and wall time to the threshold;
     * optionally rliable's aggregate ({@link Rliable}) over the group's tasks (its envs) and runs with
     * a stratified-bootstrap interval, and the probability of improvement between two groups.
     * Runs with damaged metrics files are left out with a warning naming the file.
     */
    public Comparison compare(CompareRequest req) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<RunRow> rows = select(req.filter(), warnings);
        List<GroupStats> groups = new ArrayList<>();
        List<Results.Aggregate> aggregates = new ArrayList<>();
        Results.Improvement improvement = null;
        if (!rows.isEmpty()) {
            try (MetricsDb db = MetricsDb.open()) {
                db.addRuns(rows);
                warnings.addAll(db.loadMetrics(rows, req.metric(), true));
                for (MetricsDb.GroupRow g : db.compare(req.metric(), req.groupBy(), req.window(), req.threshold())) {
                    double half = Stats.ciHalfWidth(g.std(), g.n(), req.confidence());
                    groups.add(new GroupStats(g.key(), g.runIds(), g.n(), g.mean(), g.std(), g.mean() - half,
                            g.mean() + half, g.reached(), g.stepsTo(), g.secondsTo(), g.meanSteps(), g.meanWall()));
                }
                if (req.stat() != null || req.improvement() != null) {
                    Map<String, Map<String, List<Double>>> byGroup = tasksByGroup(
                            db.runFinals(req.metric(), req.groupBy(), req.window()));
                    if (req.stat() != null) {
                        Rng rng = new Rng(BOOTSTRAP_SEED);
                        for (GroupStats g : groups) {
                            Map<String, List<Double>> tasks = byGroup.get(g.label());
                            if (tasks == null) {
                                aggregates.add(new Results.Aggregate(g.key(), req.stat().label(), List.of(), 0,
                                        Double.NaN, Double.NaN, Double.NaN));
                                continue;
                            }
                            double[][] scores = matrix(tasks, List.copyOf(tasks.keySet()));
                            Rliable.Interval ci = Rliable.stratifiedBootstrapCi(scores, req.stat()::of,
                                    req.bootstrapReps(), req.confidence(), rng);
                            aggregates.add(new Results.Aggregate(g.key(), req.stat().label(), List.copyOf(tasks.keySet()),
                                    g.n(), req.stat().of(scores), ci.low(), ci.high()));
                        }
                    }
                    if (req.improvement() != null) {
                        improvement = improvement(req, byGroup, warnings);
                    }
                }
                List<String> without = db.runsWithout(req.metric());
                if (!without.isEmpty()) {
                    warnings.add(without.size() + " run(s) have no '" + req.metric() + "' values: " + without);
                }
            } catch (SQLException e) {
                throw new IOException("compare over " + runsDir + " failed: " + e.getMessage(), e);
            }
        } else {
            warnings.add("no runs match in " + runsDir);
        }
        return new Comparison(req.metric(), req.groupBy(), req.window(), req.confidence(), req.threshold(), groups,
                aggregates, improvement, req.bootstrapReps(), warnings);
    }

    /** Group label (key values joined by spaces) → env → final values of its runs, finite values only. */
    private static Map<String, Map<String, List<Double>>> tasksByGroup(List<MetricsDb.RunFinal> finals) {
        Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
        for (MetricsDb.RunFinal f : finals) {
            if (Double.isNaN(f.value())) {
                continue;
            }
            out.computeIfAbsent(String.join(" ", f.key().values()), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(f.env(), k -> new ArrayList<>()).add(f.value());
        }
        return out;
    }

    private static Map<String, List<Double>> group(Map<String, Map<String, List<Double>>> byGroup, String label,
                                                   String metric) {
        Map<String, List<Double>> g = byGroup.get(label);
        if (g == null) {
            throw new IllegalArgumentException("--improvement: no group '" + label + "' with values of '" + metric
                    + "'; groups: " + byGroup.keySet());
        }
        return g;
    }

    private static double[][] matrix(Map<String, List<Double>> tasks, List<String> names) {
        double[][] m = new double[names.size()][];
        for (int t = 0; t < names.size(); t++) {
            m[t] = tasks.get(names.get(t)).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return m;
    }

    private static Results.Improvement improvement(CompareRequest req, Map<String, Map<String, List<Double>>> byGroup,
                                                   List<String> warnings) {
        String xLabel = req.improvement().get(0);
        String yLabel = req.improvement().get(1);
        Map<String, List<Double>> x = group(byGroup, xLabel, req.metric());
        Map<String, List<Double>> y = group(byGroup, yLabel, req.metric());
        List<String> common = new ArrayList<>(x.keySet());
        common.retainAll(y.keySet());
        if (common.isEmpty()) {
            throw new IllegalArgumentException("--improvement: groups '" + xLabel + "' (envs " + x.keySet() + ") and '"
                    + yLabel + "' (envs " + y.keySet() + ") share no env to compare on");
        }
        java.util.Set<String> only = new java.util.TreeSet<>(x.keySet());
        only.addAll(y.keySet());
        only.removeAll(common);
        if (!only.isEmpty()) {
            warnings.add("probability of improvement over the shared envs " + common + " only; left out " + only);
        }
        double[][] sx = matrix(x, common);
        double[][] sy = matrix(y, common);
        Rliable.Interval ci = Rliable.improvementCi(sx, sy, req.bootstrapReps(), req.confidence(), new Rng(BOOTSTRAP_SEED));
        return new Results.Improvement(xLabel, yLabel, common, Rliable.probabilityOfImprovement(sx, sy), ci.low(), ci.high());
    }

    // ------------------------------------------------------------------------------------ export

    /** Formats of {@link #export}. */
    public enum ExportFormat {
        CSV, PARQUET;

        public static ExportFormat parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown export format '" + s + "', expected csv or parquet");
            }
        }
    }

    /**
     * {@code trail runs export --format csv|parquet}: every metric row of the selected runs with
     * columns {@code run_id, env, algo, seed, status, step, wall_time, name, value}, in logging
     * order. Written to a temporary file renamed to {@code out} at the end.
     */
    public Export export(RunFilter filter, ExportFormat format, Path out) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<RunRow> rows = select(filter, warnings);
        boolean stdout = dev.trail.io.AtomicFiles.isStandardOutput(out);
        Path abs = stdout ? out : out.toAbsolutePath();
        if (!stdout && abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        // DuckDB writes a file by name: a scratch file, renamed onto a regular target or streamed into a device/FIFO/-
        try (dev.trail.io.AtomicFiles.Output output = dev.trail.io.AtomicFiles.open(abs);
                MetricsDb db = MetricsDb.open()) {
            Path scratch = output.scratchFile(format == ExportFormat.CSV ? ".csv" : ".parquet");
            db.addRuns(rows);
            warnings.addAll(db.loadMetrics(rows, null, true));
            long n = db.export(scratch, format);
            output.commitFrom(scratch);
            return new Export(abs, format.name().toLowerCase(Locale.ROOT), n, rows.size(), warnings);
        } catch (SQLException e) {
            throw new IOException("export to " + out + " failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------ delete

    /**
     * {@code trail runs delete ID...}: removes whole run directories. Each id must name exactly
     * one run (or a unique prefix); a run that is still going is refused unless {@code force}.
     */
    public Deletion delete(List<String> idsOrPrefixes, boolean force) throws IOException {
        return delete(idsOrPrefixes, force, false);
    }

    /**
     * {@link #delete(List, boolean)}; with {@code patterns}, an id with {@code *} deletes every run
     * it matches (without, such an id is refused: one keystroke from deleting everything).
     */
    public Deletion delete(List<String> idsOrPrefixes, boolean force, boolean patterns) throws IOException {
        List<RunRow> targets = new ArrayList<>();
        for (String id : idsOrPrefixes) {
            List<RunRow> rows;
            if (id != null && RunFilter.isPattern(id)) {
                rows = matching(id);
                if (!patterns) {
                    throw new IllegalArgumentException("'" + id + "' is a pattern matching " + rows.size()
                            + " run(s); add --all to delete every run it matches");
                }
            } else {
                rows = List.of(resolve(id));
            }
            for (RunRow r : rows) {
                if (r.status() == RunStatus.RUNNING && !force) {
                    throw new IllegalArgumentException("run " + r.id() + " is still running (pid alive); stop it first or force the deletion");
                }
                if (targets.stream().noneMatch(t -> t.id().equals(r.id()))) {
                    targets.add(r);
                }
            }
        }
        List<Path> deleted = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Path root = runsDir.toAbsolutePath().normalize();
        for (RunRow r : targets) {
            Path dir = r.dir().toAbsolutePath().normalize();
            if (!root.equals(dir.getParent())) {
                throw new IllegalStateException("refusing to delete " + dir + ": it is not directly inside " + root);
            }
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                warnings.add("could not delete all of " + dir + ": " + message(e));
                continue;
            }
            deleted.add(dir);
        }
        return new Deletion(deleted, warnings);
    }

    // ------------------------------------------------------------------------------------ curves

    /** The curve of {@code metric} in every selected run, for plots. Damaged runs are left out with a warning. */
    public Curves curves(RunFilter filter, String metric) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<RunRow> rows = select(filter, warnings);
        List<RunCurve> curves = new ArrayList<>();
        if (rows.isEmpty()) {
            warnings.add("no runs match in " + runsDir);
            return new Curves(metric, curves, warnings);
        }
        // plain Java: no aggregation needed, and it spares loading the DuckDB native library
        for (RunRow r : rows) {
            Path file = r.dir().resolve(Run.METRICS_FILE);
            try {
                RunCurve c = readCurve(r, metric);
                if (c.values().length > 0) {
                    curves.add(c);
                }
            } catch (IOException e) {
                warnings.add("damaged metrics file " + file + ": " + message(e));
            }
        }
        if (curves.isEmpty()) {
            warnings.add("none of the " + rows.size() + " selected run(s) logged '" + metric + "'");
        }
        return new Curves(metric, curves, warnings);
    }

    /** Reads one metric of one run directory, failing with the file's problems if it is damaged. */
    public static RunCurve readCurve(RunRow run, String metric) throws IOException {
        Path file = run.dir().resolve(Run.METRICS_FILE);
        DoubleList steps = new DoubleList();
        DoubleList walls = new DoubleList();
        DoubleList values = new DoubleList();
        MetricsFile.ReadResult rr = MetricsFile.read(file, metric, (line, step, wall, name, value) -> {
            steps.add(step);
            walls.add(wall);
            values.add(value);
        });
        if (rr.damaged()) {
            throw new IOException(rr.badLines() + " malformed line(s); " + String.join("; ", rr.problems()));
        }
        return new RunCurve(run, steps.toArray(), walls.toArray(), values.toArray());
    }

    private static final class DoubleList {
        double[] a = new double[256];
        int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Statuses by label, for command-line parsing ({@code --status crashed,running}). */
    public static Set<RunStatus> parseStatuses(List<String> labels) {
        return labels.stream().map(RunStatus::parse).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Builds a filter from command-line style options (nulls match all). */
    public static RunFilter filter(String env, String algo, List<String> statuses, List<String> ids) {
        return new RunFilter(env, algo, statuses == null ? Set.of() : parseStatuses(statuses), ids);
    }

    static Map<String, String> ordered(List<String> keys, List<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), values.get(i));
        }
        return m;
    }
}
