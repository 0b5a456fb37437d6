package dev.trail.algo;

import dev.trail.config.bind.ConfigBinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training algorithm as the command line sees it: a name, its config record (keys, defaults,
 * ranges, through a {@link ConfigBinder}) and a way to train from a bound config. Registered in
 * {@link Algorithms}.
 */
public interface Algorithm {

    /** Registry name, e.g. {@code ppo}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /**
     * The binder of this algorithm's config record with the defaults it uses on {@code envId}
     * (PPO takes CleanRL's continuous-control defaults on Box action spaces); {@code envId} null
     * gives the generic defaults (for {@code --list}).
     */
    ConfigBinder<? extends Record> config(String envId);

    /**
     * Environment steps per unit of {@code checkpointEvery} under this config (PPO: one update's
     * batch, {@code num_envs × num_steps}; SAC: one step).
     */
    default long stepsPerCheckpointUnit(Record config) {
        return 1;
    }

    /** Whether it can train on an action space of this kind. */
    boolean supportsDiscreteActions();

    /** Whether it can train on continuous (Box) actions. */
    boolean supportsContinuousActions();

    /**
     * Trains a fresh policy.
     *
     * @param config a config bound by {@link #config(String)}
     * @param checkpointDir where checkpoints go, or null
     * @param checkpointEvery checkpoint period in the algorithm's own unit (PPO: updates, SAC: steps), 0 for only the last
     * @return the last checkpoint written, or null
     */
    Path train(Record config, String envId, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException;

    /**
     * {@link #train(Record, String, long, long, TrainingListener, Path, int)} with a config bound
     * from {@code key=value} settings over the defaults for {@code envId}.
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value, naming the key
     */
    default Path train(Map<String, String> settings, String envId, long seed, long totalSteps,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        return train(config(envId).parse(settings), envId, seed, totalSteps, listener, checkpointDir, checkpointEvery);
    }

    /**
     * Continues a run from its checkpoint, bit-identically where the algorithm supports it.
     *
     * @throws UnsupportedOperationException if this algorithm's checkpoints cannot resume
     */
    Path resume(Path checkpoint, TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException;
}
