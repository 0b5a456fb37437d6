package dev.trail.env.wrappers;

/**
 * Normalizes observations with running statistics, as Gymnasium's {@code NormalizeObservation}:
 * {@code out = (obs - mean) / sqrt(var + epsilon)} per component, where the statistics
 * ({@link RunningMeanStd}, Gymnasium's prior) are first updated with the batch unless the
 * normalizer is frozen.
 *
 * <p>Batches are {@code float[rows * observationSize]}, row-major: one row for a single
 * environment, {@code N} rows for a vector environment's observations (the whole batch is one
 * update, as Gymnasium's vector wrapper does). Arithmetic is in {@code double}, results are
 * rounded to {@code float}. {@code out} may be the input array. Not thread-safe.
 */
public final class ObservationNormalizer {

    /** Gymnasium's default epsilon. */
    public static final double DEFAULT_EPSILON = 1e-8;

    private final RunningMeanStd stats;
    private final double epsilon;
    private final double[] scale;
    private boolean frozen;

    /** A normalizer for observations of {@code observationSize} components, epsilon {@value #DEFAULT_EPSILON}. */
    public ObservationNormalizer(int observationSize) {
        this(observationSize, DEFAULT_EPSILON);
    }

    public ObservationNormalizer(int observationSize, double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        this.stats = new RunningMeanStd(observationSize);
        this.epsilon = epsilon;
        this.scale = new double[observationSize];
    }

    /** Number of components of one observation. */
    public int observationSize() {
        return stats.dim();
    }

    public double epsilon() {
        return epsilon;
    }

    /** Whether updates are frozen: normalization then uses the statistics as they are (evaluation). */
    public boolean frozen() {
        return frozen;
    }

    /** Freezes ({@code true}) or resumes ({@code false}) updates of the statistics. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** The live statistics (mutating them changes this normalizer). */
    public RunningMeanStd statistics() {
        return stats;
    }

    /** A copy of the statistics, to save with a run. */
    public RunningMeanStd.State state() {
        return stats.state();
    }

    /** Restores statistics saved by {@link #state()}. */
    public void setState(RunningMeanStd.State state) {
        stats.setState(state);
    }

    /**
     * Updates the statistics with the batch {@code observations} (unless frozen), then writes the
     * normalized batch into {@code out}.
     */
    public void normalize(float[] observations, float[] out) {
        checkLengths(observations, out);
        if (!frozen) {
            stats.update(observations);
        }
        apply(observations, out);
    }

    /**
     * Writes the normalized batch into {@code out} without updating the statistics (for final
     * observations used to bootstrap, which were already counted or should not be).
     */
    public void transform(float[] observations, float[] out) {
        checkLengths(observations, out);
        apply(observations, out);
    }

    private void apply(float[] observations, float[] out) {
        int dim = scale.length;
        for (int j = 0; j < dim; j++) {
            scale[j] = Math.sqrt(stats.var(j) + epsilon);
        }
        for (int o = 0; o < observations.length; o += dim) {
            for (int j = 0; j < dim; j++) {
                out[o + j] = (float) ((observations[o + j] - stats.mean(j)) / scale[j]);
            }
        }
    }

    private void checkLengths(float[] observations, float[] out) {
        if (observations.length % scale.length != 0) {
            throw new IllegalArgumentException("a batch of " + observations.length
                    + " floats is not a whole number of observations of size " + scale.length);
        }
        if (out.length != observations.length) {
            throw new IllegalArgumentException("output has length " + out.length + " but the batch has "
                    + observations.length);
        }
    }
}
