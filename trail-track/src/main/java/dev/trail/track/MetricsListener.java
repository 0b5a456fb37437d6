package dev.trail.track;

import java.util.Map;

/**
 * What a trainer calls as it goes: once per update with its named metrics (losses, learning rate,
 * KL, ...) and once per finished episode. Trackers are listeners: the learning code never writes
 * files itself, and recording can be switched off with {@link #NONE} (e.g. to measure its
 * overhead).
 */
public interface MetricsListener {

    /**
     * Called after each update.
     *
     * @param globalStep environment steps taken so far (all env copies)
     * @param metrics    namespaced names ({@code losses/policy}, {@code charts/learning_rate}, ...)
     */
    void onUpdate(long globalStep, Map<String, Double> metrics);

    /** Called for each finished episode (terminated or truncated). */
    void onEpisode(long globalStep, double episodicReturn, int length);

    /** A listener that ignores everything. */
    MetricsListener NONE = new MetricsListener() {
        @Override
        public void onUpdate(long globalStep, Map<String, Double> metrics) {
        }

        @Override
        public void onEpisode(long globalStep, double episodicReturn, int length) {
        }
    };

    /** Records into {@code run}: see {@link RunRecorder}. */
    static MetricsListener recordingTo(Run run) {
        return new RunRecorder(run);
    }
}
