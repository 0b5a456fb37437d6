package dev.trail.rollout;

import dev.trail.seed.Rng;

/**
 * What a token collector ({@link GroupCollector}, {@link TreeCollector},
 * {@link SemiOnlineCollector}) checkpoints: the stream training problems are drawn from, the
 * stream responses' streams are split from, and the number of batches collected (which names the
 * groups). The trainer saves these three and restores them for an exact resume.
 */
public final class TaskStreams {

    private Rng problems;
    private Rng sampling;
    private int collections;

    /**
     * @param problems the stream training problems are drawn from
     * @param sampling the stream the responses' (or branches') streams are split from
     */
    public TaskStreams(Rng problems, Rng sampling) {
        this.problems = problems;
        this.sampling = sampling;
    }

    /** The stream problems are drawn from. */
    public Rng problemRng() {
        return problems;
    }

    /** The stream responses are sampled from. */
    public Rng samplingRng() {
        return sampling;
    }

    /** Batches collected so far. */
    public int collections() {
        return collections;
    }

    /** Counts one more batch; the new count. */
    int nextCollection() {
        return ++collections;
    }

    /** Restores the streams and the batch counter from a checkpoint. */
    public void restore(Rng problemRng, Rng samplingRng, int collectionsDone) {
        this.problems = problemRng;
        this.sampling = samplingRng;
        this.collections = collectionsDone;
    }
}
