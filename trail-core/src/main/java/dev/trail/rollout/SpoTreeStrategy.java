package dev.trail.rollout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SPO-tree's fixed-shape tree ({@code ALGORITHMS.md} §3.2; {@code AIFrameResearch/SPO}
 * {@code hybrid_inference_strategy.py _construct_tree}) [code]: the root has {@code b_0} children;
 * every node at depth {@code d < D-1} generates exactly {@code M} new tokens and then has
 * {@code b_{d+1}} children; the last level decodes freely to the end. Every token is sampled
 * (temperature, top-p); a child that ends within its segment is a leaf at a shallow depth, so a
 * tree has at most {@code b_0 · b_1 · ... · b_{D-1}} leaves.
 *
 * <p>A node's children are the node's own branch continuing plus {@code b_{d+1} - 1} forks made
 * when its segment is complete (at the first policy token after {@code (d+1)·M} response tokens,
 * so a tool output is never split); each fork draws from a stream split off its parent's.
 * {@link TreeBranch#depth} holds the branch's level.
 */
public final class SpoTreeStrategy implements TreeStrategy {

    private final int[] branching;
    private final int segmentTokens;

    /**
     * @param branching {@code b_0, ..., b_{D-1}}, each at least 1
     * @param segmentTokens M, tokens per non-final level
     */
    public SpoTreeStrategy(int[] branching, int segmentTokens) {
        if (branching.length == 0 || Arrays.stream(branching).anyMatch(b -> b < 1) || segmentTokens < 1) {
            throw new IllegalArgumentException("spo-tree needs branching factors >= 1 and segment tokens >= 1, got "
                    + Arrays.toString(branching) + " and " + segmentTokens);
        }
        this.branching = branching.clone();
        this.segmentTokens = segmentTokens;
    }

    /** Parses a branching like {@code 2x2x2} (or {@code 2,2,2}). */
    public static int[] parseBranching(String text) {
        String[] parts = text.trim().split("[x,]");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spo-tree branching '" + text
                        + "' is not a list of integers like 2x2x2", e);
            }
        }
        return out;
    }

    /** The number of leaves of a full tree, {@code Π b_d}. */
    public static int leaves(int[] branching) {
        int n = 1;
        for (int b : branching) {
            n = Math.multiplyExact(n, b);
        }
        return n;
    }

    @Override
    public List<Start> start(int p) {
        List<Start> out = new ArrayList<>();
        for (int k = 0; k < branching[0]; k++) {
            out.add(new Start(0));
        }
        return out;
    }

    @Override
    public List<Draw> decide(TreeBranch branch, float[] logits, Batch batch) {
        int next = branch.depth + 1;
        if (next < branching.length && branch.responseLength() >= next * segmentTokens) {
            branch.depth = next;
            return copies(branching[next]);
        }
        return List.of(Draw.sample());
    }

    private static List<Draw> copies(int n) {
        List<Draw> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(Draw.sample());
        }
        return out;
    }

    @Override
    public int groupSize() {
        return leaves(branching);
    }
}
