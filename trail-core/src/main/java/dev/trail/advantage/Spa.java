package dev.trail.advantage;

/**
 * SPA-RL, stepwise progress attribution, {@code ALGORITHMS.md} §7; source
 * {@code WangHanLinHenry/SPA-RL-Agent} ({@code prm/train_our_progress_model.py},
 * {@code prm/rl_data_org.py}) [paper; code].
 *
 * <p>A progress estimator gives each agent turn {@code t = 1..T} a contribution {@code ĉ_t},
 * trained so that the contributions sum to the final reward:
 * {@code L = (sum_t ĉ_t - R)^2}. The per-turn reward for RL is
 *
 * <pre>
 * paper (default):  r_t = alpha * ĉ_t + beta * g_t          g_t = 1 if the action executed validly, else 0
 * code variant:     r_t = (R_i - mean_{j != i} R_j) + beta * g_t   (the stored rl_data_org.py overwrites the
 *                   per-turn values with the RLOO-centred final reward, the same for every turn)
 * </pre>
 *
 * <p>The code's grounding bonus is 0.5 unless the next observation says "Nothing happens" (and
 * 0.5 on the last turn), i.e. {@code alpha = 1, beta = 0.5} with {@code g ∈ {0, 1}}. Appendix A #9
 * recommends the paper form with the code form as an ablation. The policy update is step-level
 * PPO with GAE over turns ({@link #gaeOverValidSteps}).
 *
 * <p>Layout: one trajectory, one entry per turn. Contributions are unconstrained in sign.
 */
public final class Spa {

    /** Weight of the progress contribution (code: 1). */
    public static final double DEFAULT_ALPHA = 1.0;
    /** Weight of the grounding signal (code: 0.5). */
    public static final double DEFAULT_BETA = 0.5;

    /** Per-step advantages and returns ({@code A + V}). */
    public record StepTargets(double[] advantages, double[] returns) {
    }

    private Spa() {
    }

    /** The progress estimator's loss {@code (sum_t ĉ_t - R)^2} for one trajectory. */
    public static double progressLoss(double[] contributions, double finalReward) {
        double d = sum(contributions) - finalReward;
        return d * d;
    }

    /** {@code dL/dĉ_t = 2 (sum ĉ - R)}, the same for every turn. */
    public static double[] progressLossGradient(double[] contributions, double finalReward) {
        double g = 2 * (sum(contributions) - finalReward);
        double[] out = new double[contributions.length];
        java.util.Arrays.fill(out, g);
        return out;
    }

    /** Paper form: {@code r_t = alpha * ĉ_t + beta * g_t}; {@code grounding} may be null when beta is 0. */
    public static double[] stepRewards(double[] contributions, double[] grounding, double alpha, double beta) {
        double[] r = new double[contributions.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = alpha * contributions[t] + (beta == 0 ? 0 : beta * grounding[t]);
        }
        return r;
    }

    /**
     * Code variant: every turn of trajectory {@code i} gets its RLOO-centred final reward plus the
     * grounding bonus. A singleton group keeps the raw reward (verl's RLOO convention).
     *
     * @param groupRewards final rewards of the group's trajectories
     * @param i this trajectory's index in the group
     * @param grounding {@code g_t} of this trajectory (null when beta is 0)
     * @param length number of turns
     */
    public static double[] codeVariantStepRewards(double[] groupRewards, int i, double[] grounding, double beta,
            int length) {
        double centred = StepCreditSupport.rlooBasePrivate(groupRewards)[i];
        double[] r = new double[length];
        for (int t = 0; t < length; t++) {
            r[t] = centred + (beta == 0 ? 0 : beta * grounding[t]);
        }
        return r;
    }

    /**
     * GAE over the valid steps only (masked steps are skipped, get 0 and are not read):
     * {@code δ_j = r_j + γ V_{j+1} - V_j}, {@code A_j = δ_j + γλ A_{j+1}} along the subsequence of
     * valid steps, with {@code V = 0} when {@code values} is null and {@code lastValue} after the last
     * valid step. With no critic, γ = λ = 1 gives the reward-to-go. Private copy of the §2.1 GAE
     * recursion, to be replaced by the shared {@code Gae} after merging.
     */
    public static StepTargets gaeOverValidSteps(double[] rewards, double[] values, boolean[] valid, double gamma,
            double lambda, double lastValue) {
        int n = rewards.length;
        double[] adv = new double[n];
        double[] ret = new double[n];
        double nextValue = lastValue;
        double nextAdv = 0;
        for (int t = n - 1; t >= 0; t--) {
            if (valid != null && !valid[t]) {
                continue;
            }
            double v = values == null ? 0.0 : values[t];
            double delta = rewards[t] + gamma * nextValue - v;
            nextAdv = delta + gamma * lambda * nextAdv;
            adv[t] = nextAdv;
            ret[t] = nextAdv + v;
            nextValue = v;
        }
        return new StepTargets(adv, ret);
    }

    private static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }
}
