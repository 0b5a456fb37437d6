/**
 * Token-level tasks with verifiable rewards: problems generated from a seed, a held-out split
 * disjoint from training by construction, and exact verifiers.
 *
 * <p>Everything is spelled in one fixed character-level {@link dev.trail.envs.token.Vocabulary}.
 * A {@link dev.trail.envs.token.TokenTask} generates problems, writes prompts and reference
 * responses and verifies answers ({@link dev.trail.envs.token.ArithmeticTask},
 * {@link dev.trail.envs.token.CountdownTask}, {@link dev.trail.envs.token.CalculatorTask}).
 * A {@link dev.trail.envs.token.ResponseBuilder} appends a policy's tokens one at a time, runs
 * tool calls, and yields a {@link dev.trail.envs.token.Transcript} (token ids, loss mask,
 * verdict) that converts to a {@link dev.trail.trajectory.Trajectory}: batch trainers use it
 * directly. {@link dev.trail.envs.token.TokenEnv} wraps the same machinery as an
 * {@link dev.trail.env.Env} with one token per step, and {@link dev.trail.envs.token.TokenTasks}
 * lists the registered ids ({@code Arithmetic-v0}, {@code Countdown-v0}, {@code Calculator-v0}).
 */
package dev.trail.envs.token;
