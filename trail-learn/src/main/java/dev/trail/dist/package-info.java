/**
 * Action distributions, each in two forms over the same formulas: static Java methods on
 * primitive arrays (sampling with a Trail {@link dev.trail.seed.Rng}, log-probabilities, entropy)
 * for acting, and tensor methods for the learner's differentiable log-probabilities and entropy.
 * {@link dev.trail.dist.Categorical} for discrete actions, {@link dev.trail.dist.DiagGaussian}
 * (state-independent log standard deviation, as CleanRL's continuous PPO) and
 * {@link dev.trail.dist.TanhGaussian} (squashed and rescaled, as CleanRL's SAC).
 */
package dev.trail.dist;
