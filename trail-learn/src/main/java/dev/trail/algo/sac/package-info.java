/**
 * Soft Actor-Critic (Haarnoja et al. 2018) for continuous actions, as CleanRL's
 * {@code sac_continuous_action.py}: twin Q networks with Polyak-averaged targets, a tanh-squashed
 * Gaussian actor, automatic entropy tuning, and a uniform replay buffer.
 */
package dev.trail.algo.sac;
