package dev.trail.algo;

import java.util.Map;

/**
 * Receives what a training run produces. The algorithms never log or print; trackers, progress
 * bars and tests are listeners. Called on the training thread; keep it cheap.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * An episode ended.
     *
     * @param globalStep environment steps taken so far (all copies)
     * @param envIndex which copy
     * @param episodicReturn undiscounted sum of raw rewards
     * @param length steps in the episode
     */
    default void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
    }

    /**
     * An update finished.
     *
     * @param update 1-based update number
     * @param globalStep environment steps taken so far
     * @param metrics namespaced values (see {@link Metrics}), in a stable order
     */
    default void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
    }

    /**
     * A batch was collected (before credit): the trajectories the run saw, for recording datasets
     * ({@code trail train --record-trajectories}). Its arrays are valid until the next collection.
     */
    default void onRollout(dev.trail.rollout.Rollout rollout) {
    }

    /**
     * A checkpoint is about to be written after {@code iteration}: everything reported so far
     * belongs before it (trackers flush here, so that a run killed right after the checkpoint
     * has every metric up to it on disk).
     */
    default void beforeCheckpoint(long iteration, long globalStep) {
    }

    /**
     * A checkpoint was written.
     *
     * @param iteration the iteration it follows (update or step, the algorithm's unit)
     * @param globalStep environment steps (token tasks: sampled policy tokens) so far
     * @param path its directory
     */
    default void onCheckpoint(long iteration, long globalStep, java.nio.file.Path path) {
    }

    /**
     * Polled after every iteration: true stops the loop after that iteration with a checkpoint,
     * as an interrupt does. A Ctrl-C / SIGTERM handler sets it instead of interrupting the training
     * thread, whose file channels an interrupt would close.
     */
    default boolean stopRequested() {
        return false;
    }
}
