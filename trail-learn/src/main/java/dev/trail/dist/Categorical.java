package dev.trail.dist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.trail.seed.Rng;

/**
 * The categorical distribution over {@code 0 .. n-1} given unnormalised logits:
 * {@code p_k = exp(l_k) / Σ_j exp(l_j)}, {@code log p_k = l_k - logsumexp(l)},
 * entropy {@code H = -Σ_k p_k log p_k}. Softmax is computed stably (the max is subtracted).
 */
public final class Categorical {

    private Categorical() {
    }

    /** {@code log p} of {@code logits[offset .. offset + n)} into {@code out[0 .. n)}, in double. */
    public static void logSoftmax(float[] logits, int offset, int n, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Math.exp(logits[offset + k] - max);
        }
        double lse = max + Math.log(sum);
        for (int k = 0; k < n; k++) {
            out[k] = logits[offset + k] - lse;
        }
    }

    /**
     * Draws a category by inversion with one uniform from {@code rng}: the first {@code k} whose
     * cumulative probability exceeds {@code u}.
     */
    public static int sample(float[] logits, int offset, int n, Rng rng) {
        return sample(logits, offset, n, rng.nextDouble());
    }

    /** {@link #sample(float[], int, int, Rng)} with its uniform {@code uniform} in [0, 1) drawn already. */
    public static int sample(float[] logits, int offset, int n, double uniform) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += Math.exp(logits[offset + k] - max);
        }
        double u = uniform * total;
        double cumulative = 0;
        for (int k = 0; k < n - 1; k++) {
            cumulative += Math.exp(logits[offset + k] - max);
            if (u < cumulative) {
                return k;
            }
        }
        return n - 1;
    }

    /** The most likely category (the lowest index among ties). */
    public static int mode(float[] logits, int offset, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (logits[offset + k] > logits[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    /** {@code log p_action}. */
    public static double logProb(float[] logits, int offset, int n, int action) {
        double[] lp = new double[n];
        logSoftmax(logits, offset, n, lp);
        return lp[action];
    }

    /** {@code H = -Σ p log p}. */
    public static double entropy(float[] logits, int offset, int n) {
        double[] lp = new double[n];
        logSoftmax(logits, offset, n, lp);
        double h = 0;
        for (double l : lp) {
            h -= Math.exp(l) * l;
        }
        return h;
    }

    /**
     * Log-probabilities of {@code actions} ({@code [B]}, integer) under {@code logits}
     * ({@code [B, n]}); returns {@code [B]}.
     */
    public static NDArray logProb(NDArray logits, NDArray actions) {
        return logProbFromLogSoftmax(logits.logSoftmax(-1), actions);
    }

    /**
     * Log-probabilities and entropies from one log-softmax ({@code [logProbs [B], entropy [B]]}),
     * sharing the normalisation between the two (fewer native calls than two separate methods).
     */
    public static NDArray[] logProbAndEntropy(NDArray logits, NDArray actions) {
        NDArray logp = logits.logSoftmax(-1);
        return new NDArray[] {logProbFromLogSoftmax(logp, actions), logp.exp().mul(logp).sum(new int[] {-1}).neg()};
    }

    private static NDArray logProbFromLogSoftmax(NDArray logp, NDArray actions) {
        NDArray index = actions.getDataType() == DataType.INT64 ? actions : actions.toType(DataType.INT64, false);
        return logp.gather(index.reshape(-1, 1), 1).reshape(-1);
    }

    /** Entropy of each row of {@code logits} ({@code [B, n]}); returns {@code [B]}. */
    public static NDArray entropy(NDArray logits) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.exp().mul(logp).sum(new int[] {-1}).neg();
    }
}
