package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ReturnsTest {

    private static final double TOL = 1e-9;

    @Test
    void discountedReturnByHand() {
        // r = [1, 2, 3], γ = 0.5: G2 = 3, G1 = 2 + 1.5 = 3.5, G0 = 1 + 1.75 = 2.75
        assertArrayEquals(new double[] {2.75, 3.5, 3}, Returns.discounted(new double[] {1, 2, 3}, 0.5), TOL);
    }

    @Test
    void rewardToGoIsGammaOne() {
        assertArrayEquals(new double[] {6, 5, 3}, Returns.rewardToGo(new double[] {1, 2, 3}), TOL);
    }

    @Test
    void constantRewardApproachesOneOverOneMinusGamma() {
        double[] r = new double[2000];
        java.util.Arrays.fill(r, 1.0);
        // Σ_k 0.99^k over 2000 steps = (1 − 0.99^2000)/0.01 ≈ 100
        assertArrayEquals(new double[] {100}, new double[] {Returns.discounted(r, 0.99)[0]}, 1e-6);
    }

    @Test
    void bootstrapAfterTheLastStep() {
        // r = [0, 1], γ = 0.9, V(s_T) = 10: G1 = 1 + 9 = 10, G0 = 0 + 9 = 9
        assertArrayEquals(new double[] {9, 10}, Returns.discounted(new double[] {0, 1}, null, 0.9, 10), TOL);
    }

    @Test
    void maskedStepsAreSkippedNotCut() {
        // step 1 is masked (tool output): its reward is ignored, its return is 0, and the discount
        // advances once per valid step: G2 = 1, G0 = 0 + 0.5·1 = 0.5
        boolean[] m = {true, false, true};
        assertArrayEquals(new double[] {0.5, 0, 1}, Returns.discounted(new double[] {0, 42, 1}, m, 0.5, 0), TOL);
    }

    @Test
    void rightPaddingResetsLikeVerl() {
        boolean[] m = {true, true, false, false};
        assertArrayEquals(new double[] {3, 2, 0, 0}, Returns.rewardToGo(new double[] {1, 2, 7, 7}, m), TOL);
    }
}
