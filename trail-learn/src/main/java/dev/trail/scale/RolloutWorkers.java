package dev.trail.scale;

import dev.trail.nn.Parameters;
import dev.trail.rollout.EpisodeSink;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.StepCollector;
import java.io.Serializable;

/**
 * Rollout workers outside the learner's thread ({@code rollout_workers=spark}): each batch is
 * collected by workers (one, or one per shard of the environment copies) from the collector's
 * exact state and the current policy weights, and the collector is left as if it had collected the
 * batch itself, so a run's metrics are those of an in-process run with the same seed. Synchronous:
 * one policy version per batch.
 */
public interface RolloutWorkers extends AutoCloseable {

    /**
     * What a worker needs to rebuild the learner's collector.
     *
     * @param hiddenLayers the actor-critic's hidden widths (the network is rebuilt for the env's spaces)
     */
    record CollectorSpec(String envId, int numEnvs, int numSteps, boolean normalizeObservations,
            double clipObservations, boolean normalizeRewards, double gamma, double clipRewards, int[] hiddenLayers)
            implements Serializable {
    }

    /**
     * Collects the next batch of {@code collector} on a worker with the actor-critic weights
     * {@code weights} (policy version {@code version}); restores the worker's final collector state
     * into {@code collector}, fills and returns its buffer, and reports the finished episodes to
     * {@code episodes} in the order the collector met them.
     */
    RolloutBuffer collect(CollectorSpec spec, StepCollector collector, Parameters weights, long version,
            EpisodeSink episodes);

    @Override
    void close();
}
