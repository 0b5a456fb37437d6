/**
 * Optimisers on the master weights ({@link dev.trail.nn.Parameters}, plain float arrays):
 * {@link dev.trail.optim.Adam} with its state exposed for checkpoints,
 * {@link dev.trail.optim.GradientClipping} by global norm, and learning-rate schedules as functions
 * of training progress ({@link dev.trail.optim.LearningRateSchedule}). For the small networks of
 * control tasks an update in Java costs less than the native calls an NDArray optimiser makes.
 */
package dev.trail.optim;
