package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §9 worked examples: NoisyGRPO, ArenaRL, PACS, OPRL. */
class CoreFormulasTest {

    // ---- 9.1 NoisyGRPO

    @Test
    void noisyGrpoFusesPriorAndObservation() {
        NoisyGrpo.Fusion f = NoisyGrpo.advantages(new double[] {0, 0.3, 0.6, 0.9}, new double[] {1, 1, 0, 1},
                0.01, 0.1);
        assertVector(new double[] {1.161595, 0.387198, -0.387198, -1.161595}, f.prior());
        assertVector(new double[] {0.4999, 0.4999, -1.4997, 0.4999}, f.observation(), 1e-4);
        // semantic std 0.5: P = 0.01 / (0.25 + 0.01), K = P / (0.1 + P)
        assertEquals(0.038462, f.priorConfidence(), 1e-6);
        assertEquals(0.277778, f.gain(), 1e-6);
        assertVector(new double[] {0.683704, 0.468594, -1.190672, 0.038374}, f.fused());
        assertVector(new double[] {0.815881, 0.559185, -1.420858, 0.045792}, f.advantages());
    }

    @Test
    void noisyGrpoAllEqualRewardsFollowThePrior() {
        NoisyGrpo.Fusion f = NoisyGrpo.advantages(new double[] {0, 0.3, 0.6, 0.9}, new double[] {1, 1, 1, 1},
                0.01, 0.1);
        assertEquals(0.909091, f.gain(), 1e-6);
        assertVector(new double[] {1.161767, 0.387256, -0.387256, -1.161767}, f.advantages());
    }

