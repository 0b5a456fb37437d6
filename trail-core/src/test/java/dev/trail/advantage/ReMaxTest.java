package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReMaxTest {

    private static final double TOL = 1e-6;

    @Test
    void paperFormIsRewardMinusGreedyReward() {
        // §1.2: r = 2.0, r_greedy = 1.2 → 0.8 on every token; a sample equal to the greedy decode → 0
        assertArrayEquals(new double[] {0.8, 0.0}, ReMax.paper(new double[] {2.0, 1.2}, 1.2), TOL);
    }

    @Test
    void codeFormSpecExample() {
        // §1.2: ret_i = −0.05·(lp − lp_ref)_i + 0.8·0.99^(4 − i)
        // i = 0: −0.005 + 0.8·0.960596 = 0.763477;  i = 3: −0.015 + 0.8·0.99 = 0.777
        double[] k1 = {0.1, -0.2, 0.0, 0.3};
        assertArrayEquals(new double[] {0.763477, 0.786239, 0.784080, 0.777000},
                ReMax.codeReturns(2.0, 1.2, k1, null, 4, 0.99, 0.05, 5.0), TOL);
        // paper form through the code path: γ = 1, no KL, no clip in reach → [0.8, 0.8, 0.8, 0.8]
        assertArrayEquals(new double[] {0.8, 0.8, 0.8, 0.8}, ReMax.codeReturns(2.0, 1.2, null, null, 4, 1, 0, 5), TOL);
    }

    @Test
    void codeFormClipsTheDifference() {
        // 10 − 1 = 9 → clipped to 5; one token, γ 1
        assertArrayEquals(new double[] {5.0}, ReMax.codeReturns(10, 1, null, null, 1, 1, 0, 5), TOL);
        assertArrayEquals(new double[] {-5.0}, ReMax.codeReturns(-10, 1, null, null, 1, 1, 0, 5), TOL);
    }

    @Test
    void codeFormCountsOnlyValidSteps() {
        // the padded step gets 0 and does not advance the exponent: as the unpadded example
        double[] k1 = {0.1, -0.2, 0.0, 0.3, 7.0};
        boolean[] m = {true, true, true, true, false};
        assertArrayEquals(new double[] {0.763477, 0.786239, 0.784080, 0.777000, 0},
                ReMax.codeReturns(2.0, 1.2, k1, m, 5, 0.99, 0.05, 5.0), TOL);
    }

    @Test
    void klNeedsLogRatios() {
        assertThrows(IllegalArgumentException.class, () -> ReMax.codeReturns(1, 0, null, null, 2, 0.99, 0.05, 5));
    }
}
