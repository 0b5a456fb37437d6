package dev.trail.env.wrappers;

import java.util.Arrays;

/**
 * Running mean and variance of vectors, per component, updated by batches with the parallel
 * algorithm of Chan, Golub and LeVeque (1979), as Gymnasium's and Stable-Baselines3's
 * {@code RunningMeanStd}. Merging the moments {@code (mean_b, var_b, n_b)} of a batch into
 * {@code (mean, var, n)}:
 *
 * <pre>
 *   delta = mean_b - mean,   n' = n + n_b
 *   mean' = mean + delta * n_b / n'
 *   var'  = (var * n + var_b * n_b + delta^2 * n * n_b / n') / n'
 * </pre>
 *
 * <p>Variances are population variances (divided by the count). The default prior is Gymnasium's:
 * mean 0, variance 1, count {@value #DEFAULT_PRIOR_COUNT}, which keeps the first normalized values
 * finite. With a prior count of 0 the statistics equal the two-pass mean and variance of all the
 * data seen. Everything is computed in {@code double}. Batches are row-major {@code [rows * dim]}.
 *
 * <p>Not thread-safe. {@link #state()} and {@link #fromState(State)} save and restore the
 * statistics as plain arrays.
 */
public final class RunningMeanStd {

    /** Gymnasium's pseudo-count of the prior (its {@code epsilon = 1e-4}). */
    public static final double DEFAULT_PRIOR_COUNT = 1e-4;

    /**
     * Saved statistics.
     *
     * @param mean per-component mean
     * @param var per-component population variance, each {@code >= 0}
     * @param count number of samples merged in (plus the prior's pseudo-count), {@code >= 0}
     */
    public record State(double[] mean, double[] var, double count) {

        public State {
            if (mean == null || var == null || mean.length != var.length || mean.length == 0) {
                throw new IllegalArgumentException("RunningMeanStd state needs mean and var of the same positive length, got "
                        + (mean == null ? "null" : mean.length) + " and " + (var == null ? "null" : var.length));
            }
            if (!(count >= 0) || Double.isInfinite(count)) {
                throw new IllegalArgumentException("RunningMeanStd count must be finite and >= 0, got " + count);
            }
            for (int i = 0; i < var.length; i++) {
                if (!(var[i] >= 0)) {
                    throw new IllegalArgumentException("RunningMeanStd var[" + i + "] must be >= 0, got " + var[i]);
                }
            }
            mean = mean.clone();
            var = var.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] var() {
            return var.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && Arrays.equals(mean, s.mean) && Arrays.equals(var, s.var)
                    && Double.compare(count, s.count) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(var)) + Double.hashCode(count);
        }

