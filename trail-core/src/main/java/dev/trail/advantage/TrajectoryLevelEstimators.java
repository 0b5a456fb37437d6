package dev.trail.advantage;

import static dev.trail.advantage.AdvantageEstimators.register;
import static dev.trail.advantage.TrajectoryInputs.broadcastWithRewardToGo;
import static dev.trail.advantage.TrajectoryInputs.flatten;
import static dev.trail.advantage.TrajectoryInputs.groupSizes;
import static dev.trail.advantage.TrajectoryInputs.outcomes;

import dev.trail.config.Option;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.function.Function;

/**
 * Registers the trajectory-level estimators: the outcome (critic-free) family of
 * {@code ALGORITHMS.md} §1 and GAE (§2.1). Each is a thin adapter from trajectory groups to the
 * math in {@link GroupAdvantages}, {@link ReMax}, {@link ReinforcePlusPlus} and {@link Gae}.
 *
 * <p>Conventions shared by the outcome estimators: a trajectory's outcome R_i is the sum of its
 * rewards at valid (mask true) steps, which for an outcome-rewarded response is the reward on its
 * last step; its advantage is broadcast to every valid step and is 0 at masked steps. Unless an
 * estimator says otherwise, {@code returns} is the reward-to-go over valid steps (for an outcome
 * response: R_i at every valid step, 0 at masked steps). Rewards must be finite at every step
 * (a NaN even at a masked step is corrupt data and fails, naming trajectory and step).
 *
 * <table>
 * <caption>What each estimator needs and what it returns</caption>
 * <tr><th>name</th><th>needs besides rewards</th><th>advantages</th><th>returns</th></tr>
 * <tr><td>reinforce</td><td>values (baseline=value)</td><td>R − b broadcast, or G_t − V(s_t)</td>
 *     <td>G_t, discounted with its γ (default 1), no bootstrap</td></tr>
 * <tr><td>remax</td><td>group greedyReward; code form with kl_coef &gt; 0: logProbs, refLogProb</td>
 *     <td>R − r_greedy broadcast; code form: the code's per-step return</td>
 *     <td>reward-to-go; code form: same as the advantages</td></tr>
 * <tr><td>rloo, grpo, dr-grpo</td><td>-</td><td>group-relative, broadcast</td><td>reward-to-go</td></tr>
 * <tr><td>lite-ppo</td><td>equal group sizes</td><td>group mean, batch std, broadcast</td><td>reward-to-go</td></tr>
 * <tr><td>reinforce++</td><td>logProbs, refLogProb (unless kl_coef = 0)</td><td>whitened G</td>
 *     <td>G: the KL-shaped discounted return before whitening</td></tr>
 * <tr><td>reinforce++-baseline</td><td>logProbs, refLogProb only if kl_coef &gt; 0</td><td>whitened c_i</td>
 *     <td>c_i = R − group mean at valid steps (KL-shaped return if kl_coef &gt; 0)</td></tr>
 * <tr><td>gae</td><td>values; bootstrapValue unless terminated</td><td>GAE (optionally whitened)</td>
 *     <td>Â + V (never whitened)</td></tr>
 * </table>
 *
 * <p>{@code refLogProb} is the extra column {@value TrajectoryInputs#REF_LOG_PROB}; k1 = logProbs −
 * refLogProb at valid steps. The REINFORCE EMA baseline is state, so the trainer keeps it
 * ({@link GroupAdvantages#emaBaseline}) and passes it as {@code baseline=constant}.
 */
final class TrajectoryLevelEstimators {

    private TrajectoryLevelEstimators() {
    }

    private static final String SINGLETON_HELP =
            "what a group of one response gets: raw (A = R, verl), zero, or error";

    private static Option singletonOption() {
        return Option.choice("singleton", "raw", List.of("raw", "zero", "error"), SINGLETON_HELP);
    }

