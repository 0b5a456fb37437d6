package dev.trail.advantage;

import static dev.trail.advantage.AdvantageEstimators.register;
import static dev.trail.advantage.StepCreditSupport.requireExtra;
import static dev.trail.advantage.StepCreditSupport.requireFinite;
import static dev.trail.advantage.StepCreditSupport.requireLogProbs;
import static dev.trail.advantage.TrajectoryInputs.broadcast;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the step-, segment- and graph-level estimators ({@code ALGORITHMS.md} §3, §4, §7, §8,
 * §9): {@code spo-chain}, {@code spo-tree}, {@code salt}, {@code ui-s1}, {@code spa},
 * {@code gigpo}, {@code noisy-grpo}, {@code arena-rl}, {@code oprl}. Each is a thin adapter from trajectory
 * records to the math in {@link SpoChain}, {@link SpoTree}, {@link Salt}, {@link UiS1},
 * {@link Spa}, {@link Gigpo}, {@link NoisyGrpo}, {@link ArenaRl} and {@link Oprl}. PACS ({@link Pacs}) is math
 * only: its logit depends on the current policy, so it belongs in the learner's loss.
 *
 * <p>Extras columns read (each of length T; "per trajectory" columns hold one value repeated on every step and are
 * read at the first trained-on step):
 * <ul>
 *   <li>{@value #SEGMENT_VALUE} (spo-chain): {@code segmentValue[t]} = Monte-Carlo value of the
 *       prefix before token {@code t}, i.e. {@code V(c)} for the cut {@code c = t - 1}; index 0 holds
 *       V(prompt). Read only at the low-probability tokens that open a segment (and at 0 when the
 *       prompt value is used); NaN elsewhere is fine.</li>
 *   <li>{@value #MATCH} (ui-s1, optional): 1 if step {@code t}'s action matched the expert's, 0 if
 *       not; absent means every step matched.</li>
 *   <li>{@value #EPISODE_SCORE} (ui-s1 with {@code episode_score=extras}): the episode score,
 *       read at the last trained-on step.</li>
 *   <li>{@value #PROGRESS} (spa, paper variant): the progress estimator's contribution ĉ_t.</li>
 *   <li>{@value #GROUNDING} (spa, when beta ≠ 0): g_t, 1 if the action executed validly, else 0.</li>
 *   <li>{@value #NOISE_LEVEL} (noisy-grpo, per trajectory): the noise extent n_i of its input.</li>
 *   <li>{@value #ARENA_RANK} (arena-rl, per trajectory): tournament rank, 1 = best.</li>
 *   <li>{@value #SEED_SCORE}, {@value #JUDGE_SCORE} (arena-rl with
 *       {@code rank_source=score-tournament}, per trajectory): seeding score against the anchor,
 *       and the score a pairwise match compares (higher wins, ties to the better seed).</li>
 *   <li>{@value #PRM_LOG_RATIO} (oprl): {@code log π_φ(a_t|...)/π_old(a_t|...)} summed over the
 *       tokens of step t's action.</li>
 * </ul>
 *
 * <p>{@code gigpo} reads the observations: a step's anchor state is its observation row.
 *
 * <p>Returns: {@code ui-s1} and {@code gigpo} give the discounted return {@code G_t}, {@code spa} the GAE target
 * {@code A + V}; the others define no return of their own and return the advantages.
 *
 * <p>{@code spo-tree} gives one row per complete trajectory (root-to-leaf path), so the steps of
 * a segment shared by several trajectories appear in each of their rows with the same edge
 * advantage; the SPO code trains each edge once ({@link SpoTree#edges}). Members are matched to
 * leaves by id (a leaf segment's id equals the member's id), otherwise by leaf order.
 *
 * <p>Masked steps (mask false) get advantage and return 0, and their model outputs (log-probs,
 * values, the columns above) are never read, so they cannot change other steps' results; their
 * rewards, actions and observations remain part of the trajectory.
 */
final class StepLevelEstimators {

    static final String SEGMENT_VALUE = "segmentValue";
    static final String MATCH = "match";
    static final String EPISODE_SCORE = "episodeScore";
    static final String PROGRESS = "progress";
    static final String GROUNDING = "grounding";
    static final String NOISE_LEVEL = "noiseLevel";
    static final String ARENA_RANK = "arenaRank";
    static final String SEED_SCORE = "seedScore";
    static final String JUDGE_SCORE = "judgeScore";
    static final String PRM_LOG_RATIO = "prmLogRatio";

    private StepLevelEstimators() {
    }

    static void registerAll() {
        register("spo-chain",
                "SPO-chain: segment advantages from Monte-Carlo values at low-probability cut points (ALGORITHMS.md §3.1)",
                List.of(
                        Option.real("threshold", SpoChain.DEFAULT_THRESHOLD, 0.0, 1.0,
                                "a token with probability below this is low-probability (cut point, kept by the mask)"),
                        Option.integer("cutpoint_interval", SpoChain.DEFAULT_CUTPOINT_INTERVAL, 1, Integer.MAX_VALUE,
                                "keep every k-th low-probability position as a cut point"),
                        Option.choice("prompt_value", "when-first-token-low", List.of("when-first-token-low", "always"),
                                "use V(prompt) only when the first token is low-probability (code) or always (paper)"),
                        Option.flag("whiten", true,
                                "whiten advantages over the batch's low-probability tokens, as the SPO trainer does")),
                o -> batch -> spoChain(batch, o));

        register("spo-tree",
                "SPO-tree: edge advantages V(child) - V(parent) on a rollout tree (ALGORITHMS.md §3.2)",
                List.of(
                        Option.choice("method", "rloo", List.of("rloo", "grpo"),
                                "edge advantage: V(c) - V(n) (rloo) or divided by the population std of n's children + 1e-8 (grpo)"),
                        Option.flag("probability_mask", true,
                                "keep advantages only on low-probability tokens (inherited from SPO-chain; needs logProbs)"),
                        Option.real("threshold", SpoChain.DEFAULT_THRESHOLD, 0.0, 1.0,
                                "low-probability threshold of the probability mask"),
                        Option.flag("whiten", true,
                                "whiten advantages over the batch's kept tokens, as the SPO trainer does")),
                o -> batch -> spoTree(batch, o));

        register("salt",
                "SALT: step advantage = mean base advantage of the trajectories through the step's graph node (ALGORITHMS.md §4, reconstructed)",
                List.of(
                        Option.choice("base", "grpo", List.of("grpo", "rloo"),
                                "base trajectory advantage: GRPO (unbiased std, +1e-6) or RLOO"),
                        Option.choice("merge_key", "history-prefix", List.of("history-prefix", "state-action"),
                                "node identity: the whole history plus the action (a), or observation plus action (b)")),
                o -> batch -> salt(batch, o));

        register("ui-s1",
                "UI-S1: step-level advantages of discounted returns plus episode-level advantages (ALGORITHMS.md §8)",
                List.of(
                        Option.real("gamma", UiS1.DEFAULT_GAMMA, 0.0, 1.0, "discount of the future step rewards"),
                        Option.choice("mode", "mean_std_norm", List.of("mean_std_norm", "mean_norm"),
                                "normalisation of both advantages: (x - mean)/(std + eps) or x - mean"),
                        Option.real("step_weight", 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "w_S, weight of the step-level advantage"),
                        Option.real("episode_weight", 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "w_E, weight of the episode-level advantage"),
                        Option.choice("episode_form", "paper", List.of("paper", "code"),
                                "episode statistics over trajectories (paper) or over all step rows (code)"),
                        Option.choice("episode_score", "total-reward", List.of("total-reward", "extras"),
                                "episode score R: the sum of rewards, or extras column episodeScore at the last trained-on step"),
                        Option.integer("std_ddof", 1, 0, 1, "std degrees of freedom: 1 unbiased, 0 population"),
                        Option.real("epsilon", StepCreditSupport.VERL_EPSILON, 0.0, 1.0,
                                "added to the std in mean_std_norm")),
                o -> batch -> uiS1(batch, o));

        register("spa",
                "SPA-RL: per-turn rewards alpha*progress + beta*grounding, then GAE over turns (ALGORITHMS.md §7)",
                List.of(
                        Option.choice("variant", "paper", List.of("paper", "code"),
                                "paper: progress contributions; code: RLOO-centred final reward on every turn"),
                        Option.real("alpha", Spa.DEFAULT_ALPHA, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "weight of the progress contribution"),
                        Option.real("beta", Spa.DEFAULT_BETA, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "weight of the grounding signal g in {0, 1}"),
                        Option.real("gamma", 1.0, 0.0, 1.0, "discount over turns"),
                        Option.real("gae_lambda", 1.0, 0.0, 1.0, "GAE lambda over turns")),
                o -> batch -> spa(batch, o));

        register("gigpo",
                "GiGPO: episode group advantage + step advantage over identical anchor states of the group (arXiv 2505.10978, verl-agent)",
                List.of(
                        Option.real("gamma", Gigpo.DEFAULT_GAMMA, 0.0, 1.0, "discount of the step returns"),
                        Option.real("step_weight", 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "omega, weight of the step-level advantage"),
                        Option.choice("mode", "mean_std_norm", List.of("mean_std_norm", "mean_norm"),
                                "normalisation of both advantages: (x - mean)/(std + eps) or x - mean"),
                        Option.choice("episode_form", "paper", List.of("paper", "code"),
                                "episode statistics over trajectories (paper) or over all step rows (verl-agent)"),
                        Option.integer("std_ddof", 1, 0, 1, "std degrees of freedom: 1 unbiased, 0 population"),
                        Option.real("epsilon", StepCreditSupport.VERL_EPSILON, 0.0, 1.0,
                                "added to the std in mean_std_norm")),
                o -> batch -> gigpo(batch, o));

        register("noisy-grpo",
                "NoisyGRPO: Kalman fusion of a noise-level prior and the reward z-score (ALGORITHMS.md §9.1)",
                List.of(
                        Option.real("p_alpha", NoisyGrpo.DEFAULT_P_ALPHA, 0.0, Double.POSITIVE_INFINITY,
                                "prior strength p_alpha (script 0.01; trainer default 0.1)"),
                        Option.real("r_value", NoisyGrpo.DEFAULT_R_VALUE, 0.0, Double.POSITIVE_INFINITY,
                                "observation noise R of the Kalman gain")),
                o -> batch -> noisyGrpo(batch, o));

        register("arena-rl",
                "ArenaRL: advantages from a seeded single-elimination tournament ranking (ALGORITHMS.md §9.2, reconstructed)",
                List.of(
                        Option.choice("rank_source", "rank-column", List.of("rank-column", "score-tournament"),
                                "ranks from extras arenaRank, or a tournament seeded by seedScore and decided by judgeScore")),
                o -> batch -> arenaRl(batch, o));

        register("oprl",
                "OPRL: episode advantage + alpha * normalised implicit-PRM step rewards (ALGORITHMS.md §9.4, partly reconstructed)",
                List.of(
                        Option.real("beta", Oprl.DEFAULT_BETA, 0.0, Double.POSITIVE_INFINITY,
                                "beta of the implicit PRM's log ratio"),
                        Option.real("alpha", Oprl.DEFAULT_ALPHA, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "weight of the step-level advantage (not verified)"),
                        Option.choice("base", "grpo", List.of("grpo", "rloo"), "episode-level advantage A^E"),
                        Option.choice("step_normalisation", "batch", List.of("batch", "group"),
                                "z-score the step rewards over the whole batch or within each group")),
                o -> batch -> oprl(batch, o));
    }

    // ---------------------------------------------------------------- adapters

    /** Result whose returns equal the advantages (critic-free methods with no return of their own). */
    private static AdvantageResult selfReturning(double[][] adv) {
        return new AdvantageResult(adv, StepCreditSupport.copyRows(adv));
    }

    private static AdvantageResult spoChain(List<TrajectoryGroup> batch, Options o) {
        double threshold = o.getDouble("threshold");
        int interval = o.getInt("cutpoint_interval");
        SpoChain.PromptValue mode = o.getString("prompt_value").equals("always")
                ? SpoChain.PromptValue.ALWAYS : SpoChain.PromptValue.WHEN_FIRST_TOKEN_LOW;
        List<Trajectory> all = AdvantageResult.flatten(batch);
        double[][] adv = new double[all.size()][];
        boolean[][] keep = new boolean[all.size()][];
        for (int i = 0; i < all.size(); i++) {
            Trajectory t = all.get(i);
            keep[i] = lowProbabilityValidSteps(t, threshold, "spo-chain");
            adv[i] = spoChainRow(t, keep[i], interval, mode);
        }
        return selfReturning(o.getBoolean("whiten") ? SpoChain.whitenSelected(adv, keep) : adv);
    }

    private static boolean[] lowProbabilityValidSteps(Trajectory t, double threshold, String estimator) {
        double[] lp = requireLogProbs(t, estimator);
        boolean[] low = new boolean[t.length()];
        for (int s = 0; s < low.length; s++) {
            low[s] = t.valid(s) && Math.exp(lp[s]) < threshold;
        }
        return low;
    }

    private static double[] spoChainRow(Trajectory t, boolean[] low, int interval, SpoChain.PromptValue mode) {
        int[] cuts = SpoChain.cutPoints(low, interval);
        boolean needsPrompt = mode == SpoChain.PromptValue.ALWAYS;
        double[] column = cuts.length > 0 || needsPrompt ? requireExtra(t, SEGMENT_VALUE, "spo-chain") : null;
        double[] cutValues = new double[cuts.length];
        for (int k = 0; k < cuts.length; k++) {
            cutValues[k] = requireFinite(t, SEGMENT_VALUE, cuts[k] + 1, column[cuts[k] + 1], "spo-chain");
        }
        double promptValue = needsPrompt ? requireFinite(t, SEGMENT_VALUE, 0, column[0], "spo-chain") : Double.NaN;
        double[] raw = SpoChain.segmentAdvantages(t.length(), cuts, cutValues, t.totalReward(), promptValue, mode);
        return SpoChain.applyMask(raw, low);
    }

    private static AdvantageResult spoTree(List<TrajectoryGroup> batch, Options o) {
        SpoTree.Method method = o.getString("method").equals("grpo") ? SpoTree.Method.GRPO : SpoTree.Method.RLOO;
        boolean probabilityMask = o.getBoolean("probability_mask");
        double threshold = o.getDouble("threshold");
        List<double[]> rows = new ArrayList<>();
        List<boolean[]> keeps = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            TrajectoryTree tree = g.tree();
            if (tree == null) {
                throw new IllegalArgumentException("spo-tree: group " + g.groupId()
                        + " has no tree (TrajectoryGroup.tree); SPO-tree needs the rollout tree");
            }
            double[] edgeAdv = SpoTree.edgeAdvantages(tree, method);
            int[] leafOf = matchLeaves(g, tree);
            for (int i = 0; i < g.size(); i++) {
                Trajectory t = g.get(i);
                double[] row = SpoTree.stepAdvantages(tree, edgeAdv, leafOf[i]);
                boolean[] keep = new boolean[t.length()];
                if (probabilityMask) {
                    keep = lowProbabilityValidSteps(t, threshold, "spo-tree");
                } else {
                    for (int s = 0; s < keep.length; s++) {
                        keep[s] = t.valid(s);
                    }
                }
                rows.add(SpoChain.applyMask(row, keep));
                keeps.add(keep);
            }
        }
        double[][] adv = rows.toArray(new double[0][]);
        return selfReturning(o.getBoolean("whiten")
                ? SpoChain.whitenSelected(adv, keeps.toArray(new boolean[0][])) : adv);
    }

    /**
     * The leaf of each group member: the leaf whose segment has the member's id if every member
     * is found that way, otherwise the leaves in node order (their count must equal G); in both
     * cases the path length must equal the member's length.
     */
    private static int[] matchLeaves(TrajectoryGroup g, TrajectoryTree tree) {
        int[] leaves = SpoTree.leaves(tree);
        Map<String, Integer> byId = new HashMap<>();
        for (int leaf : leaves) {
            if (leaf > 0) {
                byId.put(tree.node(leaf).segment().id(), leaf);
            }
        }
        int[] out = new int[g.size()];
        boolean allById = true;
        for (int i = 0; i < g.size(); i++) {
            Integer leaf = byId.get(g.get(i).id());
            if (leaf == null) {
                allById = false;
                break;
            }
            out[i] = leaf;
        }
        if (!allById) {
            if (leaves.length != g.size()) {
                throw new IllegalArgumentException("spo-tree: group " + g.groupId() + " has " + g.size()
                        + " trajectories but its tree has " + leaves.length
                        + " leaves; name each leaf's segment after its trajectory id or give one trajectory per leaf");
            }
            out = leaves;
        }
        for (int i = 0; i < g.size(); i++) {
            int len = SpoTree.pathLength(tree, out[i]);
            if (len != g.get(i).length()) {
                throw new IllegalArgumentException("spo-tree: trajectory " + g.get(i).id() + " has "
                        + g.get(i).length() + " steps but the path to its leaf (node " + out[i] + ") has " + len);
            }
        }
        return out;
    }

    private static AdvantageResult salt(List<TrajectoryGroup> batch, Options o) {
        Salt.Base base = o.getString("base").equals("rloo") ? Salt.Base.RLOO : Salt.Base.GRPO;
        Salt.MergeKey key = o.getString("merge_key").equals("state-action") ? Salt.STATE_ACTION : Salt.HISTORY_PREFIX;
        List<double[]> rows = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            Object[][] keys = new Object[g.size()][];
            boolean[][] isNode = new boolean[g.size()][];
            for (int k = 0; k < g.size(); k++) {
                Trajectory t = g.get(k);
                keys[k] = key.keys(g.groupId(), t);
                isNode[k] = validSteps(t);
            }
            double[] baseAdv = Salt.baseAdvantages(g.totalRewards(), base);
            for (double[] r : Salt.stepAdvantages(keys, isNode, baseAdv)) {
                rows.add(r);
            }
        }
        return selfReturning(rows.toArray(new double[0][]));
    }

    private static boolean[] validSteps(Trajectory t) {
        boolean[] v = new boolean[t.length()];
        for (int s = 0; s < v.length; s++) {
            v[s] = t.valid(s);
        }
        return v;
    }

    private static AdvantageResult uiS1(List<TrajectoryGroup> batch, Options o) {
        double gamma = o.getDouble("gamma");
        UiS1.Mode mode = o.getString("mode").equals("mean_norm") ? UiS1.Mode.MEAN_NORM : UiS1.Mode.MEAN_STD_NORM;
        UiS1.EpisodeForm form = o.getString("episode_form").equals("code") ? UiS1.EpisodeForm.CODE
                : UiS1.EpisodeForm.PAPER;
        boolean scoreFromExtras = o.getString("episode_score").equals("extras");
        int ddof = o.getInt("std_ddof");
        double eps = o.getDouble("epsilon");
        List<double[]> adv = new ArrayList<>();
        List<double[]> ret = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            int k = g.size();
            double[][] returns = new double[k][];
            boolean[][] valid = new boolean[k][];
            double[] scores = new double[k];
            int[] rowCounts = new int[k];
            for (int i = 0; i < k; i++) {
                Trajectory t = g.get(i);
                double[] matchColumn = t.extra(MATCH);
                boolean[] match = null;
                if (matchColumn != null) {
                    match = new boolean[t.length()];
                    for (int s = 0; s < match.length; s++) {
                        match[s] = matchColumn[s] != 0.0;
                    }
                }
                returns[i] = UiS1.discountedReturns(t.rewards(), match, gamma);
                valid[i] = validSteps(t);
                rowCounts[i] = t.validLength();
                if (scoreFromExtras) {
                    double[] c = requireExtra(t, EPISODE_SCORE, "ui-s1");
                    if (c.length == 0) {
                        throw new IllegalArgumentException("ui-s1: trajectory " + t.id()
                                + " has no steps, so column '" + EPISODE_SCORE + "' holds no score");
                    }
                    int last = StepCreditSupport.lastValidStep(t);
                    scores[i] = requireFinite(t, EPISODE_SCORE, last, c[last], "ui-s1");
                } else {
                    scores[i] = t.totalReward();
                }
            }
            double[][] step = UiS1.stepAdvantages(returns, valid, mode, ddof, eps);
            double[] episode = UiS1.episodeAdvantages(scores, rowCounts, form, mode, ddof, eps);
            double[][] combined = UiS1.combine(episode, step, valid, o.getDouble("episode_weight"),
                    o.getDouble("step_weight"));
            for (int i = 0; i < k; i++) {
                adv.add(combined[i]);
                ret.add(StepCreditSupport.zeroMasked(g.get(i), returns[i]));
            }
        }
        return new AdvantageResult(adv.toArray(new double[0][]), ret.toArray(new double[0][]));
    }

    private static AdvantageResult gigpo(List<TrajectoryGroup> batch, Options o) {
        UiS1.Mode mode = o.getString("mode").equals("mean_norm") ? UiS1.Mode.MEAN_NORM : UiS1.Mode.MEAN_STD_NORM;
        UiS1.EpisodeForm form = o.getString("episode_form").equals("code") ? UiS1.EpisodeForm.CODE
                : UiS1.EpisodeForm.PAPER;
        List<double[]> adv = new ArrayList<>();
        List<double[]> ret = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            int n = g.size();
            Object[][] anchors = new Object[n][];
            double[][] rewards = new double[n][];
            boolean[][] valid = new boolean[n][];
            for (int i = 0; i < n; i++) {
                Trajectory t = g.get(i);
                anchors[i] = anchorKeys(t);
                rewards[i] = t.rewards();
                valid[i] = validSteps(t);
            }
            Gigpo.Result r = Gigpo.advantages(anchors, rewards, valid, o.getDouble("gamma"), o.getDouble("step_weight"),
                    mode, form, o.getInt("std_ddof"), o.getDouble("epsilon"));
            for (int i = 0; i < n; i++) {
                adv.add(r.advantages()[i]);
                ret.add(StepCreditSupport.zeroMasked(g.get(i), r.returns()[i]));
            }
        }
        return new AdvantageResult(adv.toArray(new double[0][]), ret.toArray(new double[0][]));
    }

    /** GiGPO's anchor of each step: the observation the step saw, in canonical text form. */
    private static Object[] anchorKeys(Trajectory t) {
        if (t.observationSize() == 0 || t.observations().length == 0) {
            throw new IllegalArgumentException("gigpo: trajectory " + t.id() + " has no observations; GiGPO groups"
                    + " steps by the observation (anchor state) each step saw, so every step needs one");
        }
        Object[] keys = new Object[t.length()];
        for (int s = 0; s < keys.length; s++) {
            keys[s] = Salt.canonicalFloats(t.observations(), s * t.observationSize(), t.observationSize());
        }
        return keys;
    }

    private static AdvantageResult spa(List<TrajectoryGroup> batch, Options o) {
        boolean paper = o.getString("variant").equals("paper");
        double alpha = o.getDouble("alpha");
        double beta = o.getDouble("beta");
        double gamma = o.getDouble("gamma");
        double lambda = o.getDouble("gae_lambda");
        List<double[]> adv = new ArrayList<>();
        List<double[]> ret = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            double[] finals = g.totalRewards();
            for (int i = 0; i < g.size(); i++) {
                Trajectory t = g.get(i);
                boolean[] valid = validSteps(t);
                double[] grounding = beta == 0 ? null : readValid(t, GROUNDING, valid, "spa");
                double[] rewards;
                if (paper) {
                    double[] progress = readValid(t, PROGRESS, valid, "spa");
                    rewards = Spa.stepRewards(progress, grounding, alpha, beta);
                } else {
                    rewards = Spa.codeVariantStepRewards(finals, i, grounding, beta, t.length());
                }
                double lastValue = t.truncated() && t.values() != null && Double.isFinite(t.bootstrapValue())
                        ? t.bootstrapValue() : 0.0;
                Spa.StepTargets targets = Spa.gaeOverValidSteps(rewards, t.values(), valid, gamma, lambda, lastValue);
                adv.add(targets.advantages());
                ret.add(targets.returns());
            }
        }
        return new AdvantageResult(adv.toArray(new double[0][]), ret.toArray(new double[0][]));
    }

    /** The column's finite values at valid steps, 0 at masked steps (which are never read). */
    private static double[] readValid(Trajectory t, String column, boolean[] valid, String estimator) {
        double[] c = requireExtra(t, column, estimator);
        double[] out = new double[c.length];
        for (int s = 0; s < c.length; s++) {
            if (valid[s]) {
                out[s] = requireFinite(t, column, s, c[s], estimator);
            }
        }
        return out;
    }

    private static AdvantageResult noisyGrpo(List<TrajectoryGroup> batch, Options o) {
        List<double[]> rows = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            double[] noise = new double[g.size()];
            for (int i = 0; i < g.size(); i++) {
                noise[i] = StepCreditSupport.perTrajectoryScalar(g.get(i), NOISE_LEVEL, "noisy-grpo");
            }
            double[] a = NoisyGrpo.advantages(noise, g.totalRewards(), o.getDouble("p_alpha"), o.getDouble("r_value"))
                    .advantages();
            for (int i = 0; i < g.size(); i++) {
                rows.add(broadcast(g.get(i), a[i]));
            }
        }
        return selfReturning(rows.toArray(new double[0][]));
    }

    private static AdvantageResult arenaRl(List<TrajectoryGroup> batch, Options o) {
        boolean tournament = o.getString("rank_source").equals("score-tournament");
        List<double[]> rows = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            int n = g.size();
            int[] ranks = new int[n];
            if (tournament) {
                double[] seeds = new double[n];
                double[] judge = new double[n];
                for (int i = 0; i < n; i++) {
                    seeds[i] = StepCreditSupport.perTrajectoryScalar(g.get(i), SEED_SCORE, "arena-rl");
                    judge[i] = StepCreditSupport.perTrajectoryScalar(g.get(i), JUDGE_SCORE, "arena-rl");
                }
                int[] order = ArenaRl.seedOrder(seeds);
                int[] seedOf = new int[n];
                for (int s = 0; s < n; s++) {
                    seedOf[order[s]] = s;
                }
                ranks = ArenaRl.tournamentRanks(seeds, (a, b) -> judge[a] != judge[b] ? judge[a] > judge[b]
                        : seedOf[a] < seedOf[b]);
            } else {
                for (int i = 0; i < n; i++) {
                    double r = StepCreditSupport.perTrajectoryScalar(g.get(i), ARENA_RANK, "arena-rl");
                    if (r != Math.rint(r) || r < 1 || r > n) {
                        throw new IllegalArgumentException("arena-rl: trajectory " + g.get(i).id() + " has "
                                + ARENA_RANK + " " + r + "; ranks are integers in [1, " + n + "] (1 = best)");
                    }
                    ranks[i] = (int) r;
                }
            }
            double[] a = ArenaRl.advantages(ranks);
            for (int i = 0; i < n; i++) {
                rows.add(broadcast(g.get(i), a[i]));
            }
        }
        return selfReturning(rows.toArray(new double[0][]));
    }

    private static AdvantageResult oprl(List<TrajectoryGroup> batch, Options o) {
        double beta = o.getDouble("beta");
        double alpha = o.getDouble("alpha");
        Salt.Base base = o.getString("base").equals("rloo") ? Salt.Base.RLOO : Salt.Base.GRPO;
        boolean perGroup = o.getString("step_normalisation").equals("group");
        List<Trajectory> all = AdvantageResult.flatten(batch);
        double[][] rewards = new double[all.size()][];
        double[] episode = new double[all.size()];
        int row = 0;
        for (TrajectoryGroup g : batch) {
            double[] a = Salt.baseAdvantages(g.totalRewards(), base);
            for (int i = 0; i < g.size(); i++, row++) {
                Trajectory t = g.get(i);
                rewards[row] = Oprl.stepRewards(readValid(t, PRM_LOG_RATIO, validSteps(t), "oprl"), beta);
                episode[row] = a[i];
            }
        }
        double[][] stepAdv = new double[all.size()][];
        if (perGroup) {
            int start = 0;
            for (TrajectoryGroup g : batch) {
                normaliseValid(all, rewards, stepAdv, start, start + g.size());
                start += g.size();
            }
        } else {
            normaliseValid(all, rewards, stepAdv, 0, all.size());
        }
        double[][] adv = new double[all.size()][];
        for (int i = 0; i < all.size(); i++) {
            adv[i] = StepCreditSupport.zeroMasked(all.get(i), Oprl.combine(episode[i], stepAdv[i], alpha));
        }
        return selfReturning(adv);
    }

    /** Z-scores the valid step rewards of rows {@code [from, to)} together. */
    private static void normaliseValid(List<Trajectory> all, double[][] rewards, double[][] out, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += all.get(i).validLength();
        }
        double[] flat = new double[n];
        int pos = 0;
        for (int i = from; i < to; i++) {
            for (int s = 0; s < rewards[i].length; s++) {
                if (all.get(i).valid(s)) {
                    flat[pos++] = rewards[i][s];
                }
            }
        }
        double[] z = Oprl.stepAdvantages(flat);
        pos = 0;
        for (int i = from; i < to; i++) {
            out[i] = new double[rewards[i].length];
            for (int s = 0; s < rewards[i].length; s++) {
                if (all.get(i).valid(s)) {
                    out[i][s] = z[pos++];
                }
            }
        }
    }
}
