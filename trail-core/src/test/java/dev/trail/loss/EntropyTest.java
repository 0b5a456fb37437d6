package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EntropyTest {

    private static final double TOL = 1e-6;

    @Test
    void specExample() {
        // -(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1)
        assertEquals(0.801819, Entropy.ofProbabilities(new double[] {0.7, 0.2, 0.1}), TOL);
    }

    @Test
    void logitsGiveTheSameEntropyAndAreShiftInvariant() {
        double[] logits = {Math.log(0.7), Math.log(0.2), Math.log(0.1)};
        assertEquals(0.801819, Entropy.ofLogits(logits), TOL);
        double[] shifted = {logits[0] + 1000, logits[1] + 1000, logits[2] + 1000}; // naive exp would overflow
        assertEquals(0.801819, Entropy.ofLogits(shifted), TOL);
    }

    @Test
    void analyticLimits() {
        assertEquals(Math.log(5), Entropy.ofLogits(new double[] {3, 3, 3, 3, 3}), TOL); // uniform: ln V
        assertEquals(0.0, Entropy.ofProbabilities(new double[] {0, 1, 0}), 0.0); // 0·ln 0 = 0
        // a banned token (logit -inf) is the same as a smaller vocabulary
        assertEquals(Math.log(2), Entropy.ofLogits(new double[] {1, Double.NEGATIVE_INFINITY, 1}), TOL);
    }

    @Test
    void perTokenEntropiesAggregated() {
        // [B=1, T=2, V=3]: token 0 uniform (ln 3), token 1 the spec distribution, masked token 2 garbage
        double[] logits = {0, 0, 0, Math.log(0.7), Math.log(0.2), Math.log(0.1), Double.NaN, 1, 2};
        double[] mask = {1, 1, 0};
        assertArrayEquals(new double[] {Math.log(3), 0.801819, 0.0}, Entropy.perToken(logits, 3, mask), TOL);
        assertEquals((Math.log(3) + 0.801819) / 2, Entropy.aggregate(logits, 3, mask, 3, Aggregation.TOKEN_MEAN, 0),
                TOL);
        assertTrue(Double.isNaN(logits[6]));
    }

    @Test
    void invalidInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Entropy.ofProbabilities(new double[] {0.5, 0.6}));
        assertThrows(IllegalArgumentException.class, () -> Entropy.ofProbabilities(new double[] {1.5, -0.5}));
        assertThrows(IllegalArgumentException.class,
                () -> Entropy.ofLogits(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Entropy.perToken(new double[8], 3, new double[3]));
        assertTrue(e.getMessage().contains("8") && e.getMessage().contains("3"), e.getMessage());
    }
}
