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
 *       episodes also as turn-level groups ({@link dev.trail.rollout.GroupRollout#turnGroups()}).</li>
 * </ul>
 * {@link dev.trail.rollout.EpisodeAssembler} turns consecutive buffers into whole episodes for datasets.
 */
package dev.trail.rollout;
