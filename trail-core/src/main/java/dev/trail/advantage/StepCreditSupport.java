package dev.trail.advantage;

import dev.trail.trajectory.Trajectory;
import java.util.Arrays;

/**
 * Small shared pieces of the step-, segment- and graph-level estimators: input checks with
 * messages naming the trajectory and the missing field, a z-score over the shared
 * {@link GroupStats}, and row helpers. Group statistics and GRPO/RLOO base advantages come from
 * {@link GroupStats} and {@link GroupAdvantages}.
 */
final class StepCreditSupport {

    /** verl's GRPO / UI-S1 epsilon, {@code (R - mean) / (std + 1e-6)}. */
    static final double VERL_EPSILON = 1e-6;

    private StepCreditSupport() {
    }

    // ---------------------------------------------------------------- group statistics

    /**
     * {@code (x - mean) / (std_ddof + eps)} over all of {@code x}, with {@link GroupStats}. Where the
     * std is undefined ({@code x.length <= ddof}, e.g. a singleton with ddof 1) or the array has
     * fewer than two values, every value sits at the mean, so the result is all zeros.
     */
    static double[] zScore(double[] x, int ddof, double eps) {
        double[] out = new double[x.length];
        if (x.length < 2) {
            return out;
        }
        double m = GroupStats.mean(x);
        double s = GroupStats.std(x, ddof);
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
