/**
 * Trajectory records, the object all of Trail turns on: {@link dev.trail.trajectory.Trajectory}
 * (one episode or one response, column-oriented), {@link dev.trail.trajectory.TrajectoryGroup}
 * (the G trajectories sampled for one task or prompt) and {@link dev.trail.trajectory.TrajectoryTree}
 * (trajectories sharing prefixes). The same records serve control tasks, token tasks and agent
 * trajectories logged by other systems. Records are immutable and validate their shapes.
 */
package dev.trail.trajectory;
