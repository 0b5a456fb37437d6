package dev.trail.algo;

import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.trajectory.Trajectory;
import java.util.List;

/**
 * The (observation, action) pairs of demonstration trajectories, for behaviour cloning: every step
 * {@code t < T} of every trajectory (the final observation has no action and is left out).
 *
 * @param observations {@code [size, observationSize]} row-major
 * @param observationSize floats per observation
 * @param discreteActions {@code [size]} for a Discrete action space, else null
 * @param continuousActions {@code [size, actionSize]} for a Box action space, else null
 * @param actionSize scalars per action (1 for discrete)
 * @param size number of steps
 */
public record Demonstrations(float[] observations, int observationSize, long[] discreteActions,
        float[] continuousActions, int actionSize, int size) {

    public Demonstrations {
        if (size < 1) {
            throw new IllegalArgumentException("demonstrations need at least one step, got " + size);
        }
        if (observations.length != (long) size * observationSize) {
            throw new IllegalArgumentException("demonstrations: " + observations.length + " observation values for "
                    + size + " steps of " + observationSize);
        }
        if ((discreteActions == null) == (continuousActions == null)) {
            throw new IllegalArgumentException("demonstrations hold either discrete or continuous actions");
        }
    }

    /**
     * The steps of {@code trajectories}, checked against the environment's spaces.
     *
     * @param source what to call the data in messages (e.g. {@code bc_dataset=demos.parquet})
     * @param envId the environment id; a trajectory whose task is another id is refused
     * @throws IllegalArgumentException naming the source and trajectory: another env, no observations,
     *     observations or actions of the wrong size, an action outside the space, or no steps at all
     */
    public static Demonstrations of(List<Trajectory> trajectories, String source, String envId, int observationSize,
            Space<?> actionSpace) {
        boolean discrete = actionSpace instanceof Discrete;
        if (!discrete && !(actionSpace instanceof Box)) {
            throw new IllegalArgumentException(source + ": behaviour cloning needs Discrete or Box actions, " + envId
                    + " has " + actionSpace);
        }
        int k = discrete ? 1 : ((Box) actionSpace).flatSize();
        int size = 0;
        for (Trajectory t : trajectories) {
            String where = source + ": trajectory " + t.id();
            if (t.taskId() != null && !t.taskId().equals(envId)) {
                throw new IllegalArgumentException(where + " was recorded on " + t.taskId() + ", not " + envId);
            }
            if (t.length() == 0) {
                continue;
            }
            if (t.observationSize() != observationSize || t.observations().length < (long) t.length() * observationSize) {
                throw new IllegalArgumentException(where + " has observations of " + t.observationSize() + " values; "
                        + envId + " observes " + observationSize);
            }
            if (t.actionSize() != k || t.actions().length != t.length() * k) {
                throw new IllegalArgumentException(where + " has actions of " + t.actionSize() + " values; " + envId
                        + " takes " + k + " (" + actionSpace + ")");
            }
            size += t.length();
        }
        if (size == 0) {
            throw new IllegalArgumentException(source + " holds no steps");
        }
        float[] obs = new float[size * observationSize];
        long[] ints = discrete ? new long[size] : null;
        float[] floats = discrete ? null : new float[size * k];
        int at = 0;
        for (Trajectory t : trajectories) {
            int n = t.length();
            System.arraycopy(t.observations(), 0, obs, at * observationSize, n * observationSize);
            if (discrete) {
                Discrete d = (Discrete) actionSpace;
                for (int i = 0; i < n; i++) {
                    float a = t.actions()[i];
                    if (a != Math.rint(a) || a < d.start() || a >= d.start() + d.n()) {
                        throw new IllegalArgumentException(source + ": trajectory " + t.id() + " step " + i + ": action "
                                + a + " is outside " + d);
                    }
                    ints[at + i] = (long) a - d.start();
                }
            } else {
                System.arraycopy(t.actions(), 0, floats, at * k, n * k);
            }
            at += n;
        }
        return new Demonstrations(obs, observationSize, ints, floats, k, size);
    }

    /** Whether the actions are discrete. */
    public boolean discrete() {
        return discreteActions != null;
    }

    /** {@code m} step indices drawn uniformly with replacement from {@code rng}. */
    public int[] sample(int m, Rng rng) {
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = rng.nextInt(size);
        }
        return idx;
    }
}
