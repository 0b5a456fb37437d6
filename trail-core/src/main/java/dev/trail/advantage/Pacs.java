package dev.trail.advantage;

/**
 * PACS, a supervised (binary-classification) reformulation of RLVR, {@code ALGORITHMS.md} §9.3;
 * source {@code ritzz-ai/PACS} {@code src/pacs/pacs_core_algos.py} [code].
 *
 * <p><b>Math only, not a registered advantage estimator:</b> the logit {@code ψ} is a function of
 * the <em>current</em> policy's log-probabilities, so it lives in the learner's loss, not in
 * credit assignment on collected trajectories.
 *
 * <pre>
 * score ψ_i:   "1" (default): beta * sum_t (lp_{i,t} - lp^old_{i,t})      "2": beta * mean_t lp_{i,t}
 * centring:    rloo (default): ψ̂_i = ψ_i - mean_{j != i} ψ_j
 *              grpo: (ψ - mean) / (std_unbiased + 1e-6);  naive: ψ
 * weights:     w_i = G / (n_classes * count(class of r_i)) (sklearn "balanced"), 1 if one class
 * loss:        (1/N) sum_i w_i [ -r_i log σ(ψ̂_i) - (1 - r_i) log(1 - σ(ψ̂_i)) ]
 * gradient:    dL/dψ̂_i = w_i (σ(ψ̂_i) - r_i) / N
 * </pre>
 *
 * <p>On the first mini-batch step ψ ≡ 0: the loss is {@code log 2 · mean(w)} and the gradient is
 * non-zero. G = 1 with rloo centring divides by zero in the source; here it is an error.
 */
public final class Pacs {

    /** β of the reference script. */
    public static final double DEFAULT_BETA = 1.0;

    /** How ψ is computed from log-probabilities. */
    public enum ScoreMethod {
        /** {@code beta * sum_t (lp - lp_old)} (reward_method "1"). */
        LOG_RATIO_SUM,
        /** {@code beta * mean_t lp} (reward_method "2"). */
        MEAN_LOG_PROB
    }

    /** How ψ is centred within a group. */
    public enum Centring { RLOO, GRPO, NAIVE }

    private Pacs() {
    }

    /** ψ of one response from its valid tokens' log-probabilities ({@code oldLogProbs} unused by MEAN_LOG_PROB). */
    public static double score(double[] logProbs, double[] oldLogProbs, double beta, ScoreMethod method) {
        double s = 0;
        for (int t = 0; t < logProbs.length; t++) {
            s += method == ScoreMethod.LOG_RATIO_SUM ? logProbs[t] - oldLogProbs[t] : logProbs[t];
        }
        if (method == ScoreMethod.MEAN_LOG_PROB) {
            s = logProbs.length == 0 ? 0 : s / logProbs.length;
        }
        return beta * s;
    }

    /** ψ̂ of one group. */
    public static double[] centre(double[] scores, Centring centring) {
        return switch (centring) {
            case NAIVE -> scores.clone();
            case GRPO -> StepCreditSupport.zScorePrivate(scores, 1, 1e-6);
            case RLOO -> {
                if (scores.length < 2) {
                    throw new IllegalArgumentException("RLOO centring needs at least 2 responses per group, got "
                            + scores.length);
                }
                yield StepCreditSupport.rlooBasePrivate(scores);
            }
        };
    }

    /** Class-balanced weights of one group's binary labels (1 everywhere if only one class occurs). */
    public static double[] classWeights(double[] labels) {
        int g = labels.length;
        int positives = 0;
        for (double r : labels) {
            positives += r > 0.5 ? 1 : 0;
        }
        double[] w = new double[g];
        for (int i = 0; i < g; i++) {
            if (positives == 0 || positives == g) {
                w[i] = 1.0;
            } else {
                int count = labels[i] > 0.5 ? positives : g - positives;
                w[i] = (double) g / (2.0 * count);
            }
        }
        return w;
    }

    /** Weighted BCE-with-logits, averaged over the N entries. */
    public static double loss(double[] logits, double[] labels, double[] weights) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double x = logits[i];
            s += weights[i] * (-labels[i] * logSigmoid(x) - (1 - labels[i]) * logSigmoid(-x));
        }
        return s / logits.length;
    }

    /** {@code dL/dψ̂_i = w_i (σ(ψ̂_i) - r_i) / N}. */
    public static double[] lossGradient(double[] logits, double[] labels, double[] weights) {
        double[] g = new double[logits.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = weights[i] * (sigmoid(logits[i]) - labels[i]) / logits.length;
        }
        return g;
    }

    /** Stable {@code log σ(x)} (Appendix B.1). */
    static double logSigmoid(double x) {
        return x > 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
