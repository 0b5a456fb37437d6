package dev.trail.advantage;

import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;

/**
 * Turns a batch of trajectory groups into per-step advantages and returns.
 *
 * <p>The batch is a list of groups (for i.i.d. rollouts, groups of one); the result has one row
 * per trajectory in batch order: group 0's members in order, then group 1's, and so on. Steps
 * whose {@link dev.trail.trajectory.Trajectory#mask()} is false get advantage 0 and never
 * influence other steps' results. Estimators are stateless and thread-safe; the ones that
 * need more than rewards (values, log-probs, a greedy baseline, a tree) say so, and fail with
 * a message naming the trajectory and the missing field.
 */
public interface AdvantageEstimator {

    /** The registry name, e.g. {@code grpo}. */
    String name();

    /** Computes advantages and returns for every trajectory of {@code batch}. */
    AdvantageResult estimate(List<TrajectoryGroup> batch);
}
