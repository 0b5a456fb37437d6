/**
 * Seeding. Every random choice in Trail draws from a stream split off one root seed: one stream
 * per component (each environment copy, the policy sampler, minibatch shuffling, network
 * initialisation), assigned before work is spread over threads, so results never depend on
 * thread timing.
 *
 * <p>{@link dev.trail.seed.numpy} reproduces NumPy's generator bit for bit, for environments
 * ported from Python whose {@code reset(seed)} must give Gymnasium's or MiniGrid's start state.
 */
package dev.trail.seed;
