package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.nn.Tensors;

/**
 * The flat row-major {@code [N, W]} loss layout of finished responses that {@link TokenBatch} and
 * {@link PrefixBatch} share: each names where response token {@code j} of row {@code i} sits
 * ({@link #column}), and moving per-response values in and out of the layout, counting loss
 * tokens and making tensors follow from that.
 */
public interface ResponseLayout {

    /** N. */
    int rows();

    /** W. */
    int width();

    /** {@code [N, W]} 0/1 loss mask. */
    double[] mask();

    /** Response tokens of row {@code row} (policy and tool tokens). */
    int responseLength(int row);

    /** The column of response token {@code j} of row {@code row}. */
    int column(int row, int j);

    /** Spreads per-response values ({@code [N][T_i]}) into the flat {@code [N, W]} layout; 0 elsewhere. */
    default double[] scatter(double[][] perResponse) {
        int rows = rows();
        int width = width();
        if (perResponse.length != rows) {
            throw new IllegalArgumentException("scatter needs " + rows + " rows, got " + perResponse.length);
        }
        double[] out = new double[rows * width];
        for (int i = 0; i < rows; i++) {
            int t = responseLength(i);
            if (perResponse[i].length != t) {
                throw new IllegalArgumentException("row " + i + " has " + t + " response tokens but "
                        + perResponse[i].length + " values");
            }
            for (int j = 0; j < t; j++) {
                out[i * width + column(i, j)] = perResponse[i][j];
            }
        }
        return out;
    }

    /** The inverse of {@link #scatter}: the values at response positions, {@code [N][T_i]}. */
    default double[][] gather(double[] flat) {
        int width = width();
        double[][] out = new double[rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[responseLength(i)];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = flat[i * width + column(i, j)];
            }
        }
        return out;
    }

    /** Number of loss tokens (sum of the mask). */
    default int maskedTokens() {
        int n = 0;
        for (double m : mask()) {
            n += m != 0 ? 1 : 0;
        }
        return n;
    }

    /** A flat {@code [N, W]} double array as a float tensor. */
    default NDArray tensor(NDManager manager, double[] flat) {
        float[] f = new float[flat.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) flat[i];
        }
        return Tensors.create(manager, f, rows(), width());
    }
}
