package dev.trail.loss;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a per-token loss matrix {@code L[B, T]} with mask {@code m} becomes one scalar
 * (ALGORITHMS.md §0.4; Appendix B.4).
 *
 * <p>Layout: {@code L} and {@code m} are flat row-major {@code [B, T]} arrays with {@code T = seqLen}
 * (see the package documentation). Masked positions are never read.
 *
 * <table>
 *   <caption>Modes (N = Σ m, the number of valid tokens; S = number of rows with at least one valid token)</caption>
 *   <tr><th>mode</th><th>cli name</th><th>value</th></tr>
 *   <tr><td>{@link #TOKEN_MEAN}</td><td>{@code token-mean}</td><td>Σ_{b,t} L·m / N</td></tr>
 *   <tr><td>{@link #SEQ_MEAN_TOKEN_MEAN}</td><td>{@code seq-mean-token-mean}</td>
 *       <td>(1/S) Σ_b [Σ_t L·m / Σ_t m]</td></tr>
 *   <tr><td>{@link #SEQ_MEAN_TOKEN_SUM}</td><td>{@code seq-mean-token-sum}</td><td>(1/S) Σ_b Σ_t L·m</td></tr>
 *   <tr><td>{@link #SEQ_MEAN_TOKEN_SUM_NORM}</td><td>{@code seq-mean-token-sum-norm}</td>
 *       <td>(1/S) Σ_b Σ_t L·m / L_max (Dr. GRPO, constant generation budget)</td></tr>
 *   <tr><td>{@link #VERL_SEQ_MEAN_TOKEN_SUM_NORM}</td><td>{@code verl-seq-mean-token-sum-norm}</td>
 *       <td>Σ_b Σ_t L·m / T (a sum over rows, divided by the padded width)</td></tr>
 * </table>
 *
 * <p>Special cases, chosen to match verl's {@code agg_loss}:
 * <ul>
 *   <li>Rows without any valid token are not sequences: they are left out of S (verl: "exclude
 *       fully masked sequences"), so masking a whole response out (overlong filtering) is the same
 *       as removing it from the batch.</li>
 *   <li>With no valid token at all (N = 0) every mode returns {@code 0.0}.</li>
 *   <li>The spec's {@code 1/B} in the seq-mean formulas is read as {@code 1/S}; the two agree
 *       whenever every row has a valid token.</li>
 * </ul>
 *
 * <p><b>Gradient accumulation</b> (Appendix B.4). When a mini-batch is split into micro-batches,
 * pass the mini-batch's {@link Totals} to {@link #aggregate(double[], double[], int, int, Totals)}:
 * the micro-batch results then <em>sum</em> to the full mini-batch value in every mode (token-mean
 * is normalised by the global token count, not per micro-batch, as DAPO defines it).
 */
public enum Aggregation {

    /** Σ L·m / N: every valid token of the batch weighs the same (DAPO, Lite PPO, verl default). */
    TOKEN_MEAN("token-mean"),
    /** Mean over sequences of each sequence's token mean (original GRPO objective). */
    SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean"),
    /** Mean over sequences of each sequence's token sum. */
    SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum"),
    /** Dr. GRPO: mean over sequences of the token sum divided by the constant budget L_max. */
    SEQ_MEAN_TOKEN_SUM_NORM("seq-mean-token-sum-norm"),
    /**
     * verl's {@code seq-mean-token-sum-norm}: Σ over rows of the token sum, divided by the padded
     * width T (not by the number of sequences). Kept for reproducing verl runs; see Appendix A #3.
     */
    VERL_SEQ_MEAN_TOKEN_SUM_NORM("verl-seq-mean-token-sum-norm");

    private final String cliName;

    Aggregation(String cliName) {
        this.cliName = cliName;
    }

    /** The name used in configs and on the command line, e.g. {@code token-mean}. */
    public String cliName() {
        return cliName;
    }

    /** Whether this mode needs the generation budget {@code L_max}. */
    public boolean needsMaxLength() {
        return this == SEQ_MEAN_TOKEN_SUM_NORM;
    }

    /**
     * The mode with this cli name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Aggregation fromCliName(String name) {
        for (Aggregation a : values()) {
            if (a.cliName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown loss aggregation '" + name + "'; known: " + cliNames());
    }

    /** All cli names, in declaration order (for help texts and {@code Option.choice}). */
    public static java.util.List<String> cliNames() {
        return Arrays.stream(values()).map(Aggregation::cliName).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The normalisers of a whole mini-batch, for aggregating micro-batches under gradient
     * accumulation.
     *
     * @param tokens number of valid tokens N in the mini-batch
     * @param sequences number of rows with at least one valid token S in the mini-batch
     */
    public record Totals(long tokens, long sequences) {
        public Totals {
            if (tokens < 0 || sequences < 0 || sequences > tokens) {
                throw new IllegalArgumentException("totals need 0 <= sequences <= tokens, got tokens=" + tokens
                        + ", sequences=" + sequences);
            }
        }

        /** The totals of one batch given its {@code [B, T]} mask. */
        public static Totals of(double[] mask, int seqLen) {
            int rows = Checks.batchShape("mask", mask, mask, seqLen);
            long tokens = 0;
            long sequences = 0;
            for (int b = 0; b < rows; b++) {
                int rowTokens = 0;
                for (int t = 0; t < seqLen; t++) {
                    if (mask[b * seqLen + t] != 0.0) {
                        rowTokens++;
                    }
                }
                tokens += rowTokens;
                if (rowTokens > 0) {
                    sequences++;
                }
            }
            return new Totals(tokens, sequences);
        }

        /** The totals of two disjoint batches together. */
        public Totals plus(Totals other) {
            return new Totals(tokens + other.tokens, sequences + other.sequences);
        }
    }

    /**
     * Aggregates a batch by itself, for modes that do not need L_max.
     *
     * @param losses per-token losses, flat {@code [B, T]}
     * @param mask 0/1 mask, flat {@code [B, T]}
     * @param seqLen T
     * @throws IllegalArgumentException on a shape mismatch, a non 0/1 mask, or for
     *     {@link #SEQ_MEAN_TOKEN_SUM_NORM}, which needs {@code L_max}
     */
    public double aggregate(double[] losses, double[] mask, int seqLen) {
        if (needsMaxLength()) {
            throw new IllegalArgumentException(cliName + " divides by the generation budget L_max; call "
                    + "aggregate(losses, mask, seqLen, maxLength)");
        }
        return aggregate(losses, mask, seqLen, 0);
    }

    /**
     * Aggregates a batch by itself.
     *
     * @param maxLength L_max, the constant generation budget; read only by
     *     {@link #SEQ_MEAN_TOKEN_SUM_NORM}, where it must be positive
     */
    public double aggregate(double[] losses, double[] mask, int seqLen, int maxLength) {
        return aggregate(losses, mask, seqLen, maxLength, Totals.of(mask, seqLen));
    }

    /**
     * Aggregates one micro-batch as its share of a mini-batch whose normalisers are
     * {@code totals}; the shares of all micro-batches sum to the mini-batch's aggregate.
     * {@link #VERL_SEQ_MEAN_TOKEN_SUM_NORM} reads no totals (it is a sum divided by T).
     *
     * @param totals normalisers of the whole mini-batch, e.g. {@code Totals.of(a).plus(Totals.of(b))}
     */
    public double aggregate(double[] losses, double[] mask, int seqLen, int maxLength, Totals totals) {
        int rows = Checks.batchShape("losses", losses, mask, seqLen);
        if (needsMaxLength() && maxLength <= 0) {
            throw new IllegalArgumentException(cliName + " needs a positive L_max (maxLength), got " + maxLength);
        }
        if (totals == null) {
            throw new IllegalArgumentException("totals must not be null");
        }
        Totals local = Totals.of(mask, seqLen);
        if (local.tokens() > totals.tokens() || local.sequences() > totals.sequences()) {
            throw new IllegalArgumentException("this batch has " + local + " but the given totals are " + totals
                    + "; totals must cover the whole mini-batch");
        }
        if (totals.tokens() == 0) {
            return 0.0;
        }
        double sum = 0.0;
        double sumOfRowMeans = 0.0;
        for (int b = 0; b < rows; b++) {
            double rowSum = 0.0;
            int rowTokens = 0;
            for (int t = 0; t < seqLen; t++) {
                int i = b * seqLen + t;
                if (mask[i] != 0.0) {
                    rowSum += losses[i];
                    rowTokens++;
                }
            }
            sum += rowSum;
            if (rowTokens > 0) {
                sumOfRowMeans += rowSum / rowTokens;
            }
        }
        return switch (this) {
            case TOKEN_MEAN -> sum / totals.tokens();
            case SEQ_MEAN_TOKEN_MEAN -> sumOfRowMeans / totals.sequences();
            case SEQ_MEAN_TOKEN_SUM -> sum / totals.sequences();
            case SEQ_MEAN_TOKEN_SUM_NORM -> sum / ((double) totals.sequences() * maxLength);
            case VERL_SEQ_MEAN_TOKEN_SUM_NORM -> sum / seqLen;
        };
    }
}