        @Override
        public String toString() {
            return "State[mean=" + Arrays.toString(mean) + ", var=" + Arrays.toString(var) + ", count=" + count + "]";
        }
    }

    private final double[] mean;
    private final double[] var;
    private double count;
    // scratch for one batch's moments, so updates do not allocate
    private final double[] batchMean;
    private final double[] batchVar;

    /** Statistics of {@code dim} components with Gymnasium's prior. */
    public RunningMeanStd(int dim) {
        this(dim, DEFAULT_PRIOR_COUNT);
    }

    /**
     * @param dim number of components, at least 1
     * @param priorCount pseudo-count of the prior (mean 0, variance 1); 0 for none
     */
    public RunningMeanStd(int dim, double priorCount) {
        if (dim < 1) {
            throw new IllegalArgumentException("RunningMeanStd needs dim >= 1, got " + dim);
        }
        if (!(priorCount >= 0) || Double.isInfinite(priorCount)) {
            throw new IllegalArgumentException("priorCount must be finite and >= 0, got " + priorCount);
        }
        mean = new double[dim];
        var = new double[dim];
        Arrays.fill(var, 1.0);
        count = priorCount;
        batchMean = new double[dim];
        batchVar = new double[dim];
    }

    /** Statistics restored from {@link #state()}. */
    public static RunningMeanStd fromState(State state) {
        RunningMeanStd rms = new RunningMeanStd(state.mean.length, 0);
        rms.setState(state);
        return rms;
    }

    /** Replaces the statistics with {@code state} (same dimension). */
    public void setState(State state) {
        if (state.mean.length != mean.length) {
            throw new IllegalArgumentException("state has dimension " + state.mean.length + " but these statistics have "
                    + mean.length);
        }
        System.arraycopy(state.mean, 0, mean, 0, mean.length);
        System.arraycopy(state.var, 0, var, 0, var.length);
        count = state.count;
    }

    /** A copy of the statistics. */
    public State state() {
        return new State(mean, var, count);
    }

    /** Number of components. */
    public int dim() {
        return mean.length;
    }

    /** The mean of component {@code i}. */
    public double mean(int i) {
        return mean[i];
    }

    /** The population variance of component {@code i}. */
    public double var(int i) {
        return var[i];
    }

    /** The means (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The population variances (a copy). */
    public double[] var() {
        return var.clone();
    }

    /** Samples merged in so far, plus the prior's pseudo-count. */
    public double count() {
        return count;
    }

    /** Merges the batch {@code values[0 .. rows * dim)}, where {@code rows = values.length / dim}. */
    public void update(float[] values) {
        int rows = checkBatch(values.length);
        if (rows == 0) {
            return;
        }
        int dim = mean.length;
        Arrays.fill(batchMean, 0);
        Arrays.fill(batchVar, 0);
        for (int r = 0, o = 0; r < rows; r++, o += dim) {
            for (int j = 0; j < dim; j++) {
                batchMean[j] += values[o + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            batchMean[j] /= rows;
        }
        for (int r = 0, o = 0; r < rows; r++, o += dim) {
            for (int j = 0; j < dim; j++) {
                double d = values[o + j] - batchMean[j];
                batchVar[j] += d * d;
            }
        }
        for (int j = 0; j < dim; j++) {
            batchVar[j] /= rows;
        }
        merge(batchMean, batchVar, rows);
    }

    /** Merges the batch {@code values}, laid out as in {@link #update(float[])}. */
    public void update(double[] values) {
        int rows = checkBatch(values.length);
        if (rows == 0) {
            return;
        }
        int dim = mean.length;
        Arrays.fill(batchMean, 0);
        Arrays.fill(batchVar, 0);
        for (int r = 0, o = 0; r < rows; r++, o += dim) {
            for (int j = 0; j < dim; j++) {
                batchMean[j] += values[o + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            batchMean[j] /= rows;
        }
        for (int r = 0, o = 0; r < rows; r++, o += dim) {
            for (int j = 0; j < dim; j++) {
                double d = values[o + j] - batchMean[j];
                batchVar[j] += d * d;
            }
        }
        for (int j = 0; j < dim; j++) {
            batchVar[j] /= rows;
        }
        merge(batchMean, batchVar, rows);
    }

    private int checkBatch(int length) {
        if (length % mean.length != 0) {
            throw new IllegalArgumentException("a batch of " + length + " values is not a whole number of rows of dimension "
                    + mean.length);
        }
        return length / mean.length;
    }

    /** Merges another set of statistics of the same dimension into these ({@code other} is unchanged). */
    public void merge(RunningMeanStd other) {
        if (other.mean.length != mean.length) {
            throw new IllegalArgumentException("cannot merge statistics of dimension " + other.mean.length + " into "
                    + mean.length);
        }
        merge(other.mean, other.var, other.count);
    }

    /**
     * Merges the moments of a batch: per-component {@code batchMean} and population
     * {@code batchVar} of {@code batchCount} samples.
     */
    public void updateFromMoments(double[] batchMean, double[] batchVar, double batchCount) {
        if (batchMean.length != mean.length || batchVar.length != mean.length) {
            throw new IllegalArgumentException("moments have lengths " + batchMean.length + " and " + batchVar.length
                    + " but these statistics have dimension " + mean.length);
        }
        if (!(batchCount >= 0)) {
            throw new IllegalArgumentException("batchCount must be >= 0, got " + batchCount);
        }
        merge(batchMean, batchVar, batchCount);
    }

    private void merge(double[] otherMean, double[] otherVar, double otherCount) {
        double total = count + otherCount;
        if (total == 0) {
            return;
        }
        // same operation order as Gymnasium's update_mean_var_count_from_moments, for parity
        for (int j = 0; j < mean.length; j++) {
            double delta = otherMean[j] - mean[j];
            double m2 = var[j] * count + otherVar[j] * otherCount + delta * delta * count * otherCount / total;
            mean[j] = mean[j] + delta * otherCount / total;
            var[j] = m2 / total;
        }
        count = total;
    }

    @Override
    public String toString() {
        return "RunningMeanStd[mean=" + Arrays.toString(mean) + ", var=" + Arrays.toString(var) + ", count=" + count + "]";
    }
}
