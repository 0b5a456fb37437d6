package dev.trail.envs.classic;

import dev.trail.env.ArrayEnv;
import dev.trail.space.Box;
import dev.trail.space.Space;

/**
 * The registry metadata every classic-control task reports the same way: its id, its action and
 * observation spaces, and the flat sizes of one action and one observation (computed once, so the
 * fast path reads a field), and NumPy seeding: {@code reset(seed)} draws the start state from
 * {@code np.random.default_rng(seed)} with Gymnasium's calls, so it is Gymnasium's start state.
 * The dynamics ({@code resetState}, {@code advance}, {@code observe}) and
 * the state layout stay in each environment.
 */
abstract class ClassicControlEnv<A> extends ArrayEnv<A> {

    private final String id;
    private final Space<A> actionSpace;
    private final Box observationSpace;
    private final int observationSize;
    private final int actionSize;

    ClassicControlEnv(int maxEpisodeSteps, String id, Space<A> actionSpace, Box observationSpace) {
        super(maxEpisodeSteps, Seeding.NUMPY);
        this.id = id;
        this.actionSpace = actionSpace;
        this.observationSpace = observationSpace;
        this.observationSize = observationSpace.flatSize();
        this.actionSize = actionSpace.flatSize();
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Space<A> actionSpace() {
        return actionSpace;
    }

    @Override
    public final Box observationSpace() {
        return observationSpace;
    }

    @Override
    public final int observationSize() {
        return observationSize;
    }

    @Override
    public final int actionSize() {
        return actionSize;
    }
}
