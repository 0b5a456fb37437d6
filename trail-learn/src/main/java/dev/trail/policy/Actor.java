package dev.trail.policy;

import dev.trail.seed.Rng;

/**
 * What evaluation needs from a trained policy: acting on one flat observation in plain Java.
 * {@link ActorCritic} (PPO) and {@link SquashedGaussianActor} (SAC) implement it.
 */
public interface Actor {

    /** Length of a flat observation. */
    int observationSize();

    /** Whether actions are categorical. */
    boolean discrete();

    /** Number of categories, or action dimensions. */
    int actionSize();

    /**
     * Chooses the action for one observation: a category index in {@code discreteOut[0]}, or
     * {@link #actionSize()} components in {@code continuousOut}. Deterministic actions are the
     * most likely ones (argmax, Gaussian mean, {@code tanh} of the mean); otherwise they are
     * sampled from {@code rng}.
     */
    void actOne(float[] observation, Rng rng, boolean deterministic, int[] discreteOut, float[] continuousOut);
}
