package dev.trail.dist;

import dev.trail.nn.Tensors;
import ai.djl.ndarray.NDArray;
import dev.trail.seed.Rng;

/**
 * A Gaussian squashed by {@code tanh} and rescaled to a box, as in SAC (Haarnoja et al. 2018,
 * appendix C; CleanRL {@code sac_continuous_action.py}):
 * <pre>
 *   u = μ + σ ε,  ε ~ N(0, I);   a = scale · tanh(u) + bias
 *   log π(a) = Σ_i [ log N(u_i; μ_i, σ_i) - log(scale_i (1 - tanh(u_i)²) + 1e-6) ]
 * </pre>
 * The {@code 1e-6} is CleanRL's guard against {@code log 0} at saturation. The log standard
 * deviation comes from the network squashed into {@code [LOG_STD_MIN, LOG_STD_MAX]} by
 * {@link #boundLogStd(NDArray)}.
 */
public final class TanhGaussian {

    /** CleanRL's lower bound on the log standard deviation. */
    public static final double LOG_STD_MIN = -5;
    /** CleanRL's upper bound on the log standard deviation. */
    public static final double LOG_STD_MAX = 2;
    /** Added inside the log-Jacobian, as CleanRL. */
    public static final double EPSILON = 1e-6;

    private TanhGaussian() {
    }

    /** {@code LOG_STD_MIN + ½ (MAX - MIN)(tanh(x) + 1)}, CleanRL's bounded log-std, on one value. */
    public static double boundLogStd(double raw) {
        return LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (Math.tanh(raw) + 1);
    }

    /** {@link #boundLogStd(double)} on a tensor. */
    public static NDArray boundLogStd(NDArray raw) {
        return Tensors.mul(raw.tanh().add(1f), (float) (0.5 * (LOG_STD_MAX - LOG_STD_MIN))).add((float) LOG_STD_MIN);
    }

    /**
     * Samples one action of dimension {@code d} into {@code out[outOffset ..]} and returns its
     * log-density. {@code logStd} is already bounded.
     */
    public static double sample(float[] mean, float[] logStd, int offset, int d, float[] scale, float[] bias, Rng rng,
            float[] out, int outOffset) {
        double logp = 0;
        for (int i = 0; i < d; i++) {
            double eps = rng.nextGaussian();
            double std = Math.exp(logStd[offset + i]);
            double u = mean[offset + i] + std * eps;
            double y = Math.tanh(u);
            out[outOffset + i] = (float) (scale[i] * y + bias[i]);
            logp += -0.5 * eps * eps - logStd[offset + i] - DiagGaussian.HALF_LOG_TWO_PI
                    - Math.log(scale[i] * (1 - y * y) + EPSILON);
        }
        return logp;
    }

    /** The deterministic action {@code scale · tanh(μ) + bias}. */
    public static void mode(float[] mean, int offset, int d, float[] scale, float[] bias, float[] out, int outOffset) {
        for (int i = 0; i < d; i++) {
            out[outOffset + i] = (float) (scale[i] * Math.tanh(mean[offset + i]) + bias[i]);
        }
    }

    /**
     * A reparameterised sample on tensors: {@code eps} ({@code [B, d]}, standard normal, drawn by
     * the caller from a Trail stream) gives {@code u = μ + σ ε}; returns {@code [action [B, d],
     * logProb [B]]}, both differentiable in {@code mean} and {@code logStd}.
     */
    public static NDArray[] rsample(NDArray mean, NDArray logStd, NDArray eps, NDArray scale, NDArray bias) {
        NDArray u = mean.add(logStd.exp().mul(eps));
        NDArray y = u.tanh();
        NDArray action = y.mul(scale).add(bias);
        NDArray normalLogp = Tensors.mul(eps.square(), -0.5f).sub(logStd).sub((float) DiagGaussian.HALF_LOG_TWO_PI);
        NDArray jacobian = y.square().neg().add(1f).mul(scale).add((float) EPSILON).log();
        NDArray logp = normalLogp.sub(jacobian).sum(new int[] {-1});
        return new NDArray[] {action, logp};
    }
}
