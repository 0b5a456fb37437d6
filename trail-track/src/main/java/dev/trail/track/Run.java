package dev.trail.track;

import dev.trail.io.AtomicFiles;
import dev.trail.track.internal.Json;
import dev.trail.track.tensorboard.TensorBoardWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * One training run on record: creates its directory under {@code runs/}, appends metrics, keeps a
 * heartbeat, and closes with an exit status.
 *
 * <p>Typical use by a trainer:
 * <pre>{@code
 * try (Run run = Run.start(Path.of("runs"), new RunInfo("CartPole-v1", "ppo", seed, config, args))) {
 *     ... run.log(globalStep, Map.of("losses/policy", pl, "charts/learning_rate", lr)); ...
 *     run.finish(RunStatus.FINISHED);
 * }
 * }</pre>
 *
 * <p>Costs on the training thread: {@link #log} only copies numbers into an in-memory buffer; a
 * shared background thread formats and appends them to {@code metrics.csv} and the TensorBoard
 * file, and rewrites {@code summary.json} (status, heartbeat, per-metric summary) every
 * {@linkplain Options#flushInterval() flush interval} (5 s by default), so other processes can read
 * a run while it goes and a killed run keeps everything up to its last flush. {@link #log} is
 * thread-safe.
 *
 * <p>Run ids are {@code <env>__<algo>__s<seed>__<yyyyMMdd-HHmmss>__<4 hex>} (UTC start time, random
 * hex; characters other than letters, digits, '.', '_' and '-' in env and algo become '-'); the directory is made
 * with {@link Files#createDirectory}, which fails rather than reuse an existing one, so runs started
 * at the same moment in the same {@code runs/} never share a directory.
 */
public final class Run implements AutoCloseable {

    public static final String CONFIG_FILE = "config.yaml";
    public static final String PROVENANCE_FILE = "provenance.json";
    public static final String METRICS_FILE = "metrics.csv";
    public static final String SUMMARY_FILE = "summary.json";
    public static final String PLOTS_DIR = "plots";
    public static final String CHECKPOINTS_DIR = "checkpoints";
    public static final String LEARNING_CURVE_FILE = "learning_curve.png";
    /** The metric that list, compare and the end-of-run plot show by default. */
    public static final String EPISODIC_RETURN = "charts/episodic_return";
    /** How many last values of a metric make its "final" value (their mean). */
    public static final int FINAL_WINDOW = 10;

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom ID_RANDOM = new SecureRandom();
    /** Rows buffered before log() flushes by itself instead of waiting for the flusher (bounds memory). */
    static final int INLINE_FLUSH_ROWS = 1 << 18;
    private static volatile ScheduledExecutorService flusher;

    /**
     * How a run records.
     *
     * @param flushInterval how often buffered metrics reach the files and the heartbeat is renewed
     * @param tensorBoard   whether to write a TensorBoard event file too
     * @param plotAtFinish  whether {@link #finish} draws {@code plots/learning_curve.png}
     * @param workDir       folder whose git commit and dirty flag go into the provenance
     */
    public record Options(Duration flushInterval, boolean tensorBoard, boolean plotAtFinish, Path workDir) {
        public Options {
            Objects.requireNonNull(flushInterval, "flushInterval");
            if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException("flushInterval must be in (0, 5 s], got " + flushInterval);
            }
            workDir = workDir == null ? Path.of("") : workDir;
        }

        /** 5 s flushes, TensorBoard on, plot at finish, git state of the current directory. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), true, true, Path.of(""));
        }

        public Options withFlushInterval(Duration interval) {
            return new Options(interval, tensorBoard, plotAtFinish, workDir);
        }

        public Options withTensorBoard(boolean on) {
            return new Options(flushInterval, on, plotAtFinish, workDir);
        }

        public Options withPlotAtFinish(boolean on) {
            return new Options(flushInterval, tensorBoard, on, workDir);
        }

        public Options withWorkDir(Path dir) {
            return new Options(flushInterval, tensorBoard, plotAtFinish, dir);
        }
    }

    private final String id;
    private final Path dir;
    private final RunInfo info;
    private final Options options;
    private final Instant startTime;
    private final long startNanos;
    private final String host;
    private final Map<String, Object> provenance;

    // --- guarded by lock: the buffer log() appends to
    private final Object lock = new Object();
    private final Map<String, Integer> nameIndex = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private Buffer active = new Buffer(1024);
    private boolean finished;

    // --- guarded by io: files and running summaries, touched by the flushing thread
    private final Object io = new Object();
    private final FileChannel metrics;
    /** Held while this process writes the run folder: a second process (a concurrent resume) is refused. */
    private final java.nio.channels.FileLock folderLock;
    private final TensorBoardWriter tensorBoard;
    private final CRC32C metricsCrc = new CRC32C();
    private long metricsBytes;
    private long rows;
    private long lastStep;
    private double lastWall;
    private final List<MetricStat> stats = new ArrayList<>();
    private RunStatus status = RunStatus.RUNNING;
    private Instant endTime;

    private final ScheduledFuture<?> flushTask;
    private final Thread shutdownHook;
    private volatile Runnable beforeShutdownFinish;
    private volatile IOException flushError;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private static final class Buffer {
        long[] steps;
        double[] walls;
        int[] names;
        double[] values;
        int size;

        Buffer(int capacity) {
            steps = new long[capacity];
            walls = new double[capacity];
            names = new int[capacity];
            values = new double[capacity];
        }

        void add(long step, double wall, int name, double value) {
            if (size == steps.length) {
                int n = size * 2;
                steps = Arrays.copyOf(steps, n);
                walls = Arrays.copyOf(walls, n);
                names = Arrays.copyOf(names, n);
                values = Arrays.copyOf(values, n);
            }
            steps[size] = step;
            walls[size] = wall;
            names[size] = name;
            values[size] = value;
            size++;
        }
    }

    /** Running summary of one metric, for {@code summary.json}. */
    private static final class MetricStat {
        final String name;
        long count;
        long lastStep;
        double last = Double.NaN;
        double min = Double.NaN;
        double max = Double.NaN;
        final double[] recent = new double[FINAL_WINDOW];

        MetricStat(String name) {
            this.name = name;
        }

        void add(long step, double v) {
            recent[(int) (count % FINAL_WINDOW)] = v;
            count++;
            lastStep = step;
            last = v;
            if (!Double.isNaN(v)) {
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }

        double finalMean() {
            int n = (int) Math.min(count, FINAL_WINDOW);
            if (n == 0) {
                return Double.NaN;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += recent[i];
            }
            return s / n;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("last_step", lastStep);
            m.put("last", last);
            m.put("final", finalMean());
            m.put("min", min);
            m.put("max", max);
            return m;
        }
    }

    private Run(String id, Path dir, RunInfo info, Options options, Instant startTime, long startNanos,
                Map<String, Object> provenance, FileChannel metrics, TensorBoardWriter tensorBoard,
                java.nio.channels.FileLock folderLock) {
        this.folderLock = folderLock;
        this.id = id;
        this.dir = dir;
        this.info = info;
        this.options = options;
        this.startTime = startTime;
        this.startNanos = startNanos;
        this.host = Provenance.hostName();
        this.provenance = provenance;
        this.metrics = metrics;
        this.tensorBoard = tensorBoard;
        long ms = options.flushInterval().toMillis();
        this.flushTask = flusher().scheduleWithFixedDelay(this::backgroundFlush, ms, ms, TimeUnit.MILLISECONDS);
        this.shutdownHook = new Thread(() -> {
            Runnable stop = beforeShutdownFinish;
            if (stop != null) {
                stop.run(); // the owner stops its work (a final checkpoint) and finishes the run itself
            }
            finish(RunStatus.INTERRUPTED, false);
        }, "trail-run-shutdown-" + id);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a run with {@link Options#defaults()}. */
    public static Run start(Path runsDir, RunInfo info) throws IOException {
        return start(runsDir, info, Options.defaults());
    }

    /**
     * Creates the run directory {@code runsDir/<run-id>/} (and {@code runsDir} if needed) with
     * {@code config.yaml}, {@code provenance.json}, an empty {@code metrics.csv}, the TensorBoard
     * event file and {@code summary.json} saying {@code running}.
     *
     * @throws IOException if the folder cannot be created or written
     */
    public static Run start(Path runsDir, RunInfo info, Options options) throws IOException {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(options, "options");
        Files.createDirectories(runsDir);
        Instant startTime = Instant.now();
        long startNanos = System.nanoTime();
        String prefix = safe(info.envId()) + "__" + safe(info.algo()) + "__s" + info.seed() + "__" + ID_TIME.format(startTime) + "__";
        Path dir = null;
        String id = null;
        for (int attempt = 0; dir == null; attempt++) {
            id = prefix + String.format("%04x", ID_RANDOM.nextInt(1 << 16));
            try {
                dir = Files.createDirectory(runsDir.resolve(id));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw new IOException("could not create a unique run directory under " + runsDir + " after 100 attempts", e);
                }
            }
        }
        java.nio.channels.FileLock folderLock = lockFolder(dir);
        Files.createDirectory(dir.resolve(PLOTS_DIR));
        Files.createDirectory(dir.resolve(CHECKPOINTS_DIR));
        AtomicFiles.write(dir.resolve(CONFIG_FILE), ConfigYaml.write(info.config()).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> provenance = Provenance.collect(id, info, options.workDir(), timestamp(startTime));
        Json.writeAtomic(dir.resolve(PROVENANCE_FILE), provenance);
        FileChannel channel = FileChannel.open(dir.resolve(METRICS_FILE), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        TensorBoardWriter tb = null;
        try {
            if (options.tensorBoard()) {
                tb = TensorBoardWriter.create(dir, startTime.toEpochMilli() / 1000.0, Provenance.hostName());
            }
            Run run = new Run(id, dir, info, options, startTime, startNanos, provenance, channel, tb, folderLock);
            synchronized (run.io) {
                run.writeHeader();
                run.writeSummary();
            }
            return run;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (tb != null) {
                tb.close();
            }
            folderLock.channel().close();
            throw e;
        }
    }

    /**
     * Reopens an existing run directory to continue it from a checkpoint at {@code fromStep}: one
     * run, one curve. Rows of {@code metrics.csv} after {@code fromStep} (what the stopped process
     * logged past its last checkpoint, and a line cut by a kill) are dropped, so no step appears
     * twice once the continuation logs them again; the TensorBoard events are rewritten from the
     * kept rows; {@code provenance.json} gets an entry under {@code resumes} (time, checkpoint, step,
     * command line, rows dropped); {@code summary.json} says {@code running} again, with this
     * process's pid. Wall times continue from the last kept row. {@code config.yaml} is kept as it is.
     *
     * @param fromCheckpoint the checkpoint the run continues from (recorded)
     * @throws IOException if the folder is not a run folder or cannot be rewritten
     */
    public static Run resume(Path dir, long fromStep, Path fromCheckpoint, List<String> commandLine, Options options)
            throws IOException {
        Path summaryFile = dir.resolve(SUMMARY_FILE);
        Path provenanceFile = dir.resolve(PROVENANCE_FILE);
        Path metricsFile = dir.resolve(METRICS_FILE);
        for (Path required : List.of(summaryFile, provenanceFile, metricsFile)) {
            if (!Files.isRegularFile(required)) {
                throw new IOException(dir + " is not a run folder: " + required.getFileName() + " is missing");
            }
        }
        java.nio.channels.FileLock folderLock = lockFolder(dir); // before anything is read or rewritten
        try {
            return resume(dir, fromStep, fromCheckpoint, commandLine, options, folderLock);
        } catch (IOException | RuntimeException e) {
            folderLock.channel().close();
            throw e;
        }
    }

    private static Run resume(Path dir, long fromStep, Path fromCheckpoint, List<String> commandLine, Options options,
            java.nio.channels.FileLock folderLock) throws IOException {
        Path summaryFile = dir.resolve(SUMMARY_FILE);
        Path provenanceFile = dir.resolve(PROVENANCE_FILE);
        Path metricsFile = dir.resolve(METRICS_FILE);
        Map<String, Object> summary = Json.readMap(summaryFile);
        Map<String, Object> provenance = new LinkedHashMap<>(Json.readMap(provenanceFile));
        String id = Json.string(summary, "run_id");
        List<Long> seeds = new ArrayList<>();
        if (summary.get("seeds") instanceof List<?> list) {
            for (Object o : list) {
                seeds.add(((Number) o).longValue());
            }
        } else {
            seeds.add(Json.longValue(summary, "seed", 0));
        }
        Map<String, Object> config = readConfig(dir.resolve(CONFIG_FILE));
        RunInfo info = new RunInfo(Json.string(summary, "env"), Json.string(summary, "algo"), seeds, config, commandLine);
        Instant startTime = Instant.parse(Json.string(summary, "start_time"));

        // keep the header and the well-formed rows up to the checkpoint's step
        byte[] old = Files.readAllBytes(metricsFile);
        String text = new String(old, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder(MetricsFile.HEADER).append('\n');
        List<String[]> keptRows = new ArrayList<>();
        long dropped = 0;
        int pos = text.indexOf('\n') + 1;
        while (pos > 0 && pos < text.length()) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                dropped++; // an unterminated last line: cut by the kill
                break;
            }
            String line = text.substring(pos, end);
            pos = end + 1;
            String[] f = line.split(",", -1);
            long step;
            try {
                step = f.length == 4 ? Long.parseLong(f[0]) : Long.MAX_VALUE;
                if (f.length == 4) {
                    Double.parseDouble(f[1]);
                    Double.parseDouble(f[3]);
                }
            } catch (NumberFormatException e) {
                step = Long.MAX_VALUE;
            }
            if (step <= fromStep) {
                kept.append(line).append('\n');
                keptRows.add(f);
            } else {
                dropped++;
            }
        }
        byte[] keptBytes = kept.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(metricsFile, keptBytes);

        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("time", timestamp(Instant.now()));
        resume.put("from_checkpoint", fromCheckpoint == null ? null : fromCheckpoint.toString());
        resume.put("from_step", fromStep);
        resume.put("rows_dropped", dropped);
        resume.put("command_line", commandLine);
        resume.put("pid", ProcessHandle.current().pid());
        List<Object> resumes = new ArrayList<>();
        if (provenance.get("resumes") instanceof List<?> earlier) {
            resumes.addAll(earlier);
        }
        resumes.add(resume);
        provenance.put("resumes", resumes);
        provenance.remove("end_time");
        provenance.remove("exit_status");
        Json.writeAtomic(provenanceFile, provenance);

        TensorBoardWriter tb = null;
        if (options.tensorBoard()) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                    Files.delete(f);
                }
            }
            tb = TensorBoardWriter.create(dir, startTime.toEpochMilli() / 1000.0, Provenance.hostName());
        }
        FileChannel channel = FileChannel.open(metricsFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        double lastWall = 0;
        for (String[] f : keptRows) {
            lastWall = Math.max(lastWall, Double.parseDouble(f[1]));
        }
        long startNanos = System.nanoTime() - (long) (lastWall * 1e9);
        try {
            Run run = new Run(id, dir, info, options, startTime, startNanos, provenance, channel, tb, folderLock);
            synchronized (run.io) {
                run.metricsCrc.update(keptBytes, 0, keptBytes.length);
                run.metricsBytes = keptBytes.length;
                for (String[] f : keptRows) {
                    long step = Long.parseLong(f[0]);
                    double wall = Double.parseDouble(f[1]);
                    double value = Double.parseDouble(f[3]);
                    int index = run.index(f[2]);
                    while (run.stats.size() <= index) {
                        run.stats.add(new MetricStat(run.names.get(run.stats.size())));
                    }
                    run.stats.get(index).add(step, value);
                    run.lastStep = Math.max(run.lastStep, step);
                    run.lastWall = Math.max(run.lastWall, wall);
                    run.rows++;
                    if (tb != null) {
                        tb.scalar(f[2], step, startTime.toEpochMilli() / 1000.0 + wall, value);
                    }
                }
                if (tb != null) {
                    tb.flush();
                }
                run.writeSummary();
            }
            return run;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (tb != null) {
                tb.close();
            }
            throw e;
        }
    }

    /** The lock file in a run folder (kept: deleting a lock file would let two processes lock two files). */
    public static final String LOCK_FILE = ".lock";

    /**
     * Takes the run folder's lock ({@value #LOCK_FILE}, an OS file lock released when the process
     * ends, also on {@code kill -9}).
     *
     * @throws IOException saying the folder is in use if another process (or this one) holds it
     */
    private static java.nio.channels.FileLock lockFolder(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new RunInUseException(dir);
        }
        return lock;
    }

    /** The run folder is being written by another process (a training or a resume of it is running). */
    public static final class RunInUseException extends IOException {
        RunInUseException(Path dir) {
            super("run folder " + dir + " is in use by another process (a training or resume of it is running);"
                    + " wait for it to end or stop it first");
        }
    }

    /** {@link #resume(Path, long, Path, List, Options)} with {@link Options#defaults()}. */
    public static Run resume(Path dir, long fromStep, Path fromCheckpoint, List<String> commandLine)
            throws IOException {
        return resume(dir, fromStep, fromCheckpoint, commandLine, Options.defaults());
    }

    /** A run's {@code config.yaml} as a map (empty when absent). */
    static Map<String, Object> readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        return ConfigYaml.read(file);
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    /**
     * ISO-8601 UTC with exactly three fraction digits ({@code 2026-01-02T03:04:05.067Z}), so that
     * timestamps sort as text and {@link Instant#parse} reads them back.
     */
    public static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "-");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    private static ScheduledExecutorService flusher() {
        ScheduledExecutorService f = flusher;
        if (f == null) {
            synchronized (Run.class) {
                f = flusher;
                if (f == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "trail-track-flusher");
                        t.setDaemon(true);
                        return t;
                    });
                    e.setRemoveOnCancelPolicy(true);
                    flusher = f = e;
                }
            }
        }
        return f;
    }

    /** The run id, also the name of its directory. */
    public String id() {
        return id;
    }

    /** The run directory. */
    public Path dir() {
        return dir;
    }

    public RunInfo info() {
        return info;
    }

    /** Seconds since the run started (monotonic clock). */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The last step at which {@code metric} was written to {@code metrics.csv}, or -1 if never. */
    public long lastStep(String metric) {
        synchronized (io) {
            for (MetricStat m : stats) {
                if (m.name.equals(metric)) {
                    return m.count == 0 ? -1 : m.lastStep;
                }
            }
            return -1;
        }
    }

    /** Problems met while recording that did not stop the run (e.g. the end-of-run plot failed). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Logs metrics at {@code globalStep}, stamped with {@link #elapsedSeconds()}. */
    public void log(long globalStep, Map<String, Double> metrics) {
        log(globalStep, elapsedSeconds(), metrics);
    }

    /** Logs one metric. */
    public void log(long globalStep, String name, double value) {
        log(globalStep, elapsedSeconds(), name, value);
    }

    /** Logs one metric with an explicit wall time. */
    public void log(long globalStep, double wallSeconds, String name, double value) {
        boolean full;
        synchronized (lock) {
            checkOpen();
            active.add(globalStep, wallSeconds, index(name), value);
            full = active.size >= INLINE_FLUSH_ROWS;
        }
        if (full) {
            flushQuietly(); // outside the lock: flush() takes io then lock, never the other way round
        }
    }

    /**
     * Logs metrics at {@code globalStep}; {@code wallSeconds} is seconds since the run started.
     * Names are namespaced like {@code charts/episodic_return}, {@code losses/policy},
     * {@code time/steps_per_second}; a null value is skipped.
     *
     * @throws IllegalArgumentException if a name contains a comma, quote or line break
     * @throws IllegalStateException    if the run has finished
     * @throws UncheckedIOException     if an earlier background flush failed (disk full, ...)
     */
    public void log(long globalStep, double wallSeconds, Map<String, Double> metrics) {
        boolean full;
        // a map without an order (Map.of, HashMap) is written by name: Map.of's order changes from one JVM to the next
        Map<String, Double> ordered = metrics instanceof java.util.SequencedMap<String, Double> ? metrics
                : new java.util.TreeMap<>(metrics);
        synchronized (lock) {
            checkOpen();
            for (Map.Entry<String, Double> e : ordered.entrySet()) {
                Double v = e.getValue();
                if (v != null) {
                    active.add(globalStep, wallSeconds, index(e.getKey()), v);
                }
            }
            full = active.size >= INLINE_FLUSH_ROWS;
        }
        if (full) {
            flushQuietly(); // outside the lock: flush() takes io then lock, never the other way round
        }
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("run " + id + " has finished; metrics can no longer be logged");
        }
        IOException err = flushError;
        if (err != null) {
            throw new UncheckedIOException("run " + id + ": writing metrics to " + dir + " failed", err);
        }
    }

    private int index(String name) {
        Integer i = nameIndex.get(name);
        if (i == null) {
            MetricsFile.checkName(name);
            i = names.size();
            names.add(name);
            nameIndex.put(name, i);
        }
        return i;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException e) {
            flushError = e;
        }
    }

    private void backgroundFlush() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            flushError = e instanceof IOException io ? io : new IOException(e);
            warnings.add("flush failed: " + e);
        }
    }

    /**
     * Appends everything logged so far to {@code metrics.csv} and the TensorBoard file and
     * rewrites {@code summary.json} (which also renews the heartbeat).
     */
    public void flush() throws IOException {
        synchronized (io) {
            Buffer full;
            List<String> nameSnapshot;
            synchronized (lock) {
                full = active;
                if (full.size > 0) {
                    active = new Buffer(Math.max(1024, full.size));
                }
                nameSnapshot = List.copyOf(names);
            }
            if (full.size > 0) {
                append(full, nameSnapshot);
            }
            if (status == RunStatus.RUNNING || full.size > 0) {
                writeSummary();
            }
        }
    }

    private void append(Buffer b, List<String> nameList) throws IOException {
        StringBuilder sb = new StringBuilder(b.size * 40);
        for (int i = 0; i < b.size; i++) {
            String name = nameList.get(b.names[i]);
            sb.append(b.steps[i]).append(',').append(b.walls[i]).append(',').append(name).append(',')
                    .append(b.values[i]).append('\n');
            while (stats.size() <= b.names[i]) {
                stats.add(new MetricStat(nameList.get(stats.size())));
            }
            stats.get(b.names[i]).add(b.steps[i], b.values[i]);
            lastStep = Math.max(lastStep, b.steps[i]);
            lastWall = Math.max(lastWall, b.walls[i]);
            if (tensorBoard != null) {
                tensorBoard.scalar(name, b.steps[i], startTime.toEpochMilli() / 1000.0 + b.walls[i], b.values[i]);
            }
        }
        write(sb.toString().getBytes(StandardCharsets.UTF_8));
        rows += b.size;
        if (tensorBoard != null) {
            tensorBoard.flush();
        }
    }

    private void writeHeader() throws IOException {
        write((MetricsFile.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            metrics.write(buf);
        }
        metricsCrc.update(bytes, 0, bytes.length);
        metricsBytes += bytes.length;
    }

    private void writeSummary() throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run_id", id);
        s.put("env", info.envId());
        s.put("algo", info.algo());
        s.put("seed", info.seed());
        s.put("seeds", info.seeds());
        s.put("status", status.label());
        s.put("host", host);
        s.put("pid", ProcessHandle.current().pid());
        s.put("pid_start", ProcessHandle.current().info().startInstant().map(Instant::toString).orElse(null));
        s.put("start_time", timestamp(startTime));
        s.put("end_time", endTime == null ? null : timestamp(endTime));
        s.put("heartbeat", timestamp(Instant.now()));
        s.put("flush_interval_ms", options.flushInterval().toMillis());
        s.put("global_step", lastStep);
        s.put("wall_seconds", lastWall);
        s.put("rows", rows);
        s.put("metrics_bytes", metricsBytes);
        s.put("metrics_crc32c", metricsCrc.getValue());
        MetricStat ret = stats.stream().filter(m -> m.name.equals(EPISODIC_RETURN)).findFirst().orElse(null);
        s.put("final_return", ret == null ? null : ret.finalMean());
        s.put("episodes", ret == null ? 0 : ret.count);
        Map<String, Object> m = new LinkedHashMap<>();
        for (MetricStat st : stats) {
            m.put(st.name, st.toMap());
        }
        s.put("metrics", m); // keep last: listing stops reading here
        Json.writeAtomic(dir.resolve(SUMMARY_FILE), s);
    }

    /**
     * Ends the run: flushes, records the end time and exit status in {@code summary.json} and
     * {@code provenance.json}, closes the files and (if enabled and there are episodic returns)
     * draws {@code plots/learning_curve.png}. Calling it again does nothing.
     *
     * @throws IOException if the final flush failed (the status is still recorded if possible)
     */
    public void finish(RunStatus exitStatus) throws IOException {
        if (exitStatus == RunStatus.RUNNING || exitStatus == RunStatus.CRASHED) {
            throw new IllegalArgumentException("a run finishes as finished, failed or interrupted, not " + exitStatus.label());
        }
        IOException e = finish(exitStatus, options.plotAtFinish());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; nothing to remove
        }
        if (e != null) {
            throw e;
        }
    }

    private IOException finish(RunStatus exitStatus, boolean plot) {
        synchronized (lock) {
            if (finished) {
                return null;
            }
            finished = true;
        }
        flushTask.cancel(false);
        IOException error = null;
        synchronized (io) {
            try {
                flush();
            } catch (IOException e) {
                error = e;
            }
            status = exitStatus;
            endTime = Instant.now();
            try {
                writeSummary();
                provenance.put("end_time", timestamp(endTime));
                provenance.put("exit_status", exitStatus.label());
                provenance.put("wall_seconds", Duration.between(startTime, endTime).toMillis() / 1000.0);
                Json.writeAtomic(dir.resolve(PROVENANCE_FILE), provenance);
            } catch (IOException e) {
                error = error == null ? e : error;
            }
            try {
                metrics.close();
                if (tensorBoard != null) {
                    tensorBoard.close();
                }
                folderLock.channel().close(); // releases the lock
            } catch (IOException e) {
                error = error == null ? e : error;
            }
            if (plot && stats.stream().anyMatch(m -> m.name.equals(EPISODIC_RETURN) && m.count > 0)) {
                try {
                    dev.trail.track.plot.Plots.runLearningCurve(dir, EPISODIC_RETURN,
                            dir.resolve(PLOTS_DIR).resolve(LEARNING_CURVE_FILE));
                } catch (IOException | RuntimeException | LinkageError t) {
                    warnings.add("could not draw the learning curve of " + id + ": " + t);
                }
            }
        }
        return error;
    }

    /**
     * What the JVM's shutdown (Ctrl-C, SIGTERM) does before it marks the run interrupted: e.g. ask
     * the training loop to stop and wait until it wrote its checkpoint and called {@link #finish}.
     * Without it the run is finished at once, and a training thread still logging would fail.
     */
    public void onShutdown(Runnable stopAndWait) {
        this.beforeShutdownFinish = stopAndWait;
    }

    /** Finishes the run as {@link RunStatus#FINISHED} unless {@link #finish} was called already. */
    @Override
    public void close() throws IOException {
        finish(RunStatus.FINISHED);
    }
}
