/**
 * What every learning algorithm shares: the {@link dev.trail.algo.TrainingListener} that receives
 * episodes and per-update metrics (the algorithms never log or print), the namespaced metric names
 * ({@link dev.trail.algo.Metrics}), and the divergence guard
 * ({@link dev.trail.algo.TrainingDivergedException}). One sub-package per algorithm.
 */
package dev.trail.algo;
