package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Trajectories as a Parquet file, one row per step ({@code docs/TRAJECTORIES.md}), written and
 * read through embedded DuckDB, so pandas, Polars, DuckDB and Spark read it without Trail.
 *
 * <p>Columns: {@code trajectory_id}, {@code group_id}, {@code task_id}, {@code seed},
 * {@code step}, {@code observation} (FLOAT list), {@code action} (FLOAT list) or
 * {@code action_text}, {@code reward}, {@code terminated}, {@code truncated}, and where any
 * trajectory has them {@code log_prob}, {@code value}, {@code mask}, {@code parent_id},
 * {@code branch_step}, {@code bootstrap_value} and {@code final_observation} (on the last row of
 * a trajectory), {@code greedy_reward}; then one VARCHAR column per label and one DOUBLE column
 * per extra. {@code terminated} / {@code truncated} are true only on the last row.
 *
 * <p>Writing streams: rows go through DuckDB's appender into a temporary on-disk DuckDB
 * database with a bounded memory limit, and one {@code COPY ... TO ... (FORMAT parquet)} writes
 * the file next to the target, renamed into place when complete. Reading unpacks the
 * observation lists into plain columns in SQL, so the JDBC side reads primitives only.
 */
public final class TrajectoryParquet {

    /** Key-value metadata key holding the schema version. */
    public static final String SCHEMA_KEY = "trail.schema";
    /** The schema version written. */
    public static final String SCHEMA_VERSION = "1";

    private static final List<String> FIXED = List.of("trajectory_id", "group_id", "task_id", "seed", "step",
            "observation", "action", "action_text", "reward", "terminated", "truncated", "log_prob", "value", "mask",
            "parent_id", "branch_step", "bootstrap_value", "final_observation", "greedy_reward");
    private static final String FIXED_DDL = "trajectory_id VARCHAR, group_id VARCHAR, task_id VARCHAR, seed BIGINT,"
            + " step INTEGER, observation FLOAT[], action FLOAT[], action_text VARCHAR, reward DOUBLE,"
            + " terminated BOOLEAN, truncated BOOLEAN, log_prob DOUBLE, value DOUBLE, mask BOOLEAN, parent_id VARCHAR,"
            + " branch_step INTEGER, bootstrap_value DOUBLE, final_observation FLOAT[], greedy_reward DOUBLE";
    /** Columns always written (the others only when some trajectory has them). */
    private static final Set<String> ALWAYS = Set.of("trajectory_id", "group_id", "task_id", "seed", "step", "reward",
            "terminated", "truncated");

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

    // ---------------------------------------------------------------- writing

    private static final class Writer implements TrajectorySink {
        private final Path target;
        private final Map<String, String> metadata;
        private final Path dbFile;
        private final DuckDBConnection conn;
        private DuckDBAppender appender;
        private final List<String> labelColumns = new ArrayList<>();
        private final List<String> extraColumns = new ArrayList<>();
        private final Set<String> used = new LinkedHashSet<>(ALWAYS);
        private float[] obsRow = new float[0];
        private float[] actRow = new float[0];
        private boolean done;

        Writer(Path target, Map<String, String> metadata) throws IOException {
            this.target = target;
            this.metadata = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
            this.metadata.put(SCHEMA_KEY, SCHEMA_VERSION);
            this.dbFile = AtomicOutput.temporarySibling(target.resolveSibling(target.getFileName() + ".duckdb"));
            Files.deleteIfExists(dbFile);
            try {
                conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dbFile.toAbsolutePath());
                try (Statement st = conn.createStatement()) {
                    st.execute("SET memory_limit='512MB'");
                    st.execute("SET preserve_insertion_order=true");
                    st.execute("CREATE TABLE steps (" + FIXED_DDL + ")");
                }
                appender = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "steps");
            } catch (SQLException e) {
                cleanup();
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(Trajectory t) throws IOException {
            try {
                addColumns(t);
                writeRows(t);
            } catch (SQLException e) {
                throw new IOException("cannot write " + target + " (trajectory " + t.id() + "): " + e.getMessage(), e);
            }
        }

        private void addColumns(Trajectory t) throws SQLException {
            List<String> newLabels = new ArrayList<>();
            for (String k : t.labels().keySet()) {
                if (!k.equals(Labels.GREEDY_REWARD) && !labelColumns.contains(k) && !FIXED.contains(k)) {
                    newLabels.add(k);
                }
            }
            List<String> newExtras = new ArrayList<>();
            for (String k : t.extras().keySet()) {
                if (!extraColumns.contains(k) && !FIXED.contains(k) && !labelColumns.contains(k) && !newLabels.contains(k)) {
                    newExtras.add(k);
                }
            }
            if (newLabels.isEmpty() && newExtras.isEmpty()) {
                return;
            }
            appender.close();
            try (Statement st = conn.createStatement()) {
                for (String k : newLabels) {
                    st.execute("ALTER TABLE steps ADD COLUMN " + quote(k) + " VARCHAR");
                    labelColumns.add(k);
                }
                for (String k : newExtras) {
                    st.execute("ALTER TABLE steps ADD COLUMN " + quote(k) + " DOUBLE");
                    extraColumns.add(k);
                }
            }
            appender = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "steps");
        }

