package dev.trail.advantage;

import dev.trail.trajectory.ActionText;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * SALT, step-level advantage assignment via a trajectory graph (Li et al. 2025, arXiv
 * 2510.20022), {@code ALGORITHMS.md} §4. <b>[reconstructed]</b>: no code was found and the method
 * section was not retrievable; this is the spec's reading, with the merge key kept as a strategy.
 *
 * <p>For the G trajectories of one prompt, with trajectory advantages {@code A_k} from a base
 * estimator (GRPO or RLOO, §1.3-1.4), every trained-on step is a node identified by a merge
 * key; {@code S(n)} is the <em>set</em> of trajectories passing through node {@code n}, and
 *
 * <pre>
 * A_step(n) = (1 / |S(n)|) * sum_{k in S(n)} A_k
 * advantage of step t of trajectory k = A_step(node of (k, t))
 * </pre>
 *
 * <p>Steps shared by winners and losers move toward 0; a step unique to one trajectory keeps
 * that trajectory's advantage. Because {@code S(n)} is a set, a trajectory that revisits a node
 * (a cycle under the state-action key) counts once. A singleton group, or a group sharing no
 * node, reduces to the base estimator. Directed edges join consecutive nodes of a trajectory;
 * they describe the graph and do not change the advantages.
 *
 * <p>Masked steps are not nodes and get advantage 0, but their actions and observations remain
 * part of the history that later steps are keyed on.
 */
public final class Salt {

    /** The base estimator giving trajectory advantages A_k. */
    public enum Base {
        /** {@code (R - mean) / (std_unbiased + 1e-6)}; singleton: {@code R / (1 + 1e-6)} (verl: mean 0, std 1). */
        GRPO,
        /** {@code R_i - mean_{j != i} R_j}; singleton: raw reward (verl). */
        RLOO
    }

    /**
     * The merge key of each step of a trajectory. Keys of different trajectories are compared with
     * {@code equals}; two steps with equal keys are one node.
     */
    @FunctionalInterface
    public interface MergeKey {
        /** One key per step of {@code trajectory} (length T). */
        Object[] keys(String prompt, Trajectory trajectory);
    }

    /**
     * Key (a), history-prefix identity (the default): the canonicalised prompt, the first
     * observation (if kept), every earlier (action, next observation) pair, and the current
     * action. It builds a prefix tree, so it never merges steps with different histories.
     * Needs {@code actions}.
     */
    public static final MergeKey HISTORY_PREFIX = Salt::historyPrefixKeys;

    /**
     * Key (b), state-action identity: (observation {@code t}, action {@code t}). It builds a DAG
     * that can merge trajectories reaching the same state by different routes. Needs
     * {@code observations} and {@code actions}.
     */
    public static final MergeKey STATE_ACTION = Salt::stateActionKeys;

    /**
     * The graph of one group.
     *
     * @param nodeCount number of distinct nodes
     * @param nodeOfStep {@code [trajectory][step]} node index, -1 for masked steps
     * @param members {@code S(n)}: the trajectories through each node
     * @param edges directed edges {@code from -> to} between consecutive nodes of a trajectory,
     *        without self-loops, in first-seen order
     */
    public record Graph(int nodeCount, int[][] nodeOfStep, List<BitSet> members, Set<List<Integer>> edges) {
    }

    private Salt() {
    }

    /**
     * Builds the graph from per-step keys.
     *
     * @param keys {@code [trajectory][step]} merge keys
     * @param isNode {@code [trajectory][step]} whether the step takes part (its mask)
     */
    public static Graph graph(Object[][] keys, boolean[][] isNode) {
        Map<Object, Integer> ids = new HashMap<>();
        List<BitSet> members = new ArrayList<>();
        Set<List<Integer>> edges = new LinkedHashSet<>();
        int[][] nodeOf = new int[keys.length][];
        for (int k = 0; k < keys.length; k++) {
            nodeOf[k] = new int[keys[k].length];
            int prev = -1;
            for (int t = 0; t < keys[k].length; t++) {
                if (!isNode[k][t]) {
                    nodeOf[k][t] = -1;
                    continue;
                }
                Object key = Objects.requireNonNull(keys[k][t], "merge key of trajectory " + k + " step " + t);
                Integer id = ids.get(key);
                if (id == null) {
                    id = members.size();
                    ids.put(key, id);
                    members.add(new BitSet());
                }
                members.get(id).set(k);
                nodeOf[k][t] = id;
                if (prev >= 0 && prev != id) {
                    edges.add(List.of(prev, id));
                }
                prev = id;
            }
        }
        return new Graph(members.size(), nodeOf, members, edges);
    }

    /** {@code A_step(n)} for every node: the mean base advantage over {@code S(n)}. */
    public static double[] nodeAdvantages(Graph graph, double[] trajectoryAdvantages) {
        double[] out = new double[graph.nodeCount()];
        for (int n = 0; n < out.length; n++) {
            BitSet s = graph.members().get(n);
            double sum = 0;
            for (int k = s.nextSetBit(0); k >= 0; k = s.nextSetBit(k + 1)) {
                sum += trajectoryAdvantages[k];
            }
            out[n] = sum / s.cardinality();
        }
        return out;
    }

