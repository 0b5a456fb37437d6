package dev.trail.algo;

import dev.trail.advantage.AdvantageResult;
import dev.trail.rollout.Rollout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The on-policy iteration shared by PPO and the GRPO family, in CleanRL's order:
 *
 * <pre>
 * rollout = collect()                 # dev.trail.rollout: i.i.d. steps or G samples per task
 * credit  = estimator(rollout)        # the AdvantageEstimator registry
 * metrics = optimize(rollout, credit) # update epochs over minibatches, the shared loss module
 * </pre>
 *
 * followed by the metrics of the iteration ({@code time/*} wall-clock phases added here) and the
 * listener call. Subclasses implement the three steps; checkpoints and interrupts are
 * {@link TrainingLoop}'s.
 *
 * @param <R> the rollout type the algorithm collects
 */
public abstract class OnPolicyAlgorithm<R extends Rollout> implements Trainer {

    /** Updates done so far. */
    protected int update;

    /** Collects the next batch with the current policy; finished episodes go to {@code listener}. */
    protected abstract R collect(TrainingListener listener);

    /** Assigns credit to the batch (through the registry estimator the algorithm was configured with). */
    protected abstract AdvantageResult credit(R rollout);

    /** The update epochs; returns the loss metrics. */
    protected abstract Map<String, Double> optimize(R rollout, AdvantageResult credit);

    /** Metrics of the batch itself (episodes, rewards, lengths), added after the loss metrics. */
    protected Map<String, Double> rolloutMetrics(R rollout) {
        return Map.of();
    }

    @Override
    public final Map<String, Double> iterate(TrainingListener listener) {
        if (done()) {
            throw new IllegalStateException("the run's budget is spent (" + update + " updates)");
        }
        update++;
        long t0 = System.nanoTime();
        R rollout = collect(listener);
        listener.onRollout(rollout);
        AdvantageResult credit = credit(rollout);
        long t1 = System.nanoTime();
        Map<String, Double> metrics = new LinkedHashMap<>(optimize(rollout, credit));
        long t2 = System.nanoTime();
        metrics.putAll(rolloutMetrics(rollout));
        metrics.put(Metrics.COLLECT_SECONDS, (t1 - t0) / 1e9);
        metrics.put(Metrics.OPTIMIZE_SECONDS, (t2 - t1) / 1e9);
        afterUpdate(metrics);
        listener.onUpdate(update, globalStep(), metrics);
        return metrics;
    }

    /** A hook after the metrics are complete and before they are reported (evaluation, wall-clock rates). */
    protected void afterUpdate(Map<String, Double> metrics) {
    }

    @Override
    public long iterations() {
        return update;
    }

    @Override
    public String checkpointName() {
        return String.format("update-%06d", update);
    }
}
