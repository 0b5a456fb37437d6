/**
 * Token-level tasks with verifiable rewards: problems generated from a seed, a held-out split
 * disjoint from training by construction, and exact verifiers.
 *
 * <p>Everything is spelled in one fixed character-level {@link dev.trail.token.Vocabulary}
 * (PAD=0, BOS=1, EOS=2, digits, <code>" +-&#42;/=()&lt;&gt;:,.?"</code>, {@code a-z}; 53 ids). A context is
 * BOS, the prompt, then the response, which ends with EOS.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>id</th><th>prompt</th><th>response (before EOS)</th></tr>
 *   <tr><td>{@code Arithmetic-v0}</td><td>{@code 37*89=}</td><td>{@code 3293}</td></tr>
 *   <tr><td>{@code Countdown-v0}</td><td>{@code make 24 from 3 5 7 8:}</td><td>{@code (8-5)*7+3}</td></tr>
 *   <tr><td>{@code Calculator-v0}</td><td>{@code 347*86+512=}</td>
 *       <td>{@code <calc>347*86+512</calc>=30354<answer>30354</answer>}, where {@code =30354} is
 *       the tool's output, appended by the environment and never trained on</td></tr>
 * </table>
 *
 * <p>Multi-turn tasks ({@link dev.trail.token.MultiTurnTask}): the policy writes a turn ending with
 * EOS, the environment answers with observation tokens (never trained on) and a turn reward.
 * <table>
 *   <caption>Multi-turn formats (turn, then the environment's reply)</caption>
 *   <tr><th>id</th><th>prompt</th><th>turn → reply</th></tr>
 *   <tr><td>{@code GridNav-v0}</td><td>{@code nav ..w.,.w..,...g,.... 00w.w.:}</td>
 *       <td>{@code d} → {@code 10..ww:} (cell, then the neighbours up, down, left, right)</td></tr>
 *   <tr><td>{@code Guess-v0}</td><td>{@code guess 0-99:}</td><td>{@code 49} → {@code <} (smaller)</td></tr>
 *   <tr><td>{@code Calculator-MultiTurn-v0}</td><td>{@code 347*86+512=}</td>
 *       <td>{@code <calc>347*86+512</calc>} → {@code =30354}; {@code <answer>30354</answer>} ends it</td></tr>
 * </table>
 *
 * <p>A {@link dev.trail.token.TokenTask} generates problems, writes prompts and reference
 * responses and verifies answers ({@link dev.trail.envs.token.ArithmeticTask},
 * {@link dev.trail.envs.token.CountdownTask}, {@link dev.trail.envs.token.CalculatorTask},
 * {@link dev.trail.envs.token.GridNavTask}, {@link dev.trail.envs.token.GuessTask},
 * {@link dev.trail.envs.token.CalculatorMultiTurnTask}).
 * A {@link dev.trail.token.ResponseBuilder} appends a policy's tokens one at a time, runs
 * tool calls, and yields a {@link dev.trail.token.Transcript} (token ids, loss mask,
 * verdict) that converts to a {@link dev.trail.trajectory.Trajectory}: batch trainers that sample
 * B prompts × G responses use it directly. {@link dev.trail.token.TokenEnv} wraps the same
 * machinery as an {@link dev.trail.env.Env} with one token per step, and
 * {@link dev.trail.envs.token.TokenTasks} lists the ids with their options and registry entries.
 */
package dev.trail.envs.token;