    static void registerAll() {
        register("reinforce", "REINFORCE with a baseline: A = R − b (spec §1.1; Williams 1992)",
                List.of(Option.choice("baseline", "batch-mean", List.of("batch-mean", "group-mean", "constant", "value"),
                                "b: mean over the batch, mean over the group, the 'constant' option, or the critic V(s_t)"),
                        Option.real("constant", 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                                "the baseline when baseline=constant (e.g. an EMA kept by the trainer)"),
                        Option.real("gamma", 1.0, 0, 1, "discount of the returns (and of G_t − V with baseline=value)")),
                o -> batch -> reinforce(batch, o.getString("baseline"), o.getDouble("constant"), o.getDouble("gamma")));

        register("remax", "ReMax: A = R − r(greedy rollout) (spec §1.2; Li et al. 2023)",
                List.of(Option.flag("code_compat", false,
                                "use the liziniu/ReMax code form: clip, γ^(T−i) from the end, per-token k1 KL (Appendix A #1)"),
                        Option.real("gamma", 0.99, 0, 1, "code form only: discount from the end of the response"),
                        Option.real("kl_coef", 0.05, 0, Double.POSITIVE_INFINITY,
                                "code form only: per-token k1 KL coefficient (needs logProbs and refLogProb)"),
                        Option.real("clip", 5.0, 0, Double.POSITIVE_INFINITY, "code form only: clip of R − r_greedy")),
                o -> batch -> remax(batch, o.getBoolean("code_compat"), o.getDouble("gamma"), o.getDouble("kl_coef"),
                        o.getDouble("clip")));

        register("rloo", "RLOO: A = R − mean of the other G−1 rewards (spec §1.3; Ahmadian et al. 2024)",
                List.of(singletonOption()),
                o -> {
                    GroupAdvantages.Singleton s = GroupAdvantages.Singleton.parse(o.getString("singleton"));
                    return batch -> perGroup(batch, r -> GroupAdvantages.rloo(r, s));
                });

        register("grpo", "GRPO: A = (R − group mean)/(group std + ε) (spec §1.4; DeepSeekMath, verl)",
                List.of(Option.integer("std_ddof", 1, 0, 1, "std: 1 unbiased (verl, TRL), 0 population (numpy)"),
                        Option.real("epsilon", 1e-6, 0, Double.POSITIVE_INFINITY, "added to the std"),
                        singletonOption()),
                o -> batch -> grpo(batch, o.getInt("std_ddof"), o.getDouble("epsilon"),
                        GroupAdvantages.Singleton.parse(o.getString("singleton"))));

        register("dr-grpo", "Dr. GRPO: A = R − group mean, no std (spec §1.5; Liu et al. 2025)",
                List.of(singletonOption()),
                o -> {
                    GroupAdvantages.Singleton s = GroupAdvantages.Singleton.parse(o.getString("singleton"));
                    return batch -> perGroup(batch, r -> GroupAdvantages.drGrpo(r, s));
                });

        register("lite-ppo", "Lite PPO: A = (R − group mean)/(batch std of raw R + ε) (spec §1.6; ROLL reward_norm)",
                List.of(Option.integer("std_ddof", 1, 0, 1, "batch std: 1 unbiased (ROLL), 0 population"),
                        Option.real("epsilon", 1e-6, 0, Double.POSITIVE_INFINITY, "added to the batch std")),
                o -> batch -> litePpo(batch, o.getInt("std_ddof"), o.getDouble("epsilon")));

        register("reinforce++", "REINFORCE++: KL-shaped discounted return, whitened over the batch's tokens "
                        + "(spec §1.7; verl)",
                List.of(Option.real("kl_coef", 0.01, 0, Double.POSITIVE_INFINITY,
                                "β of the per-token k1 penalty in the reward (needs logProbs and refLogProb; 0 turns it off)"),
                        Option.real("gamma", 1.0, 0, 1, "discount of the token-level return"),
                        Option.flag("unbiased", true, "Bessel correction in the whitening variance"),
                        Option.real("epsilon", Whitening.DEFAULT_EPSILON, 0, Double.POSITIVE_INFINITY,
                                "ε under the whitening square root")),
                o -> batch -> reinforcePlusPlus(batch, false, o.getDouble("kl_coef"), o.getDouble("gamma"),
                        o.getBoolean("unbiased"), o.getDouble("epsilon")));

        register("reinforce++-baseline", "REINFORCE++-baseline: R − group mean, whitened over the batch's tokens "
                        + "(spec §1.7; verl)",
                List.of(Option.real("kl_coef", 0.0, 0, Double.POSITIVE_INFINITY,
                                "β of a k1 penalty in the reward; 0 keeps KL in the loss (spec default), "
                                        + ">0 is the reconstructed KL-in-reward reading"),
                        Option.real("gamma", 1.0, 0, 1, "discount of the token-level return"),
                        Option.flag("unbiased", true, "Bessel correction in the whitening variance"),
                        Option.real("epsilon", Whitening.DEFAULT_EPSILON, 0, Double.POSITIVE_INFINITY,
                                "ε under the whitening square root")),
                o -> batch -> reinforcePlusPlus(batch, true, o.getDouble("kl_coef"), o.getDouble("gamma"),
                        o.getBoolean("unbiased"), o.getDouble("epsilon")));

        register("gae", "GAE(γ, λ) with the critic's values; returns A + V (spec §2.1; Schulman et al. 2016)",
                List.of(Option.real("gamma", 0.99, 0, 1, "discount γ"),
                        Option.real("gae_lambda", 0.95, 0, 1, "GAE λ: 1 Monte-Carlo, 0 one-step TD"),
                        Option.flag("whiten", false,
                                "whiten the advantages over the batch's valid steps (unbiased, ε 1e-8); returns stay raw")),
                o -> batch -> gae(batch, o.getDouble("gamma"), o.getDouble("gae_lambda"), o.getBoolean("whiten")));
    }

