package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLossTest {

    private static final double TOL = 1e-6;
    private static final PolicyLoss.Clip PPO = PolicyLoss.Clip.ppo(0.2);
    private static final PolicyLoss.Clip DAPO = PolicyLoss.Clip.decoupled(0.2, 0.28);
    private static final PolicyLoss.Clip DUAL = PolicyLoss.Clip.ppo(0.2).withDualClip(3.0);

    // The §0.5 table, one row per token.
    private static final double[] A = {1, 1, 1, 1, -1, -1, -1};
    private static final double[] RATIO = {0.5, 1.25, 1.5, 5.0, 0.5, 1.5, 5.0};
    private static final double[] PPO_LOSS = {-0.5, -1.2, -1.2, -1.2, 0.8, 1.5, 5.0};
    private static final double[] DAPO_LOSS = {-0.5, -1.25, -1.28, -1.28, 0.8, 1.5, 5.0};
    private static final double[] DUAL_LOSS = {-0.5, -1.2, -1.2, -1.2, 0.8, 1.5, 3.0};

    @ParameterizedTest(name = "A={0}, ratio={1}: PPO {2}, DAPO {3}, dual-clip {4}")
    @CsvSource({
        // A > 0: the low clip never binds, so ratio 0.5 keeps -0.5; above 1+eps the loss is capped.
        " 1, 0.5,  -0.5,  -0.5,  -0.5",
        " 1, 1.25, -1.2,  -1.25, -1.2",
        " 1, 1.5,  -1.2,  -1.28, -1.2",
        " 1, 5.0,  -1.2,  -1.28, -1.2",
        // A < 0: ratio below 1-eps is clipped up to 0.8; large ratios grow until dual clip caps at -A*c = 3.
        "-1, 0.5,   0.8,   0.8,   0.8",
        "-1, 1.5,   1.5,   1.5,   1.5",
        "-1, 5.0,   5.0,   5.0,   3.0"})
    void specTable(double advantage, double ratio, double ppo, double dapo, double dual) {
        assertEquals(ppo, PolicyLoss.tokenLoss(ratio, advantage, PPO), TOL);
        assertEquals(dapo, PolicyLoss.tokenLoss(ratio, advantage, DAPO), TOL);
        assertEquals(dual, PolicyLoss.tokenLoss(ratio, advantage, DUAL), TOL);
    }

    private static double[] logs(double[] ratios) {
        double[] out = new double[ratios.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.log(ratios[i]);
        }
        return out;
    }

    private static final double[] ONES = {1, 1, 1, 1, 1, 1, 1};
    private static final double[] ZEROS = new double[7];

    @Test
    void specTableThroughTheBatchForm() {
        // lp = log ratio, lp_old = 0: the 7 rows as one sequence of 7 tokens.
        double[] lp = logs(RATIO);
        assertArrayEquals(PPO_LOSS, PolicyLoss.compute(lp, ZEROS, A, ONES, 7, PPO, Aggregation.TOKEN_MEAN)
                .tokenLosses(), TOL);
        assertArrayEquals(DAPO_LOSS, PolicyLoss.compute(lp, ZEROS, A, ONES, 7, DAPO, Aggregation.TOKEN_MEAN)
                .tokenLosses(), TOL);
        assertArrayEquals(DUAL_LOSS, PolicyLoss.compute(lp, ZEROS, A, ONES, 7, DUAL, Aggregation.TOKEN_MEAN)
                .tokenLosses(), TOL);
    }

    @Test
    void ppoTermsOfTheSpecTable() {
        PolicyLoss.Result r = PolicyLoss.compute(logs(RATIO), ZEROS, A, ONES, 7, PPO, Aggregation.TOKEN_MEAN);
        // token-mean: (-0.5 - 1.2 - 1.2 - 1.2 + 0.8 + 1.5 + 5.0) / 7 = 3.2 / 7
        assertEquals(3.2 / 7, r.loss(), TOL);
        // l2 > l1 on rows 2, 3, 4 (A>0, ratio > 1.2) and row 5 (A<0, ratio 0.5 lifted to 0.8): 4 of 7.
        assertEquals(4.0 / 7, r.clipFraction(), TOL);
        assertEquals(0.0, r.lowerClipFraction());
        // ppo_kl = mean(lp_old - lp) = -(2 ln 0.5 + ln 1.25 + 2 ln 1.5 + 2 ln 5) / 7 = -2.866655 / 7
        assertEquals(-0.409522, r.approxKl(), TOL);
    }

    @Test
    void dapoClipFractionCountsOnlyTokensWhereClippingChangedTheValue() {
        PolicyLoss.Result r = PolicyLoss.compute(logs(RATIO), ZEROS, A, ONES, 7, DAPO, Aggregation.TOKEN_MEAN);
        // ratio 1.25 is inside [0.8, 1.28] now: only rows 3, 4, 5 are clipped.
        assertEquals(3.0 / 7, r.clipFraction(), TOL);
        // (-0.5 - 1.25 - 1.28 - 1.28 + 0.8 + 1.5 + 5.0) / 7 = 2.99 / 7
        assertEquals(2.99 / 7, r.loss(), TOL);
    }

    @Test
    void dualClipLowerFraction() {
        PolicyLoss.Result r = PolicyLoss.compute(logs(RATIO), ZEROS, A, ONES, 7, DUAL, Aggregation.TOKEN_MEAN);
        assertEquals(4.0 / 7, r.clipFraction(), TOL); // the ratio clip is as in PPO
        assertEquals(1.0 / 7, r.lowerClipFraction(), TOL); // only A=-1, ratio=5: 5 > 3
        // (3.2 - 5 + 3) / 7
        assertEquals(1.2 / 7, r.loss(), TOL);
    }

    @Test
    void equalEpsilonsReproducePpo() {
        PolicyLoss.Clip same = PolicyLoss.Clip.decoupled(0.2, 0.2);
        for (double a : new double[] {-2, -1, -0.3, 0, 0.3, 1, 2}) {
            for (double ratio = 0.05; ratio < 6; ratio += 0.05) {
                assertEquals(PolicyLoss.tokenLoss(ratio, a, PPO), PolicyLoss.tokenLoss(ratio, a, same), 0.0);
            }
        }
    }

    @Test
    void dualClipOnlyActsOnNegativeAdvantages() {
        for (double ratio = 0.05; ratio < 20; ratio += 0.25) {
            assertEquals(PolicyLoss.tokenLoss(ratio, 2.0, PPO), PolicyLoss.tokenLoss(ratio, 2.0, DUAL), 0.0);
            assertTrue(PolicyLoss.tokenLoss(ratio, -2.0, DUAL) <= 2.0 * 3.0 + 1e-12);
        }
    }

    @Test
    void seqMeanTokenMeanAggregation() {
        // two sequences: [row1, row2] and [row5, row6, row7] of the table, padded to T = 3
        double[] lp = {Math.log(0.5), Math.log(1.25), 0, Math.log(0.5), Math.log(1.5), Math.log(5)};
        double[] adv = {1, 1, 0, -1, -1, -1};
        double[] mask = {1, 1, 0, 1, 1, 1};
        PolicyLoss.Result r = PolicyLoss.compute(lp, new double[6], adv, mask, 3, PPO,
                Aggregation.SEQ_MEAN_TOKEN_MEAN);
        // seq 1: (-0.5 - 1.2)/2 = -0.85; seq 2: (0.8 + 1.5 + 5)/3 = 7.3/3; mean of the two
        assertEquals((-0.85 + 7.3 / 3) / 2, r.loss(), TOL);
        assertEquals(0.0, r.tokenLosses()[2]);
    }

    @Test
    void maskedTokensNeverChangeAnyTerm() {
        double[] lp = logs(RATIO);
        double[] mask = {1, 0, 1, 1, 0, 1, 1};
        PolicyLoss.Result clean = PolicyLoss.compute(lp, ZEROS, A, mask, 7, DUAL, Aggregation.TOKEN_MEAN);
        double[] dirtyLp = lp.clone();
        double[] dirtyOld = ZEROS.clone();
        double[] dirtyA = A.clone();
        for (int i : new int[] {1, 4}) {
            dirtyLp[i] = Double.NaN;
            dirtyOld[i] = Double.POSITIVE_INFINITY;
            dirtyA[i] = 1e300;
        }
        PolicyLoss.Result dirty = PolicyLoss.compute(dirtyLp, dirtyOld, dirtyA, mask, 7, DUAL, Aggregation.TOKEN_MEAN);
        assertArrayEquals(clean.tokenLosses(), dirty.tokenLosses(), 0.0);
        assertEquals(clean.loss(), dirty.loss(), 0.0);
        assertEquals(clean.clipFraction(), dirty.clipFraction(), 0.0);
        assertEquals(clean.lowerClipFraction(), dirty.lowerClipFraction(), 0.0);
        assertEquals(clean.approxKl(), dirty.approxKl(), 0.0);
        assertEquals(0.0, dirty.tokenLosses()[1]);
    }

    @Test
    void hugeLogRatioIsClampedLikeVerl() {
        // lp - lp_old = 50 is clamped to 20: ratio e^20 is finite, so A = 0 gives 0, not 0 * inf = NaN.
        PolicyLoss.Result r = PolicyLoss.compute(new double[] {50, 0}, new double[] {0, 0}, new double[] {0, -1},
                new double[] {1, 1}, 2, PPO, Aggregation.TOKEN_MEAN);
        assertEquals(0.0, r.tokenLosses()[0], TOL);
        assertEquals(-20.0 / 2, r.approxKl(), TOL);
    }

    @Test
    void emptyMaskGivesZeros() {
        PolicyLoss.Result r = PolicyLoss.compute(new double[2], new double[2], new double[2], new double[2], 2, PPO,
                Aggregation.TOKEN_MEAN);
        assertEquals(0.0, r.loss());
        assertEquals(0.0, r.clipFraction());
        assertEquals(0.0, r.approxKl());
    }

    @Test
    void inputsAreNotMutated() {
        double[] lp = logs(RATIO);
        double[] lpCopy = lp.clone();
        double[] old = ZEROS.clone();
        double[] adv = A.clone();
        double[] mask = ONES.clone();
        PolicyLoss.compute(lp, old, adv, mask, 7, DUAL, Aggregation.SEQ_MEAN_TOKEN_SUM_NORM, 10);
        assertArrayEquals(lpCopy, lp);
        assertArrayEquals(ZEROS, old);
        assertArrayEquals(A, adv);
        assertArrayEquals(ONES, mask);
    }

    @Test
    void shapeMismatchNamesBothLengths() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyLoss.compute(new double[5], new double[6],
                new double[5], new double[5], 5, PPO, Aggregation.TOKEN_MEAN));
        assertTrue(e.getMessage().contains("logProbs") && e.getMessage().contains("oldLogProbs")
                && e.getMessage().contains("5") && e.getMessage().contains("6"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> PolicyLoss.compute(new double[5], new double[5],
                new double[5], new double[4], 5, PPO, Aggregation.TOKEN_MEAN));
        assertTrue(m.getMessage().contains("mask") && m.getMessage().contains("4"), m.getMessage());
    }

    @Test
    void clipSettingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> PolicyLoss.Clip.ppo(0.2).withDualClip(1.0));
        assertThrows(IllegalArgumentException.class, () -> PolicyLoss.Clip.ppo(1.0));
        assertThrows(IllegalArgumentException.class, () -> PolicyLoss.Clip.decoupled(0.2, -0.1));
        assertTrue(DUAL.dualClip());
        assertTrue(!PPO.dualClip());
    }
}
