package dev.trail.nn;

import dev.trail.seed.Rng;

/**
 * Weight initialisers drawn from a Trail {@link Rng}, so a network's start depends only on the
 * run's seed (DJL's random initialisers draw from libtorch's global generator instead).
 */
public final class Init {

    private Init() {
    }

    /**
     * A {@code rows x cols} matrix (row-major) with orthonormal rows or columns scaled by
     * {@code gain}, as {@code torch.nn.init.orthogonal_}: a standard-normal matrix, transposed if
     * it has fewer rows than columns, is QR-decomposed; {@code Q} with the signs of
     * {@code diag(R)} folded in is the result (transposed back). The Gaussian draws come from
     * {@code rng}, so values differ from PyTorch's for the same seed but have the same law.
     *
     * <p>Implemented by modified Gram-Schmidt in double precision, which for the full-rank random
     * matrices used here gives the same {@code Q} as Householder QR with positive {@code diag(R)}.
     */
    public static float[] orthogonal(int rows, int cols, double gain, Rng rng) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("orthogonal init needs a positive shape, got " + rows + "x" + cols);
        }
        boolean transpose = rows < cols;
        int m = transpose ? cols : rows; // tall matrix m x k, m >= k
        int k = transpose ? rows : cols;
        double[][] columns = new double[k][m];
        double[] flat = new double[rows * cols];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = rng.nextGaussian();
        }
        // flat is the rows x cols matrix; the tall matrix A is flat (not transposed) or flat^T.
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = flat[r * cols + c];
                if (transpose) {
                    columns[r][c] = v; // A = flat^T: column r of A is row r of flat
                } else {
                    columns[c][r] = v;
                }
            }
        }
        for (int j = 0; j < k; j++) {
            double[] q = columns[j];
            for (int i = 0; i < j; i++) {
                double[] p = columns[i];
                double dot = 0;
                for (int t = 0; t < m; t++) {
                    dot += p[t] * q[t];
                }
                for (int t = 0; t < m; t++) {
                    q[t] -= dot * p[t];
                }
            }
            double norm = 0;
            for (int t = 0; t < m; t++) {
                norm += q[t] * q[t];
            }
            norm = Math.sqrt(norm);
            // R's diagonal is +norm, so no sign flip is needed (Gram-Schmidt keeps diag(R) > 0).
            for (int t = 0; t < m; t++) {
                q[t] /= norm;
            }
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = transpose ? columns[r][c] : columns[c][r];
                out[r * cols + c] = (float) (gain * v);
            }
        }
        return out;
    }

    /** {@code n} values uniform on {@code [-bound, bound)}. */
    public static float[] uniform(int n, double bound, Rng rng) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return out;
    }

    /** {@code n} copies of {@code value}. */
    public static float[] constant(int n, float value) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
