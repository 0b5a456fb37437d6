package dev.trail.vector;

/**
 * A finished episode of one environment of a {@link VectorEnv}.
 *
 * @param envIndex which environment, {@code 0 .. N-1}
 * @param episodeReturn the undiscounted sum of the episode's rewards
 * @param length the number of steps
 * @param terminated whether it ended in a terminal state
 * @param truncated whether it was cut by the time limit
 */
public record EpisodeInfo(int envIndex, double episodeReturn, int length, boolean terminated, boolean truncated) {
}
