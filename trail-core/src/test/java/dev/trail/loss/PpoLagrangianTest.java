package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PpoLagrangianTest {

    private static final double TOL = 1e-6;

    @Test
    void specExampleSgdForm() {
        // lambda' = 0.5 + 0.035 · (30 - 25) = 0.675
        double lambda = PpoLagrangian.updateMultiplier(0.5, 30, 25, 0.035);
        assertEquals(0.675, lambda, TOL);
        // A = (1 - 0.675 · 2) / 1.675
        assertEquals(-0.208955, PpoLagrangian.penalizedAdvantage(1.0, 2.0, lambda), TOL);
        assertArrayEquals(new double[] {-0.208955, 1 / 1.675},
                PpoLagrangian.penalizedAdvantages(new double[] {1, 1}, new double[] {2, 0}, lambda, true), TOL);
        // without the 1/(1 + lambda): 1 - 1.35
        assertArrayEquals(new double[] {-0.35},
                PpoLagrangian.penalizedAdvantages(new double[] {1}, new double[] {2}, lambda, false), TOL);
    }

    @Test
    void multiplierStaysNonNegative() {
        // cost far below the limit: 0.01 + 0.035 · (0 - 25) < 0 -> 0
        assertEquals(0.0, PpoLagrangian.updateMultiplier(0.01, 0, 25, 0.035));
        assertThrows(IllegalArgumentException.class, () -> PpoLagrangian.updateMultiplier(-0.1, 30, 25, 0.035));
    }

    @Test
    void adamFormFirstStepMovesByTheLearningRate() {
        // Adam's first step is lr · g/(|g| + eps) in size: the gradient of -lambda·(30 - 25) is -5,
        // so lambda = 0.001 + 0.035 · 5/(5 + 1e-8)
        PpoLagrangian.AdamMultiplier m = new PpoLagrangian.AdamMultiplier(0.001, 0.035, Double.POSITIVE_INFINITY);
        assertEquals(0.036, m.update(30, 25), TOL);
        // cost well below the limit pushes lambda down and the clamp keeps it at 0
        PpoLagrangian.AdamMultiplier low = new PpoLagrangian.AdamMultiplier(0.001, 0.035, Double.POSITIVE_INFINITY);
        assertEquals(0.0, low.update(0, 25));
        // upper bound
        PpoLagrangian.AdamMultiplier capped = new PpoLagrangian.AdamMultiplier(0.001, 0.035, 0.02);
        assertEquals(0.02, capped.update(30, 25));
    }

    @Test
    void adamStateRoundTripsExactly() {
        PpoLagrangian.AdamMultiplier a = new PpoLagrangian.AdamMultiplier(0.001, 0.035, Double.POSITIVE_INFINITY);
        a.update(30, 25);
        a.update(28, 25);
        PpoLagrangian.AdamMultiplier b = PpoLagrangian.AdamMultiplier.fromState(a.state());
        assertEquals(a.update(20, 25), b.update(20, 25), 0.0);
        assertEquals(a.state(), b.state());
    }

    @Test
    void shapeMismatchNamesBothLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PpoLagrangian.penalizedAdvantages(new double[2], new double[3], 0.5, true));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"));
    }
}
