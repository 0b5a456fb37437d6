package dev.trail.objective;

import ai.djl.ndarray.NDArray;

/**
 * The PPO objectives on tensors ({@code ALGORITHMS.md} §0.5, §2.1; CleanRL {@code ppo.py}).
 * All inputs are {@code [B]}; per-step results are {@code [B]}.
 */
public final class PolicyObjectives {

    private PolicyObjectives() {
    }

    /**
     * The clipped surrogate per step, {@code max(-A ρ, -A clip(ρ, 1 - ε_low, 1 + ε_high))} with
     * {@code ρ = exp(logProbs - oldLogProbs)}. Standard PPO has {@code ε_low = ε_high}; DAPO's
     * clip-higher uses {@code ε_high > ε_low}.
     *
     * @return {@code [perStepLoss, logRatio]}; the log-ratio is returned for diagnostics
     */
    public static NDArray[] clippedSurrogate(NDArray logProbs, NDArray oldLogProbs, NDArray advantages,
            double clipLow, double clipHigh) {
        NDArray logRatio = logProbs.sub(oldLogProbs);
        NDArray ratio = logRatio.exp();
        // max(-A ρ, -A clip(ρ)) = -min(A ρ, A clip(ρ)): one negation fewer
        NDArray unclipped = advantages.mul(ratio);
        NDArray clipped = advantages.mul(ratio.clip((float) (1 - clipLow), (float) (1 + clipHigh)));
        return new NDArray[] {unclipped.minimum(clipped).neg(), logRatio};
    }

    /** The squared error per step, {@code (V - Ret)²}. */
    public static NDArray squaredError(NDArray values, NDArray returns) {
        return values.sub(returns).square();
    }

    /**
     * The clipped value error per step ({@code ALGORITHMS.md} §2.1, CleanRL {@code clip_vloss}):
     * {@code max((V - Ret)², (V_old + clip(V - V_old, -ε_v, ε_v) - Ret)²)}. CleanRL multiplies its
     * mean by 0.5; verl does not.
     */
    public static NDArray clippedSquaredError(NDArray values, NDArray oldValues, NDArray returns, double clip) {
        NDArray unclipped = values.sub(returns).square();
        NDArray clippedValues = oldValues.add(values.sub(oldValues).clip((float) -clip, (float) clip));
        NDArray clipped = clippedValues.sub(returns).square();
        return unclipped.maximum(clipped);
    }

    /**
     * CleanRL's {@code approx_kl}, the mean of {@code (ρ - 1) - log ρ} (Schulman's k3 of the new
     * policy against the old), in double from the log-ratios.
     */
    public static double approxKl(float[] logRatios) {
        double s = 0;
        for (float lr : logRatios) {
            s += Math.expm1(lr) - lr;
        }
        return s / logRatios.length;
    }

    /** CleanRL's {@code old_approx_kl}, the mean of {@code -log ρ} (k1). */
    public static double oldApproxKl(float[] logRatios) {
        double s = 0;
        for (float lr : logRatios) {
            s -= lr;
        }
        return s / logRatios.length;
    }

    /** The fraction of steps whose ratio left the clip range, {@code |ρ - 1| > ε}. */
    public static double clipFraction(float[] logRatios, double clip) {
        int n = 0;
        for (float lr : logRatios) {
            if (Math.abs(Math.exp(lr) - 1) > clip) {
                n++;
            }
        }
        return (double) n / logRatios.length;
    }
}
