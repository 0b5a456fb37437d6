package dev.trail.algo.grpo;

import dev.trail.advantage.AdvantageEstimators;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.lm.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of {@link Grpo}, with defaults chosen to learn on 2 CPU cores ({@link #defaults()}).
 * Config files and {@code --set} bind through {@link #binder(String)} ({@code trail train --algo
 * grpo|dr-grpo|rloo|remax|reinforce++|reinforce++-baseline|lite-ppo}); keys are the components in
 * snake_case except where one spelling per concept across configs wins: {@code clip_epsilon_low},
 * {@code clip_epsilon_high} (as in the loss options), {@code loss_aggregation}, {@code kl_estimator},
 * {@code ent_coef} (PPO's, CleanRL's) and {@code num_minibatches} (PPO's).
 *
 * @param estimator advantage estimator from {@link AdvantageEstimators}: {@code grpo}, {@code dr-grpo},
 *        {@code rloo}, {@code remax} (greedy rollout per prompt as baseline), {@code reinforce++},
 *        {@code reinforce++-baseline}, {@code lite-ppo}
 * @param groupSize G, responses per prompt
 * @param promptsPerBatch B, prompts (groups) per update
 * @param epsilonLow ε_low of the ratio clip
 * @param epsilonHigh ε_high (DAPO clip-higher: 0.28)
 * @param dualClipC dual-clip constant c &gt; 1, or +∞ for off
 * @param aggregation loss aggregation mode (DAPO / Lite PPO: token-mean; Dr. GRPO: seq-mean-token-sum-norm)
 * @param klKind KL estimator (k1, k2, k3, abs)
 * @param klCoef β; 0 turns the KL term off (and skips the reference forward)
 * @param klInReward put the KL in the reward ({@code r_t − β·k(t)} on the sampling log-probs) instead of the loss
 * @param entropyCoef coefficient of an entropy bonus in the loss (0: off; entropy is logged anyway)
 * @param updateEpochs passes over each batch; the importance ratio is against the sampling policy
 * @param minibatches minibatches per epoch
 * @param learningRate Adam learning rate (constant)
 * @param maxGradNorm global gradient-norm clip
 * @param temperature sampling temperature (the log-probs of the loss use it too)
 * @param topP nucleus sampling mass
 * @param maxNewTokens response budget (0: the task's default)
 * @param dynamicSampling DAPO dynamic sampling: drop groups whose rewards are all equal and refill
 * @param maxGenBatches generation rounds per update allowed to fill the batch under dynamic sampling
 * @param overlongShaping add DAPO's soft overlong penalty to the reward
 * @param overlongCache L_cache of the overlong penalty, in tokens
 * @param iterations updates to run
 * @param maxMinutes wall-clock budget in minutes (0: none); training stops after the update that exceeds it
 * @param evalEvery updates between held-out evaluations (0: only before and after)
 * @param evalProblems held-out problems per evaluation
 * @param evalK samples per held-out problem for pass@k (0: greedy pass@1 only)
 * @param model the transformer shape: required without {@code --init}; with one it must match the checkpoint (null: take it)
 * @param dapo whether the config started from DAPO's settings ({@link #withDapo()}); a preset of
 *        {@link #binder(String)}: keys set explicitly still win
 * @param estimatorOptions the estimator's registry options, {@code key=value} pairs separated by
 *        {@code ,} (checked against the estimator's declared options); empty for its defaults
 * @param rollout how the G responses per prompt are sampled: {@code iid} (independently), or as a tree
 *        ({@code tree-spo}, {@code tree-latr}, {@code tree-arpo}; {@code dev.trail.rollout}), or UI-S1's
 *        {@code semi-online} rollouts along expert trajectories
 * @param tree the tree strategies' settings (section {@code tree})
 * @param maxSampledTokens budget of sampled policy tokens over the run (0: none), for comparisons at
 *        an equal sampled-token budget; the run stops after the update that reaches it
 * @param stepCredit settings of the inputs the trainer produces for {@code spo-chain} and {@code spa}
 *        (section {@code step_credit})
 * @param rolloutWorkers {@code local} (default) or {@code spark}: every generation call of a batch
 *        sampled by Spark executor tasks with the broadcast policy weights (i.i.d. rollouts only)
 * @param sparkMaster the master for {@code rollout_workers=spark}, or null for spark-submit's
 * @param rolloutShards tasks that share the rows of one generation call under {@code rollout_workers=spark}
 *        (contiguous rows; 0: Spark's default parallelism). 1 (default) gives the local run's metrics bit for
 *        bit; with more, each task evaluates a smaller batch, which libtorch rounds differently, so the
 *        sampling log-probs differ in their last bits from the local run's
 */
public record GrpoConfig(
        @Param("advantage estimator: the algorithm name (grpo, dr-grpo, rloo, remax, reinforce++, ...)")
                String estimator,
        @Param(value = "G, responses per prompt", min = 1, max = 4096) int groupSize,
        @Param(value = "B, prompts per update", min = 1, max = 1 << 16) int promptsPerBatch,
        @Param(value = "lower ratio clip", min = 0, max = 1, name = "clip_epsilon_low") double epsilonLow,
        @Param(value = "upper ratio clip (DAPO clip-higher: 0.28)", min = 0, max = 10, name = "clip_epsilon_high")
                double epsilonHigh,
        @Param(value = "dual-clip constant c > 1, or none", min = 1, none = "Infinity") double dualClipC,
        @Param(value = "loss aggregation mode", name = "loss_aggregation") Aggregation aggregation,
        @Param(value = "KL estimator", name = "kl_estimator") KlEstimators.Kind klKind,
        @Param(value = "KL coefficient beta (0: off)", min = 0, max = 1e6) double klCoef,
        @Param("KL penalty in the reward instead of the loss") boolean klInReward,
        @Param(value = "entropy bonus coefficient", min = 0, max = 1e6, name = "ent_coef") double entropyCoef,
        @Param(value = "passes over each batch", min = 1, max = 1000) int updateEpochs,
        @Param(value = "minibatches per epoch", min = 1, max = 1 << 20, name = "num_minibatches") int minibatches,
        @Param(value = "Adam learning rate", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param(value = "global gradient-norm clip", min = Double.MIN_VALUE, max = 1e9) double maxGradNorm,
        @Param(value = "sampling temperature", min = Double.MIN_VALUE, max = 100) double temperature,
        @Param(value = "nucleus sampling mass", min = Double.MIN_VALUE, max = 1) double topP,
        @Param(value = "response budget (0: the task's default)", min = 0, max = 1 << 16) int maxNewTokens,
        @Param("DAPO: drop groups with equal rewards and refill") boolean dynamicSampling,
        @Param(value = "generation rounds allowed per update to refill", min = 1, max = 1000) int maxGenBatches,
        @Param("DAPO soft overlong penalty") boolean overlongShaping,
        @Param(value = "overlong penalty window L_cache", min = 0, max = 1 << 16) int overlongCache,
        @Param(value = "updates to run", min = 1, max = 10_000_000) int iterations,
        @Param(value = "wall-clock budget in minutes (0: none)", min = 0, max = 1e6) double maxMinutes,
        @Param(value = "updates between held-out evaluations", min = 0, max = 10_000_000) int evalEvery,
        @Param(value = "held-out problems per evaluation", min = 1, max = 1_000_000) int evalProblems,
        @Param(value = "samples per problem for pass@k (0: greedy only)", min = 0, max = 1024) int evalK,
        @Param("transformer shape; none: take it from --init") TransformerConfig model,
        @Param("start from DAPO: clip-higher 0.2/0.28, token-mean, dynamic sampling, overlong shaping, no KL; "
                + "keys set explicitly still win") boolean dapo,
        @Param(value = "the estimator's own options as KEY=VALUE pairs separated by ',' (e.g. gamma=0.9,step_weight=0.5 "
                + "for gigpo; see trail credit --list); empty: its defaults", name = "estimator_options")
                String estimatorOptions,
        @Param("rollout strategy: iid, tree-spo, tree-latr, tree-arpo, semi-online") TreeRolloutConfig.Kind rollout,
        @Param("tree rollout settings (rollout=tree-*)") TreeRolloutConfig tree,
        @Param(value = "budget of sampled policy tokens (0: none); training stops after the update that reaches it",
                min = 0, max = Long.MAX_VALUE, name = "max_sampled_tokens") long maxSampledTokens,
        @Param("inputs produced for step-level estimators (spo-chain's Monte-Carlo values, spa's progress estimator)")
                StepCreditConfig stepCredit,
        @Param("who samples the responses: local (the learner's sampler) or spark (executor tasks with the"
                + " broadcast weights; same metrics; docs/SPARK.md)") String rolloutWorkers,
        @Param("rollout_workers=spark: the Spark master, local[N] or spark://HOST:PORT (empty: spark-submit's)")
                String sparkMaster,
        @Param(value = "rollout_workers=spark: tasks sharing one generation call's rows (1: the local run's metrics"
                + " bit for bit; more: log-probs rounded as for smaller batches; 0: Spark's default parallelism)",
                min = 0, max = 1 << 16) int rolloutShards) {

    /**
     * The registered algorithm names of the family, each presetting its estimator
     * ({@code trail train --algo rloo}); {@code --algo grpo --set estimator=NAME} takes any other
     * registry estimator whose inputs the trainer can supply (checked by capability, see {@link Grpo}).
     */
    public static final List<String> ESTIMATORS = List.of("grpo", "dr-grpo", "rloo", "remax", "reinforce++",
            "reinforce++-baseline", "lite-ppo");

    public GrpoConfig {
        AdvantageEstimators.entry(estimator); // unknown names: the registry's message listing all
        estimatorOptions = estimatorOptions == null ? "" : estimatorOptions.trim();
        AdvantageEstimators.entry(estimator).create(estimatorSettings(estimator, estimatorOptions));
        check("group_size", groupSize >= 1, groupSize);
        check("prompts_per_batch", promptsPerBatch >= 1, promptsPerBatch);
        new PolicyLoss.Clip(epsilonLow, epsilonHigh, dualClipC); // validates, naming the field
        if (aggregation == null || klKind == null) {
            throw new IllegalArgumentException("grpo loss_aggregation and kl_estimator must not be null");
        }
        check("kl_coef", klCoef >= 0 && Double.isFinite(klCoef), klCoef);
        check("ent_coef", entropyCoef >= 0 && Double.isFinite(entropyCoef), entropyCoef);
        check("update_epochs", updateEpochs >= 1, updateEpochs);
        check("num_minibatches", minibatches >= 1 && minibatches <= groupSize * promptsPerBatch, minibatches);
        check("learning_rate", learningRate > 0 && Double.isFinite(learningRate), learningRate);
        check("max_grad_norm", maxGradNorm > 0, maxGradNorm);
        check("temperature", temperature > 0 && Double.isFinite(temperature), temperature);
        check("top_p", topP > 0 && topP <= 1, topP);
        check("max_new_tokens", maxNewTokens >= 0, maxNewTokens);
        check("max_gen_batches", maxGenBatches >= 1, maxGenBatches);
        check("overlong_cache", overlongCache >= 0, overlongCache);
        check("iterations", iterations >= 1, iterations);
        check("max_minutes", maxMinutes >= 0, maxMinutes);
        check("eval_every", evalEvery >= 0, evalEvery);
        check("eval_problems", evalProblems >= 1, evalProblems);
        check("eval_k", evalK >= 0, evalK);
        check("max_sampled_tokens", maxSampledTokens >= 0, maxSampledTokens);
        if (rollout == null || tree == null || stepCredit == null) {
            throw new IllegalArgumentException("grpo rollout, tree and step_credit must not be null");
        }
        rolloutWorkers = rolloutWorkers == null || rolloutWorkers.isBlank() ? "local" : rolloutWorkers.trim();
        if (!rolloutWorkers.equals("local") && !rolloutWorkers.equals("spark")) {
            throw new IllegalArgumentException("grpo rollout_workers=" + rolloutWorkers + " must be local or spark");
        }
        sparkMaster = sparkMaster == null || sparkMaster.isBlank() ? null : sparkMaster.trim();
        check("rollout_shards", rolloutShards >= 0, rolloutShards);
    }

    /**
     * The estimator's settings from {@code estimator_options}.
     *
     * @throws IllegalArgumentException for a pair without {@code =}, naming it
     */
    static Map<String, String> estimatorSettings(String estimator, String options) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (options == null || options.isBlank()) {
            return out;
        }
        for (String pair : options.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("grpo estimator_options: '" + pair.trim() + "' is not KEY=VALUE"
                        + " (options of " + estimator + " are separated by ',')");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** The estimator's settings from {@link #estimatorOptions()}. */
    public Map<String, String> estimatorSettings() {
        return estimatorSettings(estimator, estimatorOptions);
    }

    private static void check(String key, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("grpo " + key + " is invalid: " + value);
        }
    }

    /**
     * GRPO with G = 8, B = 64 prompts, ε = 0.2, no dual clip, token-mean, k3 KL in the loss with
     * β = 0.01, 2 epochs × 2 minibatches, Adam 5e-5, temperature 1, 200 updates, evaluation every 20
     * updates on 200 held-out problems with pass@4. Measured on {@code Arithmetic-v0} from the
     * default SFT base: with B = 16 and Adam 2e-4–5e-4 the policy drifted away (KL to the
     * reference 0.1–4 within tens of updates, accuracy down); B = 64 with 5e-5 is stable.
     */
    public static GrpoConfig defaults() {
        return new GrpoConfig("grpo", 8, 64, 0.2, 0.2, Double.POSITIVE_INFINITY, Aggregation.TOKEN_MEAN,
                KlEstimators.Kind.K3, 0.01, false, 0.0, 2, 2, 5e-5, 1.0, 1.0, 1.0, 0, false, 3, false, 4, 200, 0, 20,
                200, 4, null, false, "", TreeRolloutConfig.Kind.IID, TreeRolloutConfig.defaults(), 0,
                StepCreditConfig.defaults(), "local", null, 1);
    }

    /** This config with another estimator. */
    public GrpoConfig withEstimator(String name) {
        return with("estimator", name);
    }

    /** This config with another length: {@code iterations} updates and a wall-clock budget. */
    public GrpoConfig withBudget(int iterations, double maxMinutes) {
        return with("iterations", iterations, "max_minutes", maxMinutes);
    }

    /** This config with other batch sizes. */
    public GrpoConfig withBatch(int groupSize, int promptsPerBatch, int minibatches) {
        return with("group_size", groupSize, "prompts_per_batch", promptsPerBatch, "num_minibatches", minibatches);
    }

    /** This config with another evaluation schedule. */
    public GrpoConfig withEval(int evalEvery, int evalProblems, int evalK) {
        return with("eval_every", evalEvery, "eval_problems", evalProblems, "eval_k", evalK);
    }

    /** This config with a model shape (required when there is no {@code --init}). */
    public GrpoConfig withModel(TransformerConfig model) {
        return with("model", model);
    }

    /** This config with DAPO's settings: clip-higher 0.2/0.28, token-mean, dynamic sampling, overlong shaping, no KL. */
    public GrpoConfig withDapo() {
        return with("clip_epsilon_low", 0.2, "clip_epsilon_high", 0.28, "loss_aggregation", Aggregation.TOKEN_MEAN,
                "kl_coef", 0.0, "dynamic_sampling", true, "overlong_shaping", true, "dapo", true);
    }

    /** This config with another KL setting. */
    public GrpoConfig withKl(KlEstimators.Kind kind, double coef, boolean inReward) {
        return with("kl_estimator", kind, "kl_coef", coef, "kl_in_reward", inReward);
    }

    /** This config with another number of epochs and minibatches per update. */
    public GrpoConfig withEpochs(int updateEpochs, int minibatches) {
        return with("update_epochs", updateEpochs, "num_minibatches", minibatches);
    }

    /** This config with other sampling settings ({@code maxNewTokens} 0: the task's default). */
    public GrpoConfig withSampling(double temperature, double topP, int maxNewTokens) {
        return with("temperature", temperature, "top_p", topP, "max_new_tokens", maxNewTokens);
    }

    /** This config with other estimator options ({@code key=value} pairs separated by {@code ,}). */
    public GrpoConfig withEstimatorOptions(String options) {
        return with("estimator_options", options);
    }

    /** This config with a budget of sampled policy tokens (0: none). */
    public GrpoConfig withMaxSampledTokens(long budget) {
        return with("max_sampled_tokens", budget);
    }

    /** This config with other step-credit input settings. */
    public GrpoConfig withStepCredit(StepCreditConfig stepCredit) {
        return with("step_credit", stepCredit);
    }

    /** This config with another rollout strategy. */
    public GrpoConfig withRollout(TreeRolloutConfig.Kind rollout) {
        return with("rollout", rollout);
    }

    /** This config with another learning rate. */
    public GrpoConfig withLearningRate(double lr) {
        return with("learning_rate", lr);
    }

    /** This config with the components of the snake_case keys replaced: {@code with(key, value, key, value, ...)}. */
    private GrpoConfig with(Object... keysAndValues) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            changes.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Plain.BINDER.with(this, changes);
    }

    /** A binder without the {@code dapo} preset, for {@link #with}: every key is given, so its defaults are never read. */
    private static final class Plain {
        static final ConfigBinder<GrpoConfig> BINDER = ConfigBinder.of("grpo", GrpoConfig.class, defaults());
    }

    /**
     * The binder for the estimator {@code estimator}: defaults {@link #defaults()} with that
     * estimator, and the preset {@code dapo=true} ({@link #withDapo()}; keys set explicitly win).
     */
    public static ConfigBinder<GrpoConfig> binder(String estimator) {
        return ConfigBinder.of(estimator, GrpoConfig.class, defaults().withEstimator(estimator))
                .withPreset("dapo", GrpoConfig::withDapo);
    }

    /** The settings as snake_case keys, for {@code config.yaml} and metadata. */
    public Map<String, Object> toMap() {
        return binder(estimator).toMap(this);
    }

    /** The clip settings. */
    public PolicyLoss.Clip clip() {
        return new PolicyLoss.Clip(epsilonLow, epsilonHigh, dualClipC);
    }
}