    /**
     * REINFORCE: A_i = R_i − b broadcast, or with baseline=value A_t = G_t − V(s_t) per step (G_t the
     * Monte-Carlo return over valid steps, no bootstrap). Returns: G_t with the configured γ.
     */
    private static AdvantageResult reinforce(List<TrajectoryGroup> batch, String baseline, double constant,
            double gamma) {
        List<Trajectory> all = flatten(batch);
        double[][] adv = new double[all.size()][];
        double[][] ret = new double[all.size()][];
        double[] outcomes = outcomes(all);
        double[] perTrajectory = switch (baseline) {
            case "batch-mean" -> GroupAdvantages.reinforceMeanBaseline(outcomes);
            case "constant" -> GroupAdvantages.reinforce(outcomes, constant);
            case "group-mean" -> concat(batch, all.size(), GroupAdvantages::reinforceMeanBaseline);
            default -> null; // value
        };
        for (int i = 0; i < adv.length; i++) {
            Trajectory t = all.get(i);
            ret[i] = Returns.discounted(t.rewards(), t.mask(), gamma, 0.0);
            if (perTrajectory != null) {
                adv[i] = TrajectoryInputs.broadcast(t, perTrajectory[i]);
            } else {
                double[] v = TrajectoryInputs.values(t, "reinforce with baseline=value");
                adv[i] = new double[t.length()];
                for (int s = 0; s < adv[i].length; s++) {
                    adv[i][s] = t.valid(s) ? ret[i][s] - v[s] : 0.0;
                }
            }
        }
        return new AdvantageResult(adv, ret);
    }

    /**
     * ReMax. Paper form: A_i = R_i − r_greedy broadcast, returns the reward-to-go. Code form: the
     * code's per-step return is both the advantage and the return.
     */
    private static AdvantageResult remax(List<TrajectoryGroup> batch, boolean codeCompat, double gamma,
            double klCoef, double clip) {
        List<Trajectory> all = flatten(batch);
        for (TrajectoryGroup g : batch) {
            if (!g.hasGreedyReward() || !Double.isFinite(g.greedyReward())) {
                throw new IllegalArgumentException("trajectory " + g.get(0).id() + " (group " + g.groupId()
                        + ") has no greedyReward; remax needs the reward of a greedy rollout for every group, got "
                        + g.greedyReward());
            }
        }
        if (!codeCompat) {
            double[] a = new double[all.size()];
            int i = 0;
            for (TrajectoryGroup g : batch) {
                double[] ga = ReMax.paper(outcomes(g.trajectories()), g.greedyReward());
                System.arraycopy(ga, 0, a, i, ga.length);
                i += ga.length;
            }
            return broadcastWithRewardToGo(all, a);
        }
        double[][] adv = new double[all.size()][];
        int i = 0;
        for (TrajectoryGroup g : batch) {
            for (Trajectory t : g.trajectories()) {
                double[] k1 = klCoef == 0 ? null : TrajectoryInputs.logRatios(t, "remax (codeCompat)");
                adv[i++] = ReMax.codeReturns(TrajectoryInputs.outcome(t), g.greedyReward(), k1, t.mask(), t.length(),
                        gamma, klCoef, clip);
            }
        }
        double[][] ret = new double[adv.length][];
        for (int k = 0; k < adv.length; k++) {
            ret[k] = adv[k].clone();
        }
        return new AdvantageResult(adv, ret);
    }

