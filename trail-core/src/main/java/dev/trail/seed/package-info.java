/**
 * Seeding. Every random choice in Trail draws from a stream split off one root seed: one stream
 * per component (each environment copy, the policy sampler, minibatch shuffling, network
 * initialisation), assigned before work is spread over threads, so results never depend on
 * thread timing.
 */
package dev.trail.seed;
