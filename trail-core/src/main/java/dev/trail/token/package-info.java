/**
 * The contracts of token-level tasks with verifiable rewards, shared by the environments
 * (trail-envs implements them) and the learners (trail-learn trains on any of them).
 *
 * <p>A {@link dev.trail.token.TokenTask} generates {@link dev.trail.token.Problem}s from a random
 * stream, writes prompts and reference responses and judges responses with a
 * {@link dev.trail.token.Verdict}; a held-out {@link dev.trail.token.Split} is a pure function of a
 * problem's key. Texts are spelled in one fixed character-level {@link dev.trail.token.Vocabulary}.
 * A {@link dev.trail.token.ResponseBuilder} appends a policy's tokens one at a time, runs calls of
 * the task's {@link dev.trail.token.Tool}, and yields a {@link dev.trail.token.Transcript} (token
 * ids, loss mask, verdict) that converts to a {@link dev.trail.trajectory.Trajectory}.
 * {@link dev.trail.token.TokenEnv} serves any task as an {@link dev.trail.env.Env} with one token
 * per step. A {@link dev.trail.token.MultiTurnTask} is played over several turns: the policy ends
 * a turn with its end-of-turn token, the environment answers with observation tokens (masked) and
 * a turn reward; the same builder keeps the episode as tokens end to end and its transcript
 * carries the turns ({@link dev.trail.token.Transcript.Turn}).
 */
package dev.trail.token;
