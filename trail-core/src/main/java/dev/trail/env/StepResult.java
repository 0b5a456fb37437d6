package dev.trail.env;

import java.util.Map;

/**
 * The outcome of one {@link Env#step}: the next observation, the reward, and the two episode-end
 * flags kept apart. {@code terminated} means the MDP reached a terminal state (the value of the
 * next state is zero); {@code truncated} means the episode was cut (time limit) and the next
 * state's value should be bootstrapped.
 *
 * @param observation the observation after the step
 * @param reward the reward of the step
 * @param terminated whether a terminal state was reached
 * @param truncated whether the episode was cut without reaching a terminal state
 * @param info extra diagnostics, never null (an immutable copy)
 */
public record StepResult<O>(O observation, double reward, boolean terminated, boolean truncated,
        Map<String, Object> info) {

    public StepResult {
        info = info == null ? Map.of() : Map.copyOf(info);
    }

    /** A step result with no info. */
    public StepResult(O observation, double reward, boolean terminated, boolean truncated) {
        this(observation, reward, terminated, truncated, Map.of());
    }

    /** Whether the episode is over, for either reason. */
    public boolean done() {
        return terminated || truncated;
    }
}
