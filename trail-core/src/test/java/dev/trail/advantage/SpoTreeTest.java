package dev.trail.advantage;

import static dev.trail.advantage.Fixtures.assertVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALGORITHMS.md §3.2 worked example: root R with children A, B, C; leaves A→[1,1], B→[1,0], C→[0,0]. */
class SpoTreeTest {

    /** Nodes: 0 R; 1 A, 2 B, 3 C; 4,5 under A; 6,7 under B; 8,9 under C. Each segment has 2 steps. */
    static TrajectoryTree exampleTree() {
        List<TrajectoryTree.Node> nodes = new ArrayList<>();
        nodes.add(new TrajectoryTree.Node(-1, null, Double.NaN));
        String[] inner = {"A", "B", "C"};
        for (String name : inner) {
            nodes.add(new TrajectoryTree.Node(0, Trajectory.ofRewards(name, "q", new double[2], null, false, false),
                    Double.NaN));
        }
        double[][] leafRewards = {{1, 1}, {1, 0}, {0, 0}};
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 2; c++) {
                String id = inner[p] + (c + 1);
                nodes.add(new TrajectoryTree.Node(p + 1,
                        Trajectory.ofOutcome(id, "q", leafRewards[p][c], 2), leafRewards[p][c]));
            }
        }
        return new TrajectoryTree("q", nodes);
    }

    @Test
    void nodeValuesAreMeansOfChildren() {
        double[] v = SpoTree.nodeValues(exampleTree());
        // V_A = 1, V_B = 0.5, V_C = 0; V_R = mean(1, 0.5, 0) = 0.5
        assertVector(new double[] {0.5, 1, 0.5, 0, 1, 1, 1, 0, 0, 0}, v);
        assertEquals(0.408248, SpoTree.childStds(exampleTree(), v)[0], 1e-6);
    }

    @Test
    void rlooEdgesAreValueDifferencesAndZeroEdgesAreDropped() {
        double[] a = SpoTree.edgeAdvantages(exampleTree(), SpoTree.Method.RLOO);
        assertVector(new double[] {0, 0.5, 0, -0.5, 0, 0, 0.5, -0.5, 0, 0}, a);
        List<SpoTree.Edge> kept = SpoTree.edges(exampleTree(), SpoTree.Method.RLOO, true);
        assertEquals(List.of(new SpoTree.Edge(0, 1, 0.5), new SpoTree.Edge(0, 3, -0.5),
                new SpoTree.Edge(2, 6, 0.5), new SpoTree.Edge(2, 7, -0.5)), kept);
        assertEquals(9, SpoTree.edges(exampleTree(), SpoTree.Method.RLOO, false).size());
    }

    @Test
    void grpoEdgesDivideByThePopulationStdOfSiblings() {
        double[] a = SpoTree.edgeAdvantages(exampleTree(), SpoTree.Method.GRPO);
        // sigma_R = 0.408248 -> ±1.224745; sigma_B = 0.5 -> ±1.0; sigma_A = sigma_C = 0 -> 0
        assertVector(new double[] {0, 1.224745, 0, -1.224745, 0, 0, 1.0, -1.0, 0, 0}, a);
    }

    @Test
    void edgeAdvantagesAreBroadcastToTheirSegmentsSteps() {
        TrajectoryTree tree = exampleTree();
        double[] a = SpoTree.edgeAdvantages(tree, SpoTree.Method.RLOO);
        assertVector(new double[] {0, 0, 0.5, 0.5}, SpoTree.stepAdvantages(tree, a, 6)); // R->B (0), B->B1 (+0.5)
        assertVector(new double[] {0.5, 0.5, 0, 0}, SpoTree.stepAdvantages(tree, a, 4)); // R->A, A->A1
    }

    static TrajectoryGroup exampleGroup(boolean reversed) {
        TrajectoryTree tree = exampleTree();
        List<Trajectory> members = new ArrayList<>();
        for (int leaf : SpoTree.leaves(tree)) {
            Trajectory seg = tree.node(leaf).segment();
            members.add(Trajectory.ofOutcome(seg.id(), "q", tree.node(leaf).leafReward(), 4));
        }
        if (reversed) {
            java.util.Collections.reverse(members);
        }
        return new TrajectoryGroup("q", members, Double.NaN, tree);
    }

    @Test
    void estimatorMatchesMembersToLeavesById() {
        AdvantageEstimator e = AdvantageEstimators.create("spo-tree",
                Map.of("probability_mask", "false", "whiten", "false"));
        AdvantageResult r = e.estimate(List.of(exampleGroup(true)));
        // reversed order: C2, C1, B2, B1, A2, A1
        assertVector(new double[] {-0.5, -0.5, 0, 0}, r.advantages()[0]);
        assertVector(new double[] {0, 0, -0.5, -0.5}, r.advantages()[2]);
        assertVector(new double[] {0, 0, 0.5, 0.5}, r.advantages()[3]);
        assertVector(new double[] {0.5, 0.5, 0, 0}, r.advantages()[5]);
    }

    @Test
    void missingTreeNamesTheGroupAndField() {
        TrajectoryGroup g = new TrajectoryGroup("q9", List.of(Trajectory.ofOutcome("x", "q9", 1, 2)));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("spo-tree").estimate(List.of(g)));
        assertTrue(ex.getMessage().contains("q9") && ex.getMessage().contains("tree"), ex.getMessage());
    }

    @Test
    void probabilityMaskNeedsLogProbs() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("spo-tree").estimate(List.of(exampleGroup(false))));
        assertTrue(ex.getMessage().contains("A1") && ex.getMessage().contains("logProbs"), ex.getMessage());
    }
}
