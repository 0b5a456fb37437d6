/**
 * Inverse-dynamics models for action-free trajectories (ALGORITHMS.md §10.4, Zheng et al. 2023,
 * "Semi-supervised offline RL with action-free trajectories"): an MLP trained on the labelled
 * transitions {@code (s_t, s_{t+1}) → a_t} labels the trajectories that carry no actions.
 */
package dev.trail.idm;
