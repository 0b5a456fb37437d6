package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupStatsTest {

    private static final double TOL = 1e-6;

    @Test
    void specExampleMeanAndBothStds() {
        // §1.4: R = [1, 0, 1, 1]: mean 0.75; Σ(R − mean)² = 3·0.0625 + 0.5625 = 0.75
        // unbiased: sqrt(0.75/3) = 0.5; population: sqrt(0.75/4) = 0.433013
        double[] r = {1, 0, 1, 1};
        assertEquals(0.75, GroupStats.mean(r), TOL);
        assertEquals(0.5, GroupStats.std(r, 1), TOL);
        assertEquals(0.433013, GroupStats.std(r, 0), TOL);
        assertEquals(0.25, GroupStats.variance(r, 1), TOL);
    }

    @Test
    void liteppoBatchStdExample() {
        // §1.6: all 8 rewards of g1 = [1,0,1,1], g2 = [0,0,0,1]: mean 0.5, Σ d² = 2, unbiased std sqrt(2/7)
        double[] r = {1, 0, 1, 1, 0, 0, 0, 1};
        assertEquals(0.534522, GroupStats.std(r, 1), TOL);
    }

    @ParameterizedTest
    @CsvSource({"1.0, 0.0", "0.3, 0.9", "-2.0, 5.5", "7.0, 7.0"})
    void sizeTwoUnbiasedStdIsHalfTheGapTimesRootTwo(double r1, double r2) {
        assertEquals(Math.abs(r1 - r2) / Math.sqrt(2), GroupStats.std(new double[] {r1, r2}, 1), 1e-12);
    }

    @Test
    void allEqualGroupHasExactMeanAndZeroStd() {
        // (0.1 + 0.1 + 0.1)/3 would be 0.10000000000000002; the all-equal path returns 0.1 exactly
        double[] r = {0.1, 0.1, 0.1};
        assertEquals(0.1, GroupStats.mean(r));
        assertEquals(0.0, GroupStats.std(r, 1));
        assertEquals(0.0, GroupStats.std(r, 0));
    }

    @Test
    void singletonPopulationStdIsZeroButUnbiasedIsUndefined() {
        double[] r = {3.0};
        assertEquals(3.0, GroupStats.mean(r));
        assertEquals(0.0, GroupStats.std(r, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupStats.std(r, 1));
        assertTrue(e.getMessage().contains("ddof=1"), e.getMessage());
    }

    @Test
    void sliceOfARowMajorBatch() {
        double[] rows = {1, 0, 1, 1, 0, 0, 0, 1};
        assertEquals(0.25, GroupStats.mean(rows, 4, 8), TOL);
        assertEquals(0.5, GroupStats.std(rows, 4, 8, 1), TOL);
    }

    @Test
    void rejectsEmptyAndBadDdof() {
        assertThrows(IllegalArgumentException.class, () -> GroupStats.mean(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> GroupStats.std(new double[] {1, 2}, 2));
    }
}
