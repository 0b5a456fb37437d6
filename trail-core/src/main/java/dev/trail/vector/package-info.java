/**
 * Vector environments: {@link dev.trail.vector.VectorEnv} steps N copies of an
 * {@link dev.trail.env.ArrayEnv} as one batch on primitive arrays ({@code float[N * obsDim]}
 * observations, {@code int[N]} or {@code float[N * actionDim]} actions), with same-step auto-reset,
 * final observations kept for bootstrapping, per-environment episode statistics
 * ({@link dev.trail.vector.EpisodeInfo}), and optional parallel stepping on a fixed set of threads
 * whose results do not depend on the thread count.
 */
package dev.trail.vector;