    @Test
    void noisyGrpoEstimatorReadsTheNoiseLevel() {
        double[] noise = {0, 0.3, 0.6, 0.9};
        double[] rewards = {1, 1, 0, 1};
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(Trajectory.ofOutcome("n" + i, "q", rewards[i], 2).withExtra("noiseLevel",
                    Fixtures.constant(noise[i], 2)));
        }
        AdvantageResult r = AdvantageEstimators.create("noisy-grpo").estimate(List.of(new TrajectoryGroup("q", ts)));
        assertVector(new double[] {0.815881, 0.815881}, r.advantages()[0]);
        assertVector(new double[] {-1.420858, -1.420858}, r.advantages()[2]);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators
                .create("noisy-grpo").estimate(List.of(new TrajectoryGroup("q",
                        List.of(Trajectory.ofOutcome("n9", "q", 1, 2))))));
        assertTrue(ex.getMessage().contains("n9") && ex.getMessage().contains("noiseLevel"), ex.getMessage());
    }

    // ---- 9.2 ArenaRL

    @Test
    void arenaTournamentRanksAndAdvantages() {
        double[] seeds = {0.7, 0.2, 0.9, 0.4};
        // seeds: tau3 (1), tau1 (2), tau4 (3), tau2 (4)
        assertArrayEquals(new int[] {2, 0, 3, 1}, ArenaRl.seedOrder(seeds));
        // round 1: tau3 beats tau2, tau4 beats tau1 (an upset); final: tau3 beats tau4
        double[] strength = {0.1, 0.0, 1.0, 0.5};
        int[] ranks = ArenaRl.tournamentRanks(seeds, (a, b) -> strength[a] > strength[b]);
        assertArrayEquals(new int[] {3, 4, 1, 2}, ranks);
        assertVector(new double[] {1.0 / 3, 0, 1, 2.0 / 3}, ArenaRl.rankScores(ranks));
        assertVector(new double[] {-0.387297, -1.161892, 1.161892, 0.387297}, ArenaRl.advantages(ranks));
    }

    @Test
    void arenaTournamentWithByesPlaysNMinusOneMatches() {
        int[] matches = {0};
        int[] ranks = ArenaRl.tournamentRanks(new double[] {5, 4, 3, 2, 1}, (a, b) -> {
            matches[0]++;
            return a < b;
        });
        assertEquals(4, matches[0]);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, ranks);
        assertVector(new double[] {0}, ArenaRl.advantages(new int[] {1}));
    }

    @Test
    void arenaEstimatorFromRanksOrFromATournament() {
        double[] seeds = {0.7, 0.2, 0.9, 0.4};
        double[] judge = {0.1, 0.0, 1.0, 0.5};
        List<Trajectory> ts = new ArrayList<>();
        int[] ranks = {3, 4, 1, 2};
        for (int i = 0; i < 4; i++) {
            ts.add(Trajectory.ofOutcome("z" + i, "q", 0, 2)
                    .withExtra("arenaRank", Fixtures.constant(ranks[i], 2))
                    .withExtra("seedScore", Fixtures.constant(seeds[i], 2))
                    .withExtra("judgeScore", Fixtures.constant(judge[i], 2)));
        }
        TrajectoryGroup g = new TrajectoryGroup("q", ts);
        double[] expected = {-0.387297, -1.161892, 1.161892, 0.387297};
        AdvantageResult a = AdvantageEstimators.create("arena-rl").estimate(List.of(g));
        AdvantageResult b = AdvantageEstimators.create("arena-rl", Map.of("rank_source", "score-tournament"))
                .estimate(List.of(g));
        for (int i = 0; i < 4; i++) {
            assertVector(new double[] {expected[i], expected[i]}, a.advantages()[i]);
            assertVector(new double[] {expected[i], expected[i]}, b.advantages()[i]);
        }
    }

    // ---- 9.3 PACS (math only)

    @Test
    void pacsRlooCentredLogitsAndBalancedLoss() {
        double[] psiHat = Pacs.centre(new double[] {0.2, -0.1, 0.05, 0.0}, Pacs.Centring.RLOO);
        assertVector(new double[] {0.216667, -0.183333, 0.016667, -0.05}, psiHat);
        double[] r = {1, 0, 1, 0};
        double[] w = Pacs.classWeights(r);
        assertVector(new double[] {1, 1, 1, 1}, w);
        assertEquals(0.637414, Pacs.loss(psiHat, r, w), 1e-6);
        assertVector(new double[] {-0.111511, 0.113574, -0.123958, 0.121876}, Pacs.lossGradient(psiHat, r, w));
    }

    @Test
    void pacsFirstStepWithImbalancedClasses() {
        double[] psiHat = Pacs.centre(new double[4], Pacs.Centring.RLOO);
        double[] r = {1, 0, 0, 0};
        double[] w = Pacs.classWeights(r);
        assertVector(new double[] {2, 0.666667, 0.666667, 0.666667}, w);
        assertEquals(0.693147, Pacs.loss(psiHat, r, w), 1e-6);
        assertVector(new double[] {-0.25, 0.083333, 0.083333, 0.083333}, Pacs.lossGradient(psiHat, r, w));
    }

    @Test
    void pacsScoreIsTheScaledLogRatioSum() {
        assertEquals(0.2, Pacs.score(new double[] {-0.5, -1.0}, new double[] {-0.6, -1.1}, 1.0,
                Pacs.ScoreMethod.LOG_RATIO_SUM), 1e-12);
        assertEquals(-0.75, Pacs.score(new double[] {-0.5, -1.0}, null, 1.0, Pacs.ScoreMethod.MEAN_LOG_PROB), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Pacs.centre(new double[] {1}, Pacs.Centring.RLOO));
    }

    // ---- 9.4 OPRL

    @Test
    void oprlPrmLossStepRewardsAndAdvantages() {
        // margin 0.05*0.3 - 0.05*(-0.1) = 0.02
        assertEquals(0.683197, Oprl.prmLoss(0.3, -0.1, 0.05), 1e-6);
        double[] pos = Oprl.stepRewards(new double[] {0.4, 0.1, -0.2}, 0.05);
        double[] neg = Oprl.stepRewards(new double[] {-0.3, 0.2}, 0.05);
        assertVector(new double[] {0.02, 0.005, -0.01}, pos);
        assertVector(new double[] {-0.015, 0.01}, neg);
        assertVector(new double[] {1.249492, 0.208249, -0.832994, -1.180075, 0.555330},
                Oprl.stepAdvantages(new double[] {0.02, 0.005, -0.01, -0.015, 0.01}));
    }

    @Test
    void oprlEstimatorAddsAlphaTimesTheStepAdvantage() {
        Trajectory plus = Trajectory.ofOutcome("p", "q", 1, 3).withExtra("prmLogRatio", new double[] {0.4, 0.1, -0.2});
        Trajectory minus = Trajectory.ofOutcome("m", "q", 0, 2).withExtra("prmLogRatio", new double[] {-0.3, 0.2});
        AdvantageResult r = AdvantageEstimators.create("oprl").estimate(List.of(new TrajectoryGroup("q",
                List.of(plus, minus))));
        double ae = 0.5 / (Math.sqrt(0.5) + 1e-6); // GRPO on [1, 0]
        assertVector(new double[] {ae + 1.249492, ae + 0.208249, ae - 0.832994}, r.advantages()[0]);
        assertVector(new double[] {-ae - 1.180075, -ae + 0.555330}, r.advantages()[1]);
    }
}