    /**
     * Step advantages {@code [trajectory][step]} from merge keys and trajectory advantages.
     *
     * @param keys {@code [trajectory][step]} merge keys
     * @param isNode {@code [trajectory][step]} trained-on steps; the others get 0
     * @param trajectoryAdvantages {@code A_k}, one per trajectory
     */
    public static double[][] stepAdvantages(Object[][] keys, boolean[][] isNode, double[] trajectoryAdvantages) {
        if (keys.length != trajectoryAdvantages.length) {
            throw new IllegalArgumentException(keys.length + " trajectories but " + trajectoryAdvantages.length
                    + " trajectory advantages");
        }
        Graph g = graph(keys, isNode);
        double[] nodeAdv = nodeAdvantages(g, trajectoryAdvantages);
        double[][] out = new double[keys.length][];
        for (int k = 0; k < keys.length; k++) {
            out[k] = new double[keys[k].length];
            for (int t = 0; t < out[k].length; t++) {
                int n = g.nodeOfStep()[k][t];
                out[k][t] = n < 0 ? 0.0 : nodeAdv[n];
            }
        }
        return out;
    }

    /**
     * Base trajectory advantages of a group's outcome rewards: GRPO, the z-score over
     * {@link GroupStats} (unbiased std, ε 1e-6), or {@link GroupAdvantages#rloo}. A singleton group
     * follows verl literally: RLOO keeps the raw reward, GRPO uses mean 0 and std 1, so
     * {@code A = R / (1 + ε)} (where {@link GroupAdvantages.Singleton#RAW_REWARD} would give R).
     */
    public static double[] baseAdvantages(double[] rewards, Base base) {
        if (base == Base.RLOO) {
            return GroupAdvantages.rloo(rewards, GroupAdvantages.Singleton.RAW_REWARD);
        }
        if (rewards.length == 1) {
            return new double[] {rewards[0] / (1.0 + StepCreditSupport.VERL_EPSILON)};
        }
        return StepCreditSupport.zScore(rewards, 1, StepCreditSupport.VERL_EPSILON);
    }

    // ---------------------------------------------------------------- keys and canonicalisation

    private static Object[] historyPrefixKeys(String prompt, Trajectory t) {
        requireActions(t);
        Object[] keys = new Object[t.length()];
        PrefixKey h = new PrefixKey(null, "prompt:" + canonicalText(prompt == null ? "" : prompt));
        if (t.observationSize() > 0 && t.observations().length > 0) {
            h = new PrefixKey(h, "o:" + canonicalFloats(t.observations(), 0, t.observationSize()));
        }
        for (int s = 0; s < t.length(); s++) {
            h = new PrefixKey(h, "a:" + actionKey(t, s));
            keys[s] = h;
            if (t.observationSize() > 0 && t.observations().length > 0) {
                h = new PrefixKey(h, "o:" + canonicalFloats(t.observations(), (s + 1) * t.observationSize(),
                        t.observationSize()));
            }
        }
        return keys;
    }

    private static Object[] stateActionKeys(String prompt, Trajectory t) {
        requireActions(t);
        if (t.observationSize() == 0 || t.observations().length == 0) {
            throw new IllegalArgumentException("salt (state-action key): trajectory " + t.id()
                    + " has no observations; the state-action merge key needs them (use the history-prefix key)");
        }
        Object[] keys = new Object[t.length()];
        for (int s = 0; s < t.length(); s++) {
            keys[s] = List.of(canonicalFloats(t.observations(), s * t.observationSize(), t.observationSize()),
                    actionKey(t, s));
        }
        return keys;
    }

    private static void requireActions(Trajectory t) {
        if (!t.hasTextActions() && (t.actionSize() == 0 || t.actions().length == 0)) {
            throw new IllegalArgumentException("salt: trajectory " + t.id()
                    + " has no actions; the merge key is built from the actions taken");
        }
    }

    /**
     * A canonical text form of {@code values[from .. from+length)}: {@code -0.0} is written as
     * {@code 0.0} and every NaN alike, so equal actions always give equal keys.
     */
    public static String canonicalFloats(float[] values, int from, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            float v = values[from + i];
            if (v == 0.0f) {
                v = 0.0f;
            }
            if (i > 0) {
                b.append(',');
            }
            b.append(Float.isNaN(v) ? "NaN" : Float.toString(v));
        }
        return b.toString();
    }

    /**
     * Canonical action text (§4 edge cases), {@link ActionText#canonical}: surrounding whitespace
     * stripped and inner runs of whitespace collapsed to one space; a JSON object or array (a
     * tool call) is re-serialised with sorted object keys and no insignificant whitespace.
     */
    public static String canonicalText(String text) {
        return ActionText.canonical(text);
    }

    /** The canonical key text of the action at step {@code s}: its text form, or its numbers. */
    private static String actionKey(Trajectory t, int s) {
        if (t.hasTextActions()) {
            return "t:" + ActionText.canonical(t.textActions()[s]);
        }
        return canonicalFloats(t.actions(), s * t.actionSize(), t.actionSize());
    }

    /** A history prefix, compared by value; its hash is computed once. */
    private static final class PrefixKey {
        private final PrefixKey parent;
        private final String element;
        private final int hash;
        private final int depth;

        PrefixKey(PrefixKey parent, String element) {
            this.parent = parent;
            this.element = element;
            this.hash = 31 * (parent == null ? 17 : parent.hash) + element.hashCode();
            this.depth = parent == null ? 0 : parent.depth + 1;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof PrefixKey other)) {
                return false;
            }
            PrefixKey a = this;
            PrefixKey b = other;
            if (a.depth != b.depth) {
                return false;
            }
            while (a != null) {
                if (a == b) {
                    return true;
                }
                if (a.hash != b.hash || !a.element.equals(b.element)) {
                    return false;
                }
                a = a.parent;
                b = b.parent;
            }
            return true;
        }
    }
}
