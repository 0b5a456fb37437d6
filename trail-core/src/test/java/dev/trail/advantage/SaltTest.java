package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §4 worked example and edge cases. */
class SaltTest {

    // actions a..h as numbers 1..8
    static final double A = 1, B = 2, C = 3, D = 4, E = 5, F = 6, G = 7, H = 8;

    static TrajectoryGroup example() {
        return new TrajectoryGroup("q", List.of(
                Fixtures.withActions("t1", "q", new double[] {A, B, C}, Fixtures.outcome(1, 3), null),
                Fixtures.withActions("t2", "q", new double[] {A, B, D}, Fixtures.outcome(0, 3), null),
                Fixtures.withActions("t3", "q", new double[] {A, E, F}, Fixtures.outcome(1, 3), null),
                Fixtures.withActions("t4", "q", new double[] {G, H}, Fixtures.outcome(0, 2), null)));
    }

    @Test
    void workedExampleWithHistoryPrefixKeyAndGrpo() {
        // GRPO A = ±0.866024; node [a] holds t1,t2,t3: (0.866 - 0.866 + 0.866)/3 = 0.288675;
        // node [a,b] holds t1,t2: 0; everything else is unique to one trajectory
        AdvantageResult r = AdvantageEstimators.create("salt").estimate(List.of(example()));
        assertVector(new double[] {0.288675, 0.0, 0.866024}, r.advantages()[0]);
        assertVector(new double[] {0.288675, 0.0, -0.866024}, r.advantages()[1]);
        assertVector(new double[] {0.288675, 0.866024, 0.866024}, r.advantages()[2]);
        assertVector(new double[] {-0.866024, -0.866024}, r.advantages()[3]);
    }

    @Test
    void baseAdvantagesOfTheExample() {
        assertVector(new double[] {0.866024, -0.866024, 0.866024, -0.866024},
                Salt.baseAdvantages(new double[] {1, 0, 1, 0}, Salt.Base.GRPO));
        assertVector(new double[] {0.333333, -1.0, 0.333333, 0.333333},
                Salt.baseAdvantages(new double[] {1, 0, 1, 1}, Salt.Base.RLOO));
    }

