package dev.trail.loss;

/**
 * Entropy of the policy's token distribution, for the entropy bonus
 * {@code L_total = L_pg − c_ent·agg(H_t)} (ALGORITHMS.md §0.7; verl {@code entropy_from_logits}).
 *
 * <pre>
 *   H = −Σ_v p_v·log p_v                   (0·log 0 = 0)
 *   from logits z:  H = log Σ_v exp(z_v − m) − Σ_v p_v·(z_v − m),   m = max_v z_v,  p = softmax(z)
 * </pre>
 * The logits form subtracts the max first (stable log-softmax, Appendix B.1); logits of −∞ (banned
 * tokens) have p = 0 and contribute nothing. The result is in nats.
 *
 * <p>Layout of per-token logits: flat row-major {@code [B, T, V]} ({@code V = vocabSize}), so the
 * entropies are flat {@code [B, T]}; masked tokens are not read and hold 0.
 */
public final class Entropy {

    /** Allowed |Σp − 1| for {@link #ofProbabilities}. */
    public static final double PROBABILITY_SUM_TOLERANCE = 1e-6;

    private Entropy() {
    }

    /**
     * H(p) of one probability vector.
     *
     * @throws IllegalArgumentException if an entry is negative or NaN, or the sum is not 1 within
     *     {@link #PROBABILITY_SUM_TOLERANCE}
     */
    public static double ofProbabilities(double[] probabilities) {
        Checks.notNull("probabilities", probabilities);
        double sum = 0.0;
        double h = 0.0;
        for (int v = 0; v < probabilities.length; v++) {
            double p = probabilities[v];
            if (!(p >= 0)) {
                throw new IllegalArgumentException("probabilities[" + v + "] = " + p + "; must be >= 0");
            }
            sum += p;
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        if (Math.abs(sum - 1.0) > PROBABILITY_SUM_TOLERANCE) {
            throw new IllegalArgumentException("probabilities sum to " + sum + ", not 1");
        }
        return h;
    }

    /** H(softmax(z)) of one logit vector. */
    public static double ofLogits(double[] logits) {
        Checks.notNull("logits", logits);
        return ofLogits(logits, 0, logits.length);
    }

    private static double ofLogits(double[] logits, int from, int vocabSize) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = from; v < from + vocabSize; v++) {
            double z = logits[v];
            if (Double.isNaN(z) || z == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + v + "] = " + z + "; logits must be finite or -infinity");
            }
            max = Math.max(max, z);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("logits[" + from + ".." + (from + vocabSize - 1)
                    + "] are all -infinity (or empty): no distribution");
        }
        double sumExp = 0.0;
        double weighted = 0.0;
        for (int v = from; v < from + vocabSize; v++) {
            double shifted = logits[v] - max;
            double e = Math.exp(shifted);
            if (e > 0) {
                sumExp += e;
                weighted += e * shifted;
            }
        }
        return Math.log(sumExp) - weighted / sumExp;
    }

    /**
     * Per-token entropies from logits.
     *
     * @param logits flat {@code [B, T, V]}
     * @param vocabSize V
     * @param mask 0/1 mask of shape {@code [B, T]}; masked tokens give 0
     * @return flat {@code [B, T]} entropies
     */
    public static double[] perToken(double[] logits, int vocabSize, double[] mask) {
        Checks.notNull("logits", logits);
        Checks.notNull("mask", mask);
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        if ((long) mask.length * vocabSize != logits.length) {
            throw new IllegalArgumentException("logits has length " + logits.length + " but mask has length "
                    + mask.length + "; logits must be mask.length * vocabSize = " + (long) mask.length * vocabSize);
        }
        Checks.checkMask("mask", mask, mask);
        double[] out = new double[mask.length];
        for (int i = 0; i < out.length; i++) {
            if (mask[i] != 0.0) {
                out[i] = ofLogits(logits, i * vocabSize, vocabSize);
            }
        }
        return out;
    }

    /**
     * {@code agg(H_t)}: per-token entropies from logits, aggregated like the policy loss.
     *
     * @param maxLength L_max, read only by {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM}
     */
    public static double aggregate(double[] logits, int vocabSize, double[] mask, int seqLen,
            Aggregation aggregation, int maxLength) {
        double[] h = perToken(logits, vocabSize, mask);
        return aggregation.aggregate(h, mask, seqLen, maxLength);
    }
}
