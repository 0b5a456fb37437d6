package dev.trail.spark;

import dev.trail.data.Labels;
import dev.trail.trajectory.Trajectory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Trail's Parquet trajectory schema ({@code docs/TRAJECTORIES.md}, one row per step) read from
 * Spark rows: the rows of one trajectory, steps in order, become the {@link Trajectory} that
 * {@code dev.trail.data.TrajectoryParquet} reads from the same file (string columns outside the
 * schema are labels, numeric ones extras; a missing final observation is NaN).
 */
final class TrajectoryRows implements Serializable {

    private static final Set<String> FIXED = Set.of("trajectory_id", "group_id", "task_id", "seed", "step",
            "observation", "action", "action_text", "reward", "terminated", "truncated", "log_prob", "value", "mask",
            "parent_id", "branch_step", "bootstrap_value", "final_observation", "greedy_reward");

    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final List<String> labels = new ArrayList<>();
    private final List<String> extras = new ArrayList<>();

    /** The columns of {@code schema} (the dataset's; further columns that Trail added for the job are ignored). */
    TrajectoryRows(StructType schema, Set<String> ignored) {
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            if (ignored.contains(name)) {
                continue;
            }
            index.put(name, i);
            if (!FIXED.contains(name)) {
                if (fields[i].dataType() instanceof StringType) {
                    labels.add(name);
                } else if (fields[i].dataType() instanceof NumericType || fields[i].dataType() instanceof BooleanType) {
                    extras.add(name);
                }
            }
        }
        for (String required : List.of("trajectory_id", "step", "reward")) {
            if (!index.containsKey(required)) {
                throw new IllegalArgumentException("missing required column '" + required + "' (columns: "
                        + String.join(", ", index.keySet()) + ")");
            }
        }
    }

    int trajectoryIdColumn() {
        return index.get("trajectory_id");
    }

    int stepColumn() {
        return index.get("step");
    }

    private Integer col(String name) {
        return index.get(name);
    }

    private static String string(Row r, Integer i) {
        return i == null || r.isNullAt(i) ? null : r.getString(i);
    }

    private static boolean isNull(Row r, Integer i) {
        return i == null || r.isNullAt(i);
    }

    private static double number(Row r, int i) {
        Object v = r.get(i);
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    private static float[] floats(Row r, int i) {
        List<Object> list = r.getList(i);
        float[] out = new float[list.size()];
        for (int j = 0; j < out.length; j++) {
            Object v = list.get(j);
            out[j] = v == null ? Float.NaN : ((Number) v).floatValue();
        }
        return out;
    }

    /** The trajectory of {@code rows} (one trajectory's steps 0 .. T-1 in order). */
    Trajectory trajectory(List<Row> rows) {
        Row first = rows.get(0);
        String id = string(first, col("trajectory_id"));
        int n = rows.size();
        for (int t = 0; t < n; t++) {
            int step = ((Number) rows.get(t).get(col("step"))).intValue();
            if (step != t) {
                throw new IllegalArgumentException("trajectory " + id + ": field 'step' is " + step + " but " + t
                        + " was expected; the rows of a trajectory are its steps 0, 1, 2, ... in order");
            }
        }
        Integer cObs = col("observation");
        Integer cAct = col("action");
        int oSize = isNull(first, cObs) ? 0 : first.getList(cObs).size();
        int aSize = isNull(first, cAct) ? 0 : first.getList(cAct).size();
        float[] obs = oSize > 0 ? new float[(n + 1) * oSize] : null;
        float[] acts = aSize > 0 ? new float[n * aSize] : null;
        double[] rewards = new double[n];
        double[] logProbs = column(rows, col("log_prob"));
        double[] values = column(rows, col("value"));
        boolean[] mask = null;
        Integer cMask = col("mask");
        String[] texts = null;
        Integer cText = col("action_text");
        boolean terminated = false;
        boolean truncated = false;
        double bootstrap = Double.NaN;
        float[] finalObs = null;
        Integer cTerm = col("terminated");
        Integer cTrunc = col("truncated");
        Integer cBoot = col("bootstrap_value");
        Integer cFinal = col("final_observation");
        int cReward = col("reward");
        for (int t = 0; t < n; t++) {
            Row r = rows.get(t);
            rewards[t] = r.getDouble(cReward);
            if (obs != null) {
                System.arraycopy(floats(r, cObs), 0, obs, t * oSize, oSize);
            }
            if (acts != null) {
                System.arraycopy(floats(r, cAct), 0, acts, t * aSize, aSize);
            }
            if (!isNull(r, cMask)) {
                if (mask == null) {
                    mask = new boolean[n];
                    Arrays.fill(mask, true);
                }
                mask[t] = r.getBoolean(cMask);
            }
            if (!isNull(r, cText)) {
                if (texts == null) {
                    texts = new String[n];
                }
                texts[t] = r.getString(cText);
            }
            if (!isNull(r, cTerm) && r.getBoolean(cTerm)) {
                terminated = true;
            }
            if (!isNull(r, cTrunc) && r.getBoolean(cTrunc)) {
                truncated = true;
            }
            if (!isNull(r, cBoot)) {
                bootstrap = r.getDouble(cBoot);
            }
            if (!isNull(r, cFinal)) {
                finalObs = floats(r, cFinal);
            }
        }
        if (obs != null) {
            if (finalObs != null) {
                System.arraycopy(finalObs, 0, obs, n * oSize, oSize);
            } else {
                Arrays.fill(obs, n * oSize, (n + 1) * oSize, Float.NaN);
            }
        }
        Map<String, String> labelValues = new LinkedHashMap<>();
        for (String l : labels) {
            String v = string(first, col(l));
            if (v != null) {
                labelValues.put(l, v);
            }
        }
        Integer cGreedy = col("greedy_reward");
        if (!isNull(first, cGreedy)) {
            labelValues.put(Labels.GREEDY_REWARD, Double.toString(first.getDouble(cGreedy)));
        }
        Map<String, double[]> ex = new LinkedHashMap<>();
        for (String x : extras) {
            double[] c = column(rows, col(x));
            if (c != null) {
                ex.put(x, c);
            }
        }
        Integer cSeed = col("seed");
        Integer cBranch = col("branch_step");
        return new Trajectory(id, string(first, col("group_id")), isNull(first, cSeed) ? 0 : first.getLong(cSeed),
                obs, Math.max(oSize, 0), texts == null ? acts : null, texts == null ? aSize : 0, rewards, logProbs,
                values, mask, terminated, truncated, bootstrap, ex, string(first, col("task_id")), texts,
                string(first, col("parent_id")), isNull(first, cBranch) ? 0 : ((Number) first.get(cBranch)).intValue(),
                labelValues);
    }

    /** A per-step numeric column, or null when it is null on every row. */
    private static double[] column(List<Row> rows, Integer c) {
        if (c == null) {
            return null;
        }
        double[] out = null;
        for (int t = 0; t < rows.size(); t++) {
            Row r = rows.get(t);
            if (!r.isNullAt(c)) {
                if (out == null) {
                    out = new double[rows.size()];
                }
                out[t] = number(r, c);
            }
        }
        return out;
    }
}
