package dev.trail.dist;

import dev.trail.nn.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.trail.seed.Rng;

/**
 * A diagonal Gaussian over {@code R^d} with mean {@code μ} and per-dimension log standard
 * deviation {@code log σ} (in PPO a state-independent parameter, CleanRL's {@code actor_logstd}):
 * <pre>
 *   log p(x) = Σ_i [ -(x_i - μ_i)² / (2 σ_i²) - log σ_i - ½ log(2π) ]
 *   H        = Σ_i [ ½ + ½ log(2π) + log σ_i ]
 * </pre>
 */
public final class DiagGaussian {

    /** {@code ½ log(2π)}. */
    public static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private DiagGaussian() {
    }

    /**
     * Draws {@code x = μ + σ ε}, {@code ε ~ N(0, I)} from {@code rng}, into {@code out[outOffset ..]};
     * returns {@code log p(x)}.
     */
    public static double sample(float[] mean, int offset, float[] logStd, int d, Rng rng, float[] out, int outOffset) {
        double logp = 0;
        for (int i = 0; i < d; i++) {
            double eps = rng.nextGaussian();
            double x = mean[offset + i] + Math.exp(logStd[i]) * eps;
            out[outOffset + i] = (float) x;
            double z = (out[outOffset + i] - mean[offset + i]) / Math.exp(logStd[i]);
            logp += -0.5 * z * z - logStd[i] - HALF_LOG_TWO_PI;
        }
        return logp;
    }

    /**
     * {@link #sample(float[], int, float[], int, Rng, float[], int)} with its standard normals
     * drawn already: {@code ε_i = noise[noiseOffset + i]}.
     */
    public static double sample(float[] mean, int offset, float[] logStd, int d, double[] noise, int noiseOffset,
            float[] out, int outOffset) {
        double logp = 0;
        for (int i = 0; i < d; i++) {
            double eps = noise[noiseOffset + i];
            double x = mean[offset + i] + Math.exp(logStd[i]) * eps;
            out[outOffset + i] = (float) x;
            double z = (out[outOffset + i] - mean[offset + i]) / Math.exp(logStd[i]);
            logp += -0.5 * z * z - logStd[i] - HALF_LOG_TWO_PI;
        }
        return logp;
    }

    /** {@code log p(x)} with {@code x = actions[actionOffset .. + d)}. */
    public static double logProb(float[] mean, int offset, float[] logStd, int d, float[] actions, int actionOffset) {
        double logp = 0;
        for (int i = 0; i < d; i++) {
            double z = (actions[actionOffset + i] - mean[offset + i]) / Math.exp(logStd[i]);
            logp += -0.5 * z * z - logStd[i] - HALF_LOG_TWO_PI;
        }
        return logp;
    }

    /** {@code H = Σ (½ + ½ log 2π + log σ_i)}. */
    public static double entropy(float[] logStd, int d) {
        double h = 0;
        for (int i = 0; i < d; i++) {
            h += 0.5 + HALF_LOG_TWO_PI + logStd[i];
        }
        return h;
    }

    /**
     * Log-densities of {@code actions} ({@code [B, d]}) under means {@code [B, d]} and a log
     * standard deviation {@code [d]} or {@code [B, d]}; returns {@code [B]}.
     */
    public static NDArray logProb(NDArray mean, NDArray logStd, NDArray actions) {
        NDArray z = actions.sub(mean).mul(logStd.neg().exp());
        return Tensors.mul(z.square(), -0.5f).sub(logStd).sub((float) HALF_LOG_TWO_PI).sum(new int[] {-1});
    }

    /** Entropy for each of {@code batch} rows given the log standard deviation {@code [d]}; returns {@code [batch]}. */
    public static NDArray entropy(NDArray logStd, long batch) {
        NDArray perRow = logStd.add((float) (0.5 + HALF_LOG_TWO_PI)).sum();
        return perRow.broadcast(new Shape(batch));
    }
}
