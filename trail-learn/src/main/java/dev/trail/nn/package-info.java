/**
 * Neural networks for policies and critics: the PyTorch runtime ({@link dev.trail.nn.Torch}),
 * parameters kept as plain float arrays ({@link dev.trail.nn.Parameters}), multi-layer perceptrons
 * with CleanRL's orthogonal initialisation drawn from a Trail {@link dev.trail.seed.Rng}, and
 * their two forward passes: one in plain Java for acting, one on DJL tensors for learning.
 */
package dev.trail.nn;
