package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Trajectories as a Parquet file, one row per step ({@code docs/TRAJECTORIES.md}), written and
 * read through embedded DuckDB, so pandas, Polars, DuckDB and Spark read it without Trail.
 *
 * <p>Columns: {@code trajectory_id}, {@code group_id}, {@code task_id}, {@code seed},
 * {@code step}, {@code observation} (FLOAT list), {@code action} (FLOAT list) or
 * {@code action_text}, {@code reward}, {@code terminated}, {@code truncated}, and where the
 * trajectories have them {@code log_prob}, {@code value}, {@code mask}, {@code parent_id},
 * {@code branch_step}, {@code bootstrap_value} and {@code final_observation} (on the last row of
 * a trajectory), {@code greedy_reward}; then one VARCHAR column per label and one DOUBLE column
 * per extra. {@code terminated} / {@code truncated} are true only on a trajectory's last row.
 *
 * <p>Both directions move Arrow record batches between Java and DuckDB through Arrow's C data
 * interface, never row by row through JDBC. Writing streams: a DuckDB {@code COPY ... TO ...
 * (FORMAT parquet)} runs on its own thread and pulls batches of 64 Ki rows from a queue of two
 * that {@link TrajectorySink#write} fills, so memory stays flat however many steps are written;
 * the file is written under a temporary name and renamed into place when complete. A
 * trajectory bringing a column the first ones did not have starts a new part, and parts are
 * merged by name ({@code union_by_name}) on commit.
 */
public final class TrajectoryParquet {

    /** Key-value metadata key holding the schema version. */
    public static final String SCHEMA_KEY = "trail.schema";
    /** The schema version written. */
    public static final String SCHEMA_VERSION = "1";

    static final int BATCH_ROWS = 1 << 16;

    /**
     * The marker file of a complete dataset folder (part files {@code *.parquet} read in name order),
     * as Spark's committer writes it.
     */
    public static final String COMMITTED = "_SUCCESS";

    static {
        ArrowSettings.apply();
    }

    private static final List<String> FIXED = List.of("trajectory_id", "group_id", "task_id", "seed", "step",
            "observation", "action", "action_text", "reward", "terminated", "truncated", "log_prob", "value", "mask",
            "parent_id", "branch_step", "bootstrap_value", "final_observation", "greedy_reward");

    private TrajectoryParquet() {
    }

    /** Opens a sink writing {@code target} with the given key-value metadata (plus the schema version). */
    public static TrajectorySink create(Path target, Map<String, String> metadata) throws IOException {
        return new Writer(target, metadata);
    }

    /** Opens {@code file} for streaming reads; a file that is not Parquet fails here, naming it. */
    public static TrajectorySource open(Path file) throws IOException {
        return new Reader(file);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---------------------------------------------------------------- the columns of a part

    /** Which columns a part has: the always-present ones, the optional fixed ones in use, labels and extras. */
    private record Columns(Set<String> optional, List<String> labels, List<String> extras) {

        static final Set<String> ALWAYS = Set.of("trajectory_id", "group_id", "task_id", "seed", "step", "reward",
                "terminated", "truncated");

        static Columns none() {
            return new Columns(Set.of(), List.of(), List.of());
        }

        /** The optional fixed columns {@code t} needs. */
        static Set<String> needs(Trajectory t) {
            Set<String> s = new LinkedHashSet<>();
            int o = t.observationSize();
            boolean hasObs = o > 0 && t.observations().length > 0;
            if (hasObs) {
                s.add("observation");
                if (!allNaN(t.observations(), t.length() * o, o)) {
                    s.add("final_observation");
                }
            }
            if (t.hasTextActions()) {
                s.add("action_text");
            } else if (t.actionSize() > 0 && t.actions().length > 0) {
                s.add("action");
            }
            if (t.logProbs() != null) {
                s.add("log_prob");
            }
            if (t.values() != null) {
                s.add("value");
            }
            if (t.mask() != null) {
                s.add("mask");
            }
            if (t.parentId() != null) {
                s.add("parent_id");
                s.add("branch_step");
            }
            if (!Double.isNaN(t.bootstrapValue())) {
                s.add("bootstrap_value");
            }
            if (t.labels().containsKey(Labels.GREEDY_REWARD)) {
                s.add("greedy_reward");
            }
            return s;
        }

        boolean covers(Trajectory t) {
            if (!optional.containsAll(needs(t))) {
                return false;
            }
            for (String k : t.labels().keySet()) {
                if (!k.equals(Labels.GREEDY_REWARD) && !FIXED.contains(k) && !labels.contains(k)) {
                    return false;
                }
            }
            for (String k : t.extras().keySet()) {
                if (!FIXED.contains(k) && !extras.contains(k) && !labels.contains(k)) {
                    return false;
                }
            }
            return true;
        }

        Columns with(Trajectory t) {
            Set<String> opt = new LinkedHashSet<>(optional);
            opt.addAll(needs(t));
            List<String> l = new ArrayList<>(labels);
            for (String k : t.labels().keySet()) {
                if (!k.equals(Labels.GREEDY_REWARD) && !FIXED.contains(k) && !l.contains(k)) {
                    l.add(k);
                }
            }
            List<String> x = new ArrayList<>(extras);
            for (String k : t.extras().keySet()) {
                if (!FIXED.contains(k) && !x.contains(k) && !l.contains(k)) {
                    x.add(k);
                }
            }
            return new Columns(opt, l, x);
        }

        boolean has(String fixed) {
            return ALWAYS.contains(fixed) || optional.contains(fixed);
        }

        Schema schema() {
            List<Field> fields = new ArrayList<>();
            for (String c : FIXED) {
                if (has(c)) {
                    fields.add(field(c));
                }
            }
            for (String l : labels) {
                fields.add(new Field(l, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
            }
            for (String x : extras) {
                fields.add(new Field(x, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
            }
            return new Schema(fields);
        }

        private static Field field(String c) {
            return switch (c) {
                case "trajectory_id", "group_id", "task_id", "action_text", "parent_id" ->
                        new Field(c, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
                case "seed" -> new Field(c, FieldType.nullable(new ArrowType.Int(64, true)), null);
                case "step", "branch_step" -> new Field(c, FieldType.nullable(new ArrowType.Int(32, true)), null);
                case "observation", "action", "final_observation" -> new Field(c, FieldType.nullable(ArrowType.List.INSTANCE),
                        List.of(new Field("element", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)));
                case "terminated", "truncated", "mask" -> new Field(c, FieldType.nullable(ArrowType.Bool.INSTANCE), null);
                default -> new Field(c, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null);
            };
        }
    }

    /** Up to {@link #BATCH_ROWS} rows, as references to the (immutable) trajectories they come from. */
    private static final class Batch {
        final List<Trajectory> trajectories = new ArrayList<>();
        final List<int[]> ranges = new ArrayList<>();
        int rows;
    }

    private static final Batch END = new Batch();

    // ---------------------------------------------------------------- writing

    private static final class Writer implements TrajectorySink {
        private final Path target;
        private final dev.trail.io.AtomicFiles.Output output;
        private final String kvMetadata;
        private final BufferAllocator allocator = new RootAllocator();
        private final DuckDBConnection conn;
        private final List<Path> parts = new ArrayList<>();
        private Columns columns = Columns.none();
        private Part part;
        private Batch batch = new Batch();
        private int streams;
        private boolean committed;

        Writer(Path target, Map<String, String> metadata) throws IOException {
            this.target = target;
            Map<String, String> m = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
            m.put(SCHEMA_KEY, SCHEMA_VERSION);
            StringBuilder kv = new StringBuilder();
            for (Map.Entry<String, String> e : m.entrySet()) {
                kv.append(kv.isEmpty() ? "" : ", ").append(quote(e.getKey())).append(": ").append(literal(e.getValue()));
            }
            this.kvMetadata = kv.toString();
            output = dev.trail.io.AtomicFiles.open(target); // checks the target can be written
            try {
                conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
                try (Statement st = conn.createStatement()) {
                    st.execute("SET preserve_insertion_order=true");
                    st.execute("SET memory_limit='1GB'");
                }
            } catch (SQLException e) {
                allocator.close();
                output.close();
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(Trajectory t) throws IOException {
            if (!columns.covers(t)) {
                // the columns of a part are fixed when its first batch goes out; a wider trajectory starts a new part
                if (part != null) {
                    flush();
                    closePart();
                }
                columns = columns.with(t);
            }
            add(t);
        }

        private void add(Trajectory t) throws IOException {
            int from = 0;
            while (from < t.length()) {
                int n = Math.min(t.length() - from, BATCH_ROWS - batch.rows);
                batch.trajectories.add(t);
                batch.ranges.add(new int[] {from, from + n});
                batch.rows += n;
                from += n;
                if (batch.rows == BATCH_ROWS) {
                    flush();
                }
            }
        }

        private void flush() throws IOException {
            if (batch.rows == 0) {
                return;
            }
            if (part == null) {
                part = new Part(columns);
            }
            part.put(batch);
            batch = new Batch();
        }

        private void closePart() throws IOException {
            if (part != null) {
                part.finish();
                part = null;
            }
        }

        /** One Parquet file written by a COPY that pulls batches from a queue on its own thread. */
        private final class Part {
            final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(2);
            final Path file;
            final Thread copy;
            volatile Throwable failure;

            Part(Columns cols) throws IOException {
                file = output.scratchFile(".parquet");
                parts.add(file);
                String name = "trail_stream_" + (streams++);
                BatchReader reader = new BatchReader(allocator, cols, queue);
                ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
                Data.exportArrayStream(allocator, reader, stream);
                conn.registerArrowStream(name, stream);
                copy = new Thread(() -> {
                    try (Statement st = conn.createStatement()) {
                        st.execute("COPY (SELECT * FROM " + name + ") TO " + literal(file.toString())
                                + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {" + kvMetadata + "})");
                    } catch (Throwable e) {
                        failure = e;
                        queue.clear();
                    } finally {
                        stream.close();
                    }
                }, "trail-parquet-copy");
                copy.setDaemon(true);
                copy.start();
            }

            void put(Batch b) throws IOException {
                try {
                    while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
                        check();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing " + target, e);
                }
                check();
            }

            void finish() throws IOException {
                put(END);
                try {
                    copy.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing " + target, e);
                }
                check();
            }

            void abort() {
                queue.clear();
                queue.offer(END);
                try {
                    copy.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            private void check() throws IOException {
                if (failure != null) {
                    throw new IOException("cannot write " + target + ": " + firstLine(failure.getMessage()), failure);
                }
            }
        }

        @Override
        public void commit() throws IOException {
            flush();
            closePart();
            if (parts.isEmpty()) {
                // no trajectories: an empty file with the schema
                Part p = new Part(columns);
                p.finish();
            }
            Path result = parts.get(0);
            if (parts.size() > 1) {
                result = output.scratchFile(".parquet");
                StringBuilder list = new StringBuilder();
                for (Path p : parts) {
                    list.append(list.isEmpty() ? "" : ", ").append(literal(p.toString()));
                }
                try (Statement st = conn.createStatement()) {
                    st.execute("COPY (SELECT * FROM read_parquet([" + list + "], union_by_name = true)) TO "
                            + literal(result.toString()) + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {"
                            + kvMetadata + "})");
                } catch (SQLException e) {
                    Files.deleteIfExists(result);
                    throw new IOException("cannot write " + target + ": " + firstLine(e.getMessage()), e);
                }
                for (Path p : parts) {
                    Files.deleteIfExists(p);
                }
                parts.clear();
                parts.add(result);
            }
            output.commitFrom(result);
            parts.clear();
            committed = true;
            close();
        }

        @Override
        public void close() throws IOException {
            if (part != null) {
                part.abort();
                part = null;
            }
            try {
                conn.close();
            } catch (SQLException ignored) {
                // nothing to keep
            }
            if (!committed) {
                for (Path p : parts) {
                    Files.deleteIfExists(p);
                }
                parts.clear();
            }
            allocator.close();
            output.close();
        }
    }

    /** Hands queued batches to DuckDB as Arrow record batches, filling the vectors from the trajectories. */
    private static final class BatchReader extends ArrowReader {
        private final Columns cols;
        private final BlockingQueue<Batch> queue;
        private final Schema schema;

        BatchReader(BufferAllocator allocator, Columns cols, BlockingQueue<Batch> queue) {
            super(allocator);
            this.cols = cols;
            this.queue = queue;
            this.schema = cols.schema();
        }

        @Override
        protected Schema readSchema() {
            return schema;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            Batch b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (b == END) {
                return false;
            }
            VectorSchemaRoot root = getVectorSchemaRoot();
            fill(root, b);
            return true;
        }

        private void fill(VectorSchemaRoot root, Batch b) {
            int rows = b.rows;
            for (FieldVector v : root.getFieldVectors()) {
                v.clear();
                if (v instanceof ListVector lv) {
                    lv.allocateNew();
                } else {
                    v.setInitialCapacity(rows);
                    v.allocateNew();
                }
            }
            VarCharVector id = (VarCharVector) root.getVector("trajectory_id");
            VarCharVector group = (VarCharVector) root.getVector("group_id");
            VarCharVector task = (VarCharVector) root.getVector("task_id");
            BigIntVector seed = (BigIntVector) root.getVector("seed");
            IntVector step = (IntVector) root.getVector("step");
            ListVector obs = (ListVector) root.getVector("observation");
            ListVector act = (ListVector) root.getVector("action");
            VarCharVector text = (VarCharVector) root.getVector("action_text");
            Float8Vector reward = (Float8Vector) root.getVector("reward");
            BitVector term = (BitVector) root.getVector("terminated");
            BitVector trunc = (BitVector) root.getVector("truncated");
            Float8Vector logProb = (Float8Vector) root.getVector("log_prob");
            Float8Vector value = (Float8Vector) root.getVector("value");
            BitVector mask = (BitVector) root.getVector("mask");
            VarCharVector parent = (VarCharVector) root.getVector("parent_id");
            IntVector branch = (IntVector) root.getVector("branch_step");
            Float8Vector bootstrap = (Float8Vector) root.getVector("bootstrap_value");
            ListVector finalObs = (ListVector) root.getVector("final_observation");
            Float8Vector greedy = (Float8Vector) root.getVector("greedy_reward");
            VarCharVector[] labels = new VarCharVector[cols.labels().size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (VarCharVector) root.getVector(cols.labels().get(i));
            }
            Float8Vector[] extras = new Float8Vector[cols.extras().size()];
            for (int i = 0; i < extras.length; i++) {
                extras[i] = (Float8Vector) root.getVector(cols.extras().get(i));
            }
            int r = 0;
            for (int k = 0; k < b.trajectories.size(); k++) {
                Trajectory t = b.trajectories.get(k);
                int[] range = b.ranges.get(k);
                byte[] idBytes = utf8(t.id());
                byte[] groupBytes = utf8(t.groupId());
                byte[] taskBytes = utf8(t.taskId());
                byte[] parentBytes = utf8(t.parentId());
                byte[][] labelBytes = new byte[labels.length][];
                for (int i = 0; i < labels.length; i++) {
                    labelBytes[i] = utf8(t.labels().get(cols.labels().get(i)));
                }
                double[][] extraCols = new double[extras.length][];
                for (int i = 0; i < extras.length; i++) {
                    extraCols[i] = t.extras().get(cols.extras().get(i));
                }
                String g = t.labels().get(Labels.GREEDY_REWARD);
                double greedyValue = g == null ? Double.NaN : Double.parseDouble(g);
                int o = t.observationSize();
                boolean hasObs = o > 0 && t.observations().length > 0;
                int a = t.actionSize();
                boolean hasAct = !t.hasTextActions() && a > 0 && t.actions().length > 0;
                boolean hasFinal = hasObs && !allNaN(t.observations(), t.length() * o, o);
                int n = t.length();
                for (int s = range[0]; s < range[1]; s++, r++) {
                    boolean last = s == n - 1;
                    text(id, r, idBytes);
                    text(group, r, groupBytes);
                    text(task, r, taskBytes);
                    seed.setSafe(r, t.seed());
                    step.setSafe(r, s);
                    if (obs != null) {
                        floats(obs, r, hasObs ? t.observations() : null, s * o, o);
                    }
                    if (act != null) {
                        floats(act, r, hasAct ? t.actions() : null, s * a, a);
                    }
                    if (text != null) {
                        text(text, r, t.hasTextActions() ? utf8(t.textActions()[s]) : null);
                    }
                    reward.setSafe(r, t.rewards()[s]);
                    term.setSafe(r, last && t.terminated() ? 1 : 0);
                    trunc.setSafe(r, last && t.truncated() ? 1 : 0);
                    number(logProb, r, t.logProbs() == null ? Double.NaN : t.logProbs()[s], t.logProbs() != null);
                    number(value, r, t.values() == null ? Double.NaN : t.values()[s], t.values() != null);
                    if (mask != null) {
                        if (t.mask() == null) {
                            mask.setNull(r);
                        } else {
                            mask.setSafe(r, t.mask()[s] ? 1 : 0);
                        }
                    }
                    if (parent != null) {
                        text(parent, r, parentBytes);
                        if (t.parentId() == null) {
                            branch.setNull(r);
                        } else {
                            branch.setSafe(r, t.branchStep());
                        }
                    }
                    number(bootstrap, r, t.bootstrapValue(), last && !Double.isNaN(t.bootstrapValue()));
                    if (finalObs != null) {
                        floats(finalObs, r, last && hasFinal ? t.observations() : null, n * o, o);
                    }
                    number(greedy, r, greedyValue, !Double.isNaN(greedyValue));
                    for (int i = 0; i < labels.length; i++) {
                        text(labels[i], r, labelBytes[i]);
                    }
                    for (int i = 0; i < extras.length; i++) {
                        number(extras[i], r, extraCols[i] == null ? 0 : extraCols[i][s], extraCols[i] != null);
                    }
                }
            }
            for (FieldVector v : root.getFieldVectors()) {
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
        }

        private static void text(VarCharVector v, int r, byte[] bytes) {
            if (bytes == null) {
                v.setNull(r);
            } else {
                v.setSafe(r, bytes);
            }
        }

        private static void number(Float8Vector v, int r, double x, boolean present) {
            if (v == null) {
                return;
            }
            if (present) {
                v.setSafe(r, x);
            } else {
                v.setNull(r);
            }
        }

        private static void floats(ListVector v, int r, float[] values, int from, int n) {
            if (values == null) {
                v.setNull(r);
                return;
            }
            Float4Vector child = (Float4Vector) v.getDataVector();
            int off = v.startNewValue(r);
            for (int j = 0; j < n; j++) {
                child.setSafe(off + j, values[from + j]);
            }
            v.endValue(r, n);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean allNaN(float[] a, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (!Float.isNaN(a[i])) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- reading

    private static final class Reader implements TrajectorySource {
        private final Path file;
        private String src;
        private final BufferAllocator allocator = new RootAllocator();
        private Connection conn;
        private Statement st;
        private ResultSet rs;
        private ArrowReader arrow;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, String> types = new LinkedHashMap<>();
        private final List<String> labelColumns = new ArrayList<>();
        private final List<String> extraColumns = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private final ArrayDeque<Trajectory> ready = new ArrayDeque<>();
        private Builder current;
        private boolean eof;
        private long row;
        private int batchRows;
        private final java.util.IdentityHashMap<Object, Integer> nullCounts = new java.util.IdentityHashMap<>();
        private int obsSize = -1;
        private long obsSizeRow;
        // this batch's vectors
        private BigIntVector vHash;
        private VarCharVector vId;
        private VarCharVector vGroup;
        private VarCharVector vTask;
        private BigIntVector vSeed;
        private BigIntVector vStep;
        private ListVector vObs;
        private ListVector vAct;
        private VarCharVector vText;
        private Float8Vector vReward;
        private BitVector vTerm;
        private BitVector vTrunc;
        private Float8Vector vLogProb;
        private Float8Vector vValue;
        private BitVector vMask;
        private VarCharVector vParent;
        private IntVector vBranch;
        private Float8Vector vBootstrap;
        private ListVector vFinal;
        private Float8Vector vGreedy;
        private VarCharVector[] vLabels;
        private Float8Vector[] vExtras;

        Reader(Path file) throws IOException {
            this.file = file;
            if (Files.isDirectory(file)) {
                // a dataset folder (Trail on Spark): part files in name order, complete only with its marker
                if (!Files.isRegularFile(file.resolve(COMMITTED))) {
                    allocator.close();
                    throw new DatasetException(file + ": a dataset folder without " + COMMITTED
                            + " (the job that wrote it did not finish)");
                }
            } else if (!Files.isRegularFile(file)) {
                allocator.close();
                throw new DatasetException(file + ": does not exist or is not a file");
            }
            String path = literal(Files.isDirectory(file) ? file.toAbsolutePath().resolve("*.parquet").toString()
                    : file.toAbsolutePath().toString());
            src = Files.isDirectory(file) ? "read_parquet(" + path + ", union_by_name = true)"
                    : "read_parquet(" + path + ")";
            try {
                // streamed results: DuckDB hands over chunks as it decodes them instead of materialising the file
                java.util.Properties props = new java.util.Properties();
                props.setProperty("jdbc_stream_results", "true");
                conn = DriverManager.getConnection("jdbc:duckdb:", props);
                st = conn.createStatement();
                try (ResultSet d = st.executeQuery("DESCRIBE SELECT * FROM " + src)) {
                    while (d.next()) {
                        types.put(d.getString(1), d.getString(2));
                    }
                }
                try (ResultSet kv = st.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" + path + ")")) {
                    while (kv.next()) {
                        metadata.put(kv.getString(1), kv.getString(2));
                    }
                }
            } catch (SQLException e) {
                close();
                throw new DatasetException(file + ": not a readable Parquet file (corrupt or truncated footer?): "
                        + firstLine(e.getMessage()), e);
            }
            try {
                for (String required : List.of("trajectory_id", "step", "reward")) {
                    if (!types.containsKey(required)) {
                        throw new DatasetException(file + ": missing required column '" + required + "' (columns: "
                                + String.join(", ", types.keySet()) + ")");
                    }
                }
                for (String c : List.of("observation", "action", "final_observation")) {
                    String ty = types.get(c);
                    if (ty != null && !ty.endsWith("[]") && !ty.matches(".*\\[\\d+\\]")) {
                        throw new DatasetException(file + ": column '" + c + "' has type " + ty
                                + "; it must be a list of numbers");
                    }
                }
                for (Map.Entry<String, String> e : types.entrySet()) {
                    if (FIXED.contains(e.getKey())) {
                        continue;
                    }
                    String ty = e.getValue();
                    if (ty.equals("VARCHAR")) {
                        labelColumns.add(e.getKey());
                    } else if (ty.matches("DOUBLE|FLOAT|INTEGER|BIGINT|SMALLINT|TINYINT|HUGEINT|UTINYINT|USMALLINT"
                            + "|UINTEGER|UBIGINT|BOOLEAN|DECIMAL.*")) {
                        extraColumns.add(e.getKey());
                    }
                }
                // absent columns are not selected; per-trajectory columns are read on a trajectory's first row only
                List<String> sel = new ArrayList<>();
                sel.add("(hash(trajectory_id) >> 1)::BIGINT AS h");
                sel.add("CASE WHEN step = 0 THEN trajectory_id::VARCHAR END AS id");
                sel.add("step::BIGINT AS step");
                sel.add("reward::DOUBLE AS reward");
                perTrajectory(sel, "group_id", "VARCHAR");
                perTrajectory(sel, "task_id", "VARCHAR");
                perTrajectory(sel, "seed", "BIGINT");
                perTrajectory(sel, "parent_id", "VARCHAR");
                perTrajectory(sel, "branch_step", "INTEGER");
                perTrajectory(sel, "greedy_reward", "DOUBLE");
                perStep(sel, "observation", "FLOAT[]");
                perStep(sel, "action", "FLOAT[]");
                perStep(sel, "action_text", "VARCHAR");
                perStep(sel, "terminated", "BOOLEAN");
                perStep(sel, "truncated", "BOOLEAN");
                perStep(sel, "log_prob", "DOUBLE");
                perStep(sel, "value", "DOUBLE");
                perStep(sel, "mask", "BOOLEAN");
                perStep(sel, "bootstrap_value", "DOUBLE");
                perStep(sel, "final_observation", "FLOAT[]");
                for (int i = 0; i < labelColumns.size(); i++) {
                    sel.add("CASE WHEN step = 0 THEN " + quote(labelColumns.get(i)) + "::VARCHAR END AS l" + i);
                }
                for (int i = 0; i < extraColumns.size(); i++) {
                    sel.add(quote(extraColumns.get(i)) + "::DOUBLE AS x" + i);
                }
                rs = st.executeQuery("SELECT " + String.join(", ", sel) + " FROM " + src);
                arrow = (ArrowReader) ((DuckDBResultSet) rs).arrowExportStream(allocator, BATCH_ROWS);
            } catch (SQLException e) {
                close();
                throw new DatasetException(file + ": cannot read: " + firstLine(e.getMessage()), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void perTrajectory(List<String> sel, String column, String type) {
            if (types.containsKey(column)) {
                sel.add("CASE WHEN step = 0 THEN " + quote(column) + "::" + type + " END AS " + quote(column));
            }
        }

        private void perStep(List<String> sel, String column, String type) {
            if (types.containsKey(column)) {
                sel.add(quote(column) + "::" + type + " AS " + quote(column));
            }
        }

        /** The id of the trajectory at a row, looked up on the error path only. */
        private String idAt(long r) {
            try (ResultSet q = conn.createStatement().executeQuery("SELECT trajectory_id::VARCHAR FROM " + src
                    + " LIMIT 1 OFFSET " + r)) {
                return q.next() ? q.getString(1) : "?";
            } catch (SQLException e) {
                return "?";
            }
        }

        @Override
        public Trajectory next() throws IOException {
            while (ready.isEmpty() && !eof) {
                boolean more;
                try {
                    more = arrow.loadNextBatch();
                } catch (IOException | RuntimeException e) {
                    throw new DatasetException(file + ": row " + row + ": cannot read: " + firstLine(e.getMessage()), e);
                }
                if (!more) {
                    eof = true;
                    if (current != null) {
                        ready.add(current.build());
                        current = null;
                    }
                    break;
                }
                readBatch(arrow.getVectorSchemaRoot());
            }
            return ready.poll();
        }

        private void readBatch(VectorSchemaRoot root) {
            vHash = (BigIntVector) root.getVector("h");
            vId = (VarCharVector) root.getVector("id");
            vGroup = (VarCharVector) root.getVector("group_id");
            vTask = (VarCharVector) root.getVector("task_id");
            vSeed = (BigIntVector) root.getVector("seed");
            vStep = (BigIntVector) root.getVector("step");
            vObs = (ListVector) root.getVector("observation");
            vAct = (ListVector) root.getVector("action");
            vText = (VarCharVector) root.getVector("action_text");
            vReward = (Float8Vector) root.getVector("reward");
            vTerm = (BitVector) root.getVector("terminated");
            vTrunc = (BitVector) root.getVector("truncated");
            vLogProb = (Float8Vector) root.getVector("log_prob");
            vValue = (Float8Vector) root.getVector("value");
            vMask = (BitVector) root.getVector("mask");
            vParent = (VarCharVector) root.getVector("parent_id");
            vBranch = (IntVector) root.getVector("branch_step");
            vBootstrap = (Float8Vector) root.getVector("bootstrap_value");
            vFinal = (ListVector) root.getVector("final_observation");
            vGreedy = (Float8Vector) root.getVector("greedy_reward");
            vLabels = new VarCharVector[labelColumns.size()];
            for (int i = 0; i < vLabels.length; i++) {
                vLabels[i] = (VarCharVector) root.getVector("l" + i);
            }
            vExtras = new Float8Vector[extraColumns.size()];
            for (int i = 0; i < vExtras.length; i++) {
                vExtras[i] = (Float8Vector) root.getVector("x" + i);
            }
            int rows = root.getRowCount();
            batchRows = rows;
            nullCounts.clear();
            int r0 = 0;
            while (r0 < rows) {
                long h = vHash.get(r0);
                if (current != null && (h != current.hash || vStep.get(r0) == 0)) {
                    ready.add(current.build());
                    current = null;
                }
                if (current == null) {
                    current = start(r0, h);
                }
                int r1 = r0 + 1;
                while (r1 < rows && vHash.get(r1) == h && vStep.get(r1) != 0) {
                    r1++;
                }
                current.add(r0, r1);
                row += r1 - r0;
                r0 = r1;
            }
        }

        /** Whether every row of this batch is null in {@code v} (an absent optional column); counted once per batch. */
        private boolean allNull(org.apache.arrow.vector.ValueVector v) {
            return v == null || nullCount(v) == batchRows;
        }

        /** Null count of a vector of this batch (Arrow recounts the validity bits on every call). */
        private int nullCount(org.apache.arrow.vector.ValueVector v) {
            return nullCounts.computeIfAbsent(v, x -> ((org.apache.arrow.vector.ValueVector) x).getNullCount());
        }

        private Builder start(int r, long h) {
            String id = string(vId, r);
            if (id == null) {
                String at = idAt(row);
                throw new DatasetException(file + ": row " + row + (at == null ? ": field 'trajectory_id' is null"
                        : " (trajectory " + at + "): field 'step' is " + vStep.get(r) + " but a trajectory's first row"
                        + " must be step 0; the rows of a trajectory are its steps 0, 1, 2, ... in order"));
            }
            if (!seen.add(id)) {
                throw new DatasetException(file + ": row " + row + " (trajectory " + id + "): the trajectory's rows"
                        + " appear again after other trajectories; the rows of a trajectory must be consecutive");
            }
            Builder b = new Builder(id, h);
            b.group = string(vGroup, r);
            b.task = string(vTask, r);
            b.seed = vSeed == null || vSeed.isNull(r) ? 0 : vSeed.get(r);
            b.parent = string(vParent, r);
            b.branch = vBranch == null || vBranch.isNull(r) ? 0 : vBranch.get(r);
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < vLabels.length; i++) {
                String s = string(vLabels[i], r);
                if (s != null) {
                    labels.put(labelColumns.get(i), s);
                }
            }
            if (vGreedy != null && !vGreedy.isNull(r)) {
                labels.put(Labels.GREEDY_REWARD, Double.toString(vGreedy.get(r)));
            }
            b.labels = labels;
            return b;
        }

        private static String string(VarCharVector v, int r) {
            return v == null || v.isNull(r) ? null : new String(v.get(r), StandardCharsets.UTF_8);
        }

        /** One trajectory being read, row by row. */
        private final class Builder {
            final String id;
            final long hash;
            String group;
            String task;
            long seed;
            String parent;
            int branch;
            Map<String, String> labels;
            int n;
            int cap = 64;
            double[] rewards = new double[cap];
            float[] obs;
            int oSize = -1;
            float[] acts;
            int aSize = -1;
            String[] texts;
            int textCount;
            double[] logProbs = new double[cap];
            int logProbCount;
            double[] values = new double[cap];
            int valueCount;
            boolean[] mask = new boolean[cap];
            int maskCount;
            double[][] extras = new double[extraColumns.size()][cap];
            int[] extraCounts = new int[extraColumns.size()];
            boolean terminated;
            boolean truncated;
            boolean endFlagSeen;
            double bootstrap = Double.NaN;
            float[] finalObs;

            Builder(String id, long hash) {
                this.id = id;
                this.hash = hash;
            }

            DatasetException error(String msg) {
                return new DatasetException(file + ": row " + row + " (trajectory " + id + "): " + msg);
            }

            /** Appends rows {@code [r0, r1)} of the current batch, all of this trajectory, column by column. */
            void add(int r0, int r1) {
                int k = r1 - r0;
                ensure(n + k);
                for (int r = r0; r < r1; r++) {
                    long step = vStep.get(r);
                    if (step != n + r - r0) {
                        row += r - r0;
                        throw error("field 'step' is " + step + " but " + (n + r - r0) + " was expected; the rows of a"
                                + " trajectory are its steps 0, 1, 2, ... in order");
                    }
                }
                if (endFlagSeen) {
                    throw error("a row follows the one marked " + (terminated ? "terminated" : "truncated")
                            + "; only a trajectory's last row may be");
                }
                boolean rewardNulls = nullCount(vReward) > 0;
                for (int r = r0; r < r1; r++) {
                    if (rewardNulls && vReward.isNull(r)) {
                        row += r - r0;
                        throw error("field 'reward' is null; it must be a finite number");
                    }
                    double rw = vReward.get(r);
                    if (!Double.isFinite(rw)) {
                        row += r - r0;
                        throw error("field 'reward' is " + rw + "; it must be a finite number");
                    }
                    rewards[n + r - r0] = rw;
                }
                if (!allNull(vObs)) {
                    int size = checkListSizes(vObs, r0, r1, "observation");
                    if (obsSize < 0) {
                        obsSize = size;
                        obsSizeRow = row;
                    } else if (size != obsSize) {
                        throw error("field 'observation' has " + size + " numbers but row " + obsSizeRow + " has "
                                + obsSize + "; every observation of a file has the same size");
                    }
                    if (oSize < 0) {
                        if (n > 0) {
                            throw error("field 'observation' is null on an earlier row of the trajectory");
                        }
                        oSize = size;
                    }
                    if (obs == null || obs.length < (n + k + 1) * oSize) {
                        obs = obs == null ? new float[(cap + 1) * oSize] : Arrays.copyOf(obs, (cap + 1) * oSize);
                    }
                    copyLists(vObs, r0, r1, obs, n * oSize);
                } else if (oSize >= 0) {
                    throw error("field 'observation' is null");
                }
                if (!allNull(vAct) && vAct.isNull(r0)) {
                    // an action-free trajectory among trajectories with actions: none of its rows has one
                    if (aSize >= 0) {
                        throw error("field 'action' is null");
                    }
                    for (int r = r0; r < r1; r++) {
                        if (!vAct.isNull(r)) {
                            row += r - r0;
                            throw error("field 'action' is given on some rows of the trajectory only");
                        }
                    }
                } else if (!allNull(vAct)) {
                    int size = checkListSizes(vAct, r0, r1, "action");
                    if (aSize < 0) {
                        if (n > 0) {
                            throw error("field 'action' is null on an earlier row of the trajectory");
                        }
                        aSize = size;
                    } else if (size != aSize) {
                        throw error("field 'action' has " + size + " numbers but the trajectory's first row has " + aSize);
                    }
                    if (acts == null || acts.length < (n + k) * aSize) {
                        acts = acts == null ? new float[cap * aSize] : Arrays.copyOf(acts, cap * aSize);
                    }
                    copyLists(vAct, r0, r1, acts, n * aSize);
                } else if (aSize >= 0) {
                    throw error("field 'action' is null");
                }
                if (!allNull(vText)) {
                    if (texts == null) {
                        texts = new String[cap];
                    }
                    for (int r = r0; r < r1; r++) {
                        if (!vText.isNull(r)) {
                            texts[n + r - r0] = string(vText, r);
                            textCount++;
                        }
                    }
                }
                logProbCount += doubles(vLogProb, r0, r1, logProbs);
                valueCount += doubles(vValue, r0, r1, values);
                for (int i = 0; i < extras.length; i++) {
                    extraCounts[i] += doubles(vExtras[i], r0, r1, extras[i]);
                }
                if (allNull(vMask)) {
                    Arrays.fill(mask, n, n + k, true);
                } else {
                    for (int r = r0; r < r1; r++) {
                        boolean isNull = vMask.isNull(r);
                        mask[n + r - r0] = isNull || vMask.get(r) != 0;
                        maskCount += isNull ? 0 : 1;
                    }
                }
                boolean noTerm = allNull(vTerm);
                boolean noTrunc = allNull(vTrunc);
                boolean termNulls = !noTerm && nullCount(vTerm) > 0;
                boolean truncNulls = !noTrunc && nullCount(vTrunc) > 0;
                for (int r = r0; r < r1; r++) {
                    boolean term = !noTerm && !(termNulls && vTerm.isNull(r)) && vTerm.get(r) != 0;
                    boolean trunc = !noTrunc && !(truncNulls && vTrunc.isNull(r)) && vTrunc.get(r) != 0;
                    if (endFlagSeen) {
                        row += r - r0;
                        throw error("a row follows the one marked " + (terminated ? "terminated" : "truncated")
                                + "; only a trajectory's last row may be");
                    }
                    if (term || trunc) {
                        endFlagSeen = true;
                        terminated = term;
                        truncated = trunc;
                    }
                }
                if (!allNull(vBootstrap)) {
                    for (int r = r0; r < r1; r++) {
                        if (!vBootstrap.isNull(r)) {
                            bootstrap = vBootstrap.get(r);
                        }
                    }
                }
                if (!allNull(vFinal)) {
                    for (int r = r0; r < r1; r++) {
                        if (!vFinal.isNull(r)) {
                            finalObs = new float[listLength(vFinal, r)];
                            copyLists(vFinal, r, r + 1, finalObs, 0);
                        }
                    }
                }
                n += k;
            }

            private void ensure(int need) {
                if (need <= cap) {
                    return;
                }
                while (cap < need) {
                    cap *= 2;
                }
                rewards = Arrays.copyOf(rewards, cap);
                logProbs = Arrays.copyOf(logProbs, cap);
                values = Arrays.copyOf(values, cap);
                mask = Arrays.copyOf(mask, cap);
                texts = texts == null ? null : Arrays.copyOf(texts, cap);
                for (int i = 0; i < extras.length; i++) {
                    extras[i] = Arrays.copyOf(extras[i], cap);
                }
            }

            /** Copies the non-null values of rows [r0, r1) into {@code into[n ..]}; returns how many were non-null. */
            private int doubles(Float8Vector v, int r0, int r1, double[] into) {
                if (allNull(v)) {
                    return 0;
                }
                int count = 0;
                for (int r = r0; r < r1; r++) {
                    if (!v.isNull(r)) {
                        into[n + r - r0] = v.get(r);
                        count++;
                    }
                }
                return count;
            }

            /** The common list length of rows [r0, r1); a null row or a row of another length is an error naming it. */
            private int checkListSizes(ListVector v, int r0, int r1, String field) {
                int size = -1;
                for (int r = r0; r < r1; r++) {
                    if (v.isNull(r)) {
                        row += r - r0;
                        throw error("field '" + field + "' is null");
                    }
                    int len = listLength(v, r);
                    if (size < 0) {
                        size = len;
                    } else if (len != size) {
                        row += r - r0;
                        throw error("field '" + field + "' has " + len + " numbers but the trajectory's earlier rows have "
                                + size + "; every row of a file has the same size");
                    }
                }
                return size;
            }

            Trajectory build() {
                float[] observations = null;
                if (oSize > 0) {
                    observations = Arrays.copyOf(obs, (n + 1) * oSize);
                    if (finalObs != null) {
                        if (finalObs.length != oSize) {
                            throw error("field 'final_observation' has " + finalObs.length + " numbers but 'observation'"
                                    + " has " + oSize);
                        }
                        System.arraycopy(finalObs, 0, observations, n * oSize, oSize);
                    } else {
                        Arrays.fill(observations, n * oSize, (n + 1) * oSize, Float.NaN);
                    }
                }
                String[] textActions = null;
                if (textCount > 0) {
                    if (textCount != n) {
                        throw error("field 'action_text' is null on " + (n - textCount) + " of " + n + " rows");
                    }
                    textActions = Arrays.copyOf(texts, n);
                }
                Map<String, double[]> ex = new LinkedHashMap<>();
                for (int i = 0; i < extras.length; i++) {
                    double[] col = column(extras[i], extraCounts[i], extraColumns.get(i));
                    if (col != null) {
                        ex.put(extraColumns.get(i), col);
                    }
                }
                try {
                    return new Trajectory(id, group, seed, observations, Math.max(oSize, 0),
                            textActions == null && aSize > 0 ? Arrays.copyOf(acts, n * aSize) : null,
                            textActions == null && aSize > 0 ? aSize : 0, Arrays.copyOf(rewards, n),
                            column(logProbs, logProbCount, "log_prob"), column(values, valueCount, "value"),
                            maskCount > 0 ? Arrays.copyOf(mask, n) : null, terminated, truncated, bootstrap, ex, task,
                            textActions, parent, branch, labels);
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
            }

            private double[] column(double[] data, int count, String field) {
                if (count == 0) {
                    return null;
                }
                if (count != n) {
                    throw error("field '" + field + "' is null on " + (n - count) + " of " + n
                            + " rows; give it on every row of a trajectory or none");
                }
                return Arrays.copyOf(data, n);
            }
        }

        private static int listLength(ListVector v, int r) {
            return v.getElementEndIndex(r) - v.getElementStartIndex(r);
        }

        /** Copies the list elements of rows [r0, r1), contiguous in the child vector, in one bulk read. */
        private static void copyLists(ListVector v, int r0, int r1, float[] into, int at) {
            Float4Vector child = (Float4Vector) v.getDataVector();
            int from = v.getElementStartIndex(r0);
            int to = v.getElementEndIndex(r1 - 1);
            child.getDataBuffer().nioBuffer((long) from * Float.BYTES, (to - from) * Float.BYTES)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, at, to - from);
        }

        @Override
        public Map<String, String> metadata() {
            return metadata;
        }

        @Override
        public void close() {
            try {
                if (arrow != null) {
                    arrow.close();
                }
            } catch (IOException | RuntimeException ignored) {
                // closing a reader that read nothing more
            }
            try {
                if (rs != null) {
                    rs.close();
                }
                if (conn != null) {
                    conn.close();
                }
            } catch (SQLException ignored) {
                // nothing was written
            }
            allocator.close();
        }
    }
}
