package dev.trail.algo;

import dev.trail.config.Option;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A training algorithm as the command line sees it: a name, its options (names, defaults, ranges)
 * and a way to train from {@code key=value} settings. Registered in {@link Algorithms}.
 */
public interface Algorithm {

    /** Registry name, e.g. {@code ppo}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /** Declared options with defaults. */
    List<Option> options();

    /**
     * The options with the defaults this algorithm uses on {@code envId} (PPO takes CleanRL's
     * continuous-control defaults on Box action spaces); {@link #options()} unless overridden.
     */
    default List<Option> options(String envId) {
        return options();
    }

    /**
     * Environment steps per unit of {@code checkpointEvery} under these resolved options (PPO:
     * one update's batch, {@code num_envs × num_steps}; SAC: one step).
     */
    default long stepsPerCheckpointUnit(dev.trail.config.Options resolved) {
        return 1;
    }

    /** Whether it can train on an action space of this kind. */
    boolean supportsDiscreteActions();

    /** Whether it can train on continuous (Box) actions. */
    boolean supportsContinuousActions();

    /**
     * Trains a fresh policy.
     *
     * @param settings {@code key=value} overrides of {@link #options()} (validated; unknown keys rejected)
     * @param checkpointDir where checkpoints go, or null
     * @param checkpointEvery checkpoint period in the algorithm's own unit (PPO: updates, SAC: steps), 0 for only the last
     * @return the last checkpoint written, or null
     */
    Path train(Map<String, String> settings, String envId, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException;

    /**
     * Continues a run from its checkpoint, bit-identically where the algorithm supports it.
     *
     * @throws UnsupportedOperationException if this algorithm's checkpoints cannot resume
     */
    Path resume(Path checkpoint, TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException;
}
