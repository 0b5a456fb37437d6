package dev.trail.loss;

import java.util.Arrays;

/**
 * DAPO's batch-level pieces besides clip-higher and token-mean (ALGORITHMS.md §2.3, Appendix A #4;
 * Yu et al. 2025; verl {@code recipe/dapo}): dynamic sampling (group filter), overlong reward
 * shaping and the optional overlong filter mask. Clip-higher is {@link PolicyLoss.Clip#decoupled}
 * and the token-level loss is {@link Aggregation#TOKEN_MEAN}.
 */
public final class Dapo {

    private Dapo() {
    }

    // ---- dynamic sampling -------------------------------------------------------------------

    /**
     * Whether a group is kept by dynamic sampling: its metric (accuracy 0/1, score or sequence
     * reward, one value per response) is <em>not</em> all equal, so its group-relative advantages
     * are not all zero.
     *
     * <p>Special cases: a singleton group is kept (verl keeps {@code len == 1}; with G = 1 the GRPO
     * advantage is the raw reward, Appendix A #2). Values are compared exactly ({@code ==}, so
     * {@code 0.0} equals {@code -0.0}); verl tests {@code np.std(values) > 0}, which agrees except
     * when rounding in the mean makes the std of equal values a tiny positive number.
     *
     * @throws IllegalArgumentException for an empty group or a NaN value
     */
    public static boolean keepGroup(double[] groupMetric) {
        checkGroup(groupMetric);
        for (double v : groupMetric) {
            if (v != groupMetric[0]) {
                return true;
            }
        }
        return groupMetric.length == 1;
    }

