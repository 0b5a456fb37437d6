package dev.trail.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §10.1 worked example: G = [10, 50, 100], T = [2, 3, 1]. */
class TrajectoryWeightsTest {

    static final double[] G = {10, 50, 100};
    static final int[] T = {2, 3, 1};

    static void assertVector(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "index " + i);
        }
    }

    @Test
    void returnWeightedNormalisesThenSoftmaxesOverTransitions() {
        assertVector(new double[] {0, 0.444444, 1}, TrajectoryWeights.minMaxNormalise(G));
        double[] w = TrajectoryWeights.returnWeighted(G, T, 0.1);
        assertVector(new double[] {0.000045, 0.000045, 0.003821, 0.003821, 0.003821, 0.988446}, w);
        assertVector(new double[] {9.0e-5, 0.011464, 0.988446}, TrajectoryWeights.trajectoryMasses(w, T));
        assertVector(new double[] {0.005615, 0.005615, 0.051814, 0.051814, 0.051814, 0.833330},
                TrajectoryWeights.returnWeighted(G, T, 0.2));
    }

    @Test
    void advantageWeightedUsesALinearFitOnInitialStates() {
        double[][] s0 = {{0}, {1}, {2}};
        // V = 8.333333 + 45 s; A = [1.666667, -3.333333, 1.666667]; Â = [1, 0, 1]
        assertVector(new double[] {8.333333, 53.333333, 98.333333}, TrajectoryWeights.linearFit(s0, G));
        assertVector(new double[] {0.333318, 0.333318, 0.000015, 0.000015, 0.000015, 0.333318},
                TrajectoryWeights.advantageWeighted(G, s0, T, 0.1));
    }

    @Test
    void collinearStatesStillGiveTheLeastSquaresFit() {
        // the second state column duplicates the first: the fit is unchanged
        assertVector(new double[] {8.333333, 53.333333, 98.333333},
                TrajectoryWeights.linearFit(new double[][] {{0, 0}, {1, 2}, {2, 4}}, G));
    }

    @Test
    void otherOrdersAreKeptForReproduction() {
        // d3rlpy-v2 example: softmax of raw returns, essentially one-hot
        assertVector(new double[] {0, 0, 0, 0, 0, 1},
                TrajectoryWeights.returnWeighted(G, T, 0.1, TrajectoryWeights.Form.RAW_SOFTMAX));
        // d3rlpy_impls: softmax then min-max, the worst trajectory gets exactly 0
        double[] w = TrajectoryWeights.returnWeighted(G, T, 0.1, TrajectoryWeights.Form.SOFTMAX_THEN_MIN_MAX);
        assertEquals(0.0, w[0]);
        assertEquals(1.0, w[5]);
    }

    @Test
    void equalReturnsFallBackToUniform() {
        assertVector(new double[] {0.25, 0.25, 0.25, 0.25},
                TrajectoryWeights.returnWeighted(new double[] {3, 3}, new int[] {1, 3}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> TrajectoryWeights.returnWeighted(G, T, 0.0));
    }

    @Test
    void topFractionKeepsTheBestTrajectories() {
        // floor(0.1 * 3) = 0 -> at least one trajectory: the best, one transition
        assertVector(new double[] {0, 0, 0, 0, 0, 1}, TrajectoryWeights.topFraction(G, T, 0.1));
        assertVector(new double[] {0, 0, 0.25, 0.25, 0.25, 0.25}, TrajectoryWeights.topFraction(G, T, 0.7));
    }

    @Test
    void samplingByInverseCdf() {
        double[] cdf = TrajectoryWeights.cumulative(new double[] {0.2, 0.0, 0.8});
        assertEquals(0, TrajectoryWeights.sample(cdf, 0.0));
        assertEquals(0, TrajectoryWeights.sample(cdf, 0.199));
        assertEquals(2, TrajectoryWeights.sample(cdf, 0.2));
        assertEquals(2, TrajectoryWeights.sample(cdf, 0.999));
    }
}
