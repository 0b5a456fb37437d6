package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §3.1 worked examples. */
class SpoChainTest {

    // p = [0.95, 0.5, 0.99, 0.97, 0.6, 0.98, 0.92, 0.3, 0.99, 0.99]: low = {1, 4, 7}
    static final double[] P = {0.95, 0.5, 0.99, 0.97, 0.6, 0.98, 0.92, 0.3, 0.99, 0.99};

    @Test
    void cutPointsSitOneBeforeEachLowProbabilityToken() {
        assertArrayEquals(new int[] {0, 3, 6}, SpoChain.cutPoints(P, 0.9, 1));
        assertArrayEquals(new int[] {0, 6}, SpoChain.cutPoints(P, 0.9, 2));
    }

    @Test
    void intervalOneGivesTheValueChangeOfEachSegment() {
        // V(0)=0.4, V(3)=0.7, V(6)=0.5, score 1.0; first segment uncredited (no V(prompt))
        double[] raw = SpoChain.segmentAdvantages(10, new int[] {0, 3, 6}, new double[] {0.4, 0.7, 0.5}, 1.0,
                Double.NaN, SpoChain.PromptValue.WHEN_FIRST_TOKEN_LOW);
        assertVector(new double[] {0, 0.3, 0.3, 0.3, -0.2, -0.2, -0.2, 0.5, 0.5, 0.5}, raw);
        assertVector(new double[] {0, 0.3, 0, 0, -0.2, 0, 0, 0.5, 0, 0},
                SpoChain.applyMask(raw, SpoChain.lowProbabilityMask(P, 0.9)));
    }

    @Test
    void intervalTwoSkipsTheMiddleCut() {
        // cuts [0, 6]: 0.5 - 0.4 = 0.1 on (0, 6], 1.0 - 0.5 on (6, 9]
        double[] raw = SpoChain.segmentAdvantages(10, new int[] {0, 6}, new double[] {0.4, 0.5}, 1.0, Double.NaN,
                SpoChain.PromptValue.WHEN_FIRST_TOKEN_LOW);
        assertVector(new double[] {0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.5, 0.5}, raw);
        assertVector(new double[] {0, 0.1, 0, 0, 0.1, 0, 0, 0.5, 0, 0},
                SpoChain.applyMask(raw, SpoChain.lowProbabilityMask(P, 0.9)));
    }

    @Test
    void firstTokenLowUsesThePromptValue() {
        double[] p = P.clone();
        p[0] = 0.4;
        int[] cuts = SpoChain.cutPoints(p, 0.9, 1);
        assertArrayEquals(new int[] {-1, 0, 3, 6}, cuts);
        // V(prompt) = 0.5: token 0 gets 0.4 - 0.5 = -0.1
        double[] raw = SpoChain.segmentAdvantages(10, cuts, new double[] {0.5, 0.4, 0.7, 0.5}, 1.0, Double.NaN,
                SpoChain.PromptValue.WHEN_FIRST_TOKEN_LOW);
        assertVector(new double[] {-0.1, 0.3, 0.3, 0.3, -0.2, -0.2, -0.2, 0.5, 0.5, 0.5}, raw);
        assertVector(new double[] {-0.1, 0.3, 0, 0, -0.2, 0, 0, 0.5, 0, 0},
                SpoChain.applyMask(raw, SpoChain.lowProbabilityMask(p, 0.9)));
    }

    @Test
    void paperModeCreditsTheFirstSegmentAgainstThePrompt() {
        // V(prompt) = 0.5 always: first segment [0, 0] gets 0.4 - 0.5
        double[] raw = SpoChain.segmentAdvantages(10, new int[] {0, 3, 6}, new double[] {0.4, 0.7, 0.5}, 1.0, 0.5,
                SpoChain.PromptValue.ALWAYS);
        assertVector(new double[] {-0.1, 0.3, 0.3, 0.3, -0.2, -0.2, -0.2, 0.5, 0.5, 0.5}, raw);
    }

    @Test
    void noLowProbabilityTokensGiveZeroEverywhere() {
        double[] raw = SpoChain.segmentAdvantages(3, new int[0], new double[0], 1.0, Double.NaN,
                SpoChain.PromptValue.WHEN_FIRST_TOKEN_LOW);
        assertVector(new double[] {0, 0, 0}, raw);
    }

    @Test
    void monteCarloValueIsTheMeanRolloutReward() {
        assertEquals(0.555556, SpoChain.monteCarloValue(new double[] {1, 0, 1, 1, 0, 1, 0, 0, 1}), 1e-6);
        assertEquals(0.0, SpoChain.monteCarloValue(new double[0]));
    }

    @Test
    void whiteningUsesOnlySelectedTokensAndLeavesOthersZero() {
        double[][] adv = {{0, 0.3, 0, 0, -0.2, 0, 0, 0.5, 0, 0}};
        boolean[][] sel = {SpoChain.lowProbabilityMask(P, 0.9)};
        double[][] w = SpoChain.whitenSelected(adv, sel);
        // selected values 0.3, -0.2, 0.5: mean 0.2, unbiased var 0.13
        double s = Math.sqrt(0.13 + 1e-8);
        assertVector(new double[] {0, 0.1 / s, 0, 0, -0.4 / s, 0, 0, 0.3 / s, 0, 0}, w[0]);
    }

    @Test
    void estimatorReadsLogProbsAndSegmentValues() {
        double[] seg = Fixtures.constant(Double.NaN, 10);
        seg[1] = 0.4; // V(cut 0) is the value before token 1
        seg[4] = 0.7;
        seg[7] = 0.5;
        Trajectory t = new Trajectory("r0", "q", 0, null, 0, null, 0, Fixtures.outcome(1.0, 10), Fixtures.logs(P),
                null, null, true, false, Double.NaN, Map.of("segmentValue", seg));
        AdvantageEstimator e = AdvantageEstimators.create("spo-chain",
                Map.of("cutpoint_interval", "1", "whiten", "false"));
        AdvantageResult r = e.estimate(List.of(new TrajectoryGroup("q", List.of(t))));
        assertVector(new double[] {0, 0.3, 0, 0, -0.2, 0, 0, 0.5, 0, 0}, r.advantages()[0]);
    }

    @Test
    void missingSegmentValueNamesTheTrajectoryAndColumn() {
        Trajectory t = new Trajectory("r7", "q", 0, null, 0, null, 0, Fixtures.outcome(1.0, 10), Fixtures.logs(P),
                null, null, true, false, Double.NaN, null);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("spo-chain").estimate(List.of(new TrajectoryGroup("q", List.of(t)))));
        assertTrue(ex.getMessage().contains("r7") && ex.getMessage().contains("segmentValue"), ex.getMessage());
        Trajectory noLogProbs = Trajectory.ofOutcome("r8", "q", 1.0, 3);
        ex = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators.create("spo-chain")
                .estimate(List.of(new TrajectoryGroup("q", List.of(noLogProbs)))));
        assertTrue(ex.getMessage().contains("r8") && ex.getMessage().contains("logProbs"), ex.getMessage());
    }

    @Test
    void inputsAreNotMutated() {
        double[] p = P.clone();
        SpoChain.cutPoints(p, 0.9, 1);
        assertArrayEquals(P, p);
    }
}
