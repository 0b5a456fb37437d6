package dev.trail.rollout;

import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;

/**
 * One batch of collected experience, seen as trajectory groups: the input of credit assignment
 * ({@link dev.trail.advantage.AdvantageEstimator#estimate}), dataset writers and any other
 * consumer of trajectories. {@link RolloutBuffer} (i.i.d. steps from a vector environment) and
 * {@link GroupRollout} (G responses per task) implement it.
 */
public interface Rollout {

    /** The batch as groups, in the order an estimator's result rows follow. */
    List<TrajectoryGroup> groups();
}
