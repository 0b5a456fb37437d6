/**
 * Proximal Policy Optimization (Schulman et al. 2017) with GAE, as CleanRL's {@code ppo.py} and
 * {@code ppo_continuous_action.py}: {@link dev.trail.algo.ppo.PpoConfig} (typed hyperparameters
 * with CleanRL's defaults), {@link dev.trail.algo.ppo.Ppo} (the loop, readable top to bottom) and
 * its checkpoints.
 */
package dev.trail.algo.ppo;
