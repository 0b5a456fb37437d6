package dev.trail.algo;

import dev.trail.env.EnvSpec;
import dev.trail.offline.TransitionDataset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An algorithm that learns from a fixed dataset instead of interacting: {@code trail train --algo
 * NAME --dataset FILE --env ID}. The environment is used for the space checks and for evaluation
 * only. The dataset comes in as a {@link TransitionDataset} already fitted to the environment's
 * spaces (trail-data reads the file; trail-learn never sees it). The budget {@code totalSteps} is
 * the number of <b>gradient updates</b>, and checkpoints count updates too.
 *
 * <p>Offline learners evaluate the policy themselves ({@link #evaluatesDuringTraining()}) every
 * {@code eval_every} updates and at the end, reporting {@code eval/mean_return} and, when the
 * dataset carries reference returns, {@code eval/normalized_score} and
 * {@code eval/best_normalized_score}; the best score is part of the checkpointed state, so a resumed
 * run reports what an uninterrupted one would.
 */
public interface OfflineAlgorithm extends Algorithm {

    /** No training episodes: the run's evaluation ({@code eval/*} in {@code metrics.csv}) is its result. */
    @Override
    default boolean reportsTrainingEpisodes() {
        return false;
    }

    /**
     * Refuses a dataset this configuration cannot learn from (e.g. continuous CQL on discrete
     * actions), in one line naming the file and the field, before any work.
     *
     * @param dataset fitted to {@code env} ({@link TransitionDataset#fitted})
     * @throws IllegalArgumentException naming the dataset file and the field
     */
    default void checkDataset(Record config, TransitionDataset dataset, EnvSpec env) {
    }

    /**
     * Trains on {@code dataset} for {@code totalUpdates} gradient updates.
     *
     * @param checkpointEvery checkpoint period in updates, 0 for only the last
     * @return the last checkpoint written, or null
     */
    Path train(Record config, TransitionDataset dataset, EnvSpec env, long seed, long totalUpdates,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException;

    /** Continues a run from its checkpoint on the same dataset, exactly as if it had not stopped. */
    Path resume(Path checkpoint, TransitionDataset dataset, EnvSpec env, TrainingListener listener, Path checkpointDir,
            int checkpointEvery) throws IOException;

    /**
     * Refuses a fine-tuning start ({@code --init offlineCheckpoint}) that cannot work, before any
     * run folder exists: an algorithm without online fine-tuning, no online steps asked for, a
     * checkpoint of another algorithm or one already fine-tuning.
     *
     * @throws IllegalArgumentException naming the option or the checkpoint
     */
    default void checkFineTune(Record config, Path offlineCheckpoint) throws IOException {
        throw new IllegalArgumentException(name() + " does not fine-tune online from an offline checkpoint");
    }

    /**
     * Offline → online: continues the offline run saved in {@code offlineCheckpoint} with online
     * fine-tuning as {@code config} asks (IQL's {@code online_steps}), in a new run seeded by
     * {@code seed}. Only learners that fine-tune online support it ({@link #takesInit()}).
     *
     * @return the last checkpoint written, or null
     */
    default Path fineTune(Path offlineCheckpoint, Record config, TransitionDataset dataset, EnvSpec env, long seed,
            TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        throw new IllegalArgumentException(name() + " does not fine-tune online from an offline checkpoint");
    }

    @Override
    default boolean evaluatesDuringTraining() {
        return true;
    }

    @Override
    default Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) {
        throw new IllegalArgumentException(name() + " learns from a dataset: give --dataset FILE");
    }

    @Override
    default Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
            int checkpointEvery) {
        throw new IllegalArgumentException(name() + " resumes on its dataset: give the dataset");
    }
}
