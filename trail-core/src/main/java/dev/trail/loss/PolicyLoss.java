package dev.trail.loss;

/**
 * The clipped policy surrogate of PPO, with DAPO's decoupled clip range (clip-higher) and the
 * dual clip for negative advantages (ALGORITHMS.md §0.5, §2.1–§2.3; Schulman et al. 2017,
 * Yu et al. 2025 (DAPO), Ye et al. 2020 (dual-clip); verl {@code compute_policy_loss_vanilla}).
 *
 * <p>Per valid token, with advantage {@code A} and ratio {@code ρ = exp(lp − lp_old)}:
 * <pre>
 *   l1     = −A·ρ
 *   l2     = −A·clip(ρ, 1 − ε_low, 1 + ε_high)
 *   l_clip = max(l1, l2)                         (PPO when ε_low = ε_high = ε)
 *   l      = A &lt; 0 and dual clip on ? min(l_clip, −A·c) : l_clip      (c &gt; 1)
 * </pre>
 * In the array form the log-ratio {@code lp − lp_old} is clamped to [−20, 20] before {@code exp},
 * as verl does, so a huge ratio cannot overflow to ∞ (and 0·∞ cannot give NaN).
 *
 * <p>Diagnostics, as verl computes them (means over valid tokens, whatever the aggregation mode):
 * <ul>
 *   <li>{@code clipFraction} (verl {@code pg_clipfrac}): fraction of valid tokens with
 *       {@code l2 > l1} strictly, i.e. where the clipped term was chosen <em>and</em> differs.
 *       Tokens with A = 0, or with ρ clipped on the side that does not bind, do not count.</li>
 *   <li>{@code lowerClipFraction} (verl {@code pg_clipfrac_lower}): fraction of valid tokens with
 *       {@code A < 0} and {@code l_clip > −A·c}, i.e. where the dual clip changed the value; 0 when
 *       the dual clip is off.</li>
 *   <li>{@code approxKl} (verl {@code ppo_kl}): mean over valid tokens of {@code lp_old − lp}
 *       (with the same ±20 clamp), the k1 estimate of KL(π_old ‖ π_θ) on tokens sampled from
 *       π_old. It can be negative.</li>
 * </ul>
 * Layout: flat row-major {@code [B, T]} (see the package documentation); masked positions are
 * never read and hold 0 in {@link Result#tokenLosses()}.
 */
public final class PolicyLoss {

    /** The log-ratio is clamped to [−LOG_RATIO_CLAMP, LOG_RATIO_CLAMP] before exp (verl). */
    public static final double LOG_RATIO_CLAMP = 20.0;

    private PolicyLoss() {
    }

    /**
     * Clip settings.
     *
     * @param epsilonLow ε_low: the ratio is clipped below at {@code 1 − ε_low}; in [0, 1)
     * @param epsilonHigh ε_high: the ratio is clipped above at {@code 1 + ε_high}; ≥ 0
     * @param dualClipC c of the dual clip (&gt; 1), or {@code Double.POSITIVE_INFINITY} for off
     */
    public record Clip(double epsilonLow, double epsilonHigh, double dualClipC) {

        /** verl's default dual-clip constant. */
        public static final double DEFAULT_DUAL_CLIP_C = 3.0;

        public Clip {
            if (!(epsilonLow >= 0 && epsilonLow < 1)) {
                throw new IllegalArgumentException("epsilonLow must be in [0, 1), got " + epsilonLow);
            }
            if (!(epsilonHigh >= 0) || Double.isInfinite(epsilonHigh)) {
                throw new IllegalArgumentException("epsilonHigh must be finite and >= 0, got " + epsilonHigh);
            }
            if (!(dualClipC > 1)) {
                throw new IllegalArgumentException("dualClipC must be > 1 (or +infinity for no dual clip), got "
                        + dualClipC);
            }
        }

        /** Standard PPO: ε_low = ε_high = ε, no dual clip. */
        public static Clip ppo(double epsilon) {
            return new Clip(epsilon, epsilon, Double.POSITIVE_INFINITY);
        }

        /** DAPO clip-higher: separate ε_low and ε_high (0.2 / 0.28 in the paper), no dual clip. */
        public static Clip decoupled(double epsilonLow, double epsilonHigh) {
            return new Clip(epsilonLow, epsilonHigh, Double.POSITIVE_INFINITY);
        }

        /** The same clip range with the dual clip at {@code c} (verl default 3, DAPO recipes 10). */
        public Clip withDualClip(double c) {
            return new Clip(epsilonLow, epsilonHigh, c);
        }

