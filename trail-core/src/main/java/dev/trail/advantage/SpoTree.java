package dev.trail.advantage;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.List;

/**
 * SPO-tree (Segment Policy Optimization, tree form), {@code ALGORITHMS.md} §3.2; source
 * {@code AIFrameResearch/SPO} ({@code hybrid_inference_strategy.py _construct_tree},
 * {@code tree_episode_generator.py extract_edges_from_tree}) [code].
 *
 * <pre>
 * leaf:          V(n) = reward of the complete trajectory ending at n   (TrajectoryTree leafReward)
 * internal node: V(n) = mean_{children c} V(c);  sigma(n) = population std of the children's values
 * edge n -&gt; c:   "rloo" (default): A = V(c) - V(n)
 *                "grpo":           A = (V(c) - V(n)) / (sigma(n) + 1e-8)
 * </pre>
 *
 * <p>The mean is over <em>children</em>, not over all descendant leaves (Appendix A #6): the two
 * differ when early termination makes the tree unbalanced. Every step of a node's segment
 * receives the advantage of the edge into that node. The code drops edges whose advantage is 0
 * ({@code only_adv_greater_than_zero}, a misnomer; with the monotone best-of-4 bonus it means
 * exactly "A == 0"); see {@link #edges}. The code's replay buffer (at most 32 edges per question
 * per iteration, 8-iteration expiry, so updates may use edges up to 7 iterations stale) is a
 * sampling concern outside this class.
 *
 * <p>Layout: arrays indexed by tree node; index 0 is the root, which has no incoming edge.
 */
public final class SpoTree {

    /** The code's epsilon in the grpo edge advantage. */
    public static final double GRPO_EPSILON = 1e-8;

    /** How an edge advantage is computed from the parent's and child's values. */
    public enum Method {
        /** {@code V(c) - V(n)} (the code's default {@code adv_method}). */
        RLOO,
        /** {@code (V(c) - V(n)) / (populationStd(children of n) + 1e-8)}. */
        GRPO
    }

    /**
     * One training edge: the parent's full text is the prompt, the child's segment the response.
     *
     * @param parent parent node index
     * @param child child node index
     * @param advantage the edge advantage, broadcast to the child's segment
     */
    public record Edge(int parent, int child, double advantage) {
    }

    private SpoTree() {
    }

    /** Node values: leaves take their reward, internal nodes the mean of their children's values. */
    public static double[] nodeValues(TrajectoryTree tree) {
        int n = tree.size();
        double[] sum = new double[n];
        int[] count = new int[n];
        for (int i = 1; i < n; i++) {
            count[tree.node(i).parent()]++;
        }
        double[] v = new double[n];
        // Parents precede children, so a reverse sweep finishes every child before its parent.
        for (int i = n - 1; i >= 0; i--) {
            v[i] = count[i] == 0 ? tree.node(i).leafReward() : sum[i] / count[i];
            int p = tree.node(i).parent();
            if (p >= 0) {
                sum[p] += v[i];
            }
        }
        return v;
    }

    /** Population std of each node's children's values ({@code np.std}); 0 for leaves. */
    public static double[] childStds(TrajectoryTree tree, double[] values) {
        double[] out = new double[tree.size()];
        for (int i = 0; i < tree.size(); i++) {
            int[] ch = tree.children(i);
            if (ch.length == 0) {
                continue;
            }
            double[] cv = new double[ch.length];
            for (int k = 0; k < ch.length; k++) {
                cv[k] = values[ch[k]];
            }
            out[i] = StepCreditSupport.stdPrivate(cv, 0);
        }
        return out;
    }

    /** Edge advantages by child node: {@code out[c]} is the advantage of {@code parent(c) -> c}; {@code out[0] = 0}. */
    public static double[] edgeAdvantages(TrajectoryTree tree, Method method) {
        double[] v = nodeValues(tree);
        double[] sigma = method == Method.GRPO ? childStds(tree, v) : null;
        double[] a = new double[tree.size()];
        for (int c = 1; c < tree.size(); c++) {
            int p = tree.node(c).parent();
            double diff = v[c] - v[p];
            a[c] = method == Method.GRPO ? diff / (sigma[p] + GRPO_EPSILON) : diff;
        }
        return a;
    }

    /**
     * The training edges in node order.
     *
     * @param dropZero drop edges whose advantage is exactly 0 (the code's behaviour)
     */
    public static List<Edge> edges(TrajectoryTree tree, Method method, boolean dropZero) {
        double[] a = edgeAdvantages(tree, method);
        List<Edge> out = new ArrayList<>();
        for (int c = 1; c < tree.size(); c++) {
            if (dropZero && a[c] == 0.0) {
                continue;
            }
            out.add(new Edge(tree.node(c).parent(), c, a[c]));
        }
        return out;
    }

    /** Node indices from the root's child down to {@code node} (the root itself excluded). */
    public static int[] path(TrajectoryTree tree, int node) {
        List<Integer> rev = new ArrayList<>();
        for (int n = node; n > 0; n = tree.node(n).parent()) {
            rev.add(n);
        }
        int[] out = new int[rev.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = rev.get(out.length - 1 - k);
        }
        return out;
    }

    /** Leaf node indices in node order. */
    public static int[] leaves(TrajectoryTree tree) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            if (tree.isLeaf(i)) {
                l.add(i);
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of steps on the path to {@code node} (the sum of its segments' lengths). */
    public static int pathLength(TrajectoryTree tree, int node) {
        int n = 0;
        for (int k : path(tree, node)) {
            n += tree.node(k).segment().length();
        }
        return n;
    }

    /**
     * Per-step advantages of the complete trajectory ending at {@code leaf}: the segments of its
     * path, in order, each step carrying the advantage of the edge into its node; steps masked in
     * their segment get 0.
     *
     * @param edgeAdvantages from {@link #edgeAdvantages}
     */
    public static double[] stepAdvantages(TrajectoryTree tree, double[] edgeAdvantages, int leaf) {
        double[] out = new double[pathLength(tree, leaf)];
        int pos = 0;
        for (int k : path(tree, leaf)) {
            Trajectory seg = tree.node(k).segment();
            for (int s = 0; s < seg.length(); s++) {
                out[pos++] = seg.valid(s) ? edgeAdvantages[k] : 0.0;
            }
        }
        return out;
    }
}
