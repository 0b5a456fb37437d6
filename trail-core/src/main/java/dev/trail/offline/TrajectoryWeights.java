package dev.trail.offline;

import java.util.Arrays;

/**
 * Trajectory re-weighted sampling (Improbable-AI/harness-offline-rl), {@code ALGORITHMS.md}
 * §10.1 [code: {@code implicit_q_learning/dataset_utils.py} {@code RW}, {@code AW}, {@code TopK}].
 * The offline algorithm is unchanged; only the sampling distribution over transitions changes.
 * Every transition of trajectory {@code i} gets the same weight; sampling is with replacement.
 *
 * <pre>
 * G_i = sum_t r_{i,t} (undiscounted),  T_i = transitions of trajectory i
 * RW:  Ĝ_i = (G_i - min G) / (max G - min G);  w = softmax over ALL transitions of (Ĝ_i / alpha)
 *      =&gt; trajectory mass ∝ T_i exp(Ĝ_i / alpha)
 * AW:  V̂(s_0) = least-squares linear fit (with intercept) of G_i on s_{i,0};  A_i = G_i - V̂(s_{i,0});
 *      Â = min-max normalised A;  w = softmax over transitions of (Â_i / alpha)
 * Top-p%: uniform over the transitions of the ⌊p · #trajectories⌋ highest-return trajectories
 * </pre>
 *
 * <p>Layout: the result is per transition, trajectory by trajectory ({@code lengths[0]} entries
 * for trajectory 0, then trajectory 1, ...), summing to 1.
 *
 * <p>Order (Appendix A #11): the default, {@link Form#MIN_MAX_THEN_SOFTMAX}, is the IQL/JaxCQL
 * code and the repository's own fix. {@link Form#RAW_SOFTMAX} reproduces the d3rlpy-v2 example
 * ({@code softmax(G/α)} on raw returns, nearly one-hot) and {@link Form#SOFTMAX_THEN_MIN_MAX} the
 * {@code d3rlpy_impls} {@code RW} (the worst trajectory gets exactly 0 and the vector does not
 * sum to 1); both are kept for reproduction only.
 *
 * <p>Edge cases: all values equal makes min-max 0/0, so the weights fall back to uniform over
 * transitions. A larger α moves the weights toward uniform; α → 0 toward the best trajectory
 * only. Long high-return trajectories dominate because weights are per transition.
 */
public final class TrajectoryWeights {

    /** α used with CQL. */
    public static final double ALPHA_CQL = 0.2;
    /** α used with IQL and TD3+BC, and the d3rlpy-v2 wrapper's default. */
    public static final double ALPHA_IQL = 0.1;
    /** The Top-p% baseline's p. */
    public static final double DEFAULT_TOP_FRACTION = 0.1;

    /** The order of normalisation and softmax. */
    public enum Form {
        /** Min-max normalise, then softmax over transitions (reference form). */
        MIN_MAX_THEN_SOFTMAX,
        /** Softmax of raw values over transitions (d3rlpy-v2 example; essentially one-hot). */
        RAW_SOFTMAX,
        /** Softmax over transitions, then min-max of the probabilities (d3rlpy_impls RW; unnormalised). */
        SOFTMAX_THEN_MIN_MAX
    }

    private TrajectoryWeights() {
    }

    /** Undiscounted returns {@code G_i} of per-trajectory reward arrays. */
    public static double[] returns(double[][] rewards) {
        double[] g = new double[rewards.length];
        for (int i = 0; i < g.length; i++) {
            for (double r : rewards[i]) {
                g[i] += r;
            }
        }
        return g;
    }

