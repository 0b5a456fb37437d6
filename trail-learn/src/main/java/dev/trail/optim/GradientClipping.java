package dev.trail.optim;

/** Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** {@code sqrt(Σ g²)} over all tensors, in double. */
    public static double globalNorm(float[][] grads) {
        double s = 0;
        for (float[] g : grads) {
            for (float x : g) {
                s += (double) x * x;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Scales every gradient in place by {@code min(1, maxNorm / (norm + 1e-6))}, PyTorch's rule,
     * and returns the norm before clipping. A non-finite norm is returned without scaling (the
     * caller's NaN guard reports it).
     */
    public static double clipGlobalNorm(float[][] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (float[] g : grads) {
                for (int j = 0; j < g.length; j++) {
                    g[j] = (float) (g[j] * coef);
                }
            }
        }
        return norm;
    }
}
