package dev.trail.algo;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.env.EnvSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A training algorithm as the command line sees it: a name, its options (names, defaults, ranges),
 * a check of the environment it is asked to train on, and train / resume / evaluate on an
 * {@link EnvSpec} (never an id: the caller resolves ids, so user environments train like built-in
 * ones). Registered in {@link Algorithms}; every algorithm trains through {@link TrainingLoop}.
 */
public interface Algorithm {

    /** Registry name, e.g. {@code ppo}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /** Declared options with defaults. */
    List<Option> options();

    /**
     * The options with the defaults this algorithm uses on {@code env} (PPO takes CleanRL's
     * continuous-control defaults on Box action spaces); {@link #options()} unless overridden.
     */
    default List<Option> options(EnvSpec env) {
        return options();
    }

    /**
     * Checks {@code settings} for {@code env} completely (unknown keys, values, combinations, the
     * estimator's needs) without doing any work, so that a run folder is never created for a config
     * that cannot train.
     *
     * @throws IllegalArgumentException naming the offending key and value
     */
    void validate(Map<String, String> settings, EnvSpec env);

    /** Refuses an environment this algorithm cannot train on, naming it and why. */
    void checkEnvironment(EnvSpec env);

    /**
     * Environment steps per unit of {@code checkpointEvery} under these resolved options (PPO:
     * one update's batch, {@code num_envs × num_steps}; SAC: one step).
     */
    default long stepsPerCheckpointUnit(Options resolved) {
        return 1;
    }

    /**
     * Whether the run's budget is {@code total_steps} environment steps; false for algorithms
     * whose own options set the budget (the GRPO family: {@code iterations} updates).
     */
    default boolean countsEnvironmentSteps() {
        return true;
    }

    /** Whether it starts from a model given with {@code --init} (token-level RL from an SFT run). */
    default boolean takesInit() {
        return false;
    }

    /**
     * Whether it evaluates the policy itself during training (then the CLI does not evaluate at
     * checkpoints).
     */
    default boolean evaluatesDuringTraining() {
        return false;
    }

    /**
     * Trains a fresh policy.
     *
     * @param settings {@code key=value} overrides of {@link #options(EnvSpec)} (validated; unknown keys rejected)
     * @param init the model to start from ({@link #takesInit()}), or null
     * @param checkpointDir where checkpoints go, or null
     * @param checkpointEvery checkpoint period in the algorithm's own unit (PPO: updates, SAC: steps), 0 for only the last
     * @return the last checkpoint written, or null
     */
    Path train(Map<String, String> settings, EnvSpec env, long seed, long totalSteps, Path init,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException;

    /** Continues a run from its checkpoint, bit-identically. */
    Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir, int checkpointEvery)
            throws IOException;

    /**
     * Evaluates a checkpoint on {@code env} with {@code episodes} episodes (or held-out problems),
     * deterministically; returns {@code eval/*} metrics.
     */
    Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException;
}
