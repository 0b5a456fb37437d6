package dev.trail.nn.fast;

/**
 * The dense kernels of {@link JavaMlp}, on row-major float arrays.
 *
 * <p>Two implementations that give bit-identical results: {@link VectorKernels} on the JDK Vector
 * API ({@code jdk.incubator.vector}, used when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}), and plain loops here otherwise. Every output
 * element is the same sequence of IEEE operations in both, so the module flag changes speed,
 * never results: a product is accumulated with fused multiply-adds ({@link Math#fma}, one
 * rounding each) over the inner index in ascending order, starting from the initial value.
 * C2 does not vectorise the plain loops usefully at these widths (64-wide rows; measured 2-3
 * GFLOP/s for a simple loop against 35 for the register-blocked Vector API kernel), hence the two.
 *
 * <p>The system property {@code trail.nn.vector=false} selects the plain loops even when the
 * module is present (for tests and measurements).
 */
final class Kernels {

    /** Whether {@link VectorKernels} is in use. */
    static final boolean VECTOR = vectorApiAvailable() && !"false".equals(System.getProperty("trail.nn.vector"));

    private Kernels() {
    }

    private static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * {@code c[r, j] = fma-sum over t ascending of a[r, t] · b[t, j]}, starting from
     * {@code init[j]} (or 0 when {@code init} is null), for {@code b} {@code [k, m]} and
     * {@code c} {@code [n, m]}; {@code a} is {@code [n, k]}, or stored transposed as
     * {@code [k, n]} when {@code transA} (so {@code dz^T x} needs no transposed copy).
     * {@code c} must not be {@code a} or {@code b}.
     */
    static void matmul(float[] a, boolean transA, float[] b, float[] init, float[] c, int n, int k, int m) {
        if (VECTOR) {
            VectorKernels.matmul(a, transA, b, init, c, n, k, m);
        } else {
            scalarMatmul(a, transA, b, init, c, n, k, m);
        }
    }

    /**
     * The plain-loop {@link #matmul}, register-blocked by hand (four rows by two columns in eight
     * scalar accumulators) because C2 leaves these short loops scalar: about 3x the simple loop.
     */
    static void scalarMatmul(float[] a, boolean transA, float[] b, float[] init, float[] c, int n, int k, int m) {
        int rs = transA ? 1 : k;
        int ts = transA ? n : 1;
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            int j = 0;
            for (; j + 2 <= m; j += 2) {
                float i0 = init == null ? 0f : init[j];
                float i1 = init == null ? 0f : init[j + 1];
                float c00 = i0;
                float c01 = i1;
                float c10 = i0;
                float c11 = i1;
                float c20 = i0;
                float c21 = i1;
                float c30 = i0;
                float c31 = i1;
                int a0 = r * rs;
                for (int t = 0; t < k; t++) {
                    int bo = t * m + j;
                    float b0 = b[bo];
                    float b1 = b[bo + 1];
                    int at = a0 + t * ts;
                    float x0 = a[at];
                    float x1 = a[at + rs];
                    float x2 = a[at + 2 * rs];
                    float x3 = a[at + 3 * rs];
                    c00 = Math.fma(x0, b0, c00);
                    c01 = Math.fma(x0, b1, c01);
                    c10 = Math.fma(x1, b0, c10);
                    c11 = Math.fma(x1, b1, c11);
                    c20 = Math.fma(x2, b0, c20);
                    c21 = Math.fma(x2, b1, c21);
                    c30 = Math.fma(x3, b0, c30);
                    c31 = Math.fma(x3, b1, c31);
                }
                int o = r * m + j;
                c[o] = c00;
                c[o + 1] = c01;
                c[o + m] = c10;
                c[o + m + 1] = c11;
                c[o + 2 * m] = c20;
                c[o + 2 * m + 1] = c21;
                c[o + 3 * m] = c30;
                c[o + 3 * m + 1] = c31;
            }
            for (; j < m; j++) {
                for (int q = r; q < r + 4; q++) {
                    c[q * m + j] = dot(a, rs, ts, b, init, q, j, k, m);
                }
            }
        }
        for (; r < n; r++) {
            for (int j = 0; j < m; j++) {
                c[r * m + j] = dot(a, rs, ts, b, init, r, j, k, m);
            }
        }
    }

    /** One element of {@link #matmul}: the fma chain every implementation computes. */
    static float dot(float[] a, int rs, int ts, float[] b, float[] init, int r, int j, int k, int m) {
        float acc = init == null ? 0f : init[j];
        int ao = r * rs;
        for (int t = 0; t < k; t++) {
            acc = Math.fma(a[ao + t * ts], b[t * m + j], acc);
        }
        return acc;
    }

    /** {@link JavaMlp#tanh} on {@code y[0 .. count)} in place. */
    static void tanhInPlace(float[] y, int count) {
        if (VECTOR) {
            VectorKernels.tanhInPlace(y, count);
        } else {
            scalarTanhInPlace(y, count);
        }
    }

    /** The plain-loop {@link #tanhInPlace}. */
    static void scalarTanhInPlace(float[] y, int count) {
        for (int i = 0; i < count; i++) {
            y[i] = JavaMlp.tanh(y[i]);
        }
    }

    /** {@code t[i, j] = w[j, i]} for {@code w} of shape {@code [rows, cols]}. */
    static void transpose(float[] w, int rows, int cols, float[] t) {
        for (int j = 0; j < rows; j++) {
            int wo = j * cols;
            for (int i = 0; i < cols; i++) {
                t[i * rows + j] = w[wo + i];
            }
        }
    }
}
