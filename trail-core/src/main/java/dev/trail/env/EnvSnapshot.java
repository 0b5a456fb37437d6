package dev.trail.env;

/**
 * The full state of an {@link ArrayEnv}: its internal state vector, the step counter of the time
 * limit, whether a reset is due, and its random stream.
 *
 * @param state the internal state in the environment's documented layout
 * @param elapsedSteps steps taken since the last reset
 * @param needsReset whether the episode has ended (or never started)
 * @param rngState the environment's random stream: {@link dev.trail.seed.Rng#state()} (2 longs) or,
 *     for a {@link ArrayEnv.Seeding#NUMPY} environment, {@link dev.trail.seed.numpy.Generator#state()} (6 longs)
 */
public record EnvSnapshot(double[] state, int elapsedSteps, boolean needsReset, long[] rngState) {

    public EnvSnapshot {
        state = state.clone();
        rngState = rngState.clone();
    }

    @Override
    public double[] state() {
        return state.clone();
    }

    @Override
    public long[] rngState() {
        return rngState.clone();
    }
}
