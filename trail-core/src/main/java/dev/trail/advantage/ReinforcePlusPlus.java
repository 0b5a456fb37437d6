package dev.trail.advantage;

/**
 * REINFORCE++ and REINFORCE++-baseline ({@code ALGORITHMS.md} §1.7; verl
 * {@code compute_reinforce_plus_plus_outcome_advantage} and {@code ..._baseline_...}).
 *
 * <pre>
 * REINFORCE++:           r_t = r^env_t − β·k1_t          k1_t = lp^old_t − lp^ref_t; the outcome R sits on the last valid step
 *                        G_t = Σ_{k≥t, valid} γ^{k−t} r_k
 *                        A   = masked_whiten(G) over every valid step of the batch (token-weighted, unbiased)
 * REINFORCE++-baseline:  c_i = R_i − mean_g(R)            (G = 1: mean 0, c = R)
 *                        r_t = c_i on the last valid step − β·k1_t;  then G and A as above
 * </pre>
 *
 * <p>Layout: ragged rows {@code [trajectory][step]}; a null mask or mask row means all valid.
 * Masked steps get 0 and are skipped by the return scan (see {@link Returns}). Returns in the
 * result are G (before whitening), advantages are the whitened G.
 *
 * <p>The baseline variant's KL placement is marked "verify" in the spec: its default (β = 0, KL in
 * the loss as OpenRLHF recommends) broadcasts c_i to every valid step; β &gt; 0 is the
 * [reconstructed] KL-in-reward reading (OpenRLHF's {@code compute_reward} with the centred score),
 * kept as an option.
 */
public final class ReinforcePlusPlus {

    private ReinforcePlusPlus() {
    }

    /**
     * REINFORCE++.
     *
     * @param rewards {@code [trajectory][step]} environment rewards (outcome on the last valid step)
     * @param logRatios {@code [trajectory][step]} k1 = lp^old − lp^ref; may be null when {@code klCoef} is 0
     * @param masks valid steps per trajectory, or null
     * @param klCoef β ≥ 0
     * @param gamma γ (1 by default)
     * @param unbiased Bessel correction in the whitening (verl: true)
     * @param epsilon whitening ε (1e-8)
     */
    public static AdvantageResult advantages(double[][] rewards, double[][] logRatios, boolean[][] masks,
            double klCoef, double gamma, boolean unbiased, double epsilon) {
        check(rewards, logRatios, masks, klCoef);
        double[][] shaped = new double[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            shaped[i] = rewards[i].clone();
            subtractKl(shaped[i], logRatios == null ? null : logRatios[i], klCoef);
        }
        return whitenReturns(shaped, masks, gamma, unbiased, epsilon);
    }

    /**
     * REINFORCE++-baseline. R_i is the sum of trajectory i's valid rewards; groups are consecutive
     * runs of {@code groupSizes}. With β = 0 and γ = 1 (the defaults) every valid step of response i
     * gets {@code whiten(c_i)}.
     */
    public static AdvantageResult baseline(double[][] rewards, int[] groupSizes, double[][] logRatios,
            boolean[][] masks, double klCoef, double gamma, boolean unbiased, double epsilon) {
        check(rewards, logRatios, masks, klCoef);
        double[] outcomes = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            boolean[] m = masks == null ? null : masks[i];
            for (int t = 0; t < rewards[i].length; t++) {
                if (m == null || m[t]) {
                    outcomes[i] += rewards[i][t];
                }
            }
        }
        double[] centred = GroupAdvantages.centeredByGroup(outcomes, groupSizes);
        double[][] shaped = new double[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            shaped[i] = new double[rewards[i].length];
            int last = lastValid(masks == null ? null : masks[i], rewards[i].length);
            if (last >= 0) {
                shaped[i][last] = centred[i];
            }
            subtractKl(shaped[i], logRatios == null ? null : logRatios[i], klCoef);
        }
        return whitenReturns(shaped, masks, gamma, unbiased, epsilon);
    }

    private static AdvantageResult whitenReturns(double[][] shaped, boolean[][] masks, double gamma,
            boolean unbiased, double epsilon) {
        double[][] returns = new double[shaped.length][];
        for (int i = 0; i < shaped.length; i++) {
            returns[i] = Returns.discounted(shaped[i], masks == null ? null : masks[i], gamma, 0.0);
        }
        return new AdvantageResult(Whitening.whiten(returns, masks, unbiased, epsilon), returns);
    }

    private static void subtractKl(double[] row, double[] logRatios, double klCoef) {
        if (klCoef == 0) {
            return;
        }
        for (int t = 0; t < row.length; t++) {
            row[t] -= klCoef * logRatios[t];
        }
    }

    private static int lastValid(boolean[] mask, int length) {
        for (int t = length - 1; t >= 0; t--) {
            if (mask == null || mask[t]) {
                return t;
            }
        }
        return -1;
    }

    private static void check(double[][] rewards, double[][] logRatios, boolean[][] masks, double klCoef) {
        if (!(klCoef >= 0)) {
            throw new IllegalArgumentException("klCoef must be >= 0, got " + klCoef);
        }
        if (klCoef != 0 && logRatios == null) {
            throw new IllegalArgumentException("klCoef " + klCoef + " needs the per-step log-ratios lp_old − lp_ref");
        }
        if (masks != null && masks.length != rewards.length) {
            throw new IllegalArgumentException("masks has " + masks.length + " rows but there are " + rewards.length);
        }
        if (logRatios != null && logRatios.length != rewards.length) {
            throw new IllegalArgumentException("logRatios has " + logRatios.length + " rows but there are "
                    + rewards.length);
        }
        for (int i = 0; i < rewards.length; i++) {
            if (logRatios != null && klCoef != 0 && logRatios[i].length != rewards[i].length) {
                throw new IllegalArgumentException("row " + i + ": logRatios has " + logRatios[i].length
                        + " steps but rewards has " + rewards[i].length);
            }
        }
    }
}
