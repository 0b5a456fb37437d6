package dev.trail.optim;

/**
 * A learning rate as a function of training progress {@code p ∈ [0, 1]} (the fraction of updates
 * already done before the current one).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate at progress {@code p}. */
    double at(double progress);

    /** The same rate throughout. */
    static LearningRateSchedule constant(double lr) {
        return p -> lr;
    }

    /**
     * Linear decay to zero, CleanRL's annealing: for update {@code i} of {@code N} (1-based),
     * {@code lr · (1 - (i - 1) / N)}, i.e. {@code lr · (1 - p)} with {@code p = (i - 1) / N}.
     */
    static LearningRateSchedule linear(double lr) {
        return p -> lr * (1.0 - p);
    }
}