        private void writeRows(Trajectory t) throws SQLException {
            int n = t.length();
            int o = t.observationSize();
            boolean hasObs = o > 0 && t.observations().length > 0;
            int a = t.actionSize();
            boolean hasActions = a > 0 && t.actions().length > 0;
            if (obsRow.length != o) {
                obsRow = new float[o];
            }
            if (actRow.length != a) {
                actRow = new float[a];
            }
            double greedy = Labels.greedyReward(t);
            mark(hasObs, "observation");
            mark(hasActions && !t.hasTextActions(), "action");
            mark(t.hasTextActions(), "action_text");
            mark(t.logProbs() != null, "log_prob");
            mark(t.values() != null, "value");
            mark(t.mask() != null, "mask");
            mark(t.parentId() != null, "parent_id");
            mark(t.parentId() != null, "branch_step");
            mark(!Double.isNaN(t.bootstrapValue()), "bootstrap_value");
            boolean finalObs = hasObs && !allNaN(t.observations(), n * o, o);
            mark(finalObs, "final_observation");
            mark(!Double.isNaN(greedy), "greedy_reward");
            String[] labels = new String[labelColumns.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = t.labels().get(labelColumns.get(i));
            }
            double[][] extras = new double[extraColumns.size()][];
            for (int i = 0; i < extras.length; i++) {
                extras[i] = t.extras().get(extraColumns.get(i));
            }
            for (int s = 0; s < n; s++) {
                boolean last = s == n - 1;
                DuckDBAppender ap = appender;
                ap.beginRow();
                ap.append(t.id());
                appendText(ap, t.groupId());
                appendText(ap, t.taskId());
                ap.append(t.seed());
                ap.append(s);
                if (hasObs) {
                    System.arraycopy(t.observations(), s * o, obsRow, 0, o);
                    ap.append(obsRow);
                } else {
                    ap.appendNull();
                }
                if (hasActions && !t.hasTextActions()) {
                    System.arraycopy(t.actions(), s * a, actRow, 0, a);
                    ap.append(actRow);
                } else {
                    ap.appendNull();
                }
                appendText(ap, t.hasTextActions() ? t.textActions()[s] : null);
                ap.append(t.rewards()[s]);
                ap.append(last && t.terminated());
                ap.append(last && t.truncated());
                appendDouble(ap, t.logProbs() == null ? Double.NaN : t.logProbs()[s], t.logProbs() != null);
                appendDouble(ap, t.values() == null ? Double.NaN : t.values()[s], t.values() != null);
                if (t.mask() != null) {
                    ap.append(t.mask()[s]);
                } else {
                    ap.appendNull();
                }
                appendText(ap, t.parentId());
                if (t.parentId() != null) {
                    ap.append(t.branchStep());
                } else {
                    ap.appendNull();
                }
                appendDouble(ap, t.bootstrapValue(), last && !Double.isNaN(t.bootstrapValue()));
                if (last && finalObs) {
                    System.arraycopy(t.observations(), n * o, obsRow, 0, o);
                    ap.append(obsRow);
                } else {
                    ap.appendNull();
                }
                appendDouble(ap, greedy, !Double.isNaN(greedy));
                for (String l : labels) {
                    appendText(ap, l);
                }
                for (double[] e : extras) {
                    appendDouble(ap, e == null ? 0 : e[s], e != null);
                }
                ap.endRow();
            }
        }

        private void mark(boolean present, String column) {
            if (present) {
                used.add(column);
            }
        }