    /**
     * UI-S1's generalisation: keep a group iff the population standard deviation (ddof 0, as
     * verl's {@code np.std}) of its metric is greater than {@code stdThreshold} (UI-S1: 0.3);
     * singleton groups are kept.
     */
    public static boolean keepGroup(double[] groupMetric, double stdThreshold) {
        checkGroup(groupMetric);
        if (!(stdThreshold >= 0)) {
            throw new IllegalArgumentException("stdThreshold must be >= 0, got " + stdThreshold);
        }
        int g = groupMetric.length;
        if (g == 1) {
            return true;
        }
        double mean = 0.0;
        for (double v : groupMetric) {
            mean += v;
        }
        mean /= g;
        double ss = 0.0;
        for (double v : groupMetric) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / g) > stdThreshold;
    }

    /**
     * Indices of the groups kept by {@link #keepGroup(double[])}, in order.
     *
     * @param groupMetrics one row per group (prompt), one value per response
     */
    public static int[] keptGroups(double[][] groupMetrics) {
        Checks.notNull("groupMetrics", groupMetrics);
        int[] kept = new int[groupMetrics.length];
        int n = 0;
        for (int g = 0; g < groupMetrics.length; g++) {
            if (keepGroup(groupMetrics[g])) {
                kept[n++] = g;
            }
        }
        return Arrays.copyOf(kept, n);
    }

    /**
     * The first {@code needed} kept groups, in order: the filter plus verl's truncation to exactly
     * {@code train_batch_size} prompts. Returns fewer when fewer pass; the caller then generates
     * another batch (capped by {@code max_num_gen_batches}, raising an error when the cap is hit).
     */
    public static int[] selectGroups(double[][] groupMetrics, int needed) {
        if (needed < 0) {
            throw new IllegalArgumentException("needed must be >= 0, got " + needed);
        }
        int[] kept = keptGroups(groupMetrics);
        return kept.length <= needed ? kept : Arrays.copyOf(kept, needed);
    }

    private static void checkGroup(double[] groupMetric) {
        Checks.notNull("groupMetric", groupMetric);
        if (groupMetric.length == 0) {
            throw new IllegalArgumentException("a group needs at least one response, got an empty group");
        }
        for (int i = 0; i < groupMetric.length; i++) {
            if (Double.isNaN(groupMetric[i])) {
                throw new IllegalArgumentException("groupMetric[" + i + "] is NaN");
            }
        }
    }

    // ---- overlong reward shaping --------------------------------------------------------------

    /**
     * The soft overlong penalty R_len(L), added to the task reward (DAPO paper form):
     * <pre>
     *   R_len(L) = 0                                   if L ≤ L_max − L_cache
     *            = ((L_max − L_cache) − L) / L_cache    if L_max − L_cache &lt; L ≤ L_max
     *            = −1                                   if L &gt; L_max
     * </pre>
     * L is the <em>response</em> length in tokens (prompt excluded). At L = L_max the window gives
     * exactly −1, so the function is continuous. With {@code L_cache = 0} it is 0 up to L_max and −1
     * beyond. verl's recipe has no branch beyond L_max (generation is capped there) and otherwise agrees.
     *
     * @param responseLength L ≥ 0
     * @param maxLength L_max &gt; 0 (DAPO: 20480)
     * @param cacheLength L_cache in [0, L_max] (DAPO: 4096)
     */
    public static double overlongPenalty(int responseLength, int maxLength, int cacheLength) {
        if (maxLength <= 0 || cacheLength < 0 || cacheLength > maxLength) {
            throw new IllegalArgumentException("overlong shaping needs 0 <= cacheLength <= maxLength and maxLength > 0,"
                    + " got maxLength=" + maxLength + ", cacheLength=" + cacheLength);
        }
        if (responseLength < 0) {
            throw new IllegalArgumentException("responseLength must be >= 0, got " + responseLength);
        }
        int expected = maxLength - cacheLength;
        if (responseLength <= expected) {
            return 0.0;
        }
        if (responseLength > maxLength) {
            return -1.0;
        }
        return (double) (expected - responseLength) / cacheLength;
    }

    /**
     * verl's form with a penalty factor: {@code factor · R_len(L)} (verl default factor 1.0).
     */
    public static double overlongPenalty(int responseLength, int maxLength, int cacheLength, double penaltyFactor) {
        if (!(penaltyFactor >= 0) || Double.isInfinite(penaltyFactor)) {
            throw new IllegalArgumentException("penaltyFactor must be finite and >= 0, got " + penaltyFactor);
        }
        return penaltyFactor * overlongPenalty(responseLength, maxLength, cacheLength);
    }

    /**
     * Shaped outcome rewards {@code R_i + R_len(L_i)}, one per response.
     *
     * @param rewards task rewards R_i
     * @param responseLengths L_i, response tokens of each response
     */
    public static double[] shapeRewards(double[] rewards, int[] responseLengths, int maxLength, int cacheLength) {
        Checks.notNull("rewards", rewards);
        Checks.notNull("responseLengths", responseLengths);
        if (rewards.length != responseLengths.length) {
            throw new IllegalArgumentException("rewards has length " + rewards.length + " but responseLengths has length "
                    + responseLengths.length + "; they must have one entry per response");
        }
        double[] out = new double[rewards.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rewards[i] + overlongPenalty(responseLengths[i], maxLength, cacheLength);
        }
        return out;
    }

    // ---- overlong filtering -------------------------------------------------------------------

    /**
     * Overlong filtering (the paper's alternative to shaping): a new loss mask with every row of a
     * truncated response (hit L_max without EOS) set to 0, so those samples drop out of the loss.
     * With the seq-mean aggregation modes a fully masked row no longer counts as a sequence.
     *
     * @param mask 0/1 mask, flat {@code [B, T]}
     * @param seqLen T
     * @param truncated one flag per row B
     */
    public static double[] overlongFilterMask(double[] mask, int seqLen, boolean[] truncated) {
        int rows = Checks.batchShape("mask", mask, mask, seqLen);
        Checks.notNull("truncated", truncated);
        if (truncated.length != rows) {
            throw new IllegalArgumentException("truncated has length " + truncated.length + " but mask has " + rows
                    + " rows (length " + mask.length + " / seqLen " + seqLen + "); one flag per row");
        }
        double[] out = mask.clone();
        for (int b = 0; b < rows; b++) {
            if (truncated[b]) {
                Arrays.fill(out, b * seqLen, (b + 1) * seqLen, 0.0);
            }
        }
        return out;
    }
}
