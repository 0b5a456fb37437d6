/**
 * Built-in environments and their registry. {@link dev.trail.envs.Envs} maps versioned ids such
 * as {@code CartPole-v1} to ready environments with Gymnasium's time limits and reward
 * thresholds; the environments themselves live in sub-packages by family
 * ({@link dev.trail.envs.classic} for classic control).
 */
package dev.trail.envs;
