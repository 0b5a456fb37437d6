package dev.trail.rollout;

import java.util.List;

/**
 * The branching rule of a tree rollout ({@link TreeCollector}): how many branches a task starts
 * with, where a branch forks and which token each copy takes, which branches are pruned, and how
 * many ordinary samples from the prompt fill the group beside the tree ({@link #reserves}). {@link SpoTreeStrategy}, {@link LatrStrategy} and
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

        /**
         * Every branch of problem {@code p} so far (pruned and finished included, stand-by branches
         * ({@link TreeStrategy#reserves}) excluded), in creation order.
         */
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

    /**
     * Stand-by branches problem {@code p} starts with, beside {@link #start}: ordinary samples from
     * the prompt for slots the strategy may have to fill once it knows how its tree turned out
     * (LATR's under-full roots, ARPO's {@code M − N} rollouts). They decode in the same batched
     * steps as the tree from the first step on, so a fill does not wait for the tree to end; the
     * strategy is never asked about them ({@link #decide}), they never fork, and
     * {@link Batch#branches} does not list them. After every decoding step the collector drops
     * the latest of a problem's stand-by branches beyond {@link #reservesNeeded}; those left when
     * decoding ends are members of the group, after the tree's.
     */
    default int reserves(int p) {
        return 0;
    }

    /**
     * After each decoding step (after {@link #prune}): how many stand-by branches problem
     * {@code p} can still need. It must never be below the number the finished tree needs and
     * must equal it once problem {@code p}'s tree can neither fork nor be pruned any more; it may
     * only depend on the tree's branches, not on the stand-by ones (so which of them are kept does
     * not depend on what they sampled).
     */
    default int reservesNeeded(int p, Batch batch) {
        return 0;
    }

    /** Complete trajectories per problem the strategy aims at (the group size G). */
    int groupSize();
}
