package dev.trail.advantage;

import dev.trail.trajectory.Trajectory;
import java.util.Arrays;

/**
 * Small shared pieces of the step-, segment- and graph-level estimators: input checks with
 * messages naming the trajectory and the missing field, and private copies of the group
 * statistics they need (GRPO/RLOO base advantages, mean/std with {@code ddof}).
 *
 * <p>The group statistics here duplicate §0.2 and §1.3-1.4 of {@code ALGORITHMS.md} on purpose,
 * so that this family does not depend on code written in parallel; they are meant to be replaced
 * by the shared {@code GroupStats} / {@code GroupAdvantages} functions once both exist.
 */
final class StepCreditSupport {

    /** verl's GRPO / UI-S1 epsilon, {@code (R - mean) / (std + 1e-6)}. */
    static final double VERL_EPSILON = 1e-6;

    private StepCreditSupport() {
    }

    // ---------------------------------------------------------------- group statistics (dedup later)

    /** Mean of {@code x}; 0 for an empty array. */
    static double meanPrivate(double[] x) {
        if (x.length == 0) {
            return 0;
        }
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /**
     * Standard deviation with {@code ddof} 0 (population) or 1 (unbiased, Bessel). Fewer than
     * {@code ddof + 1} values give 0 rather than NaN; callers decide their singleton policy.
     */
    static double stdPrivate(double[] x, int ddof) {
        int n = x.length;
        if (n - ddof <= 0) {
            return 0;
        }
        double m = meanPrivate(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (n - ddof));
    }

    /**
     * GRPO outcome advantages {@code (R_i - mean) / (std_unbiased + eps)}; a singleton group
     * follows verl (mean 0, std 1), so it gets its raw reward (§1.4 edge cases).
     */
    static double[] grpoBasePrivate(double[] rewards, double eps) {
        double[] a = new double[rewards.length];
        if (rewards.length == 1) {
            a[0] = rewards[0] / (1.0 + eps);
            return a;
        }
        double m = meanPrivate(rewards);
        double s = stdPrivate(rewards, 1);
        for (int i = 0; i < a.length; i++) {
            a[i] = (rewards[i] - m) / (s + eps);
        }
        return a;
    }

    /**
     * RLOO advantages {@code R_i - mean_{j != i} R_j}; a singleton group follows verl and keeps
     * its raw reward (§1.3 edge cases).
     */
    static double[] rlooBasePrivate(double[] rewards) {
        int g = rewards.length;
        double[] a = new double[g];
        if (g == 1) {
            a[0] = rewards[0];
            return a;
        }
        double sum = 0;
        for (double r : rewards) {
            sum += r;
        }
        for (int i = 0; i < g; i++) {
            a[i] = rewards[i] - (sum - rewards[i]) / (g - 1);
        }
        return a;
    }

    /** {@code (x - mean) / (std_ddof + eps)} over all of {@code x}. */
    static double[] zScorePrivate(double[] x, int ddof, double eps) {
        double m = meanPrivate(x);
        double s = stdPrivate(x, ddof);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - m) / (s + eps);
        }
        return out;
    }

    // ---------------------------------------------------------------- input checks

    /** The extras column {@code name} of {@code t}, or an error naming the trajectory and column. */
    static double[] requireExtra(Trajectory t, String name, String estimator) {
        double[] c = t.extra(name);
        if (c == null) {
            throw new IllegalArgumentException(estimator + ": trajectory " + t.id() + " has no extras column '"
                    + name + "' (columns present: " + t.extras().keySet() + ")");
        }
        return c;
    }

    /** The log-probabilities of {@code t}, or an error naming the trajectory and field. */
    static double[] requireLogProbs(Trajectory t, String estimator) {
        if (t.logProbs() == null) {
            throw new IllegalArgumentException(estimator + ": trajectory " + t.id()
                    + " has no logProbs (the behaviour policy's per-step log-probabilities are required)");
        }
        return t.logProbs();
    }

    /** A finite value or an error naming the trajectory, the column and the step. */
    static double requireFinite(Trajectory t, String column, int step, double value, String estimator) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(estimator + ": trajectory " + t.id() + " extras column '" + column
                    + "' has " + value + " at step " + step + "; a finite value is required there");
        }
        return value;
    }

    /**
     * A per-trajectory scalar stored in a per-step column (the same value on every step): its
     * value at the first trained-on step, so that masked steps are never read (step 0 when every
     * step is masked).
     */
    static double perTrajectoryScalar(Trajectory t, String column, String estimator) {
        double[] c = requireExtra(t, column, estimator);
        if (c.length == 0) {
            throw new IllegalArgumentException(estimator + ": trajectory " + t.id() + " has no steps, so column '"
                    + column + "' holds no value");
        }
        int s = 0;
        while (s < c.length - 1 && !t.valid(s)) {
            s++;
        }
        if (!t.valid(s)) {
            s = 0;
        }
        return requireFinite(t, column, s, c[s], estimator);
    }

    /** Index of the last trained-on step of {@code t} (the last step when every step is masked). */
    static int lastValidStep(Trajectory t) {
        for (int s = t.length() - 1; s >= 0; s--) {
            if (t.valid(s)) {
                return s;
            }
        }
        return t.length() - 1;
    }

    /** {@code value} on every trained-on step of {@code t}, 0 on masked steps. */
    static double[] broadcast(Trajectory t, double value) {
        double[] a = new double[t.length()];
        for (int s = 0; s < a.length; s++) {
            a[s] = t.valid(s) ? value : 0.0;
        }
        return a;
    }

    /** Sets masked steps of {@code row} to 0, in place (row is a fresh array owned by the caller). */
    static double[] zeroMasked(Trajectory t, double[] row) {
        for (int s = 0; s < row.length; s++) {
            if (!t.valid(s)) {
                row[s] = 0.0;
            }
        }
        return row;
    }

    /** Deep copy of a row matrix. */
    static double[][] copyRows(double[][] rows) {
        double[][] c = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            c[i] = Arrays.copyOf(rows[i], rows[i].length);
        }
        return c;
    }
}
