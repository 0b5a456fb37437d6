package dev.trail.rollout;

import java.util.List;

/**
 * A token-level model's decoding state for many sequences ("rows") at once, whose rows can be
 * forked: the state tree rollouts branch. A row holds everything the model has computed for its
 * tokens so far (for a transformer: the key/value cache rows), so a fork continues from the
 * parent's prefix without recomputing it, and a forked row given the same tokens produces the
 * same logits as its parent would have (and as a recomputation from scratch, to float rounding).
 *
 * <p>Rows are named by ids that stay valid until {@link #release}; every call that feeds tokens
 * evaluates all live rows in one batch, so rows that are not fed keep their state unchanged.
 *
 * <p>Budget counters: {@link #tokensComputed()} counts the real tokens fed (prompt tokens once per
 * opened row, one per row per {@link #step}); a fork copies state and computes nothing.
 * {@link #positionsEvaluated()} counts every (row, position) the model evaluated, padding of rows
 * that were not fed included: the work actually done.
 */
public interface ForkableDecoder extends AutoCloseable {

    /** Opens a decoder over one row per context (BOS + prompt), prefilled in one batch. */
    interface Factory {
        /** The decoder, with rows {@code 0 .. contexts.size() - 1} holding the contexts. */
        ForkableDecoder open(List<int[]> contexts);
    }

    /** The vocabulary size V (the length of a logits row). */
    int vocabSize();

    /** New rows, one per entry of {@code parents}, each a copy of that row's state; their ids in order. */
    int[] fork(int[] parents);

    /**
     * Feeds {@code tokens[i]} to row {@code rows[i]} (each live row at most once) and computes
     * their next-token logits; live rows not listed are left as they are.
     */
    void step(int[] rows, int[] tokens);

    /** The next-token logits of {@code row} after its last token, {@code [V]} (the decoder's own array: do not mutate). */
    float[] logits(int row);

    /** Frees rows that will not be fed or forked again. */
    void release(int[] rows);

    /** Real tokens fed so far (see the class comment). */
    long tokensComputed();

    /** (row, position) pairs evaluated so far, padding included. */
    long positionsEvaluated();

    @Override
    void close();
}
