package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DapoTest {

    private static final double TOL = 1e-6;

    @Test
    void dynamicSamplingSpecExample() {
        double[][] groups = {
            {1, 0, 1, 1}, // g1: mixed, kept
            {1, 1, 1, 1}, // g2: all correct, every advantage 0: dropped
            {0, 0, 0, 0}, // g3: all wrong: dropped
            {0, 1, 0, 0}}; // g4: mixed, kept
        assertArrayEquals(new int[] {0, 3}, Dapo.keptGroups(groups));
        // the training batch needs 2 groups -> {g1, g4}
        assertArrayEquals(new int[] {0, 3}, Dapo.selectGroups(groups, 2));
        assertArrayEquals(new int[] {0}, Dapo.selectGroups(groups, 1)); // truncated to exactly what is needed
    }

    @Test
    void anyEqualRewardsAreDroppedNotOnlyAccuracy() {
        assertFalse(Dapo.keepGroup(new double[] {0.3, 0.3, 0.3}));
        assertTrue(Dapo.keepGroup(new double[] {0.3, 0.3, 0.30000001}));
        assertTrue(Dapo.keepGroup(new double[] {5.0})); // singleton: kept, as verl
    }

    @Test
    void stdThresholdVariant() {
        // [1, 0, 1, 1]: mean 0.75, population std sqrt(0.1875) = 0.433 > 0.3: kept
        assertTrue(Dapo.keepGroup(new double[] {1, 0, 1, 1}, 0.3));
        // [0.5, 0.6, 0.5, 0.6]: std 0.05 <= 0.3: dropped although not all equal
        assertFalse(Dapo.keepGroup(new double[] {0.5, 0.6, 0.5, 0.6}, 0.3));
        assertTrue(Dapo.keepGroup(new double[] {0.5, 0.6, 0.5, 0.6}, 0.0));
    }

    @ParameterizedTest(name = "L={0}: R_len={1}")
    @CsvSource({
        "0,     0",
        "16000, 0",
        "16384, 0", // = L_max - L_cache: last length without penalty
        "18000, -0.39453125", // (16384 - 18000) / 4096
        "20480, -1.0", // = L_max: the window reaches -1
        "20481, -1.0"}) // beyond L_max: -1 (paper)
    void overlongShapingSpecTable(int length, double expected) {
        assertEquals(expected, Dapo.overlongPenalty(length, 20480, 4096), TOL);
    }

    @Test
    void overlongShapingHelpers() {
        assertEquals(-0.5 * 0.39453125, Dapo.overlongPenalty(18000, 20480, 4096, 0.5), TOL);
        assertArrayEquals(new double[] {1.0, 1 - 0.39453125, -1.0},
                Dapo.shapeRewards(new double[] {1, 1, 0}, new int[] {100, 18000, 20480}, 20480, 4096), TOL);
        assertEquals(0.0, Dapo.overlongPenalty(10, 10, 0)); // no cache window
        assertEquals(-1.0, Dapo.overlongPenalty(11, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Dapo.overlongPenalty(10, 10, 11));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dapo.shapeRewards(new double[2], new int[3], 10, 2));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void overlongFilteringRemovesTruncatedResponsesFromTheLoss() {
        // rows: [1, 3 | valid 2] and [2, 2, 2, 6 | truncated], T = 4
        double[] losses = {1, 3, 0, 0, 2, 2, 2, 6};
        double[] mask = {1, 1, 0, 0, 1, 1, 1, 1};
        double[] filtered = Dapo.overlongFilterMask(mask, 4, new boolean[] {false, true});
        assertArrayEquals(new double[] {1, 1, 0, 0, 0, 0, 0, 0}, filtered);
        assertArrayEquals(new double[] {1, 1, 0, 0, 1, 1, 1, 1}, mask); // input untouched
        // as if the truncated response were not in the batch
        assertEquals(2.0, Aggregation.TOKEN_MEAN.aggregate(losses, filtered, 4), TOL);
        assertEquals(2.0, Aggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(losses, filtered, 4), TOL);
        assertEquals(4.0, Aggregation.SEQ_MEAN_TOKEN_SUM.aggregate(losses, filtered, 4), TOL);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dapo.overlongFilterMask(mask, 4, new boolean[3]));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
    }
}