        /** Whether the dual clip is on. */
        public boolean dualClip() {
            return dualClipC != Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Named terms of the policy loss.
     *
     * @param tokenLosses per-token loss {@code l}, flat {@code [B, T]}, 0 at masked positions
     * @param loss {@code aggregation(tokenLosses, mask)}: the term to minimise
     * @param clipFraction verl {@code pg_clipfrac}, see the class documentation
     * @param lowerClipFraction verl {@code pg_clipfrac_lower}
     * @param approxKl verl {@code ppo_kl}: mean over valid tokens of {@code lp_old − lp}
     */
    public record Result(double[] tokenLosses, double loss, double clipFraction, double lowerClipFraction,
            double approxKl) {
    }

    /**
     * The loss of one token from its ratio and advantage (the §0.5 table).
     *
     * @param ratio ρ = π_θ/π_old at the sampled token
     */
    public static double tokenLoss(double ratio, double advantage, Clip clip) {
        double l1 = -advantage * ratio;
        double l2 = -advantage * clamp(ratio, 1 - clip.epsilonLow(), 1 + clip.epsilonHigh());
        double clipped = Math.max(l1, l2);
        if (advantage < 0 && clip.dualClip()) {
            return Math.min(clipped, -advantage * clip.dualClipC());
        }
        return clipped;
    }

    /** As {@link #compute(double[], double[], double[], double[], int, Clip, Aggregation, int)} for modes without L_max. */
    public static Result compute(double[] logProbs, double[] oldLogProbs, double[] advantages, double[] mask,
            int seqLen, Clip clip, Aggregation aggregation) {
        if (aggregation != null && aggregation.needsMaxLength()) {
            throw new IllegalArgumentException(aggregation.cliName() + " needs L_max; pass maxLength");
        }
        return compute(logProbs, oldLogProbs, advantages, mask, seqLen, clip, aggregation, 0);
    }

    /**
     * The policy loss and its diagnostics over a batch.
     *
     * <p>For gradient accumulation, re-aggregate {@link Result#tokenLosses()} with the mini-batch
     * totals ({@link Aggregation#aggregate(double[], double[], int, int, Aggregation.Totals)}).
     *
     * @param logProbs lp, log π_θ of the sampled tokens, flat {@code [B, T]}
     * @param oldLogProbs lp_old, log π_old of the same tokens
     * @param advantages A per token
     * @param mask 0/1 loss mask
     * @param seqLen T
     * @param maxLength L_max, read only by {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM}
     */
    public static Result compute(double[] logProbs, double[] oldLogProbs, double[] advantages, double[] mask,
            int seqLen, Clip clip, Aggregation aggregation, int maxLength) {
        Checks.notNull("logProbs", logProbs);
        Checks.notNull("oldLogProbs", oldLogProbs);
        Checks.notNull("advantages", advantages);
        Checks.sameLength("logProbs", logProbs, "oldLogProbs", oldLogProbs);
        Checks.sameLength("logProbs", logProbs, "advantages", advantages);
        Checks.batchShape("logProbs", logProbs, mask, seqLen);
        if (clip == null || aggregation == null) {
            throw new IllegalArgumentException("clip and aggregation must not be null");
        }
        int n = logProbs.length;
        double[] tokenLosses = new double[n];
        int valid = 0;
        int clipped = 0;
        int lowerClipped = 0;
        double klSum = 0.0;
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0.0) {
                continue;
            }
            valid++;
            double logRatio = clamp(logProbs[i] - oldLogProbs[i], -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP);
            double ratio = Math.exp(logRatio);
            double a = advantages[i];
            double l1 = -a * ratio;
            double l2 = -a * clamp(ratio, 1 - clip.epsilonLow(), 1 + clip.epsilonHigh());
            double l = Math.max(l1, l2);
            if (l2 > l1) {
                clipped++;
            }
            if (a < 0 && clip.dualClip()) {
                double cap = -a * clip.dualClipC();
                if (l > cap) {
                    lowerClipped++;
                }
                l = Math.min(l, cap);
            }
            tokenLosses[i] = l;
            klSum += -logRatio;
        }
        double loss = aggregation.aggregate(tokenLosses, mask, seqLen, maxLength);
        if (valid == 0) {
            return new Result(tokenLosses, loss, 0.0, 0.0, 0.0);
        }
        return new Result(tokenLosses, loss, (double) clipped / valid, (double) lowerClipped / valid,
                klSum / valid);
    }

    static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
