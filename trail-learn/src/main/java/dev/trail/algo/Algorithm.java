package dev.trail.algo;

import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.EnvSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training algorithm as the command line sees it: a name, its config record (keys, defaults,
 * ranges, through a {@link ConfigBinder}), a check of the environment it is asked to train on, and
 * train / resume / evaluate on an {@link EnvSpec} (never an id: the caller resolves ids, so user
 * environments train like built-in ones). Registered in {@link Algorithms}; every algorithm trains
 * through {@link TrainingLoop}.
 */
public interface Algorithm {

    /** Registry name, e.g. {@code ppo}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /**
     * The binder of this algorithm's config record with the defaults it uses on {@code env} (PPO
     * takes CleanRL's continuous-control defaults on Box action spaces); {@code env} null gives the
     * generic defaults (for {@code --list}).
     */
    ConfigBinder<? extends Record> config(EnvSpec env);

    /**
     * Checks a bound config beyond its own constructor (the advantage estimator's needs against
     * what the trainer supplies) without doing any work, so that a run folder is never created for a
     * config that cannot train.
     *
     * @throws IllegalArgumentException naming the offending key and value
     */
    default void validate(Record config) {
    }

    /**
     * {@link #validate(Record)}, then the checks that need the environment (data files the config
     * names, such as PPO's {@code bc_dataset} and {@code start_states}; settings this environment
     * cannot train with, such as {@code backend=java} with a grid encoder, or a multi-turn estimator
     * on a single-response task, naming both); no work done.
     */
    default void validate(Record config, EnvSpec env) {
        validate(config);
    }

    /** Refuses an environment this algorithm cannot train on, naming it and why. */
    void checkEnvironment(EnvSpec env);

    /**
     * Environment steps per unit of {@code checkpointEvery} under these resolved options (PPO:
     * one update's batch, {@code num_envs × num_steps}; SAC: one step).
     */
    default long stepsPerCheckpointUnit(Record config) {
        return 1;
    }

    /**
     * Whether the run's budget is {@code total_steps} environment steps; false for algorithms
     * whose own options set the budget (the GRPO family: {@code iterations} updates).
     */
    default boolean countsEnvironmentSteps() {
        return true;
    }

    /**
     * Whether training has episodes to summarise (the closing "mean return of the last 100" line):
     * true for algorithms that count environment steps, false for those that learn from a dataset.
     */
    default boolean reportsTrainingEpisodes() {
        return countsEnvironmentSteps();
    }

    /** Whether it starts from a model given with {@code --init} (token-level RL from an SFT run; IQL fine-tuning from an offline run). */
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
     * @param config a config bound by {@link #config(EnvSpec)}
     * @param init the model to start from ({@link #takesInit()}), or null
     * @param checkpointDir where checkpoints go, or null
     * @param checkpointEvery checkpoint period in the algorithm's own unit (PPO: updates, SAC: steps), 0 for only the last
     * @return the last checkpoint written, or null
     */
    Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException;

    /**
     * {@link #train(Record, EnvSpec, long, long, Path, TrainingListener, Path, int)} with a config
     * bound from {@code key=value} settings over the defaults for {@code env}.
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value, naming the key
     */
    default Path train(Map<String, String> settings, EnvSpec env, long seed, long totalSteps, Path init,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        Record config = config(env).parse(settings);
        validate(config, env);
        return train(config, env, seed, totalSteps, init, listener, checkpointDir, checkpointEvery);
    }

    /** Continues a run from its checkpoint, bit-identically. */
    Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir, int checkpointEvery)
            throws IOException;

    /**
     * The dataset file an online algorithm also samples from (SAC's {@code offline_dataset}, RLPD),
     * or null: the command line reads and fits it and calls the {@code companion} forms of
     * {@code train} and {@code resume}.
     */
    default String companionDataset(Record config) {
        return null;
    }

    /**
     * The data files a run of this config reads besides {@code --dataset}, by config key (SAC's
     * {@code offline_dataset}, PPO's {@code bc_dataset} and {@code start_states}): the command
     * line records their SHA-256 in the run's {@code config.yaml}, and a resumed run refuses files
     * that changed since it started.
     */
    default Map<String, String> dataFiles(Record config) {
        String companion = companionDataset(config);
        return companion == null ? Map.of() : Map.of("offline_dataset", companion);
    }

    /** {@link #train(Record, EnvSpec, long, long, Path, TrainingListener, Path, int)} with offline transitions mixed in. */
    default Path train(Record config, EnvSpec env, long seed, long totalSteps,
            dev.trail.offline.TransitionDataset companion, TrainingListener listener, Path checkpointDir,
            int checkpointEvery) throws IOException {
        throw new IllegalArgumentException(name() + " does not mix offline data into its training");
    }

    /** {@link #resume(Path, EnvSpec, TrainingListener, Path, int)} of a run that mixes in {@code companion}. */
    default Path resume(Path checkpoint, EnvSpec env, dev.trail.offline.TransitionDataset companion,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        throw new IllegalArgumentException(name() + " does not mix offline data into its training");
    }

    /**
     * Evaluates a checkpoint on {@code env} with {@code episodes} episodes (or held-out problems),
     * deterministically; returns {@code eval/*} metrics.
     */
    Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException;
}
