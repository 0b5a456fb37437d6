/**
 * The one trajectory schema on disk ({@code docs/TRAJECTORIES.md}): JSON lines
 * ({@link dev.trail.data.TrajectoryJsonl}, one trajectory per line, with the splice path of
 * {@code trail credit}), Parquet through embedded DuckDB ({@link dev.trail.data.TrajectoryParquet},
 * one row per step), Minari datasets ({@link dev.trail.data.Minari}, arrow and hdf5 backends);
 * readers and writers behind {@link dev.trail.data.TrajectoryFiles}, grouping into
 * {@link dev.trail.trajectory.TrajectoryGroup}s with rollout trees ({@link dev.trail.data.Groups}),
 * statistics ({@link dev.trail.data.DatasetStats}) and seeded splits ({@link dev.trail.data.Splits}).
 * The in-memory form is always {@link dev.trail.trajectory.Trajectory}.
 */
package dev.trail.data;