        @Override
        public void commit() throws IOException {
            try (AtomicOutput out = AtomicOutput.createForPath(target)) {
                appender.close();
                List<String> cols = new ArrayList<>();
                for (String c : FIXED) {
                    if (used.contains(c)) {
                        cols.add(quote(c));
                    }
                }
                for (String c : labelColumns) {
                    cols.add(quote(c));
                }
                for (String c : extraColumns) {
                    cols.add(quote(c));
                }
                StringBuilder kv = new StringBuilder();
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    kv.append(kv.isEmpty() ? "" : ", ").append(quote(e.getKey())).append(": ").append(literal(e.getValue()));
                }
                try (Statement st = conn.createStatement()) {
                    st.execute("COPY (SELECT " + String.join(", ", cols) + " FROM steps) TO "
                            + literal(out.temporaryPath().toString())
                            + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {" + kv + "})");
                }
                AtomicOutput.moveIntoPlace(out.temporaryPath(), target);
                done = true;
            } catch (SQLException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            } finally {
                cleanup();
            }
        }

        @Override
        public void close() throws IOException {
            cleanup();
        }

        private void cleanup() throws IOException {
            try {
                if (appender != null && !appender.isClosed()) {
                    appender.close();
                }
            } catch (SQLException ignored) {
                // closing after a failure; the database file is deleted below
            }
            try {
                if (conn != null) {
                    conn.close();
                }
            } catch (SQLException ignored) {
                // as above
            }
            Files.deleteIfExists(dbFile);
            Files.deleteIfExists(dbFile.resolveSibling(dbFile.getFileName() + ".wal"));
        }
    }

    private static void appendText(DuckDBAppender ap, String s) throws SQLException {
        if (s == null) {
            ap.appendNull();
        } else {
            ap.append(s);
        }
    }

    private static void appendDouble(DuckDBAppender ap, double v, boolean present) throws SQLException {
        if (present) {
            ap.append(v);
        } else {
            ap.appendNull();
        }
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
        private final Connection conn;
        private final Statement st;
        private final ResultSet rs;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, String> types = new LinkedHashMap<>();
        private final List<String> labelColumns = new ArrayList<>();
        private final List<String> extraColumns = new ArrayList<>();
        private final int obsSize;
        private final int actSize;
        private final int finalObsSize;
        private final Set<String> seen = new HashSet<>();
        // column indexes in the result set (1-based), 0 when absent
        private int cHash, cId, cGroup, cTask, cSeed, cStep, cObs, cAct, cText, cReward, cTerm, cTrunc, cLogProb,
                cValue, cMask, cParent, cBranch, cBootstrap, cFinal, cGreedy, cLabels, cExtras;
        private boolean pending;
        private long row = -1;

        Reader(Path file) throws IOException {
            this.file = file;
            if (!Files.isRegularFile(file)) {
                throw new DatasetException(file + ": does not exist or is not a file");
            }
            String src = "read_parquet(" + literal(file.toAbsolutePath().toString()) + ")";
            try {
                conn = DriverManager.getConnection("jdbc:duckdb:");
                st = conn.createStatement();
                try (ResultSet d = st.executeQuery("DESCRIBE SELECT * FROM " + src)) {
                    while (d.next()) {
                        types.put(d.getString(1), d.getString(2));
                    }
                }
                try (ResultSet kv = st.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata("
                        + literal(file.toAbsolutePath().toString()) + ")")) {
                    while (kv.next()) {
                        metadata.put(kv.getString(1), kv.getString(2));
                    }
                }
            } catch (SQLException e) {
                close();
                throw new DatasetException(file + ": not a readable Parquet file (corrupt or truncated footer?): "
                        + firstLine(e.getMessage()), e);
            }
            for (String required : List.of("trajectory_id", "step", "reward")) {
                if (!types.containsKey(required)) {
                    close();
                    throw new DatasetException(file + ": missing required column '" + required + "' (columns: "
                            + String.join(", ", types.keySet()) + ")");
                }
            }
            for (Map.Entry<String, String> e : types.entrySet()) {
                if (FIXED.contains(e.getKey())) {
                    continue;
                }
                String ty = e.getValue();
                if (ty.equals("VARCHAR")) {
                    labelColumns.add(e.getKey());
                } else if (ty.matches("DOUBLE|FLOAT|REAL|INTEGER|BIGINT|SMALLINT|TINYINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|BOOLEAN|DECIMAL.*")) {
                    extraColumns.add(e.getKey());
                }
            }
            try {
                obsSize = listSize("observation", src, false);
                actSize = listSize("action", src, false);
                finalObsSize = listSize("final_observation", src, true);
                if (finalObsSize > 0 && obsSize > 0 && finalObsSize != obsSize) {
                    throw new DatasetException(file + ": field 'final_observation' has " + finalObsSize
                            + " numbers but 'observation' has " + obsSize);
                }
                List<String> sel = new ArrayList<>();
                int[] next = {1};
                cHash = add(sel, next, "hash(trajectory_id)");
                cId = add(sel, next, "trajectory_id::VARCHAR");
                cGroup = opt(sel, next, "group_id", "group_id::VARCHAR");
                cTask = opt(sel, next, "task_id", "task_id::VARCHAR");
                cSeed = opt(sel, next, "seed", "seed::BIGINT");
                cStep = add(sel, next, "step::BIGINT");
                cObs = unpack(sel, next, "observation", obsSize);
                cAct = unpack(sel, next, "action", actSize);
                cText = opt(sel, next, "action_text", "action_text::VARCHAR");
                cReward = add(sel, next, "reward::DOUBLE");
                cTerm = opt(sel, next, "terminated", "terminated::BOOLEAN");
                cTrunc = opt(sel, next, "truncated", "truncated::BOOLEAN");
                cLogProb = opt(sel, next, "log_prob", "log_prob::DOUBLE");
                cValue = opt(sel, next, "value", "value::DOUBLE");
                cMask = opt(sel, next, "mask", "mask::BOOLEAN");
                cParent = opt(sel, next, "parent_id", "parent_id::VARCHAR");
                cBranch = opt(sel, next, "branch_step", "branch_step::INTEGER");
                cBootstrap = opt(sel, next, "bootstrap_value", "bootstrap_value::DOUBLE");
                cFinal = unpack(sel, next, "final_observation", finalObsSize);
                cGreedy = opt(sel, next, "greedy_reward", "greedy_reward::DOUBLE");
                cLabels = next[0];
                for (String l : labelColumns) {
                    add(sel, next, quote(l));
                }
                cExtras = next[0];
                for (String x : extraColumns) {
                    add(sel, next, quote(x) + "::DOUBLE");
                }
                rs = st.executeQuery("SELECT " + String.join(", ", sel) + " FROM " + src);
                pending = rs.next();
                row = 0;
            } catch (SQLException e) {
                close();
                throw new DatasetException(file + ": cannot read: " + firstLine(e.getMessage()), e);
            } catch (DatasetException e) {
                close();
                throw e;
            }
        }

        private int add(List<String> sel, int[] next, String expr) {
            sel.add(expr);
            return next[0]++;
        }

        private int opt(List<String> sel, int[] next, String column, String expr) {
            return types.containsKey(column) ? add(sel, next, expr) : 0;
        }

        private int unpack(List<String> sel, int[] next, String column, int size) {
            if (size <= 0) {
                return 0;
            }
            int first = next[0];
            add(sel, next, "len(" + quote(column) + ")");
            for (int i = 1; i <= size; i++) {
                add(sel, next, quote(column) + "[" + i + "]::FLOAT");
            }
            return first;
        }

        /** The common length of a list column (-1 if absent or all null); a row with another length is an error. */
        private int listSize(String column, String src, boolean onlyNonNull) throws SQLException {
            String ty = types.get(column);
            if (ty == null) {
                return -1;
            }
            if (!ty.endsWith("[]") && !ty.matches(".*\\[\\d+\\]")) {
                throw new DatasetException(file + ": column '" + column + "' has type " + ty
                        + "; it must be a list of numbers");
            }
            try (ResultSet r = st.executeQuery("SELECT min(len(" + quote(column) + ")), max(len(" + quote(column)
                    + ")) FROM " + src)) {
                r.next();
                int min = r.getInt(1);
                if (r.wasNull()) {
                    return -1;
                }
                int max = r.getInt(2);
                if (min == max) {
                    return min;
                }
            }
            try (ResultSet r = st.executeQuery("WITH t AS (SELECT len(" + quote(column) + ") AS n, trajectory_id, step,"
                    + " row_number() OVER () - 1 AS r FROM " + src + "), f AS (SELECT n FROM t WHERE n IS NOT NULL"
                    + " ORDER BY r LIMIT 1) SELECT t.r, t.trajectory_id, t.step, t.n, f.n FROM t, f WHERE t.n <> f.n"
                    + " ORDER BY t.r LIMIT 1")) {
                r.next();
                throw new DatasetException(file + ": row " + r.getLong(1) + " (trajectory " + r.getString(2) + ", step "
                        + r.getLong(3) + "): field '" + column + "' has " + r.getInt(4) + " numbers but earlier rows have "
                        + r.getInt(5) + "; every row of a file has the same size");
            }
        }

        @Override
        public Trajectory next() throws IOException {
            if (!pending) {
                return null;
            }
            try {
                return readTrajectory();
            } catch (SQLException e) {
                throw new DatasetException(file + ": row " + row + ": cannot read: " + firstLine(e.getMessage()), e);
            }
        }

        private DatasetException error(String id, String msg) {
            return new DatasetException(file + ": row " + row + " (trajectory " + id + "): " + msg);
        }

        private Trajectory readTrajectory() throws SQLException {
            long hash = rs.getLong(cHash);
            String id = rs.getString(cId);
            if (id == null) {
                throw new DatasetException(file + ": row " + row + ": field 'trajectory_id' is null");
            }
            if (!seen.add(id)) {
                throw error(id, "the trajectory's rows appear again after other trajectories; the rows of a"
                        + " trajectory must be consecutive");
            }
            String group = cGroup > 0 ? rs.getString(cGroup) : null;
            String task = cTask > 0 ? rs.getString(cTask) : null;
            long seed = cSeed > 0 ? rs.getLong(cSeed) : 0;
            String parent = cParent > 0 ? rs.getString(cParent) : null;
            int branch = cBranch > 0 ? rs.getInt(cBranch) : 0;
            double greedy = cGreedy > 0 ? rs.getDouble(cGreedy) : Double.NaN;
            if (cGreedy > 0 && rs.wasNull()) {
                greedy = Double.NaN;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < labelColumns.size(); i++) {
                String v = rs.getString(cLabels + i);
                if (v != null) {
                    labels.put(labelColumns.get(i), v);
                }
            }
            if (!Double.isNaN(greedy)) {
                labels.put(Labels.GREEDY_REWARD, Double.toString(greedy));
            }
            int cap = 64;
            double[] rewards = new double[cap];
            float[] obs = obsSize > 0 ? new float[(cap + 1) * obsSize] : null;
            float[] acts = actSize > 0 ? new float[cap * actSize] : null;
            String[] texts = cText > 0 ? new String[cap] : null;
            int textCount = 0;
            double[] logProbs = cLogProb > 0 ? new double[cap] : null;
            int logProbCount = 0;
            double[] values = cValue > 0 ? new double[cap] : null;
            int valueCount = 0;
            boolean[] mask = cMask > 0 ? new boolean[cap] : null;
            boolean anyMask = false;
            double[][] extras = new double[extraColumns.size()][];
            int[] extraCounts = new int[extras.length];
            for (int i = 0; i < extras.length; i++) {
                extras[i] = new double[cap];
            }
            boolean terminated = false;
            boolean truncated = false;
            double bootstrap = Double.NaN;
            float[] finalObs = null;
            int n = 0;
            while (true) {
                long step = rs.getLong(cStep);
                if (step != n) {
                    throw error(id, "field 'step' is " + step + " but " + n + " was expected; the rows of a trajectory"
                            + " are its steps 0, 1, 2, ... in order");
                }
                if (n == cap) {
                    cap *= 2;
                    rewards = Arrays.copyOf(rewards, cap);
                    obs = obs == null ? null : Arrays.copyOf(obs, (cap + 1) * obsSize);
                    acts = acts == null ? null : Arrays.copyOf(acts, cap * actSize);
                    texts = texts == null ? null : Arrays.copyOf(texts, cap);
                    logProbs = logProbs == null ? null : Arrays.copyOf(logProbs, cap);
                    values = values == null ? null : Arrays.copyOf(values, cap);
                    mask = mask == null ? null : Arrays.copyOf(mask, cap);
                    for (int i = 0; i < extras.length; i++) {
                        extras[i] = Arrays.copyOf(extras[i], cap);
                    }
                }
                rewards[n] = rs.getDouble(cReward);
                if (rs.wasNull() || !Double.isFinite(rewards[n])) {
                    throw error(id, "field 'reward' is " + (rs.wasNull() ? "null" : rewards[n]) + "; it must be a finite number");
                }
                if (obs != null) {
                    readList(cObs, obsSize, obs, n * obsSize, id, "observation");
                }
                if (acts != null) {
                    readList(cAct, actSize, acts, n * actSize, id, "action");
                }
                if (texts != null) {
                    texts[n] = rs.getString(cText);
                    textCount += texts[n] != null ? 1 : 0;
                }
                if (logProbs != null) {
                    logProbs[n] = rs.getDouble(cLogProb);
                    logProbCount += rs.wasNull() ? 0 : 1;
                }
                if (values != null) {
                    values[n] = rs.getDouble(cValue);
                    valueCount += rs.wasNull() ? 0 : 1;
                }
                if (mask != null) {
                    boolean m = rs.getBoolean(cMask);
                    mask[n] = rs.wasNull() || m;
                    anyMask |= !rs.wasNull();
                }
                for (int i = 0; i < extras.length; i++) {
                    extras[i][n] = rs.getDouble(cExtras + i);
                    extraCounts[i] += rs.wasNull() ? 0 : 1;
                }
                boolean term = cTerm > 0 && rs.getBoolean(cTerm);
                boolean trunc = cTrunc > 0 && rs.getBoolean(cTrunc);
                if (cBootstrap > 0) {
                    double b = rs.getDouble(cBootstrap);
                    if (!rs.wasNull()) {
                        bootstrap = b;
                    }
                }
                if (cFinal > 0) {
                    rs.getInt(cFinal);
                    if (!rs.wasNull()) {
                        finalObs = new float[finalObsSize];
                        readList(cFinal, finalObsSize, finalObs, 0, id, "final_observation");
                    }
                }
                n++;
                row++;
                pending = rs.next();
                boolean endsHere = !pending || rs.getLong(cHash) != hash || rs.getLong(cStep) == 0;
                if (endsHere) {
                    terminated = term;
                    truncated = trunc;
                    break;
                }
                if (term || trunc) {
                    throw new DatasetException(file + ": row " + (row - 1) + " (trajectory " + id + "): field '"
                            + (term ? "terminated" : "truncated") + "' is true before the trajectory's last row");
                }
            }
            float[] observations = null;
            if (obs != null) {
                observations = Arrays.copyOf(obs, (n + 1) * obsSize);
                if (finalObs != null) {
                    System.arraycopy(finalObs, 0, observations, n * obsSize, obsSize);
                } else {
                    Arrays.fill(observations, n * obsSize, (n + 1) * obsSize, Float.NaN);
                }
            }
            String[] textActions = null;
            if (textCount > 0) {
                if (textCount != n) {
                    throw error(id, "field 'action_text' is null on " + (n - textCount) + " of " + n + " rows");
                }
                textActions = Arrays.copyOf(texts, n);
            }
            Map<String, double[]> ex = new LinkedHashMap<>();
            for (int i = 0; i < extras.length; i++) {
                if (extraCounts[i] == n) {
                    ex.put(extraColumns.get(i), Arrays.copyOf(extras[i], n));
                } else if (extraCounts[i] != 0) {
                    throw error(id, "field '" + extraColumns.get(i) + "' is null on " + (n - extraCounts[i]) + " of " + n
                            + " rows; give it on every row of a trajectory or none");
                }
            }
            try {
                return new Trajectory(id, group, seed, observations, obsSize > 0 ? obsSize : 0,
                        textActions == null ? acts == null ? null : Arrays.copyOf(acts, n * actSize) : null,
                        textActions == null && actSize > 0 ? actSize : 0, Arrays.copyOf(rewards, n),
                        column(logProbs, logProbCount, n, id, "log_prob"), column(values, valueCount, n, id, "value"),
                        anyMask ? Arrays.copyOf(mask, n) : null, terminated, truncated, bootstrap, ex, task,
                        textActions, parent, branch, labels);
            } catch (IllegalArgumentException e) {
                throw error(id, e.getMessage());
            }
        }

        private double[] column(double[] data, int count, int n, String id, String field) {
            if (data == null || count == 0) {
                return null;
            }
            if (count != n) {
                throw error(id, "field '" + field + "' is null on " + (n - count) + " of " + n
                        + " rows; give it on every row of a trajectory or none");
            }
            return Arrays.copyOf(data, n);
        }

        private void readList(int first, int size, float[] into, int at, String id, String field) throws SQLException {
            rs.getInt(first);
            if (rs.wasNull()) {
                throw error(id, "field '" + field + "' is null");
            }
            for (int i = 0; i < size; i++) {
                into[at + i] = rs.getFloat(first + 1 + i);
            }
        }

        @Override
        public Map<String, String> metadata() {
            return metadata;
        }

        @Override
        public void close() {
            try {
                if (conn != null) {
                    conn.close();
                }
            } catch (SQLException ignored) {
                // nothing was written
            }
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
