package dev.trail.trajectory;

import java.util.ArrayList;
import java.util.List;

/**
 * A rollout tree for one task: trajectories that share prefixes (tree rollouts such as SPO-tree,
 * LATR, ARPO). Node 0 is the root (the prompt or start state, no steps). Every other node holds
 * the segment of steps generated from its parent; a path from the root to a leaf is one complete
 * trajectory. A leaf carries the outcome reward of its complete trajectory.
 *
 * @param groupId the task or prompt id
 * @param nodes the nodes; node 0 is the root, and every node's parent precedes it
 */
public record TrajectoryTree(String groupId, List<Node> nodes) {

    /**
     * One node.
     *
     * @param parent index of the parent node, -1 for the root
     * @param segment the steps from the parent to this node (null for the root)
     * @param leafReward the outcome reward of the complete trajectory ending here; NaN for inner nodes
     */
    public record Node(int parent, Trajectory segment, double leafReward) {
    }

    public TrajectoryTree {
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("tree " + groupId + " has no nodes");
        }
        nodes = List.copyOf(nodes);
        if (nodes.get(0).parent() != -1) {
            throw new IllegalArgumentException("tree " + groupId + ": node 0 must be the root (parent -1)");
        }
        boolean[] hasChild = new boolean[nodes.size()];
        for (int i = 1; i < nodes.size(); i++) {
            int p = nodes.get(i).parent();
            if (p < 0 || p >= i) {
                throw new IllegalArgumentException("tree " + groupId + ": node " + i + " has parent " + p
                        + "; a parent must be an earlier node");
            }
            if (nodes.get(i).segment() == null) {
                throw new IllegalArgumentException("tree " + groupId + ": node " + i + " has no segment");
            }
            hasChild[p] = true;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!hasChild[i] && Double.isNaN(nodes.get(i).leafReward())) {
                throw new IllegalArgumentException("tree " + groupId + ": leaf node " + i + " has no leafReward");
            }
        }
    }

    /** Number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** Node {@code i}. */
    public Node node(int i) {
        return nodes.get(i);
    }

    /** Indices of the children of node {@code i}, in order. */
    public int[] children(int i) {
        List<Integer> c = new ArrayList<>();
        for (int j = i + 1; j < nodes.size(); j++) {
            if (nodes.get(j).parent() == i) {
                c.add(j);
            }
        }
        return c.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether node {@code i} has no children. */
    public boolean isLeaf(int i) {
        for (int j = i + 1; j < nodes.size(); j++) {
            if (nodes.get(j).parent() == i) {
                return false;
            }
        }
        return true;
    }
}
