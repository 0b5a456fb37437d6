package dev.trail.advantage;

/**
 * ReMax: REINFORCE with the reward of a greedy (argmax) rollout of the same prompt as baseline
 * (Li et al. 2023; {@code ALGORITHMS.md} §1.2 and Appendix A #1).
 *
 * <p>Two forms. The paper form (the default) is {@code A_i = r(x, o_i) − r(x, ō)} on every token.
 * The code form ({@code liziniu/ReMax}, {@code remax_trainer.py}) differs: the difference is
 * clipped to ±{@code clip} (5), discounted from the end ({@code γ^(T−i)}: the last token gets
 * {@code adv·γ}) and a per-token k1 KL penalty is added (per token, not cumulative, despite the
 * code's variable name).
 */
public final class ReMax {

    private ReMax() {
    }

    /** Paper form: {@code A_i = R_i − r_greedy} for each response of the group. */
    public static double[] paper(double[] rewards, double greedyReward) {
        return GroupAdvantages.reinforce(rewards, greedyReward);
    }

    /**
     * Code form, per step: {@code ret_i = −klCoef·(lp_i − lp^ref_i) + clamp(R − r_greedy, −clip, clip)·γ^(T−i)}
     * for the i-th valid step (0-based) of a response with T valid steps; masked steps get 0 and do not
     * count in i or T. Example: R 2.0, r_greedy 1.2, γ 0.99, klCoef 0.05, lp − lp_ref
     * [0.1, −0.2, 0, 0.3] → [0.763477, 0.786239, 0.784080, 0.777000].
     *
     * @param logRatios {@code [T]} lp − lp_ref per step; may be null when {@code klCoef} is 0
     * @param mask {@code [T]} valid steps, or null for all
     * @param length T, the number of steps (used when logRatios and mask are both null)
     */
    public static double[] codeReturns(double reward, double greedyReward, double[] logRatios, boolean[] mask,
            int length, double gamma, double klCoef, double clip) {
        if ((logRatios != null && logRatios.length != length) || (mask != null && mask.length != length)) {
            throw new IllegalArgumentException("logRatios and mask must have the length " + length);
        }
        if (klCoef != 0 && logRatios == null) {
            throw new IllegalArgumentException("klCoef " + klCoef + " needs the per-step log-ratios lp − lp_ref");
        }
        Returns.checkGamma(gamma);
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clip must be >= 0, got " + clip);
        }
        double advantage = Math.max(-clip, Math.min(clip, reward - greedyReward));
        double[] out = new double[length];
        double discount = gamma;
        for (int t = length - 1; t >= 0; t--) {
            if (mask != null && !mask[t]) {
                continue;
            }
            double kl = klCoef == 0 ? 0.0 : klCoef * logRatios[t];
            out[t] = -kl + advantage * discount;
            discount *= gamma;
        }
        return out;
    }
}
