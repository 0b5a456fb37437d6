package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WhiteningTest {

    private static final double TOL = 1e-6;

    @Test
    void specExampleTokenWeighted() {
        // §1.7 baseline example: centred values broadcast over lengths [2, 3, 1, 2]
        // μ = (5·0.25 − 3·0.75)/8 = −0.125; σ² = (5·0.375² + 3·0.625²)/7 = 1.875/7
        // x̂ = 0.375/sqrt(0.267857) = 0.724569 and −0.625/0.517549 = −1.207615
        double[][] rows = {{0.25, 0.25}, {-0.75, -0.75, -0.75}, {0.25}, {0.25, 0.25}};
        double[][] w = Whitening.whiten(rows, null, true, Whitening.DEFAULT_EPSILON);
        assertArrayEquals(new double[] {0.724569, 0.724569}, w[0], TOL);
        assertArrayEquals(new double[] {-1.207615, -1.207615, -1.207615}, w[1], TOL);
        assertArrayEquals(new double[] {0.724569}, w[2], TOL);
        assertArrayEquals(new double[] {0.724569, 0.724569}, w[3], TOL);
    }

    @Test
    void maskedPositionsAreZeroAndNeverMatter() {
        double[] x = {1, 2, 999, 3};
        double[] y = {1, 2, -5, 3};
        boolean[] m = {true, true, false, true};
        double[] wx = Whitening.whiten(x, m, true, 1e-8);
        assertArrayEquals(wx, Whitening.whiten(y, m, true, 1e-8), 0.0);
        assertEquals(0.0, wx[2]);
        // valid values [1, 2, 3]: μ 2, unbiased σ² 1 → [-1, 0, 1] (up to ε)
        assertArrayEquals(new double[] {-1, 0, 0, 1}, wx, 1e-7);
    }

    @Test
    void populationVariance() {
        // [1, 2, 3]: population σ² = 2/3 → ±1/sqrt(2/3) = ±1.224745
        double[] w = Whitening.whiten(new double[] {1, 2, 3}, null, false, 0.0);
        assertArrayEquals(new double[] {-1.224745, 0, 1.224745}, w, TOL);
    }

    @Test
    void oneValidStepWithUnbiasedFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Whitening.whiten(new double[] {4, 5}, new boolean[] {false, true}, true, 1e-8));
        assertTrue(e.getMessage().contains("two valid steps"), e.getMessage());
        // population variance of one value is 0: (5 − 5)/sqrt(0 + ε) = 0
        assertArrayEquals(new double[] {0, 0},
                Whitening.whiten(new double[] {4, 5}, new boolean[] {false, true}, false, 1e-8), 0.0);
    }

    @Test
    void noValidStepFails() {
        assertThrows(IllegalArgumentException.class,
                () -> Whitening.whiten(new double[] {4}, new boolean[] {false}, false, 1e-8));
    }

    @Test
    void inputsAreNotModified() {
        double[] x = {3, 1, 2};
        boolean[] m = {true, false, true};
        Whitening.whiten(x, m, true, 1e-8);
        assertArrayEquals(new double[] {3, 1, 2}, x, 0.0);
        assertArrayEquals(new boolean[] {true, false, true}, m);
    }
}
