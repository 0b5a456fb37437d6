package dev.trail.nn.fast;

/**
 * The dense layer of the actor's forward pass ({@link dev.trail.nn.Mlp#forward(float[], int, float[])}):
 * {@code y[r, j] = b[j] + x[r, 0]·wT[0, j] + x[r, 1]·wT[1, j] + ...}, each product rounded to
 * float and then added, over the inner index in ascending order. This is the arithmetic of the
 * plain loop the actor always used (a multiply then an add, no fused multiply-add), so the
 * Vector API version here ({@code jdk.incubator.vector} present, see {@link Kernels}) gives the
 * same floats bit for bit, and a run's trajectory does not depend on the module flag.
 */
public final class ForwardKernels {

    private ForwardKernels() {
    }

    /**
     * {@code y[r, :] = b + Σ_i x[r, i] · wT[i, :]} for rows {@code r < n}, {@code x} {@code [n, in]},
     * {@code wT} {@code [in, out]}, {@code y} {@code [n, out]} (no activation).
     */
    public static void linear(float[] x, int n, int in, int out, float[] wT, float[] b, float[] y) {
        if (Kernels.VECTOR && out >= 8) {
            VectorForward.linear(x, n, in, out, wT, b, y);
        } else {
            scalarLinear(x, 0, n, in, out, wT, b, y);
        }
    }

    /** The plain loop, on rows {@code [from, n)}. */
    static void scalarLinear(float[] x, int from, int n, int in, int out, float[] wT, float[] b, float[] y) {
        for (int r = from; r < n; r++) {
            int xo = r * in;
            int yo = r * out;
            System.arraycopy(b, 0, y, yo, out);
            for (int i = 0; i < in; i++) {
                float xi = x[xo + i];
                int wo = i * out;
                for (int j = 0; j < out; j++) {
                    y[yo + j] += xi * wT[wo + j];
                }
            }
        }
    }
}
