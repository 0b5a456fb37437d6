/**
 * Policies that hide the tensor backend. {@link dev.trail.policy.ActorCritic} has an actor API on
 * primitive arrays ({@code act(observations, n, rng)} → actions, log-probabilities, values), which
 * runs a plain-Java forward pass over the master weights, and a learner API on DJL tensors
 * ({@code evaluate(params, observations, actions)} → log-probabilities, entropy, values) for the
 * gradient step. {@link dev.trail.policy.PolicySpec} records the network shape, so checkpoints can
 * be checked against an environment.
 */
package dev.trail.policy;
