package dev.trail.env;

import dev.trail.space.Space;

/**
 * A reinforcement-learning environment, with Gymnasium's semantics.
 *
 * <p>{@link #reset(long)} starts an episode from a seed; {@link #step(Object)} advances it by
 * one action. {@code terminated} (the MDP reached a terminal state: do not bootstrap) and
 * {@code truncated} (the episode was cut, e.g. by a time limit: bootstrap from the final
 * observation) are reported separately and never merged. Calling {@code step} after the episode
 * ended without a {@code reset} is an {@link IllegalStateException}; an action outside
 * {@link #actionSpace()} is an {@link IllegalArgumentException} naming the value.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public interface Env<O, A> extends AutoCloseable {

    /** The space observations belong to. */
    Space<O> observationSpace();

    /** The space actions must belong to. */
    Space<A> actionSpace();

    /**
     * Starts a new episode with the environment's random stream reseeded from {@code seed}, and
     * returns the first observation.
     */
    O reset(long seed);

    /**
     * Starts a new episode, continuing the environment's own random stream (Gymnasium's
     * {@code reset()} without a seed). Before the first seeded reset the stream is seeded with 0.
     */
    O reset();

    /**
     * Applies {@code action} and returns the outcome.
     *
     * @throws IllegalArgumentException if the action is outside the action space
     * @throws IllegalStateException if the episode already ended and was not reset
     */
    StepResult<O> step(A action);

    /** Releases resources; most environments hold none. */
    @Override
    default void close() {
    }
}
