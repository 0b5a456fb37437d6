package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * GiGPO worked example (γ = 0.5, mean_std_norm, unbiased std, ω = 1). Three episodes of one
 * layout, states by letter; only reaching the goal pays 1:
 * <pre>
 *   τ1: s0 → s1 → goal          rewards [0, 1]      R = 1
 *   τ2: s0 → s2 → s1 → goal     rewards [0, 0, 1]   R = 1
 *   τ3: s0 → s2 → s2 (bump)     rewards [0, 0, 0]   R = 0   (budget ran out)
 * returns G (γ = 0.5): τ1 [0.5, 1], τ2 [0.25, 0.5, 1], τ3 [0, 0, 0]
 * episode: mean 2/3, std sqrt(1/3) = 0.577350 → A^E = [0.577350, 0.577350, -1.154701]
 * anchor s0: {0.5, 0.25, 0}   mean 0.25, std 0.25       → A^S = +1, 0, -1
 * anchor s1: {1 (τ1 t1), 1 (τ2 t2)}  std 0             → A^S = 0, 0
 * anchor s2: {0.5 (τ2 t1), 0 (τ3 t1), 0 (τ3 t2)}  mean 1/6, std sqrt(1/12) = 0.288675
 *                                                       → A^S = +1.154701, -0.577350, -0.577350
 * joint A = A^E + A^S (the figures in the assertions include ε = 1e-6 in F_norm = std + ε):
 *   τ1 [1.577350, 0.577350]
 *   τ2 [0.577350, 1.732051, 0.577350]
 *   τ3 [-2.154701, -1.732051, -1.732051]
 * </pre>
 * GRPO alone would give every step of τ1 and τ2 +0.577350 and every step of τ3 -1.154701; GiGPO
 * rewards τ1's shortcut from s0 and τ2's step out of s2 more, and blames τ3's bump into the wall
 * at s2 more than its first step.
 */
class GigpoTest {

    static final double S0 = 0, S1 = 1, S2 = 2;

    static Trajectory episode(String id, double[] states, double[] rewards, boolean terminated) {
        float[] obs = new float[states.length + 1];
        for (int i = 0; i < states.length; i++) {
            obs[i] = (float) states[i];
        }
        obs[states.length] = -1;
        return new Trajectory(id, "layout", 0, obs, 1, null, 0, rewards, null, null, null, terminated, !terminated,
                Double.NaN, null);
    }

    static TrajectoryGroup example() {
        return new TrajectoryGroup("layout", List.of(
                episode("t1", new double[] {S0, S1}, new double[] {0, 1}, true),
                episode("t2", new double[] {S0, S2, S1}, new double[] {0, 0, 1}, true),
                episode("t3", new double[] {S0, S2, S2}, new double[] {0, 0, 0}, false)));
    }

    @Test
    void workedExample() {
        AdvantageResult r = AdvantageEstimators.create("gigpo", Map.of("gamma", "0.5")).estimate(List.of(example()));
        assertVector(new double[] {1.577345, 0.577349}, r.advantages()[0]);
        assertVector(new double[] {0.577349, 1.732046, 0.577349}, r.advantages()[1]);
        assertVector(new double[] {-2.154695, -1.732047, -1.732047}, r.advantages()[2]);
        assertVector(new double[] {0.5, 1.0}, r.returns()[0]);
        assertVector(new double[] {0.25, 0.5, 1.0}, r.returns()[1]);
        assertVector(new double[] {0, 0, 0}, r.returns()[2]);
    }

    @Test
    void partsOfTheWorkedExample() {
        Object[][] anchors = {{"s0", "s1"}, {"s0", "s2", "s1"}, {"s0", "s2", "s2"}};
        boolean[][] valid = {{true, true}, {true, true, true}, {true, true, true}};
        double[][] rewards = {{0, 1}, {0, 0, 1}, {0, 0, 0}};
        Gigpo.Result r = Gigpo.advantages(anchors, rewards, valid, 0.5, 1.0, UiS1.Mode.MEAN_STD_NORM,
                UiS1.EpisodeForm.PAPER, 1, 1e-6);
        assertArrayEquals(new int[] {0, 1}, r.groups()[0]);
        assertArrayEquals(new int[] {0, 2, 1}, r.groups()[1]);
        assertArrayEquals(new int[] {0, 2, 2}, r.groups()[2]);
        assertVector(new double[] {0.577349, 0.577349, -1.154699}, r.episode());
        assertVector(new double[] {0.999996, 0}, r.step()[0]);
        assertVector(new double[] {0, 1.154697, 0}, r.step()[1]);
        assertVector(new double[] {-0.999996, -0.577348, -0.577348}, r.step()[2]);
        // mean_norm: F_norm = 1. A^E = R - 2/3; s0: G - 0.25; s2: G - 1/6
        Gigpo.Result m = Gigpo.advantages(anchors, rewards, valid, 0.5, 1.0, UiS1.Mode.MEAN_NORM,
                UiS1.EpisodeForm.PAPER, 1, 1e-6);
        assertVector(new double[] {1.0 / 3 + 0.25, 1.0 / 3}, m.advantages()[0]);
        assertVector(new double[] {-2.0 / 3 - 0.25, -2.0 / 3 - 1.0 / 6, -2.0 / 3 - 1.0 / 6}, m.advantages()[2]);
    }

    @Test
    void withoutSharedStatesItIsGrpoPlusZeroAndStepWeightZeroIsGrpo() {
        // every state distinct: each anchor group is a singleton, so A^S = 0 and A = A^E (GRPO, unbiased std)
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(
                episode("a", new double[] {0, 1}, new double[] {0, 1}, true),
                episode("b", new double[] {2, 3}, new double[] {0, 0}, false)));
        AdvantageResult r = AdvantageEstimators.create("gigpo").estimate(List.of(g));
        AdvantageResult grpo = AdvantageEstimators.create("grpo").estimate(List.of(g));
        for (int i = 0; i < 2; i++) {
            assertVector(grpo.advantages()[i], r.advantages()[i], 1e-6);
        }
        AdvantageResult w0 = AdvantageEstimators.create("gigpo", Map.of("step_weight", "0", "gamma", "0.5"))
                .estimate(List.of(example()));
        assertVector(new double[] {0.577349, 0.577349}, w0.advantages()[0]);
        assertVector(new double[] {-1.154699, -1.154699, -1.154699}, w0.advantages()[2]);
    }

    @Test
    void codeEpisodeFormWeighsTrajectoriesByTheirSteps() {
        // rows: τ1 ×2 (R=1), τ2 ×3 (R=1), τ3 ×3 (R=0): mean 5/8, std = sqrt(15/56) = 0.517549
        AdvantageResult r = AdvantageEstimators.create("gigpo", Map.of("gamma", "0.5", "episode_form", "code",
                "step_weight", "0")).estimate(List.of(example()));
        assertEquals(0.375 / 0.517549, r.advantages()[0][0], 1e-5);
        assertEquals(-0.625 / 0.517549, r.advantages()[2][0], 1e-5);
    }

    @Test
    void declaresWhatItNeeds() {
        assertEquals(Set.of(Capability.NEEDS_GROUPS, Capability.NEEDS_TURNS, Capability.TURN_STEPS),
                AdvantageEstimators.entry("gigpo").capabilities());
        assertTrue(AdvantageEstimators.entry("salt").has(Capability.TURN_STEPS));
        assertTrue(!Capability.TURN_STEPS.required() && Capability.NEEDS_TURNS.required());
    }
}
