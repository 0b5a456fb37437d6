package dev.trail.trajectory;

import java.util.List;

/**
 * The G trajectories sampled for one task or prompt, the unit that group-relative estimators
 * (GRPO, RLOO, ...) compare within.
 *
 * @param groupId the task or prompt id
 * @param trajectories the members, in sampling order (at least one)
 * @param greedyReward the reward of a greedy (argmax) rollout for the same task, the baseline of
 *        ReMax; NaN when none was made
 * @param tree the rollout tree the members come from (tree rollouts, SPO-tree), or null
 */
public record TrajectoryGroup(String groupId, List<Trajectory> trajectories, double greedyReward,
        TrajectoryTree tree) {

    public TrajectoryGroup {
        if (trajectories == null || trajectories.isEmpty()) {
            throw new IllegalArgumentException("group " + groupId + " has no trajectories");
        }
        trajectories = List.copyOf(trajectories);
    }

    /** A group with no greedy baseline and no tree. */
    public TrajectoryGroup(String groupId, List<Trajectory> trajectories) {
        this(groupId, trajectories, Double.NaN, null);
    }

    /** Group size G. */
    public int size() {
        return trajectories.size();
    }

    /** Member {@code i}. */
    public Trajectory get(int i) {
        return trajectories.get(i);
    }

    /** The members' total rewards R_i, in order. */
    public double[] totalRewards() {
        double[] r = new double[trajectories.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = trajectories.get(i).totalReward();
        }
        return r;
    }

    /** Whether a greedy-rollout reward was supplied. */
    public boolean hasGreedyReward() {
        return !Double.isNaN(greedyReward);
    }
}
