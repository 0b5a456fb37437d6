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
     * A checkpoint was written.
     *
     * @param update the update it follows
     * @param path its directory
     */
    default void onCheckpoint(int update, java.nio.file.Path path) {
    }
}
