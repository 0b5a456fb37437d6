package dev.trail.trajectory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

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

    /**
     * The tree of a group of complete trajectories that record their lineage: a member with a
     * {@link Trajectory#parentId()} repeats the first {@link Trajectory#branchStep()} steps of
     * that parent and then goes its own way; a member without a parent starts at the root. Nodes
     * are the maximal runs of steps shared by the same members (a prefix trie with its unary
     * chains merged), in depth-first order; a leaf's segment has its member's id and its leaf
     * reward is the member's total reward.
     *
     * @param members the group's trajectories, every parent before its children
     * @throws IllegalArgumentException naming the trajectory when a parent is missing or later,
     *         when a branch step does not fit the parent, or when a shared step's action differs
     */
    public static TrajectoryTree fromBranches(String groupId, List<Trajectory> members) {
        Map<String, Integer> index = new HashMap<>();
        int[][] owner = new int[members.size()][];
        for (int k = 0; k < members.size(); k++) {
            Trajectory t = members.get(k);
            owner[k] = new int[t.length()];
            int b = 0;
            int p = -1;
            if (t.parentId() != null) {
                Integer pi = index.get(t.parentId());
                if (pi == null) {
                    throw new IllegalArgumentException("trajectory " + t.id() + ": parent '" + t.parentId()
                            + "' is not an earlier trajectory of group " + groupId);
                }
                p = pi;
                b = t.branchStep();
                Trajectory parent = members.get(p);
                if (b >= parent.length()) {
                    throw new IllegalArgumentException("trajectory " + t.id() + ": branchStep " + b + " but its parent "
                            + parent.id() + " has only " + parent.length() + " steps; a branch must leave before the end");
                }
                for (int s = 0; s < b; s++) {
                    if (!sameAction(t, parent, s)) {
                        throw new IllegalArgumentException("trajectory " + t.id() + ": step " + s
                                + " is shared with parent " + parent.id() + " (branchStep " + b
                                + ") but its action differs");
                    }
                }
            }
            for (int s = 0; s < owner[k].length; s++) {
                owner[k][s] = s < b ? owner[p][s] : k;
            }
            if (index.put(t.id(), k) != null) {
                throw new IllegalArgumentException("group " + groupId + " has two trajectories with id " + t.id());
            }
        }
        // positions are (owner, step) pairs; the trie maps each to its distinct successors
        final long root = -1;
        Map<Long, LinkedHashSet<Long>> next = new LinkedHashMap<>();
        for (int k = 0; k < members.size(); k++) {
            long prev = root;
            for (int s = 0; s < owner[k].length; s++) {
                long cur = ((long) owner[k][s] << 32) | s;
                next.computeIfAbsent(prev, x -> new LinkedHashSet<>()).add(cur);
                prev = cur;
            }
        }
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(-1, null, Double.NaN));
        addChildren(members, next, root, 0, nodes);
        return new TrajectoryTree(groupId, nodes);
    }

    private static void addChildren(List<Trajectory> members, Map<Long, LinkedHashSet<Long>> next, long from,
            int parentNode, List<Node> nodes) {
        for (long start : next.getOrDefault(from, new LinkedHashSet<>())) {
            long end = start;
            while (next.containsKey(end) && next.get(end).size() == 1) {
                end = next.get(end).iterator().next();
            }
            Trajectory o = members.get((int) (start >>> 32));
            int s0 = (int) start;
            int s1 = (int) end + 1;
            boolean leaf = !next.containsKey(end);
            String id = leaf ? o.id() : o.id() + "@" + s0 + "-" + s1;
            Trajectory segment = new Trajectory(id, o.groupId(), o.seed(), null, 0, null, 0,
                    Arrays.copyOfRange(o.rewards(), s0, s1),
                    o.logProbs() == null ? null : Arrays.copyOfRange(o.logProbs(), s0, s1),
                    o.values() == null ? null : Arrays.copyOfRange(o.values(), s0, s1),
                    o.mask() == null ? null : Arrays.copyOfRange(o.mask(), s0, s1),
                    leaf && o.terminated(), leaf && o.truncated(), Double.NaN, null);
            nodes.add(new Node(parentNode, segment, leaf ? o.totalReward() : Double.NaN));
            addChildren(members, next, end, nodes.size() - 1, nodes);
        }
    }

    private static boolean sameAction(Trajectory a, Trajectory b, int s) {
        if (a.hasTextActions() && b.hasTextActions()) {
            return ActionText.same(a.textActions()[s], b.textActions()[s]);
        }
        if (a.actionSize() > 0 && a.actions().length > 0 && a.actionSize() == b.actionSize() && b.actions().length > 0) {
            return Arrays.equals(a.actions(), s * a.actionSize(), (s + 1) * a.actionSize(),
                    b.actions(), s * b.actionSize(), (s + 1) * b.actionSize());
        }
        return true;
    }
}
