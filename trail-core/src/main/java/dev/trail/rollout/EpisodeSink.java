package dev.trail.rollout;

/** Receives every episode a collector sees end (for metrics and progress). */
@FunctionalInterface
public interface EpisodeSink {

    /** Ignores every episode. */
    EpisodeSink NONE = (globalStep, envIndex, episodicReturn, length) -> {
    };

    /**
     * An episode ended.
     *
     * @param globalStep environment steps taken so far (all copies)
     * @param envIndex which copy
     * @param episodicReturn undiscounted sum of raw rewards
     * @param length steps in the episode
     */
    void onEpisode(long globalStep, int envIndex, double episodicReturn, int length);
}
