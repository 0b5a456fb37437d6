package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a dataset holds, accumulated in one streaming pass: counts, return and length
 * distributions, observation and action shapes, the optional fields in use, and returns broken
 * down by the {@code policy} and {@code source} labels when present.
 */
public final class DatasetStats {

    private long trajectories;
    private long steps;
    private final List<Double> returns = new ArrayList<>();
    private final List<Double> lengths = new ArrayList<>();
    private int observationSize = -1;
    private int actionSize = -1;
    private boolean textActions;
    private float actionMin = Float.POSITIVE_INFINITY;
    private float actionMax = Float.NEGATIVE_INFINITY;
    private boolean integralActions = true;
    private long terminated;
    private long truncated;
    private final Set<String> fields = new LinkedHashSet<>();
    private final Set<String> groups = new LinkedHashSet<>();
    private final Set<String> tasks = new LinkedHashSet<>();
    private final Map<String, Map<String, List<Double>>> byLabel = new LinkedHashMap<>();

    /** Adds one trajectory. */
    public void add(Trajectory t) {
        trajectories++;
        steps += t.length();
        returns.add(t.totalReward());
        lengths.add((double) t.length());
        terminated += t.terminated() ? 1 : 0;
        truncated += t.truncated() ? 1 : 0;
        if (t.observationSize() > 0 && t.observations().length > 0) {
            observationSize = t.observationSize();
        }
        if (t.hasTextActions()) {
            textActions = true;
        } else if (t.actionSize() > 0 && t.actions().length > 0) {
            actionSize = t.actionSize();
            for (float a : t.actions()) {
                actionMin = Math.min(actionMin, a);
                actionMax = Math.max(actionMax, a);
                integralActions &= a == Math.rint(a);
            }
        }
        if (t.logProbs() != null) {
            fields.add("log_prob");
        }
        if (t.values() != null) {
            fields.add("value");
        }
        if (t.mask() != null) {
            fields.add("mask");
        }
        if (t.parentId() != null) {
            fields.add("parent_id/branch_step");
        }
        if (!Double.isNaN(t.bootstrapValue())) {
            fields.add("bootstrap_value");
        }
        for (String e : t.extras().keySet()) {
            fields.add(e);
        }
        for (String l : t.labels().keySet()) {
            fields.add(l);
        }
        if (t.groupId() != null) {
            groups.add(t.groupId());
        }
        if (t.taskId() != null) {
            tasks.add(t.taskId());
        }
        for (String label : List.of(Labels.POLICY, Labels.SOURCE)) {
            String v = t.labels().get(label);
            if (v != null) {
                byLabel.computeIfAbsent(label, k -> new TreeMap<>()).computeIfAbsent(v, k -> new ArrayList<>())
                        .add(t.totalReward());
            }
        }
    }

    /** Statistics of a whole source. */
    public static DatasetStats of(TrajectorySource source) throws IOException {
        DatasetStats s = new DatasetStats();
        Trajectory t;
        while ((t = source.next()) != null) {
            s.add(t);
        }
        return s;
    }

    public long trajectories() {
        return trajectories;
    }

    public long steps() {
        return steps;
    }

    public long terminatedCount() {
        return terminated;
    }

    public long truncatedCount() {
        return truncated;
    }

    public double[] returns() {
        return returns.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public double[] lengths() {
        return lengths.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Floats per observation, or -1 when observations are not kept. */
    public int observationSize() {
        return observationSize;
    }

    /** Scalars per action, or -1 when actions are not kept. */
    public int actionSize() {
        return actionSize;
    }

    /** The smallest and largest action value seen (NaN without numeric actions). */
    public double actionMin() {
        return actionSize < 0 ? Double.NaN : actionMin;
    }

    /** The largest action value seen (NaN without numeric actions). */
    public double actionMax() {
        return actionSize < 0 ? Double.NaN : actionMax;
    }

    /** A description of the actions: {@code text}, {@code discrete 0..k}, {@code float[d]}, or {@code none}. */
    public String actionDescription() {
        if (textActions) {
            return "text";
        }
        if (actionSize < 0) {
            return "none";
        }
        if (actionSize == 1 && integralActions && actionMin >= 0) {
            return "discrete " + (int) actionMin + ".." + (int) actionMax;
        }
        return "float[" + actionSize + "] in [" + actionMin + ", " + actionMax + "]";
    }

    /** Optional fields present on at least one trajectory (log_prob, value, mask, extras, labels, ...). */
    public Set<String> fields() {
        return fields;
    }

    public int groupCount() {
        return groups.size();
    }

    public Set<String> tasks() {
        return tasks;
    }

    /** Returns by label value, for the {@code policy} and {@code source} labels present. */
    public Map<String, Map<String, double[]>> returnsByLabel() {
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        byLabel.forEach((label, m) -> {
            Map<String, double[]> x = new LinkedHashMap<>();
            m.forEach((v, r) -> x.put(v, r.stream().mapToDouble(Double::doubleValue).toArray()));
            out.put(label, x);
        });
        return out;
    }

    /**
     * The {@code q}-quantile of {@code values} by linear interpolation between order statistics
     * (NumPy's default, type 7): {@code h = (n - 1) q}, {@code x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])}.
     */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }
}