    /** {@code (x - min) / (max - min)}; all equal gives all 0 (see {@link #transitionSoftmax}). */
    public static double[] minMaxNormalise(double[] x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] out = new double[x.length];
        if (!(hi > lo)) {
            return out;
        }
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - lo) / (hi - lo);
        }
        return out;
    }

    /** RW weights in the reference form. */
    public static double[] returnWeighted(double[] returns, int[] lengths, double alpha) {
        return returnWeighted(returns, lengths, alpha, Form.MIN_MAX_THEN_SOFTMAX);
    }

    /**
     * RW (return-weighted) per-transition weights.
     *
     * @param returns {@code G_i}, one per trajectory
     * @param lengths {@code T_i ≥ 0}, one per trajectory
     * @param alpha temperature α &gt; 0
     */
    public static double[] returnWeighted(double[] returns, int[] lengths, double alpha, Form form) {
        return weigh(returns, lengths, alpha, form);
    }

    /** AW weights in the reference form. */
    public static double[] advantageWeighted(double[] returns, double[][] initialStates, int[] lengths,
            double alpha) {
        return advantageWeighted(returns, initialStates, lengths, alpha, Form.MIN_MAX_THEN_SOFTMAX);
    }

    /**
     * AW (advantage-weighted) per-transition weights: {@code A_i = G_i - V̂(s_{i,0})} with
     * {@code V̂} the least-squares linear fit (with intercept) of returns on initial states.
     *
     * @param initialStates {@code [trajectory][stateDim]}, the first observation of each trajectory
     */
    public static double[] advantageWeighted(double[] returns, double[][] initialStates, int[] lengths,
            double alpha, Form form) {
        double[] fitted = linearFit(initialStates, returns);
        double[] adv = new double[returns.length];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = returns[i] - fitted[i];
        }
        return weigh(adv, lengths, alpha, form);
    }

    /**
     * Least-squares fitted values {@code X β} for {@code X = [1, s]}: the projection of {@code y}
     * onto the span of the intercept and the state columns (unique even when the states are
     * collinear; dependent columns are skipped).
     */
    public static double[] linearFit(double[][] states, double[] y) {
        int n = y.length;
        if (states.length != n) {
            throw new IllegalArgumentException(states.length + " initial states but " + n + " returns");
        }
        int d = n == 0 ? 0 : states[0].length;
        // Modified Gram-Schmidt on the columns [1, s_1, ..., s_d]; project y on the orthonormal basis.
        double[][] basis = new double[d + 1][];
        int rank = 0;
        for (int j = 0; j <= d; j++) {
            double[] col = new double[n];
            double norm0 = 0;
            for (int i = 0; i < n; i++) {
                if (states[i].length != d) {
                    throw new IllegalArgumentException("initial state " + i + " has " + states[i].length
                            + " values, expected " + d);
                }
                col[i] = j == 0 ? 1.0 : states[i][j - 1];
                norm0 += col[i] * col[i];
            }
            for (int b = 0; b < rank; b++) {
                double dot = dot(basis[b], col);
                for (int i = 0; i < n; i++) {
                    col[i] -= dot * basis[b][i];
                }
            }
            double norm = Math.sqrt(dot(col, col));
            if (norm <= 1e-10 * Math.max(1.0, Math.sqrt(norm0))) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                col[i] /= norm;
            }
            basis[rank++] = col;
        }
        double[] fit = new double[n];
        for (int b = 0; b < rank; b++) {
            double c = dot(basis[b], y);
            for (int i = 0; i < n; i++) {
                fit[i] += c * basis[b][i];
            }
        }
        return fit;
    }

    /**
     * Top-p% weights: uniform over the transitions of the {@code max(1, ⌊p · n⌋)} highest-return
     * trajectories (ties by index); at least one trajectory is always kept.
     */
    public static double[] topFraction(double[] returns, int[] lengths, double fraction) {
        checkShapes(returns, lengths);
        int n = returns.length;
        int keep = Math.max(1, (int) Math.floor(fraction * n));
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> a.equals(b) ? 0
                : Double.compare(returns[b], returns[a]) != 0 ? Double.compare(returns[b], returns[a])
                        : Integer.compare(a, b));
        boolean[] kept = new boolean[n];
        long total = 0;
        for (int k = 0; k < keep; k++) {
            kept[idx[k]] = true;
            total += lengths[idx[k]];
        }
        double[] w = new double[totalLength(lengths)];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                w[pos++] = kept[i] && total > 0 ? 1.0 / total : 0.0;
            }
        }
        return w;
    }

    /** Per-trajectory mass: the sum of each trajectory's transition weights. */
    public static double[] trajectoryMasses(double[] transitionWeights, int[] lengths) {
        double[] m = new double[lengths.length];
        int pos = 0;
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                m[i] += transitionWeights[pos++];
            }
        }
        return m;
    }

    /** The cumulative distribution of {@code weights} (normalised to end at 1), for sampling. */
    public static double[] cumulative(double[] weights) {
        double[] c = new double[weights.length];
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("weight " + i + " is " + weights[i] + "; weights must be >= 0");
            }
            s += weights[i];
            c[i] = s;
        }
        if (!(s > 0)) {
            throw new IllegalArgumentException("weights sum to " + s + "; at least one must be positive");
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= s;
        }
        return c;
    }

    /** The transition drawn by a uniform number {@code u ∈ [0, 1)}: the first index with {@code cdf > u}. */
    public static int sample(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static double[] weigh(double[] values, int[] lengths, double alpha, Form form) {
        checkShapes(values, lengths);
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("temperature alpha must be > 0, got " + alpha);
        }
        return switch (form) {
            case MIN_MAX_THEN_SOFTMAX -> allEqual(values) ? uniform(lengths)
                    : transitionSoftmax(minMaxNormalise(values), lengths, alpha);
            case RAW_SOFTMAX -> transitionSoftmax(values, lengths, alpha);
            case SOFTMAX_THEN_MIN_MAX -> {
                double[] p = transitionSoftmax(values, lengths, alpha);
                yield allEqual(p) ? uniform(lengths) : minMaxNormalise(p);
            }
        };
    }

    /** Stable softmax of {@code values[i] / alpha} repeated over each trajectory's transitions. */
    public static double[] transitionSoftmax(double[] values, int[] lengths, double alpha) {
        checkShapes(values, lengths);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            if (lengths[i] > 0) {
                max = Math.max(max, values[i] / alpha);
            }
        }
        double[] w = new double[totalLength(lengths)];
        double z = 0;
        int pos = 0;
        for (int i = 0; i < values.length; i++) {
            double e = Math.exp(values[i] / alpha - max);
            for (int t = 0; t < lengths[i]; t++) {
                w[pos++] = e;
                z += e;
            }
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= z;
        }
        return w;
    }

    private static double[] uniform(int[] lengths) {
        double[] w = new double[totalLength(lengths)];
        Arrays.fill(w, 1.0 / w.length);
        return w;
    }

    private static boolean allEqual(double[] x) {
        for (double v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }

    private static void checkShapes(double[] values, int[] lengths) {
        if (values.length != lengths.length) {
            throw new IllegalArgumentException(values.length + " trajectory values but " + lengths.length
                    + " lengths");
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("trajectory " + i + " has negative length " + lengths[i]);
            }
        }
        if (totalLength(lengths) == 0) {
            throw new IllegalArgumentException("no transitions to weigh");
        }
    }

    private static int totalLength(int[] lengths) {
        int s = 0;
        for (int l : lengths) {
            s += l;
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
