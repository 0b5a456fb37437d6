/**
 * Where every trajectory gets collected. A {@link dev.trail.rollout.Collector} (a collection
 * strategy) produces a {@link dev.trail.rollout.Rollout}: a batch that is seen as trajectory groups
 * by credit assignment, datasets and any other consumer.
 * <ul>
 *   <li>{@link dev.trail.rollout.StepCollector}: i.i.d. steps of a {@link dev.trail.vector.VectorEnv}
 *       into a {@link dev.trail.rollout.RolloutBuffer} ({@code [env, time]} layout; PPO, and SAC with a
 *       horizon of one step), acting with a {@link dev.trail.rollout.VectorPolicy};</li>
 *   <li>{@link dev.trail.rollout.GroupCollector}: G responses per task into a
 *       {@link dev.trail.rollout.GroupRollout} (the GRPO family), sampling with a
 *       {@link dev.trail.rollout.ResponseSampler}; dynamic sampling and greedy baselines; multi-turn
 *       episodes also as turn-level groups ({@link dev.trail.rollout.GroupRollout#turnGroups()});</li>
 *   <li>{@link dev.trail.rollout.TreeCollector}: one rollout tree per task into a
 *       {@link dev.trail.rollout.GroupRollout} whose groups carry their lineage and
 *       {@link dev.trail.trajectory.TrajectoryTree}, decoding with a forkable model state
 *       ({@link dev.trail.rollout.ForkableDecoder}: forks copy KV-cache rows, response and environment
 *       state, and take a stream) under a {@link dev.trail.rollout.TreeStrategy}:
 *       {@link dev.trail.rollout.SpoTreeStrategy}, {@link dev.trail.rollout.LatrStrategy},
 *       {@link dev.trail.rollout.ArpoStrategy}; budget in {@link dev.trail.rollout.GroupRollout.Budget};</li>
 *   <li>{@link dev.trail.rollout.SemiOnlineCollector}: UI-S1's semi-online rollouts along expert
 *       demonstrations of a multi-turn task, with the expert's action patched in at a mismatch.</li>
 * </ul>
 * {@link dev.trail.rollout.PrefixValues} estimates Monte-Carlo values of response prefixes (SPO-chain)
 * with forked decoder rows.
 * {@link dev.trail.rollout.TokenSampling} is the one token-drawing math (batch sampler and trees).
 * {@link dev.trail.rollout.EpisodeAssembler} turns consecutive buffers into whole episodes for datasets.
 */
package dev.trail.rollout;
