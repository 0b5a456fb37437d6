package dev.trail.algo.grpo;

import dev.trail.advantage.AdvantageEstimators;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.lm.TransformerConfig;
import java.util.List;

/**
 * Settings of {@link Grpo}, with defaults chosen to learn on 2 CPU cores ({@link #defaults()}).
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
 */
public record GrpoConfig(String estimator, int groupSize, int promptsPerBatch, double epsilonLow, double epsilonHigh,
        double dualClipC, Aggregation aggregation, KlEstimators.Kind klKind, double klCoef, boolean klInReward,
        double entropyCoef, int updateEpochs, int minibatches, double learningRate, double maxGradNorm,
        double temperature, double topP, int maxNewTokens, boolean dynamicSampling, int maxGenBatches,
        boolean overlongShaping, int overlongCache, int iterations, double maxMinutes, int evalEvery,
        int evalProblems, int evalK, TransformerConfig model) {

    /**
     * The registered algorithm names of the family, each presetting its estimator
     * ({@code trail train --algo rloo}); {@code --algo grpo --set advantage_estimator=NAME} takes any
     * other registry estimator whose inputs the trainer can supply.
     */
    public static final List<String> ESTIMATORS = List.of("grpo", "dr-grpo", "rloo", "remax", "reinforce++",
            "reinforce++-baseline", "lite-ppo");

    public GrpoConfig {
        AdvantageEstimators.entry(estimator); // unknown names: the registry's message listing all
        check("groupSize", groupSize >= 1, groupSize);
        check("promptsPerBatch", promptsPerBatch >= 1, promptsPerBatch);
        new PolicyLoss.Clip(epsilonLow, epsilonHigh, dualClipC); // validates, naming the field
        if (aggregation == null || klKind == null) {
            throw new IllegalArgumentException("grpo aggregation and klKind must not be null");
        }
        check("klCoef", klCoef >= 0 && Double.isFinite(klCoef), klCoef);
        check("entropyCoef", entropyCoef >= 0 && Double.isFinite(entropyCoef), entropyCoef);
        check("updateEpochs", updateEpochs >= 1, updateEpochs);
        check("minibatches", minibatches >= 1 && minibatches <= groupSize * promptsPerBatch, minibatches);
        check("learningRate", learningRate > 0 && Double.isFinite(learningRate), learningRate);
        check("maxGradNorm", maxGradNorm > 0, maxGradNorm);
        check("temperature", temperature > 0 && Double.isFinite(temperature), temperature);
        check("topP", topP > 0 && topP <= 1, topP);
        check("maxNewTokens", maxNewTokens >= 0, maxNewTokens);
        check("maxGenBatches", maxGenBatches >= 1, maxGenBatches);
        check("overlongCache", overlongCache >= 0, overlongCache);
        check("iterations", iterations >= 1, iterations);
        check("maxMinutes", maxMinutes >= 0, maxMinutes);
        check("evalEvery", evalEvery >= 0, evalEvery);
        check("evalProblems", evalProblems >= 1, evalProblems);
        check("evalK", evalK >= 0, evalK);
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
                200, 4, null);
    }

    /** This config with another estimator. */
    public GrpoConfig withEstimator(String name) {
        return new GrpoConfig(name, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with another length: {@code iterations} updates and a wall-clock budget. */
    public GrpoConfig withBudget(int iterations, double maxMinutes) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with other batch sizes. */
    public GrpoConfig withBatch(int groupSize, int promptsPerBatch, int minibatches) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with another evaluation schedule. */
    public GrpoConfig withEval(int evalEvery, int evalProblems, int evalK) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with a model shape (required when there is no {@code --init}). */
    public GrpoConfig withModel(TransformerConfig model) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with DAPO's settings: clip-higher 0.2/0.28, token-mean, dynamic sampling, overlong shaping, no KL. */
    public GrpoConfig withDapo() {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, 0.2, 0.28, dualClipC, Aggregation.TOKEN_MEAN,
                klKind, 0.0, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, true, maxGenBatches, true, overlongCache, iterations, maxMinutes,
                evalEvery, evalProblems, evalK, model);
    }

    /** This config with another KL setting. */
    public GrpoConfig withKl(KlEstimators.Kind kind, double coef, boolean inReward) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                kind, coef, inReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm, temperature,
                topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache, iterations,
                maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with another number of epochs and minibatches per update. */
    public GrpoConfig withEpochs(int updateEpochs, int minibatches) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with other sampling settings ({@code maxNewTokens} 0: the task's default). */
    public GrpoConfig withSampling(double temperature, double topP, int maxNewTokens) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, learningRate, maxGradNorm,
                temperature, topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache,
                iterations, maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** This config with another learning rate. */
    public GrpoConfig withLearningRate(double lr) {
        return new GrpoConfig(estimator, groupSize, promptsPerBatch, epsilonLow, epsilonHigh, dualClipC, aggregation,
                klKind, klCoef, klInReward, entropyCoef, updateEpochs, minibatches, lr, maxGradNorm, temperature,
                topP, maxNewTokens, dynamicSampling, maxGenBatches, overlongShaping, overlongCache, iterations,
                maxMinutes, evalEvery, evalProblems, evalK, model);
    }

    /** The clip settings. */
    public PolicyLoss.Clip clip() {
        return new PolicyLoss.Clip(epsilonLow, epsilonHigh, dualClipC);
    }
}
