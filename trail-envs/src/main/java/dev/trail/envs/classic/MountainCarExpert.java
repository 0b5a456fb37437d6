package dev.trail.envs.classic;

import dev.trail.rollout.VectorPolicy;
import dev.trail.seed.Rng;

/**
 * A scripted expert for {@link MountainCarContinuous}: full force in the direction of the
 * velocity, {@code a = +1} when {@code v > 0} and {@code a = −1} otherwise (so a car at rest first
 * swings back up the left slope). Pumping energy this way reaches the goal from every start state
 * in about 80 steps, a return of about 92 (the registry's threshold is 90), which online SAC here
 * does not reach. Deterministic: it draws nothing from the stream and reports no log-probability
 * (the action has none); {@code trail collect --policy expert} adds {@code --action-noise} when asked.
 */
public final class MountainCarExpert implements VectorPolicy {

    /** The action for one observation {@code [position, velocity]}. */
    public static float action(float position, float velocity) {
        return velocity > 0 ? 1f : -1f;
    }

    @Override
    public Acted act(float[] observations, int n, Rng rng) {
        if (observations.length != 2 * n) {
            throw new IllegalArgumentException("MountainCarContinuous observations are [position, velocity]: expected "
                    + 2 * n + " values for " + n + " rows, got " + observations.length);
        }
        float[] actions = new float[n];
        for (int r = 0; r < n; r++) {
            actions[r] = action(observations[2 * r], observations[2 * r + 1]);
        }
        return new Acted(null, actions, null, null);
    }
}
