package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium's
 * {@code NormalizeReward}; the math is {@link RewardNormalizer}'s with one environment (defaults
 * {@code gamma = 0.99}, {@code epsilon = 1e-8}, return restarted after termination or
 * truncation). Observations, flags and info pass through unchanged.
 */
public final class NormalizeReward<O, A> extends Wrapper<O, A> {

    private final RewardNormalizer normalizer;
    private final double[] reward = new double[1];
    private final boolean[] terminated = new boolean[1];
    private final boolean[] truncated = new boolean[1];

    public NormalizeReward(Env<O, A> env) {
        this(env, RewardNormalizer.DEFAULT_GAMMA, RewardNormalizer.DEFAULT_EPSILON,
                RewardNormalizer.ReturnReset.EPISODE_END);
    }

    public NormalizeReward(Env<O, A> env, double gamma, double epsilon, RewardNormalizer.ReturnReset returnReset) {
        super(env);
        this.normalizer = new RewardNormalizer(1, gamma, epsilon, returnReset);
    }

    /** The normalizer (statistics, freezing, state). */
    public RewardNormalizer normalizer() {
        return normalizer;
    }

    /** Freezes ({@code true}, for evaluation) or resumes updates of the statistics. */
    public void setFrozen(boolean frozen) {
        normalizer.setFrozen(frozen);
    }

    public boolean frozen() {
        return normalizer.frozen();
    }

    @Override
    public O reset(long seed) {
        O obs = env.reset(seed);
        normalizer.episodeStarted(0);
        return obs;
    }

    @Override
    public O reset() {
        O obs = env.reset();
        normalizer.episodeStarted(0);
        return obs;
    }

    @Override
    public StepResult<O> step(A action) {
        StepResult<O> r = env.step(action);
        reward[0] = r.reward();
        terminated[0] = r.terminated();
        truncated[0] = r.truncated();
        normalizer.normalize(reward, terminated, truncated, reward);
        return new StepResult<>(r.observation(), reward[0], r.terminated(), r.truncated(), r.info());
    }
}
