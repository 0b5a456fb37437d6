package dev.trail.advantage;

/**
 * Mean and standard deviation of a group of scalar rewards, the statistics every group-relative
 * estimator normalises with ({@code ALGORITHMS.md} §0.2).
 *
 * <pre>
 * mean = (1/n) Σ_i x_i
 * std  = sqrt( Σ_i (x_i − mean)² / (n − ddof) )      ddof 1: unbiased (torch, verl, TRL, ROLL)
 *                                                    ddof 0: population (numpy, SPO-tree)
 * </pre>
 *
 * <p>Layout: a plain array, or the slice {@code [from, to)} of one (the row of a row-major
 * {@code [groups, G]} batch). Special cases: when every value is equal the mean is that value
 * exactly and the std is exactly 0, so centred values are exact zeros (no rounding residue such as
 * {@code (0.1+0.1+0.1)/3 − 0.1}); a std with {@code n − ddof < 1} (a singleton with ddof 1) is
 * undefined and throws, because what a singleton group should get is a policy of the caller
 * (see {@link GroupAdvantages.Singleton}). Inputs are never modified.
 */
public final class GroupStats {

    private GroupStats() {
    }

    /** The mean of {@code x}; exactly {@code x[0]} when all values are equal. */
    public static double mean(double[] x) {
        return mean(x, 0, x.length);
    }

    /** The mean of {@code x[from..to)}; exactly {@code x[from]} when all values are equal. */
    public static double mean(double[] x, int from, int to) {
        checkSlice(x, from, to);
        double first = x[from];
        double sum = 0;
        boolean allEqual = true;
        for (int i = from; i < to; i++) {
            sum += x[i];
            allEqual &= x[i] == first;
        }
        return allEqual ? first : sum / (to - from);
    }

    /** {@code Σ (x − mean)² / (n − ddof)}. */
    public static double variance(double[] x, int ddof) {
        return variance(x, 0, x.length, ddof);
    }

    /** {@code Σ (x − mean)² / (n − ddof)} over {@code x[from..to)}. */
    public static double variance(double[] x, int from, int to, int ddof) {
        checkSlice(x, from, to);
        checkDdof(ddof, to - from);
        double mean = mean(x, from, to);
        double ss = 0;
        for (int i = from; i < to; i++) {
            double d = x[i] - mean;
            ss += d * d;
        }
        return ss / (to - from - ddof);
    }

    /** {@code sqrt(variance(x, ddof))}. For a group of two with ddof 1 this is {@code |x0 − x1|/√2}. */
    public static double std(double[] x, int ddof) {
        return Math.sqrt(variance(x, ddof));
    }

    /** {@code sqrt(variance(x, from, to, ddof))}. */
    public static double std(double[] x, int from, int to, int ddof) {
        return Math.sqrt(variance(x, from, to, ddof));
    }

    private static void checkSlice(double[] x, int from, int to) {
        if (from < 0 || to > x.length || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside an array of length "
                    + x.length);
        }
        if (from == to) {
            throw new IllegalArgumentException("group statistics need at least one value, got none");
        }
    }

    static void checkDdof(int ddof, int n) {
        if (ddof != 0 && ddof != 1) {
            throw new IllegalArgumentException("ddof must be 0 (population) or 1 (unbiased), got " + ddof);
        }
        if (n - ddof < 1) {
            throw new IllegalArgumentException("the std with ddof=" + ddof + " needs at least " + (ddof + 1)
                    + " values, got " + n + "; decide the singleton case explicitly (e.g. GRPO's singleton policy)");
        }
    }
}
