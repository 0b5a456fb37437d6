/**
 * Offline RL data and math that need no tensors: the in-memory {@link dev.trail.offline.TransitionDataset}
 * that offline learners take (read from files by trail-data's {@code OfflineDatasets}), how transitions
 * are drawn from it ({@link dev.trail.offline.TransitionSampler}: uniform, or the return- and
 * advantage-weighted re-weighting and top-p% filtering of {@code ALGORITHMS.md} §10.1 computed by
 * {@link dev.trail.offline.TrajectoryWeights}). The offline learners themselves (BC, IQL, CQL,
 * TD3+BC) live in {@code trail-learn} and call into this package.
 */
package dev.trail.offline;
