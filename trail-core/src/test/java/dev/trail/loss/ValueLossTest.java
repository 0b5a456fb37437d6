package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueLossTest {

    private static final double TOL = 1e-6;

    @Test
    void specExample() {
        // §2.1: V_old = 0.5, V_new = 0.8, Ret = 1.0, eps_v = 0.2
        // clipped prediction = 0.5 + clip(0.3, -0.2, 0.2) = 0.7
        // unclipped (0.8 - 1)^2 = 0.04, clipped (0.7 - 1)^2 = 0.09, max = 0.09
        assertEquals(0.09, ValueLoss.tokenSquaredError(0.8, 0.5, 1.0, 0.2), TOL);
        ValueLoss.Result r = ValueLoss.compute(new double[] {0.8}, new double[] {0.5}, new double[] {1.0},
                new double[] {1}, 1, 0.2, Aggregation.TOKEN_MEAN);
        assertArrayEquals(new double[] {0.09}, r.tokenSquaredErrors(), TOL);
        assertEquals(0.5 * 0.09, r.loss(), TOL); // ½ after aggregation, as verl and CleanRL
        assertEquals(1.0, r.clipFraction(), TOL);
    }

    @Test
    void withoutClippingItIsHalfTheMeanSquaredError() {
        ValueLoss.Result r = ValueLoss.compute(new double[] {0.8, 2.0}, new double[] {0.5, 0.0},
                new double[] {1.0, 1.0}, new double[] {1, 1}, 2, ValueLoss.NO_CLIP, Aggregation.TOKEN_MEAN);
        // errors 0.04 and 1.0; ½ · (1.04 / 2)
        assertArrayEquals(new double[] {0.04, 1.0}, r.tokenSquaredErrors(), TOL);
        assertEquals(0.26, r.loss(), TOL);
        assertEquals(0.0, r.clipFraction());
    }

    @Test
    void clipFractionCountsOnlyWhereTheClippedErrorIsLarger() {
        // token 1: V moves 0.1 (inside the range): both errors 0.16, not counted
        // token 2: V overshoots the target from 0.5 to 1.5, Ret = 1: unclipped 0.25, clipped (0.7-1)^2 = 0.09: max is unclipped
        // token 3: the spec example: counted
        ValueLoss.Result r = ValueLoss.compute(new double[] {0.6, 1.5, 0.8}, new double[] {0.5, 0.5, 0.5},
                new double[] {1, 1, 1}, new double[] {1, 1, 1}, 3, 0.2, Aggregation.TOKEN_MEAN);
        assertArrayEquals(new double[] {0.16, 0.25, 0.09}, r.tokenSquaredErrors(), TOL);
        assertEquals(1.0 / 3, r.clipFraction(), TOL);
        assertEquals(0.5 * 0.5 / 3, r.loss(), TOL);
    }

    @Test
    void maskedTokensNeverChangeAnyTerm() {
        double[] mask = {1, 0, 1, 1};
        ValueLoss.Result clean = ValueLoss.compute(new double[] {0.6, 0, 1.5, 0.8}, new double[] {0.5, 0, 0.5, 0.5},
                new double[] {1, 0, 1, 1}, mask, 2, 0.2, Aggregation.SEQ_MEAN_TOKEN_MEAN);
        ValueLoss.Result dirty = ValueLoss.compute(new double[] {0.6, Double.NaN, 1.5, 0.8},
                new double[] {0.5, Double.POSITIVE_INFINITY, 0.5, 0.5}, new double[] {1, 1e300, 1, 1}, mask, 2, 0.2,
                Aggregation.SEQ_MEAN_TOKEN_MEAN);
        assertArrayEquals(clean.tokenSquaredErrors(), dirty.tokenSquaredErrors(), 0.0);
        assertEquals(clean.loss(), dirty.loss(), 0.0);
        assertEquals(clean.clipFraction(), dirty.clipFraction(), 0.0);
        // seq 1: 0.16 / 1; seq 2: (0.25 + 0.09) / 2 = 0.17; ½ · mean(0.16, 0.17)
        assertEquals(0.5 * (0.16 + 0.17) / 2, clean.loss(), TOL);
    }

    @Test
    void inputsAreNotMutatedAndShapesAreChecked() {
        double[] v = {0.8, 0.1};
        double[] old = {0.5, 0.2};
        double[] ret = {1, 0};
        double[] mask = {1, 1};
        ValueLoss.compute(v, old, ret, mask, 2, 0.2, Aggregation.TOKEN_MEAN);
        assertArrayEquals(new double[] {0.8, 0.1}, v);
        assertArrayEquals(new double[] {0.5, 0.2}, old);
        assertArrayEquals(new double[] {1, 0}, ret);
        assertArrayEquals(new double[] {1, 1}, mask);
        var e = assertThrows(IllegalArgumentException.class, () -> ValueLoss.compute(v, old, new double[3], mask, 2,
                0.2, Aggregation.TOKEN_MEAN));
        assertTrue(e.getMessage().contains("returns") && e.getMessage().contains("2") && e.getMessage().contains("3"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValueLoss.compute(v, old, ret, mask, 2, -0.1,
                Aggregation.TOKEN_MEAN));
    }
}
