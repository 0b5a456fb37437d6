package dev.trail.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trail.seed.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitTest {

    /** W W^T = gain² I when rows <= cols, W^T W = gain² I otherwise (torch.nn.init.orthogonal_). */
    @ParameterizedTest
    @CsvSource({"64, 4, 1.4142135623730951", "2, 64, 0.01", "64, 64, 1.0", "1, 64, 1.0"})
    void orthogonalWithGain(int rows, int cols, double gain) {
        float[] w = Init.orthogonal(rows, cols, gain, new Rng(7));
        boolean wide = rows <= cols;
        int k = wide ? rows : cols;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                int len = wide ? cols : rows;
                for (int t = 0; t < len; t++) {
                    dot += wide ? (double) w[a * cols + t] * w[b * cols + t] : (double) w[t * cols + a] * w[t * cols + b];
                }
                assertEquals(a == b ? gain * gain : 0.0, dot, 1e-5 * Math.max(1, gain * gain), a + "," + b);
            }
        }
        assertArrayEquals(w, Init.orthogonal(rows, cols, gain, new Rng(7)), "same stream, same matrix");
    }
}
