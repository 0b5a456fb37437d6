package dev.trail.rollout;

import dev.trail.seed.Rng;
import dev.trail.token.ResponseBuilder;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One branch of a tree rollout: a response being decoded, with its own random stream, its
 * decoder row and the tree lineage it came from. A fork copies the response so far (the
 * {@link ResponseBuilder}, so the task's tool state too), the recorded log-probabilities, the
 * tool-output tokens still to feed, and the strategy's per-branch fields; the decoder row is
 * forked by the {@link ForkableDecoder}; the stream is whatever the strategy hands the child.
 *
 * <p>Strategies read a branch through its getters and keep their own per-branch state in
 * {@link #depth} (SPO-tree level, LATR tree-phase flag as 1/0) and {@link #strategyState}.
 */
public final class TreeBranch {

    private final int id;
    private final int problem;
    private final TreeBranch parent;
    private final int birth;
    final ResponseBuilder builder;
    Rng rng;
    double[] logProbs;
    final ArrayDeque<Integer> pending;
    int row;
    boolean pruned;
    boolean finished;
    /** A stand-by branch ({@link TreeStrategy#reserves}): an ordinary sample from the prompt that may fill a slot. */
    boolean reserve;
    /** A stand-by branch that turned out not to be needed. */
    boolean dropped;
    /** A tool output was fed since this branch last drew a token (an environment turn just ended). */
    boolean afterToolReply;
    /** Strategy field copied into forks: SPO-tree's level; LATR's tree-phase flag. */
    public int depth;
    /** Strategy object per branch (ARPO's round statistics); forks start with null. */
    public Object strategyState;

    TreeBranch(int id, int problem, TreeBranch parent, int birth, ResponseBuilder builder, Rng rng, int row) {
        this.id = id;
        this.problem = problem;
        this.parent = parent;
        this.birth = birth;
        this.builder = builder;
        this.rng = rng;
        this.row = row;
        this.logProbs = new double[0];
        this.pending = new ArrayDeque<>();
    }

    /** A child of {@code this} at its current point, with stream {@code childRng}, on decoder row {@code childRow}. */
    TreeBranch fork(int childId, Rng childRng, int childRow) {
        TreeBranch c = new TreeBranch(childId, problem, this, builder.responseLength(), builder.copy(), childRng,
                childRow);
        c.logProbs = logProbs.clone();
        c.pending.addAll(pending);
        c.afterToolReply = afterToolReply;
        c.depth = depth;
        return c;
    }

    void record(double logProb) {
        logProbs = Arrays.copyOf(logProbs, logProbs.length + 1);
        logProbs[logProbs.length - 1] = logProb;
    }

    /** Creation order within the batch (parents have smaller ids than their children). */
    public int id() {
        return id;
    }

    /** Index of the problem (root) in the batch. */
    public int problem() {
        return problem;
    }

    /** The branch this one was forked from, or null for a branch started at the prompt. */
    public TreeBranch parent() {
        return parent;
    }

    /** Response tokens shared with the parent (the response length when it was forked); 0 without a parent. */
    public int birth() {
        return birth;
    }

    /** Response tokens so far (policy tokens, tool outputs, EOS). */
    public int responseLength() {
        return builder.responseLength();
    }

    /** Response token {@code j} ({@code j < responseLength()}). */
    public int token(int j) {
        return builder.responseToken(j);
    }

    /** Whether the response ended (EOS or budget). */
    public boolean done() {
        return builder.done();
    }

    /** Whether the response ended with EOS. */
    public boolean terminated() {
        return builder.terminated();
    }

    /** Whether the strategy removed this branch. */
    public boolean pruned() {
        return pruned;
    }

    /** Whether the branch is still being decoded (neither finished nor pruned nor dropped). */
    public boolean live() {
        return !pruned && !finished && !dropped;
    }

    /**
     * Whether this is a stand-by branch ({@link TreeStrategy#reserves}): an ordinary sample from
     * the prompt, never forked or asked about, that becomes a member of its group unless dropped.
     */
    public boolean reserve() {
        return reserve;
    }

    /** The response budget in tokens (the response ends when it reaches it). */
    public int budget() {
        return builder.budget();
    }

    /** Whether a tool output was fed since the branch last drew a token. */
    public boolean afterToolReply() {
        return afterToolReply;
    }

    /** This branch's random stream (strategies draw their branching decisions from it). */
    public Rng rng() {
        return rng;
    }
}