    /** GRPO; equal-size batches take the [groups, G] fast path. */
    private static AdvantageResult grpo(List<TrajectoryGroup> batch, int ddof, double epsilon,
            GroupAdvantages.Singleton singleton) {
        List<Trajectory> all = flatten(batch);
        int g0 = batch.get(0).size();
        boolean equal = batch.stream().allMatch(g -> g.size() == g0);
        double[] a = equal
                ? GroupAdvantages.grpoGroups(outcomes(all), g0, ddof, epsilon, singleton)
                : concat(batch, all.size(), r -> GroupAdvantages.grpo(r, ddof, epsilon, singleton));
        return broadcastWithRewardToGo(all, a);
    }

    /** Lite PPO; needs equal group sizes (ROLL reshapes the batch to [-1, G]). */
    private static AdvantageResult litePpo(List<TrajectoryGroup> batch, int ddof, double epsilon) {
        List<Trajectory> all = flatten(batch);
        TrajectoryInputs.requireEqualGroupSizes(batch, "lite-ppo");
        return broadcastWithRewardToGo(all, GroupAdvantages.litePpo(outcomes(all), groupSizes(batch), ddof, epsilon));
    }

    /** REINFORCE++ (returns: the KL-shaped return G before whitening) and its baseline variant. */
    private static AdvantageResult reinforcePlusPlus(List<TrajectoryGroup> batch, boolean baseline, double klCoef,
            double gamma, boolean unbiased, double epsilon) {
        List<Trajectory> all = flatten(batch);
        String method = baseline ? "reinforce++-baseline" : "reinforce++";
        double[][] k1 = klCoef == 0 ? null : TrajectoryInputs.logRatios(all, method);
        double[][] rewards = TrajectoryInputs.rewards(all);
        boolean[][] masks = TrajectoryInputs.masks(all);
        return baseline
                ? ReinforcePlusPlus.baseline(rewards, groupSizes(batch), k1, masks, klCoef, gamma, unbiased, epsilon)
                : ReinforcePlusPlus.advantages(rewards, k1, masks, klCoef, gamma, unbiased, epsilon);
    }

    /** GAE per trajectory; returns A + V (raw even when the advantages are whitened). */
    private static AdvantageResult gae(List<TrajectoryGroup> batch, double gamma, double lambda, boolean whiten) {
        List<Trajectory> all = flatten(batch);
        double[][] adv = new double[all.size()][];
        double[][] ret = new double[all.size()][];
        for (int i = 0; i < adv.length; i++) {
            Trajectory t = all.get(i);
            double[] v = TrajectoryInputs.values(t, "gae");
            if (!t.terminated() && !Double.isFinite(t.bootstrapValue())) {
                throw new IllegalArgumentException("trajectory " + t.id() + " is " + (t.truncated() ? "truncated" : "not terminated")
                        + " but has no bootstrapValue; gae bootstraps from V of its final observation, got "
                        + t.bootstrapValue());
            }
            Gae.Result r = Gae.compute(t.rewards(), v, t.mask(), t.terminated(), t.truncated(), t.bootstrapValue(),
                    gamma, lambda);
            adv[i] = r.advantages();
            ret[i] = r.returns();
        }
        if (whiten) {
            adv = Whitening.whiten(adv, TrajectoryInputs.masks(all), true, Whitening.DEFAULT_EPSILON);
        }
        return new AdvantageResult(adv, ret);
    }

    /** Applies a per-group function of the outcomes and broadcasts (returns: reward-to-go). */
    private static AdvantageResult perGroup(List<TrajectoryGroup> batch, Function<double[], double[]> fn) {
        List<Trajectory> all = flatten(batch);
        return broadcastWithRewardToGo(all, concat(batch, all.size(), fn));
    }

    private static double[] concat(List<TrajectoryGroup> batch, int total, Function<double[], double[]> fn) {
        double[] out = new double[total];
        int i = 0;
        for (TrajectoryGroup g : batch) {
            double[] a = fn.apply(outcomes(g.trajectories()));
            System.arraycopy(a, 0, out, i, a.length);
            i += a.length;
        }
        return out;
    }
}
