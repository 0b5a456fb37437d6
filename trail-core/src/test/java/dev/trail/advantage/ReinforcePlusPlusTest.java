package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReinforcePlusPlusTest {

    private static final double TOL = 1e-6;

    @Test
    void specExample() {
        // §1.7, β 0.01, γ 1. Token rewards: seq1 [−0.002, 0.001, 1 − 0.003], seq2 [−0.001, −0.004]
        // returns: seq1 [0.996, 0.998, 0.997], seq2 [−0.005, −0.004]; μ 0.5964, σ² 0.3009013
        double[][] rewards = {{0, 0, 1}, {0, 0}};
        double[][] k1 = {{0.2, -0.1, 0.3}, {0.1, 0.4}};
        AdvantageResult r = ReinforcePlusPlus.advantages(rewards, k1, null, 0.01, 1.0, true, 1e-8);
        assertArrayEquals(new double[] {0.996, 0.998, 0.997}, r.returns()[0], 1e-12);
        assertArrayEquals(new double[] {-0.005, -0.004}, r.returns()[1], 1e-12);
        assertArrayEquals(new double[] {0.728473, 0.732119, 0.730296}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.096355, -1.094532}, r.advantages()[1], TOL);
    }

    @Test
    void paddingDoesNotLeakIntoReturnsOrStatistics() {
        // the same example, right-padded to 4 steps with garbage at the pads
        double[][] rewards = {{0, 0, 1, 5}, {0, 0, 3, 3}};
        double[][] k1 = {{0.2, -0.1, 0.3, 9}, {0.1, 0.4, 9, 9}};
        boolean[][] m = {{true, true, true, false}, {true, true, false, false}};
        AdvantageResult r = ReinforcePlusPlus.advantages(rewards, k1, m, 0.01, 1.0, true, 1e-8);
        assertArrayEquals(new double[] {0.728473, 0.732119, 0.730296, 0}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.096355, -1.094532, 0, 0}, r.advantages()[1], TOL);
    }

    @Test
    void baselineSpecExample() {
        // §1.7: group R = [1, 0, 1, 1], lengths [2, 3, 1, 2]; c = R − 0.75 broadcast, then whitened
        double[][] rewards = {{0, 1}, {0, 0, 0}, {1}, {0, 1}};
        AdvantageResult r = ReinforcePlusPlus.baseline(rewards, new int[] {4}, null, null, 0, 1, true, 1e-8);
        assertArrayEquals(new double[] {0.724569, 0.724569}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.207615, -1.207615, -1.207615}, r.advantages()[1], TOL);
        assertArrayEquals(new double[] {0.724569}, r.advantages()[2], TOL);
        assertArrayEquals(new double[] {0.724569, 0.724569}, r.advantages()[3], TOL);
        // returns are the centred scores before whitening
        assertArrayEquals(new double[] {-0.75, -0.75, -0.75}, r.returns()[1], 1e-12);
    }

    @Test
    void baselineSingletonGroupUsesMeanZero() {
        // two groups: [1, 0] and a singleton [0.5] → c = [0.5, −0.5, 0.5], one token each
        double[][] rewards = {{1}, {0}, {0.5}};
        AdvantageResult r = ReinforcePlusPlus.baseline(rewards, new int[] {2, 1}, null, null, 0, 1, true, 1e-8);
        assertArrayEquals(new double[] {0.5}, r.returns()[0], 1e-12);
        assertArrayEquals(new double[] {0.5}, r.returns()[2], 1e-12);
    }

    @Test
    void klCoefficientNeedsLogRatios() {
        assertThrows(IllegalArgumentException.class,
                () -> ReinforcePlusPlus.advantages(new double[][] {{1}, {0}}, null, null, 0.01, 1, true, 1e-8));
    }

    @Test
    void inputsAreNotModified() {
        double[][] rewards = {{0, 0, 1}, {0, 0}};
        double[][] k1 = {{0.2, -0.1, 0.3}, {0.1, 0.4}};
        ReinforcePlusPlus.advantages(rewards, k1, null, 0.01, 1.0, true, 1e-8);
        ReinforcePlusPlus.baseline(rewards, new int[] {2}, k1, null, 0.01, 1.0, true, 1e-8);
        assertArrayEquals(new double[] {0, 0, 1}, rewards[0], 0.0);
        assertArrayEquals(new double[] {0.1, 0.4}, k1[1], 0.0);
    }
}
