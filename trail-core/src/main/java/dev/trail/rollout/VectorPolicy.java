package dev.trail.rollout;

import dev.trail.seed.Rng;

/**
 * What a collector needs from a policy over array observations: batched actions with their
 * log-probabilities and, when the policy has a critic, values. Implemented by the learners'
 * policies (PPO's actor-critic, SAC's squashed Gaussian actor) in plain Java.
 */
public interface VectorPolicy {

    /**
     * The outcome of acting on {@code n} observations.
     *
     * @param discreteActions chosen categories ({@code [n]}), or null for continuous policies
     * @param continuousActions sampled actions ({@code [n * actionSize]}, before any clipping), or null
     * @param logProbs {@code log π(a|s)} per row, or null when the policy does not report it
     * @param values the critic's {@code V(s)} per row, or null for a policy without a critic
     */
    record Acted(int[] discreteActions, float[] continuousActions, float[] logProbs, float[] values) {
    }

    /**
     * Samples actions for {@code n} observations ({@code observations} is
     * {@code [n * observationSize]}), drawing from {@code rng} row by row.
     */
    Acted act(float[] observations, int n, Rng rng);

    /** The critic's {@code V(s)} for {@code n} observations, or null when there is no critic. */
    default float[] values(float[] observations, int n) {
        return null;
    }

    /**
     * How acting splits across threads, or null (the default) when this policy acts only on whole
     * batches: a collector with several threads then acts on its own thread and only the
     * environments step in parallel.
     */
    default Split split() {
        return null;
    }

    /**
     * Acting in two parts, so that the rows of a batch can be acted on by different threads with
     * the same result as {@link #act} on the whole batch: the random draws first, on the
     * collector's thread and in row order ({@link #drawNoise}), then the network-dependent part on
     * any thread, per row range ({@link RowActor#act}). This works because what a policy draws
     * from its stream does not depend on the network (a categorical sample takes one uniform, a
     * Gaussian one standard normal per dimension), so the stream advances exactly as {@code act}
     * advances it and a run is bit-identical whatever the thread count.
     */
    interface Split {

        /** Doubles of noise per row. */
        int noisePerRow();

        /**
         * Draws from {@code rng} exactly what {@link VectorPolicy#act} would draw for {@code n}
         * rows, in row order, into {@code noise[0 .. n * noisePerRow())}.
         */
        void drawNoise(Rng rng, int n, double[] noise);

        /** A new actor over the same (live) weights, for one thread. */
        RowActor newActor();
    }

    /** The network-dependent part of acting; one instance per thread. */
    interface RowActor {

        /**
         * Acts on rows {@code [from, to)} of {@code observations} with their noise (row {@code r}'s
         * at {@code noise[r * noisePerRow()]}), writing rows {@code [from, to)} of {@code out}'s
         * arrays (a null array in {@code out} is not written): the same values {@link #act} gives.
         */
        void act(float[] observations, int from, int to, double[] noise, Acted out);
    }
}
