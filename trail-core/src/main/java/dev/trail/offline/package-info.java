/**
 * Offline RL math on trajectory datasets that needs no tensors: how transitions are weighted when
 * sampling a fixed dataset (return- and advantage-weighted re-weighting, top-p% filtering,
 * {@code ALGORITHMS.md} §10.1). The offline learners themselves (BC, IQL, CQL, TD3+BC, RCSL) live
 * in {@code trail-learn} and call into this package.
 */
package dev.trail.offline;
