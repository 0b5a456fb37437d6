package dev.trail.algo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run that advances in iterations and can be saved at any iteration boundary:
 * what {@link TrainingLoop} drives. PPO and the GRPO family iterate in updates
 * ({@link OnPolicyAlgorithm}); SAC in environment steps.
 */
public interface Trainer extends AutoCloseable {

    /** Whether the planned budget is spent. */
    boolean done();

    /** Runs one iteration and returns its metrics (also reported to {@code listener}). */
    Map<String, Double> iterate(TrainingListener listener);

    /** Iterations done so far (updates or steps: the unit {@code checkpointEvery} counts). */
    long iterations();

    /** Environment steps (or, for token tasks, sampled policy tokens) so far. */
    long globalStep();

    /** The checkpoint directory name after the current iteration, e.g. {@code update-000012}. */
    String checkpointName();

    /** Writes a checkpoint of the whole run state to {@code dir} (atomically). */
    void save(Path dir) throws IOException;

    @Override
    void close();
}
