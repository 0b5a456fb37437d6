package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trajectories of a dataset gathered into the groups that group-relative estimators compare within. */
public final class Groups {

    private Groups() {
    }

    /**
     * The groups in order of first appearance; a trajectory without a group id is a group of its
     * own (named after the trajectory). A group whose members carry a parent gets its rollout
     * tree ({@link TrajectoryTree#fromBranches}); its greedy reward is the members'
     * {@link Labels#GREEDY_REWARD}, which must agree.
     *
     * @throws IllegalArgumentException naming the trajectory for inconsistent greedy rewards or lineage
     */
    public static List<TrajectoryGroup> of(List<Trajectory> trajectories) {
        Map<Object, List<Trajectory>> byGroup = new LinkedHashMap<>();
        for (Trajectory t : trajectories) {
            Object key = t.groupId() != null ? t.groupId() : new Object();
            byGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        List<TrajectoryGroup> out = new ArrayList<>(byGroup.size());
        for (List<Trajectory> members : byGroup.values()) {
            Trajectory first = members.get(0);
            String id = first.groupId() != null ? first.groupId() : first.id();
            double greedy = Double.NaN;
            boolean tree = false;
            for (Trajectory t : members) {
                double g = Labels.greedyReward(t);
                if (!Double.isNaN(g)) {
                    if (!Double.isNaN(greedy) && g != greedy) {
                        throw new IllegalArgumentException("trajectory " + t.id() + ": greedy_reward " + g
                                + " differs from " + greedy + " given earlier for group " + id);
                    }
                    greedy = g;
                }
                tree |= t.parentId() != null;
            }
            out.add(new TrajectoryGroup(id, members, greedy, tree ? TrajectoryTree.fromBranches(id, members) : null));
        }
        return out;
    }
}
