package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KlEstimatorsTest {

    private static final double TOL = 1e-6;

    @ParameterizedTest(name = "lp={0}, lp_ref={1}: k1={2}, k2={3}, k3={4}")
    @CsvSource({
        // delta = lp_ref - lp = -0.5: k3 = e^-0.5 + 0.5 - 1
        "-1.0, -1.5,  0.5, 0.125, 0.106531",
        // delta = +0.5: k3 = e^0.5 - 0.5 - 1
        "-2.0, -1.5, -0.5, 0.125, 0.148721"})
    void specTable(double lp, double ref, double k1, double k2, double k3) {
        assertEquals(k1, KlEstimators.k1(lp, ref), TOL);
        assertEquals(k2, KlEstimators.k2(lp, ref), TOL);
        assertEquals(k3, KlEstimators.k3(lp, ref), TOL);
        assertEquals(Math.abs(k1), KlEstimators.abs(lp, ref), TOL);
        assertEquals(k3, KlEstimators.Kind.K3.of(lp, ref), TOL);
    }

    @Test
    void k3IsNonNegativeAndCloseToHalfDeltaSquaredForSmallDelta() {
        for (double delta = -15; delta <= 15; delta += 0.01) {
            assertTrue(KlEstimators.k3(0.0, delta) >= 0, "delta " + delta);
        }
        // exp(d) - d - 1 = d²/2 + d³/6 + ...: the cubic term bounds the gap
        for (double delta : new double[] {1e-2, -1e-2, 1e-3, -1e-4}) {
            assertEquals(0.5 * delta * delta, KlEstimators.k3(0.0, delta), Math.abs(delta * delta * delta));
        }
        // expm1 keeps full relative precision where exp(d) - d - 1 would cancel to 0
        double tiny = 1e-9;
        assertEquals(0.5 * tiny * tiny, KlEstimators.k3(0.0, tiny), 1e-6 * 0.5 * tiny * tiny);
    }

    @Test
    void k3IsClampedLikeVerl() {
        // delta = 50 -> clamped to 20 -> e^20 - 21 -> clamped to 10
        assertEquals(10.0, KlEstimators.k3(0.0, 50.0));
        // delta = -50 -> -20 -> e^-20 + 19 ≈ 19 -> 10
        assertEquals(10.0, KlEstimators.k3(50.0, 0.0));
    }

    @Test
    void namesIncludeVerlAliases() {
        assertEquals(KlEstimators.Kind.K1, KlEstimators.Kind.fromName("kl"));
        assertEquals(KlEstimators.Kind.K2, KlEstimators.Kind.fromName("mse"));
        assertEquals(KlEstimators.Kind.K3, KlEstimators.Kind.fromName("low_var_kl"));
        assertEquals(KlEstimators.Kind.K3, KlEstimators.Kind.fromName("k3"));
        assertEquals(KlEstimators.Kind.ABS, KlEstimators.Kind.fromName("abs"));
        var e = assertThrows(IllegalArgumentException.class, () -> KlEstimators.Kind.fromName("k4"));
        assertTrue(e.getMessage().contains("k4") && e.getMessage().contains("low_var_kl"), e.getMessage());
    }

    @Test
    void perTokenAndAggregatedInLossForm() {
        double[] lp = {-1.0, -2.0, Double.NaN};
        double[] ref = {-1.5, -1.5, 0.0};
        double[] mask = {1, 1, 0};
        double[] k3 = KlEstimators.perToken(KlEstimators.Kind.K3, lp, ref, mask);
        assertArrayEquals(new double[] {0.106531, 0.148721, 0.0}, k3, TOL);
        assertArrayEquals(new double[] {-1.0, -2.0, Double.NaN}, lp); // inputs untouched
        assertArrayEquals(new double[] {-1.5, -1.5, 0.0}, ref);
        assertArrayEquals(new double[] {1, 1, 0}, mask);
        // token-mean over the 2 valid tokens
        assertEquals((0.106531 + 0.148721) / 2,
                KlEstimators.aggregate(KlEstimators.Kind.K3, lp, ref, mask, 3, Aggregation.TOKEN_MEAN, 0), TOL);
        // k1's token-mean is (0.5 - 0.5)/2 = 0: k1 can cancel, k3 cannot
        assertEquals(0.0, KlEstimators.aggregate(KlEstimators.Kind.K1, lp, ref, mask, 3, Aggregation.TOKEN_MEAN, 0),
                TOL);
    }

    @Test
    void inRewardFormLeavesMaskedRewardsAlone() {
        double[] rewards = {0, 0, 1, 7};
        double[] kl = {0.5, -0.5, 0.1, Double.NaN};
        double[] mask = {1, 1, 1, 0};
        // r - 0.1·k on valid tokens: [-0.05, 0.05, 0.99]; the padded reward stays 7
        assertArrayEquals(new double[] {-0.05, 0.05, 0.99, 7},
                KlEstimators.penalizeRewards(rewards, kl, mask, 0.1), TOL);
        assertArrayEquals(new double[] {0, 0, 1, 7}, rewards);
        assertTrue(Double.isNaN(kl[3]));
    }

    @Test
    void shapeMismatchNamesBothLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KlEstimators.perToken(KlEstimators.Kind.K1, new double[3], new double[2], new double[3]));
        assertTrue(e.getMessage().contains("refLogProbs") && e.getMessage().contains("3")
                && e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KlEstimators.penalizeRewards(new double[3], new double[3], new double[3], -1));
    }
}
