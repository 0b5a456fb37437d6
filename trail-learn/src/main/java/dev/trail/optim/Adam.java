package dev.trail.optim;

import dev.trail.nn.Parameters;

/**
 * Adam (Kingma &amp; Ba 2015) with PyTorch's update order, on float parameters:
 * <pre>
 *   t ← t + 1
 *   m ← β1 m + (1 - β1) g
 *   v ← β2 v + (1 - β2) g²
 *   θ ← θ - lr / (1 - β1^t) · m / (sqrt(v) / sqrt(1 - β2^t) + ε)
 * </pre>
 * CleanRL's PPO uses {@code ε = 1e-5}; PyTorch's default is {@code 1e-8}. The arithmetic of one
 * element is done in double and stored as float.
 */
public final class Adam {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final float[][] m;
    private final float[][] v;
    private long step;

    /** Adam with moments sized for {@code parameters}. */
    public Adam(Parameters parameters, double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam epsilon must be > 0, got " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = parameters.zerosLike();
        this.v = parameters.zerosLike();
    }

    /** Adam with β = (0.9, 0.999) and the given ε. */
    public Adam(Parameters parameters, double epsilon) {
        this(parameters, 0.9, 0.999, epsilon);
    }

    /** Applies one update with learning rate {@code lr} and gradients {@code grads} (in parameter order). */
    public void step(Parameters parameters, float[][] grads, double lr) {
        if (grads.length != m.length) {
            throw new IllegalArgumentException("Adam holds " + m.length + " tensors but got " + grads.length + " gradients");
        }
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / bias1;
        for (int i = 0; i < grads.length; i++) {
            float[] p = parameters.get(i).data();
            float[] g = grads[i];
            float[] mi = m[i];
            float[] vi = v[i];
            if (g.length != p.length) {
                throw new IllegalArgumentException("gradient of " + parameters.get(i).name() + " has " + g.length
                        + " values, the parameter " + p.length);
            }
            for (int j = 0; j < p.length; j++) {
                double gj = g[j];
                double mj = beta1 * mi[j] + (1 - beta1) * gj;
                double vj = beta2 * vi[j] + (1 - beta2) * gj * gj;
                mi[j] = (float) mj;
                vi[j] = (float) vj;
                double denom = Math.sqrt(vi[j]) / bias2Sqrt + epsilon;
                p[j] = (float) (p[j] - stepSize * mi[j] / denom);
            }
        }
        parameters.markModified();
    }

    /** Number of steps taken. */
    public long stepCount() {
        return step;
    }

    /** The first moments (live arrays, for checkpoints). */
    public float[][] firstMoments() {
        return m;
    }

    /** The second moments (live arrays, for checkpoints). */
    public float[][] secondMoments() {
        return v;
    }

    /** Restores the state saved from {@link #firstMoments()}, {@link #secondMoments()} and {@link #stepCount()}. */
    public void restore(float[][] firstMoments, float[][] secondMoments, long stepCount) {
        if (firstMoments.length != m.length || secondMoments.length != v.length) {
            throw new IllegalArgumentException("Adam state has " + firstMoments.length + " tensors, expected " + m.length);
        }
        for (int i = 0; i < m.length; i++) {
            if (firstMoments[i].length != m[i].length || secondMoments[i].length != v[i].length) {
                throw new IllegalArgumentException("Adam state tensor " + i + " has " + firstMoments[i].length
                        + " values, expected " + m[i].length);
            }
            System.arraycopy(firstMoments[i], 0, m[i], 0, m[i].length);
            System.arraycopy(secondMoments[i], 0, v[i], 0, v[i].length);
        }
        this.step = stepCount;
    }
}
