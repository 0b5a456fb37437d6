package dev.trail.rollout;

import dev.trail.token.Problem;
import dev.trail.token.Transcript;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
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
public record GroupRollout(List<Group> kept, Stats stats, Budget budget) implements Rollout {

    public GroupRollout {
        kept = List.copyOf(kept);
    }

    /** A batch of i.i.d. groups, its budget counted from the responses (every row computes its own prompt). */
    public GroupRollout(List<Group> kept, Stats stats) {
        this(kept, stats, Budget.independent(kept, stats.tokens()));
    }

    /**
     * What a batch cost, for comparing rollout strategies at equal budget.
     *
     * @param tokensSampled policy tokens drawn from the model (pruned tree branches and dropped stand-by
     *        branches included)
     * @param tokensComputed tokens fed through the model: BOS, prompt and response tokens except each
     *        response's last, a prefix shared by several responses counted once (tree rollouts)
     * @param positionsEvaluated (row, position) pairs the model evaluated, padding included, or -1 when
     *        unknown
     * @param trajectories complete trajectories kept
     */
    public record Budget(long tokensSampled, long tokensComputed, long positionsEvaluated, int trajectories) {

        /** Tokens computed per complete trajectory. */
        public double tokensComputedPerTrajectory() {
            return trajectories == 0 ? 0 : (double) tokensComputed / trajectories;
        }

        /**
         * The budget of independent responses: each computes {@code promptLength + responseLength - 1}
         * tokens (the greedy baselines and dropped groups are not counted).
         */
        static Budget independent(List<Group> kept, long tokensSampled) {
            long computed = 0;
            int n = 0;
            for (Group g : kept) {
                for (ResponseSampler.Response r : g.responses()) {
                    computed += r.transcript().promptTokens().length + r.transcript().responseLength() - 1;
                    n++;
                }
            }
            return new Budget(tokensSampled, computed, -1, n);
        }
    }

    /**
     * The G responses to one task.
     *
     * @param id group id, unique in the run ({@code collection.round.index})
     * @param problem the task
     * @param responses the G responses
     * @param rewards the reward of each response (the verifier's, plus any shaping)
     * @param greedyReward the greedy response's reward, or NaN when none was collected
     * @param parents for a tree rollout, the index (in this group) of the response each one branched
     *        from, -1 for one started at the prompt; null for independent responses
     * @param branchSteps for a tree rollout, the response tokens each one shares with its parent (0
     *        without one); null for independent responses
     */
    public record Group(String id, Problem problem, List<ResponseSampler.Response> responses, double[] rewards,
            double greedyReward, int[] parents, int[] branchSteps) {

        public Group {
            responses = List.copyOf(responses);
            if (rewards.length != responses.size()) {
                throw new IllegalArgumentException("group " + id + " has " + responses.size() + " responses but "
                        + rewards.length + " rewards");
            }
            if ((parents == null) != (branchSteps == null)
                    || parents != null && (parents.length != responses.size() || branchSteps.length != parents.length)) {
                throw new IllegalArgumentException("group " + id + ": parents and branchSteps must both be null or"
                        + " have one entry per response (" + responses.size() + ")");
            }
            if (parents != null) {
                for (int j = 0; j < parents.length; j++) {
                    if (parents[j] >= j || parents[j] < -1) {
                        throw new IllegalArgumentException("group " + id + ": response " + j + " has parent "
                                + parents[j] + "; a parent must be an earlier response or -1");
                    }
                }
            }
        }

        /** A group of independent responses (no tree). */
        public Group(String id, Problem problem, List<ResponseSampler.Response> responses, double[] rewards,
                double greedyReward) {
            this(id, problem, responses, rewards, greedyReward, null, null);
        }

        /** Whether the responses come from a tree rollout. */
        public boolean isTree() {
            return parents != null;
        }

        /** The id of response {@code j}'s trajectory. */
        public String memberId(int j) {
            return id + "." + j;
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
     * log-probs, and the greedy reward on the group. A tree rollout's members carry their lineage
     * ({@link Trajectory#parentId()}, {@link Trajectory#branchStep()}) and the group its
     * {@link TrajectoryTree} ({@link TrajectoryTree#fromBranches}).
     */
    @Override
    public List<TrajectoryGroup> groups() {
        List<TrajectoryGroup> out = new ArrayList<>(kept.size());
        for (Group g : kept) {
            List<Trajectory> members = new ArrayList<>();
            for (int j = 0; j < g.responses().size(); j++) {
                ResponseSampler.Response r = g.responses().get(j);
                Transcript t = r.transcript();
                Trajectory base = t.toTrajectory(g.memberId(j), g.id(), 0, r.logProbs());
                double[] rewards;
                if (t.multiTurn()) {
                    rewards = t.rewards();
                    rewards[t.lastTrainedIndex()] += g.rewards()[j] - t.reward();
                } else {
                    rewards = new double[t.responseLength()];
                    rewards[t.lastTrainedIndex()] = g.rewards()[j];
                }
                String parent = g.isTree() && g.parents()[j] >= 0 ? g.memberId(g.parents()[j]) : null;
                members.add(new Trajectory(base.id(), base.groupId(), base.seed(), null, 0, base.actions(),
                        base.actionSize(), rewards, base.logProbs(), null, base.mask(), base.terminated(),
                        base.truncated(), Double.NaN, null, null, null, parent, parent == null ? 0 : g.branchSteps()[j],
                        null));
            }
            TrajectoryTree tree = g.isTree() ? TrajectoryTree.fromBranches(g.id(), members) : null;
            out.add(new TrajectoryGroup(g.id(), members, g.greedyReward(), tree));
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
