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
}