    @Test
    void singletonGroupReducesToTheBaseEstimator() {
        // verl's singleton convention: mean 0, std 1 -> the raw reward (over 1 + 1e-6)
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(
                Fixtures.withActions("t", "q", new double[] {A, A, B}, Fixtures.outcome(1, 3), null)));
        AdvantageResult r = AdvantageEstimators.create("salt", Map.of("base", "rloo")).estimate(List.of(g));
        assertVector(new double[] {1, 1, 1}, r.advantages()[0]);
    }

    @Test
    void nothingSharedReducesToTheBaseEstimator() {
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(
                Fixtures.withActions("t1", "q", new double[] {A, B}, Fixtures.outcome(1, 2), null),
                Fixtures.withActions("t2", "q", new double[] {C, B}, Fixtures.outcome(0, 2), null),
                Fixtures.withActions("t3", "q", new double[] {D}, Fixtures.outcome(1, 1), null)));
        double[] base = Salt.baseAdvantages(new double[] {1, 0, 1}, Salt.Base.GRPO);
        AdvantageResult r = AdvantageEstimators.create("salt").estimate(List.of(g));
        assertVector(new double[] {base[0], base[0]}, r.advantages()[0]);
        assertVector(new double[] {base[1], base[1]}, r.advantages()[1]);
        assertVector(new double[] {base[2]}, r.advantages()[2]);
    }

    /** One-dimensional observations: trajectory with states and actions. */
    static Trajectory walk(String id, float[] states, double[] actions, double reward) {
        float[] a = new float[actions.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) actions[i];
        }
        return new Trajectory(id, "q", 0, states, 1, a, 1, Fixtures.outcome(reward, actions.length), null, null,
                null, true, false, Double.NaN, null);
    }

    @Test
    void stateActionKeyCountsARevisitingTrajectoryOnce() {
        // t1 revisits (s0, a) three times; t2 passes (s0, a) once. S(node) = {t1, t2}, not {t1, t1, t1, t2}.
        Trajectory t1 = walk("t1", new float[] {0, 0, 0, 1}, new double[] {A, A, A}, 1);
        Trajectory t2 = walk("t2", new float[] {0, 2, 3}, new double[] {A, B}, 0);
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(t1, t2));
        double[] base = Salt.baseAdvantages(new double[] {1, 0}, Salt.Base.GRPO);
        AdvantageResult r = AdvantageEstimators.create("salt", Map.of("merge_key", "state-action"))
                .estimate(List.of(g));
        double shared = (base[0] + base[1]) / 2; // = 0 with two trajectories
        assertVector(new double[] {shared, shared, shared}, r.advantages()[0]);
        assertVector(new double[] {shared, base[1]}, r.advantages()[1]);
        Salt.Graph graph = Salt.graph(new Object[][] {Salt.STATE_ACTION.keys("q", t1), Salt.STATE_ACTION.keys("q", t2)},
                new boolean[][] {{true, true, true}, {true, true}});
        assertEquals(2, graph.nodeCount());
        assertEquals(2, graph.members().get(0).cardinality());
        for (List<Integer> e : graph.edges()) {
            assertFalse(e.get(0).equals(e.get(1)), "self-loop " + e);
        }
    }

    @Test
    void historyPrefixKeyNeverMergesDifferentHistories() {
        // same (state, action) at step 1 but different first actions: merged under (b), not under (a)
        Trajectory t1 = walk("t1", new float[] {0, 5, 6}, new double[] {A, C}, 1);
        Trajectory t2 = walk("t2", new float[] {0, 5, 7}, new double[] {B, C}, 0);
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(t1, t2));
        AdvantageResult a = AdvantageEstimators.create("salt").estimate(List.of(g));
        AdvantageResult b = AdvantageEstimators.create("salt", Map.of("merge_key", "state-action")).estimate(List.of(g));
        assertEquals(0.707106, a.advantages()[0][1], 1e-6);
        assertEquals(0.0, b.advantages()[0][1], 1e-12);
    }

    @Test
    void canonicalTextNormalisesWhitespaceAndJsonKeyOrder() {
        assertEquals("click  ok".replaceAll("\\s+", " "), Salt.canonicalText("  click \n ok "));
        assertEquals(Salt.canonicalText("{\"b\": 1, \"a\": {\"y\": [1, 2], \"x\": \"s p\"}}"),
                Salt.canonicalText("{ \"a\":{\"x\":\"s p\",\"y\":[1,2]},\"b\":1 }"));
        assertEquals("{\"a\":{\"x\":\"s p\",\"y\":[1,2]},\"b\":1}", Salt.canonicalText("{\"b\": 1, \"a\": {\"y\": [1, 2], \"x\": \"s p\"}}"));
        assertEquals("{not json", Salt.canonicalText("{not   json"));
        assertEquals(Salt.canonicalFloats(new float[] {-0.0f}, 0, 1), Salt.canonicalFloats(new float[] {0.0f}, 0, 1));
    }

    @Test
    void missingActionsOrObservationsAreNamed() {
        TrajectoryGroup noActions = new TrajectoryGroup("q", List.of(Trajectory.ofOutcome("t9", "q", 1, 2)));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("salt").estimate(List.of(noActions)));
        assertTrue(ex.getMessage().contains("t9") && ex.getMessage().contains("actions"), ex.getMessage());
        TrajectoryGroup noObs = new TrajectoryGroup("q", List.of(
                Fixtures.withActions("t8", "q", new double[] {A}, Fixtures.outcome(1, 1), null)));
        ex = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators
                .create("salt", Map.of("merge_key", "state-action")).estimate(List.of(noObs)));
        assertTrue(ex.getMessage().contains("t8") && ex.getMessage().contains("observations"), ex.getMessage());
    }
}
