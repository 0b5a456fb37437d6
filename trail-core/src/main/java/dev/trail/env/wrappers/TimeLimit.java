package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;

/**
 * Cuts episodes after {@code maxEpisodeSteps} steps, as Gymnasium's {@code TimeLimit}: the step
 * that reaches the limit returns {@code truncated = true} (keeping {@code terminated} as the inner
 * environment reported it). The counter restarts on every reset. Stepping again after the episode
 * ended, for either reason, is an {@link IllegalStateException}.
 *
 * <p>{@link dev.trail.env.ArrayEnv} has the same limit built in; this wrapper is for other
 * environments.
 */
public final class TimeLimit<O, A> extends Wrapper<O, A> {

    private final int maxEpisodeSteps;
    private int elapsedSteps;
    private boolean needsReset = true;

    /** @param maxEpisodeSteps the limit, at least 1 */
    public TimeLimit(Env<O, A> env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    /** The limit in steps. */
    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Steps taken since the last reset. */
    public int elapsedSteps() {
        return elapsedSteps;
    }

    @Override
    public O reset(long seed) {
        O obs = env.reset(seed);
        started();
        return obs;
    }

    @Override
    public O reset() {
        O obs = env.reset();
        started();
        return obs;
    }

    private void started() {
        elapsedSteps = 0;
        needsReset = false;
    }

    @Override
    public StepResult<O> step(A action) {
        if (needsReset) {
            throw new IllegalStateException(env + ": step() called after the episode ended; call reset() first");
        }
        StepResult<O> result = env.step(action);
        elapsedSteps++;
        boolean truncated = result.truncated() || elapsedSteps >= maxEpisodeSteps;
        needsReset = result.terminated() || truncated;
        if (truncated == result.truncated()) {
            return result;
        }
        return new StepResult<>(result.observation(), result.reward(), result.terminated(), true, result.info());
    }
}
