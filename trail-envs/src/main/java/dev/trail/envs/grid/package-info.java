/**
 * Grid worlds with MiniGrid v3.1.0's exact semantics (Chevalier-Boisvert et al., "Minigrid &amp;
 * Miniworld", 2023): {@link dev.trail.envs.grid.MiniGridEnv} (the world, the seven actions, the
 * egocentric 7×7×3 view with MiniGrid's occlusion, the reward), {@link dev.trail.envs.grid.RoomGrid}
 * and the generators of nine registered ids ({@link dev.trail.envs.grid.MiniGridEnvs}).
 *
 * <p>"Exact" means: with the same seed, {@code reset(seed)} makes the same NumPy draws in the same
 * order as MiniGrid's {@code reset(seed=seed)} ({@link dev.trail.seed.numpy.Generator}), so it
 * builds the same grid, agent pose and mission; every step then gives the same image, direction,
 * reward (bit for bit), {@code terminated} and {@code truncated}. The tests replay episodes
 * recorded from the real MiniGrid.
 */
package dev.trail.envs.grid;
