package dev.trail.loss;

import static dev.trail.loss.StlRobustness.always;
import static dev.trail.loss.StlRobustness.and;
import static dev.trail.loss.StlRobustness.eventually;
import static dev.trail.loss.StlRobustness.greaterThan;
import static dev.trail.loss.StlRobustness.lessThan;
import static dev.trail.loss.StlRobustness.not;
import static dev.trail.loss.StlRobustness.or;
import static dev.trail.loss.StlRobustness.robustness;
import static dev.trail.loss.StlRobustness.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.loss.StlRobustness.Formula;
import dev.trail.loss.StlRobustness.Horizon;
import dev.trail.loss.StlRobustness.UntilVariant;
import org.junit.jupiter.api.Test;

class StlRobustnessTest {

    private static final double TOL = 1e-6;

    // §11.2: x = [0.2, 0.5, 0.9, 0.4, 1.2]; x > 0.8 has h = [-0.6, -0.3, 0.1, -0.4, 0.4]
    private static final double[] X = {0.2, 0.5, 0.9, 0.4, 1.2};
    private static final Formula ABOVE_08 = greaterThan(X, 0.8);
    private static final Formula ABOVE_01 = greaterThan(X, 0.1); // h = [0.1, 0.4, 0.8, 0.3, 1.1]

    @Test
    void eventuallyIsTheMaxOverTheWindow() {
        assertEquals(0.4, robustness(eventually(0, 4, ABOVE_08)), TOL); // max h
    }

    @Test
    void alwaysIsTheMinOverTheWindow() {
        assertEquals(0.1, robustness(always(0, 2, ABOVE_01)), TOL); // min(0.1, 0.4, 0.8)
    }

    @Test
    void untilBothVariants() {
        // t' = 2 is the witness: min(h08(2) = 0.1, min h01[0..2] = 0.1) = 0.1
        assertEquals(0.1, robustness(until(1, 3, ABOVE_01, ABOVE_08)), TOL);
        assertEquals(0.1, robustness(until(1, 3, ABOVE_01, ABOVE_08, UntilVariant.RIGHT_OPEN)), TOL);
    }

    @Test
    void conjunctionOfTemporalOperators() {
        // G[0,4](x > 0.1) = 0.1, F[2,4](x > 0.8) = max(0.1, -0.4, 0.4) = 0.4; and = 0.1
        assertEquals(0.1, robustness(and(always(0, 4, ABOVE_01), eventually(2, 4, ABOVE_08))), TOL);
        assertEquals(0.4, robustness(or(always(0, 4, ABOVE_01), eventually(2, 4, ABOVE_08))), TOL);
    }

    @Test
    void negationFlipsTheSign() {
        // -max(-0.6, -0.3) = 0.3
        assertEquals(0.3, robustness(not(eventually(0, 1, ABOVE_08))), TOL);
    }

    @Test
    void untilVariantsDisagree() {
        // x = [0.5, 0.5, 0.5, 0.9]; phi1 = x < 0.85 (h = [0.35, 0.35, 0.35, -0.05]); phi2 = x > 0.8
        // (h = [-0.3, -0.3, -0.3, 0.1]); window [0, 3] (the whole signal)
        double[] x = {0.5, 0.5, 0.5, 0.9};
        Formula phi1 = lessThan(x, 0.85);
        Formula phi2 = greaterThan(x, 0.8);
        // closed: phi1 must also hold at t' = 3, where it is -0.05
        assertEquals(-0.05, robustness(until(0, 3, phi1, phi2, UntilVariant.CLOSED)), TOL);
        // right-open: only t'' in [0, 3) counts: min(0.1, 0.35)
        assertEquals(0.1, robustness(until(0, 3, phi1, phi2, UntilVariant.RIGHT_OPEN)), TOL);
    }

    @Test
    void horizonTruncateVersusStrict() {
        Formula f = eventually(0, 2, ABOVE_08);
        // truncate: at t = 3 the window [3, 5] is cut to [3, 4]; at t = 4 to [4, 4]
        assertArrayEquals(new double[] {0.1, 0.1, 0.4, 0.4, 0.4}, StlRobustness.trace(f, Horizon.TRUNCATE), TOL);
        double[] strict = StlRobustness.trace(f, Horizon.STRICT);
        assertEquals(0.4, strict[2], TOL); // [2, 4] fits: max(0.1, -0.4, 0.4)
        assertTrue(Double.isNaN(strict[3]) && Double.isNaN(strict[4]));
        var e = assertThrows(IllegalArgumentException.class, () -> robustness(f, 3, Horizon.STRICT));
        assertTrue(e.getMessage().contains("STRICT"), e.getMessage());
        // an empty truncated window: max of nothing is -inf, min of nothing is +inf
        assertEquals(Double.NEGATIVE_INFINITY, robustness(eventually(10, 12, ABOVE_08)));
        assertEquals(Double.POSITIVE_INFINITY, robustness(always(10, 12, ABOVE_08)));
    }

    @Test
    void invalidFormulasAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> robustness(and(ABOVE_08, greaterThan(new double[] {1, 2}, 0))));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> eventually(3, 1, ABOVE_08));
        assertThrows(IllegalArgumentException.class, () -> robustness(ABOVE_08, 5, Horizon.TRUNCATE));
    }

    @Test
    void signalsAreCopied() {
        double[] x = X.clone();
        Formula f = greaterThan(x, 0.8);
        x[4] = -100;
        assertEquals(0.4, robustness(eventually(0, 4, f)), TOL);
        double[] h = {1, 2};
        StlRobustness.predicate(h);
        assertArrayEquals(new double[] {1, 2}, h);
    }
}
