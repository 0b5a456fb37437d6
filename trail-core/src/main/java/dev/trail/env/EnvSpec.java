package dev.trail.env;

import java.util.function.Supplier;

/**
 * A registry entry: a versioned id, the registry's time limit, the return at which the task
 * counts as solved, and a factory for ready environments (time limit applied).
 *
 * @param id versioned id such as {@code CartPole-v1}
 * @param maxEpisodeSteps the time limit (episodes are truncated after this many steps), or 0 for none
 * @param rewardThreshold the mean return at which the task is considered solved, or NaN if none
 * @param factory creates a new, independent environment
 */
public record EnvSpec(String id, int maxEpisodeSteps, double rewardThreshold, Supplier<? extends Env<?, ?>> factory) {

    public EnvSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an EnvSpec needs an id");
        }
        if (maxEpisodeSteps < 0) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 0, got " + maxEpisodeSteps + " for " + id);
        }
        if (factory == null) {
            throw new IllegalArgumentException("an EnvSpec needs a factory, for " + id);
        }
    }

    /** A new environment. */
    public Env<?, ?> make() {
        return factory.get();
    }

    /**
     * A new environment with the primitive-array fast path, as vector environments and the
     * learners of array observations need.
     *
     * @throws IllegalArgumentException if this id's environments are not {@link ArrayEnv}s, naming the id and class
     */
    public ArrayEnv<?> makeArray() {
        Env<?, ?> env = factory.get();
        if (env instanceof ArrayEnv<?> array) {
            return array;
        }
        String type = env.getClass().getName();
        env.close();
        throw new IllegalArgumentException("environment " + id + " (" + type + ") is not an ArrayEnv: it has no "
                + "primitive-array fast path, which vector environments and array-observation learners need");
    }
}
