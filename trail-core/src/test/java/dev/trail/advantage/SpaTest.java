package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §7 worked examples. */
class SpaTest {

    static final double[] C_HAT = {0.1, 0.3, 0.2};

    @Test
    void progressLossIsTheSquaredErrorOfTheSum() {
        // sum 0.6, R = 1: (0.6 - 1)^2 = 0.16, gradient 2*(0.6 - 1) = -0.8 on every turn
        assertEquals(0.16, Spa.progressLoss(C_HAT, 1.0), 1e-12);
        assertVector(new double[] {-0.8, -0.8, -0.8}, Spa.progressLossGradient(C_HAT, 1.0));
    }

    @Test
    void paperStepRewardsAddTheGroundingSignal() {
        // g = [1, 0, 1] (valid, invalid, valid) with beta 0.5 is the spec's g = [0.5, 0, 0.5]
        assertVector(new double[] {0.6, 0.3, 0.7}, Spa.stepRewards(C_HAT, new double[] {1, 0, 1}, 1.0, 0.5));
        assertVector(new double[] {0.6, 0.3, 0.7}, Spa.stepRewards(C_HAT, new double[] {0.5, 0, 0.5}, 1.0, 1.0));
    }

    @Test
    void codeVariantGivesEveryTurnTheRlooCentredReward() {
        // rewards [1, 0, 0, 1]: trajectory 0 gets 1 - (0 + 0 + 1)/3 = 0.666667 on every turn
        assertVector(new double[] {0.666667, 0.666667, 0.666667},
                Spa.codeVariantStepRewards(new double[] {1, 0, 0, 1}, 0, null, 0.0, 3));
    }

    @Test
    void gaeWithoutCriticIsTheRewardToGo() {
        Spa.StepTargets t = Spa.gaeOverValidSteps(new double[] {0.6, 0.3, 0.7}, null, null, 1.0, 1.0, 0.0);
        assertVector(new double[] {1.6, 1.0, 0.7}, t.advantages());
        // masked middle turn is skipped: 0.6 + 0.7, 0, 0.7
        Spa.StepTargets m = Spa.gaeOverValidSteps(new double[] {0.6, 99, 0.7}, null,
                new boolean[] {true, false, true}, 1.0, 1.0, 0.0);
        assertVector(new double[] {1.3, 0, 0.7}, m.advantages());
    }

    @Test
    void estimatorPaperVariantReadsProgressAndGrounding() {
        Trajectory t = new Trajectory("s0", "q", 0, null, 0, null, 0, Fixtures.outcome(1, 3), null, null, null, true,
                false, Double.NaN, Fixtures.extras("progress", C_HAT, "grounding", new double[] {1, 0, 1}));
        AdvantageResult r = AdvantageEstimators.create("spa").estimate(List.of(new TrajectoryGroup("q", List.of(t))));
        assertVector(new double[] {1.6, 1.0, 0.7}, r.advantages()[0]);
        Trajectory missing = Trajectory.ofOutcome("s1", "q", 1, 3).withExtra("grounding", new double[3]);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators
                .create("spa").estimate(List.of(new TrajectoryGroup("q", List.of(missing)))));
        assertTrue(ex.getMessage().contains("s1") && ex.getMessage().contains("progress"), ex.getMessage());
    }

    @Test
    void estimatorCodeVariantNeedsNoProgress() {
        List<Trajectory> ts = new java.util.ArrayList<>();
        double[] finals = {1, 0, 0, 1};
        for (int i = 0; i < 4; i++) {
            ts.add(Trajectory.ofOutcome("c" + i, "q", finals[i], 3));
        }
        AdvantageResult r = AdvantageEstimators.create("spa", Map.of("variant", "code", "beta", "0",
                "gamma", "1", "gae_lambda", "0")).estimate(List.of(new TrajectoryGroup("q", ts)));
        // lambda 0 and no critic: the advantage is the per-turn reward itself
        assertVector(new double[] {0.666667, 0.666667, 0.666667}, r.advantages()[0]);
    }
}
