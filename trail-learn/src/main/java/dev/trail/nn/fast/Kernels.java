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
 * C2 does not vectorise the plain loops at these widths (64-wide rows of two arrays it cannot
 * prove distinct; measured about 2-3 GFLOP/s against 10+ for the Vector API), hence the two.
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

    /** The plain-loop {@link #matmul}: the reference the vector kernel must equal bit for bit. */
    static void scalarMatmul(float[] a, boolean transA, float[] b, float[] init, float[] c, int n, int k, int m) {
        int rs = transA ? 1 : k;
        int ts = transA ? n : 1;
        for (int r = 0; r < n; r++) {
            int co = r * m;
            if (init == null) {
                java.util.Arrays.fill(c, co, co + m, 0f);
            } else {
                System.arraycopy(init, 0, c, co, m);
            }
            int ao = r * rs;
            for (int t = 0; t < k; t++) {
                float x = a[ao + t * ts];
                int bo = t * m;
                for (int j = 0; j < m; j++) {
                    c[co + j] = Math.fma(x, b[bo + j], c[co + j]);
                }
            }
        }
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
