package dev.trail.rollout;

import dev.trail.token.Problem;
import dev.trail.token.Transcript;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The kept groups of one {@link GroupCollector} batch: for each task, its G responses, their
 * rewards and (when collected) the greedy response's reward, plus statistics over every response
 * sampled for the batch (kept or dropped by dynamic sampling).
 *
 * @param kept the kept groups, in sampling order
 * @param stats statistics over every sampled response
 */
public record GroupRollout(List<Group> kept, Stats stats) implements Rollout {

    public GroupRollout {
        kept = List.copyOf(kept);
    }

    /**
     * The G responses to one task.
     *
     * @param id group id, unique in the run ({@code collection.round.index})
     * @param problem the task
     * @param responses the G responses
     * @param rewards the reward of each response (the verifier's, plus any shaping)
     * @param greedyReward the greedy response's reward, or NaN when none was collected
     */
    public record Group(String id, Problem problem, List<ResponseSampler.Response> responses, double[] rewards,
            double greedyReward) {

        public Group {
            responses = List.copyOf(responses);
            if (rewards.length != responses.size()) {
                throw new IllegalArgumentException("group " + id + " has " + responses.size() + " responses but "
                        + rewards.length + " rewards");
            }
        }
    }

    /**
     * Statistics of a batch, over every sampled response.
     *
     * @param responses responses sampled
     * @param rewardSum sum of their rewards (shaped)
     * @param correct responses the verifier accepted
     * @param malformed responses whose format was wrong
     * @param tokens policy tokens generated (the G samples; not the greedy baselines)
     * @param responseTokens response tokens, tool outputs included
     * @param withToolCalls responses that called the task's tool
     * @param truncated responses cut by the length budget
     * @param groupsSeen groups sampled
     * @param rounds generation rounds (more than one under dynamic sampling)
     * @param seconds wall-clock seconds spent sampling
     */
    public record Stats(int responses, double rewardSum, int correct, int malformed, long tokens, long responseTokens,
            int withToolCalls, int truncated, int groupsSeen, int rounds, double seconds) {
    }

    /** All responses of the kept groups, group by group. */
    public List<ResponseSampler.Response> responses() {
        List<ResponseSampler.Response> out = new ArrayList<>();
        for (Group g : kept) {
            out.addAll(g.responses());
        }
        return out;
    }

    /**
     * The kept groups as trajectory records: one step per response token, tool outputs masked,
     * the group's reward of each response on its last policy token (multi-turn episodes: each
     * turn's reward on its last policy token, the shaping, if any, on the last one), the sampling
     * log-probs, and the greedy reward on the group.
     */
    @Override
    public List<TrajectoryGroup> groups() {
        List<TrajectoryGroup> out = new ArrayList<>(kept.size());
        for (Group g : kept) {
            List<Trajectory> members = new ArrayList<>();
            for (int j = 0; j < g.responses().size(); j++) {
                ResponseSampler.Response r = g.responses().get(j);
                Transcript t = r.transcript();
                Trajectory base = t.toTrajectory(g.id() + "." + j, g.id(), 0, r.logProbs());
                double[] rewards;
                if (t.multiTurn()) {
                    rewards = t.rewards();
                    rewards[t.lastTrainedIndex()] += g.rewards()[j] - t.reward();
                } else {
                    rewards = new double[t.responseLength()];
                    rewards[t.lastTrainedIndex()] = g.rewards()[j];
                }
                members.add(new Trajectory(base.id(), base.groupId(), base.seed(), null, 0, base.actions(),
                        base.actionSize(), rewards, base.logProbs(), null, base.mask(), base.terminated(),
                        base.truncated(), Double.NaN, null));
            }
            out.add(new TrajectoryGroup(g.id(), members, g.greedyReward(), null));
        }
        return out;
    }

    /**
     * The kept groups of multi-turn episodes as turn-level trajectory records, for step-level
     * credit whose steps are agent turns: step {@code k} of a trajectory is its turn {@code k}.
     * <ul>
     *   <li>observation {@code k} (one float) is the id of the state the turn was taken in, numbered
     *       in first-seen order over the group (equal ids = equal {@link Transcript.Turn#stateKey()}),
     *       so identical states across the group are recognisable (GiGPO anchors, SALT's
     *       state-action key); the last row, after the final turn, is -1;</li>
     *   <li>text action {@code k} is the turn's text; reward {@code k} the turn's reward (the group's
     *       shaping, if any, added to the last turn);</li>
     *   <li>every turn is trained on; {@code terminated}/{@code truncated} as the episode ended.</li>
     * </ul>
     * Ids and order match {@link #groups()}; {@link Transcript#spreadOverTurns} takes the per-turn
     * advantages back to tokens.
     *
     * @throws IllegalArgumentException if a response is not a multi-turn episode, naming it
     */
    public List<TrajectoryGroup> turnGroups() {
        List<TrajectoryGroup> out = new ArrayList<>(kept.size());
        for (Group g : kept) {
            java.util.Map<String, Integer> ids = new java.util.HashMap<>();
            List<Trajectory> members = new ArrayList<>();
            for (int j = 0; j < g.responses().size(); j++) {
                Transcript t = g.responses().get(j).transcript();
                String id = g.id() + "." + j;
                if (!t.multiTurn()) {
                    throw new IllegalArgumentException("response " + id + " to " + t.problemKey()
                            + " is not a multi-turn episode (it has no turns); turn-level credit needs one");
                }
                List<Transcript.Turn> turns = t.turns();
                int n = turns.size();
                float[] observations = new float[n + 1];
                double[] rewards = new double[n];
                for (int k = 0; k < n; k++) {
                    observations[k] = ids.computeIfAbsent(turns.get(k).stateKey(), key -> ids.size());
                    rewards[k] = turns.get(k).reward();
                }
                observations[n] = -1;
                rewards[n - 1] += g.rewards()[j] - t.reward();
                members.add(new Trajectory(id, g.id(), 0, observations, 1, null, 0, rewards, null, null, null,
                        t.terminated(), t.truncated(), Double.NaN, null, t.problemKey(), t.turnTexts(), null, 0,
                        null));
            }
            out.add(new TrajectoryGroup(g.id(), members, g.greedyReward(), null));
        }
        return out;
    }
}
