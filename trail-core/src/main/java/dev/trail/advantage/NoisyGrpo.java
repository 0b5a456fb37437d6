package dev.trail.advantage;

/**
 * NoisyGRPO's Bayesian advantage, {@code ALGORITHMS.md} §9.1; source {@code Artanic30/NoisyGRPO}
 * ({@code noisy_grpo_trainer.py}, {@code rewards.py}) [code]. Appendix A #12: follow the code's
 * Kalman-style fusion.
 *
 * <p>A group is one prompt with one generation per noise level {@code n_i} (e.g.
 * {@code [0, 0.3, 0.6, 0.9]}, the first image clean):
 *
 * <pre>
 * gn(x)   = (x - mean(x)) / (std_unbiased(x) + 1e-4)
 * prior   p_i = gn(1 - n_i)                        less noise =&gt; more visually grounded
 * obs     s_i = gn(R_i)                            R_i = sum of semantic rewards (correctness + format)
 * P       = pAlpha / (std_unbiased(R)^2 + pAlpha)  prior confidence
 * K       = clip(P / (rValue + P), 0, 1)           Kalman gain
 * fused_i = s_i + K (p_i - s_i)
 * A_i     = gn(fused_i)
 * </pre>
 *
 * <p>All-equal semantic rewards give std 0, {@code P = 1}, {@code K = 1/(1 + rValue)}: the
 * advantage follows the noise prior, so the group still gives a gradient (unlike GRPO). A
 * singleton group has no spread: its std is taken as 0, so every {@code gn} is 0 and {@code A = 0}.
 */
public final class NoisyGrpo {

    /** The codebase's epsilon in {@code gn}. */
    public static final double EPSILON = 1e-4;
    /** {@code p_alpha} of the training script (the trainer's own default is 0.1). */
    public static final double DEFAULT_P_ALPHA = 0.01;
    /** {@code r_value} of the script and the trainer. */
    public static final double DEFAULT_R_VALUE = 0.1;

    /**
     * Every intermediate of the fusion, for tests and diagnostics.
     *
     * @param prior {@code p_i}
     * @param observation {@code s_i}
     * @param priorConfidence {@code P}
     * @param gain {@code K}
     * @param fused {@code fused_i}
     * @param advantages {@code A_i}
     */
    public record Fusion(double[] prior, double[] observation, double priorConfidence, double gain,
            double[] fused, double[] advantages) {
    }

    private NoisyGrpo() {
    }

    /** {@code gn(x) = (x - mean) / (std_unbiased + 1e-4)}; a singleton gives 0. */
    public static double[] groupNormalise(double[] x) {
        return StepCreditSupport.zScorePrivate(x, 1, EPSILON);
    }

    /**
     * The posterior advantages of one group.
     *
     * @param noiseLevels {@code n_i} in [0, 1], one per member
     * @param semanticRewards {@code R_i}, one per member
     * @param pAlpha prior strength {@code p_alpha}
     * @param rValue observation noise {@code r_value}
     */
    public static Fusion advantages(double[] noiseLevels, double[] semanticRewards, double pAlpha, double rValue) {
        int g = noiseLevels.length;
        if (semanticRewards.length != g) {
            throw new IllegalArgumentException(g + " noise levels but " + semanticRewards.length + " rewards");
        }
        double[] clean = new double[g];
        for (int i = 0; i < g; i++) {
            clean[i] = 1.0 - noiseLevels[i];
        }
        double[] p = groupNormalise(clean);
        double[] s = groupNormalise(semanticRewards);
        double sd = StepCreditSupport.stdPrivate(semanticRewards, 1);
        double confidence = pAlpha / (sd * sd + pAlpha);
        double gain = Math.min(1.0, Math.max(0.0, confidence / (rValue + confidence)));
        double[] fused = new double[g];
        for (int i = 0; i < g; i++) {
            fused[i] = s[i] + gain * (p[i] - s[i]);
        }
        return new Fusion(p, s, confidence, gain, fused, groupNormalise(fused));
    }
}
