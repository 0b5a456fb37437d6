package dev.trail.rollout;

import java.util.List;

/**
 * The branching rule of a tree rollout ({@link TreeCollector}): how many branches a task starts
 * with, where a branch forks and which token each copy takes, which branches are pruned, and when
 * fresh branches start from the prompt. {@link SpoTreeStrategy}, {@link LatrStrategy} and
 * {@link ArpoStrategy} implement it.
 */
public interface TreeStrategy {

    /**
     * What a branch or one of its forks takes next: a token drawn from the tempered (top-p)
     * distribution with the branch's stream, the most likely token, or a given token.
     *
     * @param token the given token, or -1
     * @param greedy take the most likely token (when {@code token} is -1)
     */
    record Draw(int token, boolean greedy) {
        private static final Draw SAMPLE = new Draw(-1, false);
        private static final Draw GREEDY = new Draw(-1, true);

        /** Draw from the sampling distribution. */
        public static Draw sample() {
            return SAMPLE;
        }

        /** Take the most likely token. */
        public static Draw mostLikely() {
            return GREEDY;
        }

        /** Take {@code token}. */
        public static Draw token(int token) {
            return new Draw(token, false);
        }
    }

    /**
     * A fresh branch to start at the prompt.
     *
     * @param depth its {@link TreeBranch#depth} field
     */
    record Start(int depth) {
    }

    /** What the strategy may ask of the batch being rolled out. */
    interface Batch {
        /** Decoding steps done so far (one token per live branch per step). */
        int step();

        /** Every branch of problem {@code p} so far (pruned and finished included), in creation order. */
        List<TreeBranch> branches(int p);

        /** Number of problems (roots). */
        int problems();

        /** The vocabulary size. */
        int vocabSize();
    }

    /** The branches problem {@code p} starts with. */
    List<Start> start(int p);

    /**
     * Called before {@code branch} draws its next policy token, with the next-token logits (raw,
     * untempered; do not mutate). Entry 0 is what the branch itself takes; every further entry forks
     * the branch at this point and is what that fork takes.
     */
    List<Draw> decide(TreeBranch branch, float[] logits, Batch batch);

    /**
     * The stream of a fork of {@code parent}: by default a new stream split off the parent's
     * (so parent and child draw independently).
     */
    default dev.trail.seed.Rng childStream(TreeBranch parent) {
        return parent.rng().split();
    }

    /** The depth field of the fork made by entry {@code k >= 1} of a {@link #decide} result. */
    default int childDepth(TreeBranch parent, int k) {
        return parent.depth;
    }

    /** After each decoding step: the live branches to prune (their tokens stay counted as sampled). */
    default List<TreeBranch> prune(Batch batch) {
        return List.of();
    }

    /** After each decoding step: fresh branches to start at problem {@code p}'s prompt now. */
    default List<Start> refill(int p, Batch batch) {
        return List.of();
    }

    /** Whether {@link #refill} may ever start branches (the collector then keeps each prompt's state). */
    default boolean refills() {
        return false;
    }

    /** Complete trajectories per problem the strategy aims at (the group size G). */
    int groupSize();
}
