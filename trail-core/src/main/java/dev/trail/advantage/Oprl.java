package dev.trail.advantage;

/**
 * OPRL, online process reward learning (Liu et al. 2025, arXiv 2509.19199),
 * {@code ALGORITHMS.md} §9.4 [paper]. An implicit PRM {@code π_φ} is trained online by
 * trajectory-level DPO against the old policy; its per-action log ratio is the step reward.
 *
 * <pre>
 * PRM loss:       -log σ( beta * Σ lr(τ+) - beta * Σ lr(τ-) )     lr = log π_φ/π_old over agent action tokens
 * step reward:    r_t = beta * lr_t                               (summed over a_t's tokens)
 * step advantage: A^S = (r - mean) / (std_unbiased + 1e-6)        over the batch (or the group)
 * combined:       A = A^E + alpha * A^S                           A^E: GRPO/RLOO on outcomes
 * </pre>
 *
 * <p><b>[reconstructed]</b>: the normaliser of A^S (batch z-score, unbiased, +1e-6 reproduces the
 * spec's vector), α (default 1) and the pair rule are not verified. A group with all outcomes
 * equal has no pairs (skip its PRM update) but still has step rewards. The step rewards telescope:
 * their sum is beta times the trajectory's log ratio.
 */
public final class Oprl {

    /** β of the spec's example. */
    public static final double DEFAULT_BETA = 0.05;
    /** Weight of the step advantage; not verified. */
    public static final double DEFAULT_ALPHA = 1.0;
    /** Epsilon of the step-advantage z-score. */
    public static final double EPSILON = 1e-6;

    private Oprl() {
    }

    /**
     * Trajectory-level DPO loss of one preference pair.
     *
     * @param preferredLogRatio {@code Σ_t log π_φ/π_old} over the preferred trajectory's action tokens
     * @param rejectedLogRatio the same for the rejected trajectory
     */
    public static double prmLoss(double preferredLogRatio, double rejectedLogRatio, double beta) {
        return -Pacs.logSigmoid(beta * preferredLogRatio - beta * rejectedLogRatio);
    }

    /** Step rewards {@code beta * lr_t}. */
    public static double[] stepRewards(double[] logRatios, double beta) {
        double[] r = new double[logRatios.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = beta * logRatios[t];
        }
        return r;
    }

    /** Step advantages: the z-score of all step rewards passed in (unbiased std, +1e-6). */
    public static double[] stepAdvantages(double[] stepRewards) {
        return StepCreditSupport.zScorePrivate(stepRewards, 1, EPSILON);
    }

    /** {@code A^E + alpha * A^S_t} for one trajectory. */
    public static double[] combine(double episodeAdvantage, double[] stepAdvantages, double alpha) {
        double[] a = new double[stepAdvantages.length];
        for (int t = 0; t < a.length; t++) {
            a[t] = episodeAdvantage + alpha * stepAdvantages[t];
        }
        return a;
    }
}
