/**
 * Environment wrappers with Gymnasium's semantics: {@link dev.trail.env.wrappers.TimeLimit},
 * {@link dev.trail.env.wrappers.EpisodeStatistics}, {@link dev.trail.env.wrappers.ClipAction},
 * {@link dev.trail.env.wrappers.NormalizeObservation} and
 * {@link dev.trail.env.wrappers.NormalizeReward}, all built on {@link dev.trail.env.wrappers.Wrapper}.
 *
 * <p>The normalization math lives once, on primitive arrays laid out {@code [N * dim]}:
 * {@link dev.trail.env.wrappers.RunningMeanStd} (parallel-merge running moments),
 * {@link dev.trail.env.wrappers.ObservationNormalizer} and
 * {@link dev.trail.env.wrappers.RewardNormalizer}. The single-environment wrappers are thin
 * adapters over them (N = 1), and a {@link dev.trail.vector.VectorEnv}'s batches use them directly.
 * Their statistics export to plain records of {@code double} arrays so that a run can save and
 * resume them.
 */
package dev.trail.env.wrappers;
