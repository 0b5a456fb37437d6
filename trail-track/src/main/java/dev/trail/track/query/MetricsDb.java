package dev.trail.track.query;

import dev.trail.track.MetricsFile;
import dev.trail.track.Run;
import dev.trail.track.internal.Json;
import dev.trail.track.query.Results.MetricSummary;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An in-memory DuckDB holding the runs of one query ({@code runs} table) and their metrics
 * ({@code metrics(run_id, seq, step, wall_time, name, value)}, {@code seq} = line number in the
 * run's {@code metrics.csv}). The files are parsed in Java, so malformed lines and checksum
 * mismatches can be reported per file instead of failing the whole query, and then appended.
 */
final class MetricsDb implements AutoCloseable {

    private final DuckDBConnection conn;

    private MetricsDb(DuckDBConnection conn) {
        this.conn = conn;
    }

    static MetricsDb open() throws SQLException {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new SQLException("DuckDB JDBC driver is not on the class path", e);
        }
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        MetricsDb db = new MetricsDb(c.unwrap(DuckDBConnection.class));
        try (Statement st = c.createStatement()) {
            st.execute("SET threads TO 2");
            st.execute("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, env VARCHAR, algo VARCHAR, seed BIGINT, "
                    + "status VARCHAR, steps BIGINT, wall_seconds DOUBLE)");
            st.execute("CREATE TABLE metrics (run_id VARCHAR, seq BIGINT, step BIGINT, wall_time DOUBLE, "
                    + "name VARCHAR, value DOUBLE)");
        }
        return db;
    }

    void addRuns(List<RunRow> rows) throws SQLException {
        try (DuckDBAppender app = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "runs")) {
            for (RunRow r : rows) {
                app.beginRow();
                app.append(r.id());
                app.append(r.env());
                app.append(r.algo());
                app.append(r.seed());
                app.append(r.status().label());
                app.append(r.globalStep());
                app.append(r.wallSeconds());
                app.endRow();
            }
        }
    }

    /**
     * Parses and appends the metrics of {@code rows} (only {@code nameFilter} if not null).
     * Returns one warning per damaged file; with {@code skipDamaged} their rows are left out.
     */
    List<String> loadMetrics(List<RunRow> rows, String nameFilter, boolean skipDamaged) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (RunRow r : rows) {
            Path file = r.dir().resolve(Run.METRICS_FILE);
            long checkBytes = 0;
            long expectedCrc = -1;
            try {
                Map<String, Object> s = Json.readMap(r.dir().resolve(Run.SUMMARY_FILE));
                checkBytes = Json.longValue(s, "metrics_bytes", 0);
                expectedCrc = Json.longValue(s, "metrics_crc32c", -1);
            } catch (IOException | RuntimeException e) {
                // the listing already warned about the summary; the file is still parsed
            }
            Chunk chunk = new Chunk();
            MetricsFile.ReadResult rr;
            try {
                rr = MetricsFile.read(file, nameFilter, checkBytes, chunk::add);
            } catch (IOException e) {
                warnings.add("damaged metrics file " + file + ": cannot read it (" + e.getMessage() + ")");
                continue;
            }
            String problem = null;
            if (rr.damaged()) {
                problem = rr.warning();
            } else if (checkBytes > 0 && expectedCrc >= 0 && rr.prefixCrc32c() != expectedCrc) {
                problem = "damaged metrics file " + file + ": "
                        + (rr.prefixCrc32c() < 0 ? "truncated below the " + checkBytes + " bytes written"
                        : "checksum mismatch over its first " + checkBytes + " bytes: the file changed after it was written");
            }
            if (problem != null) {
                warnings.add(problem + (skipDamaged ? " (run left out)" : ""));
                if (skipDamaged) {
                    continue;
                }
            }
            try (DuckDBAppender app = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "metrics")) {
                for (int i = 0; i < chunk.n; i++) {
                    app.beginRow();
                    app.append(r.id());
                    app.append(chunk.lines[i]);
                    app.append(chunk.steps[i]);
                    app.append(chunk.walls[i]);
                    app.append(chunk.names[i]);
                    app.append(chunk.values[i]);
                    app.endRow();
                }
            }
        }
        return warnings;
    }

    /** Rows of one file held until the file is known to be intact. */
    private static final class Chunk {
        long[] lines = new long[1024];
        long[] steps = new long[1024];
        double[] walls = new double[1024];
        String[] names = new String[1024];
        double[] values = new double[1024];
        int n;
        private final java.util.HashMap<String, String> interned = new java.util.HashMap<>();

        void add(long line, long step, double wall, String name, double value) {
            if (n == lines.length) {
                int c = n * 2;
                lines = Arrays.copyOf(lines, c);
                steps = Arrays.copyOf(steps, c);
                walls = Arrays.copyOf(walls, c);
                names = Arrays.copyOf(names, c);
                values = Arrays.copyOf(values, c);
            }
            lines[n] = line;
            steps[n] = step;
            walls[n] = wall;
            names[n] = interned.computeIfAbsent(name, k -> k);
            values[n] = value;
            n++;
        }
    }

    List<MetricSummary> metricSummaries(String runId) throws SQLException {
        String sql = """
                WITH m AS (
                  SELECT name, seq, step, value,
                         row_number() OVER (PARTITION BY name ORDER BY seq DESC) AS rn
                  FROM metrics WHERE run_id = ?)
                SELECT name, count(*) AS n, arg_max(step, seq) AS last_step, arg_max(value, seq) AS last,
                       avg(value) FILTER (WHERE rn <= ?) AS final,
                       min(value) FILTER (WHERE NOT isnan(value)) AS min_v,
                       max(value) FILTER (WHERE NOT isnan(value)) AS max_v,
                       arg_min(step, value) FILTER (WHERE NOT isnan(value)) AS min_step,
                       arg_max(step, value) FILTER (WHERE NOT isnan(value)) AS max_step
                FROM m GROUP BY name ORDER BY name""";
        List<MetricSummary> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setInt(2, Run.FINAL_WINDOW);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString("name");
                    double min = dbl(rs, "min_v");
                    double max = dbl(rs, "max_v");
                    boolean lowerIsBetter = name.startsWith("losses/");
                    out.add(new MetricSummary(name, rs.getLong("n"), rs.getLong("last_step"), dbl(rs, "last"),
                            dbl(rs, "final"), min, max, lowerIsBetter ? min : max,
                            rs.getLong(lowerIsBetter ? "min_step" : "max_step")));
                }
            }
        }
        return out;
    }

    private static double dbl(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? Double.NaN : v;
    }

    record GroupRow(java.util.Map<String, String> key, List<String> runIds, int n, double mean, double std,
                    int reached, double stepsTo, double secondsTo, double meanSteps, double meanWall) {
    }

    List<GroupRow> compare(String metric, List<String> groupBy, int window, Double threshold) throws SQLException {
        String keys = String.join(", ", groupBy.stream().map(k -> "CAST(r." + k + " AS VARCHAR) AS " + k).toList());
        String keyNames = String.join(", ", groupBy);
        String thr = threshold == null ? "NULL" : Double.toString(threshold);
        String sql = """
                WITH m AS (
                  SELECT run_id, seq, step, wall_time, value,
                         row_number() OVER (PARTITION BY run_id ORDER BY seq DESC) AS rn,
                         avg(value) OVER (PARTITION BY run_id ORDER BY seq ROWS BETWEEN %1$d PRECEDING AND CURRENT ROW) AS moving
                  FROM metrics WHERE name = ?),
                per_run AS (
                  SELECT run_id,
                         avg(value) FILTER (WHERE rn <= %2$d) AS final,
                         min(step) FILTER (WHERE moving >= %3$s) AS steps_to,
                         min(wall_time) FILTER (WHERE moving >= %3$s) AS secs_to,
                         max(step) AS last_step, max(wall_time) AS last_wall
                  FROM m GROUP BY run_id)
                SELECT %4$s, count(*) AS n, avg(p.final) AS mean, stddev_samp(p.final) AS std,
                       count(p.steps_to) AS reached, avg(p.steps_to) AS steps_to, avg(p.secs_to) AS secs_to,
                       avg(p.last_step) AS mean_steps, avg(p.last_wall) AS mean_wall,
                       string_agg(p.run_id, ',' ORDER BY p.run_id) AS ids
                FROM per_run p JOIN runs r USING (run_id)
                GROUP BY %5$s ORDER BY %5$s""".formatted(window - 1, window, thr, keys, keyNames);
        List<GroupRow> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, metric);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> vals = new ArrayList<>();
                    for (String k : groupBy) {
                        vals.add(rs.getString(k));
                    }
                    out.add(new GroupRow(RunsQuery.ordered(groupBy, vals), List.of(rs.getString("ids").split(",")),
                            rs.getInt("n"), dbl(rs, "mean"), dbl(rs, "std"), rs.getInt("reached"),
                            dbl(rs, "steps_to"), dbl(rs, "secs_to"), dbl(rs, "mean_steps"), dbl(rs, "mean_wall")));
                }
            }
        }
        return out;
    }

    /** One run's final value (the mean of its last {@code window} values) with its group key and env. */
    record RunFinal(java.util.Map<String, String> key, String env, String runId, double value) {
    }

    /** Every run's final value of {@code metric}, ordered by group key, env and run id. */
    List<RunFinal> runFinals(String metric, List<String> groupBy, int window) throws SQLException {
        String keys = String.join(", ", groupBy.stream().map(k -> "CAST(r." + k + " AS VARCHAR) AS " + k).toList());
        String keyNames = String.join(", ", groupBy);
        String sql = """
                WITH m AS (
                  SELECT run_id, value, row_number() OVER (PARTITION BY run_id ORDER BY seq DESC) AS rn
                  FROM metrics WHERE name = ?),
                per_run AS (SELECT run_id, avg(value) FILTER (WHERE rn <= %1$d) AS final FROM m GROUP BY run_id)
                SELECT %2$s, CAST(r.env AS VARCHAR) AS task_env, p.run_id, p.final
                FROM per_run p JOIN runs r USING (run_id)
                ORDER BY %3$s, task_env, p.run_id""".formatted(window, keys, keyNames);
        List<RunFinal> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, metric);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> vals = new ArrayList<>();
                    for (String k : groupBy) {
                        vals.add(rs.getString(k));
                    }
                    out.add(new RunFinal(RunsQuery.ordered(groupBy, vals), rs.getString("task_env"),
                            rs.getString("run_id"), dbl(rs, "final")));
                }
            }
        }
        return out;
    }

    List<String> runsWithout(String metric) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT run_id FROM runs WHERE run_id NOT IN (SELECT DISTINCT run_id FROM metrics WHERE name = ?) ORDER BY run_id")) {
            ps.setString(1, metric);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    long export(Path out, RunsQuery.ExportFormat format) throws SQLException {
        String path = out.toAbsolutePath().toString().replace("'", "''");
        String options = switch (format) {
            case CSV -> "FORMAT CSV, HEADER";
            case PARQUET -> "FORMAT PARQUET, COMPRESSION ZSTD";
        };
        String sql = "COPY (SELECT m.run_id, r.env, r.algo, r.seed, r.status, m.step, m.wall_time, m.name, m.value "
                + "FROM metrics m JOIN runs r USING (run_id) ORDER BY m.run_id, m.seq) TO '" + path + "' (" + options + ")";
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM metrics")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
