package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §8 worked example: γ = 0.5, K = 3, unbiased std. */
class UiS1Test {

    static final double[][] R = {{1, 1, 0}, {1, 0, 0}, {1, 1, 1}};
    static final boolean[][] MATCH = {{true, true, false}, {true, false, false}, {true, true, true}};
    static final boolean[][] ALL = {{true, true, true}, {true, true, true}, {true, true, true}};

    @Test
    void returnsResetAtAMismatch() {
        // A: G_2 = 0 (mismatch), G_1 = 1 + 0.5*0, G_0 = 1 + 0.5*1
        assertVector(new double[] {1.5, 1.0, 0.0}, UiS1.discountedReturns(R[0], MATCH[0], 0.5));
        assertVector(new double[] {1.0, 0.0, 0.0}, UiS1.discountedReturns(R[1], MATCH[1], 0.5));
        assertVector(new double[] {1.75, 1.5, 1.0}, UiS1.discountedReturns(R[2], MATCH[2], 0.5));
    }

    static double[][] returns() {
        double[][] g = new double[3][];
        for (int k = 0; k < 3; k++) {
            g[k] = UiS1.discountedReturns(R[k], MATCH[k], 0.5);
        }
        return g;
    }

    @Test
    void stepAdvantagesNormaliseEachStepIndexAcrossRollouts() {
        double[][] a = UiS1.stepAdvantages(returns(), ALL, UiS1.Mode.MEAN_STD_NORM, 1, 1e-6);
        assertVector(new double[] {0.218217, 0.218218, -0.577349}, a[0]);
        assertVector(new double[] {-1.091087, -1.091088, -0.577349}, a[1]);
        assertVector(new double[] {0.872869, 0.872870, 1.154699}, a[2]);
    }

    @Test
    void episodeAdvantagePaperAndCodeForms() {
        double[] success = {0, 0, 1};
        assertVector(new double[] {-0.577349, -0.577349, 1.154699}, UiS1.episodeAdvantages(success,
                new int[] {3, 3, 3}, UiS1.EpisodeForm.PAPER, UiS1.Mode.MEAN_STD_NORM, 1, 1e-6));
        // code form: nine rows [0,0,0,0,0,0,1,1,1]: mean 1/3, unbiased std 0.5
        assertVector(new double[] {-0.666665, -0.666665, 1.333331}, UiS1.episodeAdvantages(success,
                new int[] {3, 3, 3}, UiS1.EpisodeForm.CODE, UiS1.Mode.MEAN_STD_NORM, 1, 1e-6));
    }

    @Test
    void singletonsFollowTheCode() {
        // a step index with one row gets 0; an episode statistic over one trajectory uses mean 0, std 1
        double[][] a = UiS1.stepAdvantages(new double[][] {{2, 3}}, new boolean[][] {{true, true}},
                UiS1.Mode.MEAN_STD_NORM, 1, 1e-6);
        assertVector(new double[] {0, 0}, a[0]);
        assertVector(new double[] {2 / (1 + 1e-6)}, UiS1.episodeAdvantages(new double[] {2}, new int[] {2},
                UiS1.EpisodeForm.PAPER, UiS1.Mode.MEAN_STD_NORM, 1, 1e-6));
    }

    @Test
    void estimatorCombinesBothLevels() {
        Trajectory[] ts = new Trajectory[3];
        double[] success = {0, 0, 1};
        for (int k = 0; k < 3; k++) {
            double[] match = new double[3];
            for (int t = 0; t < 3; t++) {
                match[t] = MATCH[k][t] ? 1 : 0;
            }
            ts[k] = new Trajectory("k" + k, "p", 0, null, 0, null, 0, R[k], null, null, null, true, false, Double.NaN,
                    Fixtures.extras("match", match, "episodeScore", Fixtures.constant(success[k], 3)));
        }
        AdvantageResult r = AdvantageEstimators.create("ui-s1", Map.of("episode_score", "extras"))
                .estimate(List.of(new TrajectoryGroup("p", List.of(ts))));
        assertVector(new double[] {0.218217 - 0.577349, 0.218218 - 0.577349, -0.577349 - 0.577349},
                r.advantages()[0]);
        assertVector(new double[] {0.872869 + 1.154699, 0.872870 + 1.154699, 1.154699 + 1.154699},
                r.advantages()[2]);
        assertVector(new double[] {1.75, 1.5, 1.0}, r.returns()[2]);
    }
}
