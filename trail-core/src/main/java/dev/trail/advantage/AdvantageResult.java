package dev.trail.advantage;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-step advantages and returns for a batch, one row per trajectory in batch order (group by
 * group, member by member); row {@code i} has the length of trajectory {@code i}.
 *
 * <p>"Return" is the regression target of a critic where the estimator has one (GAE:
 * {@code A + V}); for critic-free estimators it is the discounted reward-to-go, or the advantage
 * itself where the method defines no return (documented per estimator).
 *
 * @param advantages {@code [trajectory][step]}
 * @param returns {@code [trajectory][step]}
 */
public record AdvantageResult(double[][] advantages, double[][] returns) {

    public AdvantageResult {
        if (advantages.length != returns.length) {
            throw new IllegalArgumentException("advantages has " + advantages.length + " rows but returns has "
                    + returns.length);
        }
        for (int i = 0; i < advantages.length; i++) {
            if (advantages[i].length != returns[i].length) {
                throw new IllegalArgumentException("row " + i + ": advantages has " + advantages[i].length
                        + " steps but returns has " + returns[i].length);
            }
        }
    }

    /** Number of trajectories. */
    public int size() {
        return advantages.length;
    }

    /** The batch's trajectories in result order. */
    public static List<Trajectory> flatten(List<TrajectoryGroup> batch) {
        List<Trajectory> out = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            out.addAll(g.trajectories());
        }
        return out;
    }
}
