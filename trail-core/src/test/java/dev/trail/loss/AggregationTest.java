package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AggregationTest {

    private static final double TOL = 1e-6;
    private static final int L_MAX = 8;

    // §0.4: seq A has token losses [1, 3], seq B has [2, 2, 2, 6]; rows padded to T = L_max = 8.
    private static final double[] LOSSES = {
        1, 3, 0, 0, 0, 0, 0, 0,
        2, 2, 2, 6, 0, 0, 0, 0};
    private static final double[] MASK = {
        1, 1, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 0, 0, 0, 0};

    @Test
    void specVectorTokenMean() {
        // (1 + 3 + 2 + 2 + 2 + 6) / 6 tokens = 16/6
        assertEquals(2.666667, Aggregation.TOKEN_MEAN.aggregate(LOSSES, MASK, 8), TOL);
    }

    @Test
    void specVectorSeqMeanTokenMean() {
        // (4/2 + 12/4) / 2 = (2 + 3) / 2
        assertEquals(2.5, Aggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(LOSSES, MASK, 8), TOL);
    }

    @Test
    void specVectorSeqMeanTokenSum() {
        // (4 + 12) / 2
        assertEquals(8.0, Aggregation.SEQ_MEAN_TOKEN_SUM.aggregate(LOSSES, MASK, 8), TOL);
    }

    @Test
    void specVectorDrGrpoConstantNorm() {
        // 16 / (B·L_max) = 16 / (2·8)
        assertEquals(1.0, Aggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(LOSSES, MASK, 8, L_MAX), TOL);
    }

    @Test
    void specVectorVerlNormDividesByPaddedWidth() {
        // 16 / T_pad, with the rows padded to T = 8
        assertEquals(2.0, Aggregation.VERL_SEQ_MEAN_TOKEN_SUM_NORM.aggregate(LOSSES, MASK, 8), TOL);
        // The same tokens padded only to T = 4 give 16/4: verl's value depends on the padding.
        double[] narrow = {1, 3, 0, 0, 2, 2, 2, 6};
        double[] narrowMask = {1, 1, 0, 0, 1, 1, 1, 1};
        assertEquals(4.0, Aggregation.VERL_SEQ_MEAN_TOKEN_SUM_NORM.aggregate(narrow, narrowMask, 4), TOL);
        // ...while Dr. GRPO's constant L_max does not.
        assertEquals(1.0, Aggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(narrow, narrowMask, 4, L_MAX), TOL);
    }

    @Test
    void allOnesMaskMatchesHandSums() {
        // rows [1, 2, 3] and [4, 5, 6]: row sums 6 and 15, total 21, 6 tokens, T = 3
        double[] losses = {1, 2, 3, 4, 5, 6};
        double[] ones = {1, 1, 1, 1, 1, 1};
        assertEquals(21.0 / 6, Aggregation.TOKEN_MEAN.aggregate(losses, ones, 3), TOL);
        assertEquals((6.0 / 3 + 15.0 / 3) / 2, Aggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(losses, ones, 3), TOL);
        assertEquals((6.0 + 15.0) / 2, Aggregation.SEQ_MEAN_TOKEN_SUM.aggregate(losses, ones, 3), TOL);
        assertEquals((6.0 + 15.0) / (2 * 10.0), Aggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(losses, ones, 3, 10), TOL);
        assertEquals(21.0 / 3, Aggregation.VERL_SEQ_MEAN_TOKEN_SUM_NORM.aggregate(losses, ones, 3), TOL);
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void maskedTokensNeverChangeTheResult(Aggregation mode) {
        double expected = mode.aggregate(LOSSES, MASK, 8, L_MAX);
        for (double garbage : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1e300, 42}) {
            double[] dirty = LOSSES.clone();
            for (int i = 0; i < dirty.length; i++) {
                if (MASK[i] == 0) {
                    dirty[i] = garbage;
                }
            }
            assertEquals(expected, mode.aggregate(dirty, MASK, 8, L_MAX), 0.0, "padding " + garbage);
        }
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void fullyMaskedRowIsNotASequence(Aggregation mode) {
        double[] losses = Arrays.copyOf(LOSSES, 24);
        double[] mask = Arrays.copyOf(MASK, 24);
        Arrays.fill(losses, 16, 24, 7.0); // a third row, entirely masked out
        assertEquals(mode.aggregate(LOSSES, MASK, 8, L_MAX), mode.aggregate(losses, mask, 8, L_MAX), TOL);
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void noValidTokenGivesZero(Aggregation mode) {
        assertEquals(0.0, mode.aggregate(new double[] {5, Double.NaN}, new double[] {0, 0}, 2, L_MAX));
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void microBatchSharesSumToTheMiniBatchValue(Aggregation mode) {
        // Appendix B.4: split the §0.4 batch into one micro-batch per row, normalise by global totals.
        double[] rowA = Arrays.copyOfRange(LOSSES, 0, 8);
        double[] maskA = Arrays.copyOfRange(MASK, 0, 8);
        double[] rowB = Arrays.copyOfRange(LOSSES, 8, 16);
        double[] maskB = Arrays.copyOfRange(MASK, 8, 16);
        Aggregation.Totals totals = Aggregation.Totals.of(maskA, 8).plus(Aggregation.Totals.of(maskB, 8));
        assertEquals(new Aggregation.Totals(6, 2), totals);
        double sum = mode.aggregate(rowA, maskA, 8, L_MAX, totals) + mode.aggregate(rowB, maskB, 8, L_MAX, totals);
        assertEquals(mode.aggregate(LOSSES, MASK, 8, L_MAX), sum, TOL);
        // Token-mean per micro-batch would give (2 + 3)/2 = 2.5 instead of 16/6: the global count matters.
        if (mode == Aggregation.TOKEN_MEAN) {
            assertEquals(16.0 / 6, sum, TOL);
        }
    }

    @Test
    void totalsSmallerThanTheBatchAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.TOKEN_MEAN.aggregate(LOSSES, MASK, 8, 0, new Aggregation.Totals(3, 1)));
        assertTrue(e.getMessage().contains("totals"), e.getMessage());
    }

    @Test
    void drGrpoNeedsMaxLength() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(LOSSES, MASK, 8));
        assertTrue(e.getMessage().contains("L_max"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Aggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(LOSSES, MASK, 8, 0));
    }

    @Test
    void cliNamesRoundTrip() {
        assertEquals(java.util.List.of("token-mean", "seq-mean-token-mean", "seq-mean-token-sum",
                "seq-mean-token-sum-norm", "verl-seq-mean-token-sum-norm"), Aggregation.cliNames());
        for (Aggregation a : Aggregation.values()) {
            assertEquals(a, Aggregation.fromCliName(a.cliName()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Aggregation.fromCliName("token_mean"));
        assertTrue(e.getMessage().contains("token_mean") && e.getMessage().contains("seq-mean-token-mean"),
                e.getMessage());
    }

    @Test
    void shapeMismatchNamesBothLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.TOKEN_MEAN.aggregate(new double[6], new double[8], 2));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("8"), e.getMessage());
        var notMultiple = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.TOKEN_MEAN.aggregate(new double[6], new double[6], 4));
        assertTrue(notMultiple.getMessage().contains("6") && notMultiple.getMessage().contains("4"),
                notMultiple.getMessage());
        var badMask = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.TOKEN_MEAN.aggregate(new double[2], new double[] {1, 0.5}, 2));
        assertTrue(badMask.getMessage().contains("0.5"), badMask.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void inputsAreNotMutated(Aggregation mode) {
        double[] losses = LOSSES.clone();
        double[] mask = MASK.clone();
        mode.aggregate(losses, mask, 8, L_MAX);
        assertArrayEquals(LOSSES, losses);
        assertArrayEquals(MASK, mask);
    }
}
