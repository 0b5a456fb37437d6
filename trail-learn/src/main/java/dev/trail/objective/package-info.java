/**
 * The one tensor loss module ({@link dev.trail.objective.Losses}): policy, value and KL terms on DJL
 * tensors with their diagnostics, used by PPO and the GRPO family alike; the differentiable
 * counterparts of the reference math on double arrays in {@code dev.trail.loss}
 * ({@code ALGORITHMS.md} §0.5-0.7, §2.1), which the tests compare them against. The algorithm
 * applies the coefficients.
 */
package dev.trail.objective;
