package dev.trail.loss;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Schulman's per-token KL estimators of KL(π_θ ‖ π_ref) from samples of π_θ, and the two places
 * the KL term goes (ALGORITHMS.md §0.6, §2.4, Appendix B.1; verl {@code kl_penalty}).
 *
 * <p>With {@code δ = lp_ref − lp} (the log of π_ref/π_θ at the sampled token):
 * <pre>
 *   k1  = −δ = lp − lp_ref          unbiased, can be negative          (verl "kl", "k1")
 *   k2  = ½·δ²                      biased, ≥ 0                         (verl "mse", "k2")
 *   k3  = exp(δ) − δ − 1            unbiased, ≥ 0                       (verl "low_var_kl", "k3")
 *   abs = |k1|                                                          (verl "abs")
 * </pre>
 * k3 is computed as {@code expm1(δ) − δ} (exact, no cancellation for small δ; Appendix B.1) with
 * verl's guards: δ is clamped to [−20, 20] first and k3 is clamped to [−10, 10] (in effect
 * [0, 10], since k3 ≥ 0). k1, k2 and abs are not clamped.
 *
 * <p>Placement: <b>in the reward</b> ({@link #penalizeRewards}: r_t ← r_t − β·k(t), usually k1 on
 * the rollout (old) log-probs) or <b>in the loss</b> ({@link #aggregate}: L ← L + β·agg(k(t)),
 * usually k3 on the current log-probs). The KL that drives an adaptive controller (verl
 * {@code apply_kl_penalty}) is {@code Aggregation.SEQ_MEAN_TOKEN_MEAN} of the per-token values.
 *
 * <p>Layout: flat row-major {@code [B, T]}; masked positions are never read and hold 0 in
 * per-token results.
 */
public final class KlEstimators {

    /** δ is clamped to [−DELTA_CLAMP, DELTA_CLAMP] before k3's exp (verl). */
    public static final double DELTA_CLAMP = 20.0;
    /** k3 is clamped to [−K3_CLAMP, K3_CLAMP] (verl). */
    public static final double K3_CLAMP = 10.0;

    private KlEstimators() {
    }

    /** The estimators, with their config names and verl's aliases. */
    public enum Kind {
        /** k1 = lp − lp_ref. */
        K1("k1", "kl"),
        /** k2 = ½(lp − lp_ref)². */
        K2("k2", "mse"),
        /** k3 = exp(δ) − δ − 1, δ = lp_ref − lp, clamped as verl. */
        K3("k3", "low_var_kl"),
        /** |lp − lp_ref|. */
        ABS("abs", "abs");

        private final String cliName;
        private final String verlName;

        Kind(String cliName, String verlName) {
            this.cliName = cliName;
            this.verlName = verlName;
        }

        /** Config name: {@code k1}, {@code k2}, {@code k3} or {@code abs}. */
        public String cliName() {
            return cliName;
        }

        /** verl's name: {@code kl}, {@code mse}, {@code low_var_kl} or {@code abs}. */
        public String verlName() {
            return verlName;
        }

        /** The estimator for a config or verl name; unknown names list the known ones. */
        public static Kind fromName(String name) {
            for (Kind k : values()) {
                if (k.cliName.equals(name) || k.verlName.equals(name)) {
                    return k;
                }
            }
            List<String> known = Arrays.stream(values()).flatMap(k -> java.util.stream.Stream.of(k.cliName, k.verlName))
                    .distinct().collect(Collectors.toList());
            throw new IllegalArgumentException("unknown KL estimator '" + name + "'; known: " + known);
        }

        /** This estimator at one token. */
        public double of(double logProb, double refLogProb) {
            return switch (this) {
                case K1 -> k1(logProb, refLogProb);
                case K2 -> k2(logProb, refLogProb);
                case K3 -> k3(logProb, refLogProb);
                case ABS -> abs(logProb, refLogProb);
            };
        }
    }

    /** k1 = lp − lp_ref. */
    public static double k1(double logProb, double refLogProb) {
        return logProb - refLogProb;
    }

    /** k2 = ½(lp_ref − lp)². */
    public static double k2(double logProb, double refLogProb) {
        double delta = refLogProb - logProb;
        return 0.5 * delta * delta;
    }

    /** k3 = expm1(δ) − δ with δ = clamp(lp_ref − lp, ±20), then clamped to [−10, 10]. */
    public static double k3(double logProb, double refLogProb) {
        double delta = PolicyLoss.clamp(refLogProb - logProb, -DELTA_CLAMP, DELTA_CLAMP);
        return PolicyLoss.clamp(Math.expm1(delta) - delta, -K3_CLAMP, K3_CLAMP);
    }

    /** |lp − lp_ref|. */
    public static double abs(double logProb, double refLogProb) {
        return Math.abs(logProb - refLogProb);
    }

    /**
     * Per-token KL estimates.
     *
     * @param logProbs lp of the sampled tokens, flat {@code [B, T]}
     * @param refLogProbs lp_ref of the same tokens
     * @param mask 0/1 mask; masked positions give 0
     */
    public static double[] perToken(Kind kind, double[] logProbs, double[] refLogProbs, double[] mask) {
        Checks.notNull("logProbs", logProbs);
        Checks.notNull("refLogProbs", refLogProbs);
        Checks.sameLength("logProbs", logProbs, "refLogProbs", refLogProbs);
        Checks.checkMask("logProbs", logProbs, mask);
        double[] out = new double[logProbs.length];
        for (int i = 0; i < out.length; i++) {
            if (mask[i] != 0.0) {
                out[i] = kind.of(logProbs[i], refLogProbs[i]);
            }
        }
        return out;
    }

    /**
     * The in-loss KL term {@code agg(k(t))} (multiply by β yourself).
     *
     * @param maxLength L_max, read only by {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM}
     */
    public static double aggregate(Kind kind, double[] logProbs, double[] refLogProbs, double[] mask, int seqLen,
            Aggregation aggregation, int maxLength) {
        Checks.batchShape("logProbs", logProbs, mask, seqLen);
        return aggregation.aggregate(perToken(kind, logProbs, refLogProbs, mask), mask, seqLen, maxLength);
    }

    /**
     * The in-reward form {@code r_t ← r_t − β·k(t)} on valid tokens; masked positions keep their
     * reward unchanged (verl {@code apply_kl_penalty} zeroes k there).
     *
     * @param rewards token-level rewards, flat {@code [B, T]}
     * @param kl per-token KL estimates, e.g. from {@link #perToken}
     * @param beta β ≥ 0
     * @return new rewards
     */
    public static double[] penalizeRewards(double[] rewards, double[] kl, double[] mask, double beta) {
        Checks.notNull("rewards", rewards);
        Checks.notNull("kl", kl);
        Checks.sameLength("rewards", rewards, "kl", kl);
        Checks.checkMask("rewards", rewards, mask);
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
        double[] out = rewards.clone();
        for (int i = 0; i < out.length; i++) {
            if (mask[i] != 0.0) {
                out[i] = rewards[i] - beta * kl[i];
            }
        }
        return out;
    }
}
