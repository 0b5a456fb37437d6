package dev.trail.rollout;

/**
 * A collection strategy: produces the next {@link Rollout} with the current policy. The
 * strategies of Trail are {@link StepCollector} (i.i.d. steps from a vector environment),
 * {@link GroupCollector} (G samples per task) and {@link TreeCollector} (a rollout tree per task).
 *
 * @param <P> the policy type the strategy acts with
 * @param <R> the rollout type it produces
 */
public interface Collector<P, R extends Rollout> {

    /** Collects the next batch with {@code policy}. */
    R collect(P policy);
}
