/**
 * The critic-free trajectory-level RL trainer for token tasks with verifiable rewards
 * ({@link dev.trail.algo.grpo.Grpo}): GRPO, Dr. GRPO, RLOO, ReMax, REINFORCE++ and Lite PPO
 * advantages from the trail-core registry, PPO/DAPO clipped token-level loss, KL to a frozen
 * reference model, DAPO dynamic sampling and overlong shaping.
 */
package dev.trail.algo.grpo;
