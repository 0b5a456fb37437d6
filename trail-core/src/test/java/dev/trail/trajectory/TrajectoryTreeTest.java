package dev.trail.trajectory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.SpoTree;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrajectoryTreeTest {

    static Trajectory text(String id, String parent, int branch, double outcome, String... actions) {
        double[] rewards = new double[actions.length];
        rewards[rewards.length - 1] = outcome;
        return new Trajectory(id, "q", 0, null, 0, null, 0, rewards, null, null, null, true, false, Double.NaN, null,
                null, actions, parent, branch, null);
    }

    /**
     * a = [s, t, u] reward 1; b repeats a's first 2 steps then v, reward 0; c repeats a's first step then w, reward 0.
     * Nodes: root, [s], [t], leaf a [u], leaf b [v], leaf c [w]. Values (mean of children): [t] = (1 + 0)/2 = 0.5,
     * [s] = (0.5 + 0)/2 = 0.25, root = 0.25. Edge advantages V(c) - V(parent): [s] 0, [t] 0.25, a 0.5, b -0.5, c -0.25.
     */
    @Test
    void branchesBecomeAPrefixTree() {
        List<Trajectory> g = List.of(text("a", null, 0, 1, "s", "t", "u"), text("b", "a", 2, 0, "s", "t", "v"),
                text("c", "a", 1, 0, "s", "w"));
        TrajectoryTree tree = TrajectoryTree.fromBranches("q", g);
        assertEquals(6, tree.size());
        double[] adv = SpoTree.edgeAdvantages(tree, SpoTree.Method.RLOO);
        int[] leaves = SpoTree.leaves(tree);
        assertEquals(3, leaves.length);
        assertEquals("a", tree.node(leaves[0]).segment().id());
        assertArrayEquals(new double[] {0, 0.25, 0.5}, SpoTree.stepAdvantages(tree, adv, leaves[0]), 1e-12);
        assertArrayEquals(new double[] {0, 0.25, -0.5}, SpoTree.stepAdvantages(tree, adv, leaves[1]), 1e-12);
        assertArrayEquals(new double[] {0, -0.25}, SpoTree.stepAdvantages(tree, adv, leaves[2]), 1e-12);
    }

    @Test
    void independentTrajectoriesAreChildrenOfTheRoot() {
        TrajectoryTree tree = TrajectoryTree.fromBranches("q", List.of(text("a", null, 0, 1, "x", "y"),
                text("b", null, 0, 0, "x", "y")));
        assertEquals(3, tree.size());
        assertArrayEquals(new int[] {1, 2}, tree.children(0));
    }

    @Test
    void badLineageIsRefusedNamingTheTrajectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrajectoryTree.fromBranches("q",
                List.of(text("b", "a", 1, 0, "s", "t"), text("a", null, 0, 1, "s", "u"))));
        assertTrue(e.getMessage().contains("trajectory b") && e.getMessage().contains("earlier"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrajectoryTree.fromBranches("q",
                List.of(text("a", null, 0, 1, "s", "t"), text("b", "a", 1, 0, "S", "u"))));
        assertTrue(e.getMessage().contains("step 0") && e.getMessage().contains("differs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrajectoryTree.fromBranches("q",
                List.of(text("a", null, 0, 1, "s"), text("b", "a", 1, 0, "s", "u"))));
        assertTrue(e.getMessage().contains("branchStep 1"), e.getMessage());
    }

    @Test
    void sharedStepsCompareTextInCanonicalForm() {
        TrajectoryTree tree = TrajectoryTree.fromBranches("q", List.of(text("a", null, 0, 1, "{\"b\": 1, \"a\": 2}", "x"),
                text("b", "a", 1, 0, " {\"a\":2,\"b\":1} ", "y")));
        assertEquals(4, tree.size());
    }

    @Test
    void canonicalTextIsTheOnePlaceTextActionsAreCompared() {
        assertEquals("click ok", ActionText.canonical("  click \n ok "));
        assertEquals("{\"a\":{\"x\":\"s p\"},\"b\":1}", ActionText.canonical("{ \"b\": 1, \"a\": {\"x\": \"s p\"} }"));
        assertTrue(ActionText.same("a  b", "a b"));
        assertTrue(!ActionText.same("a b", "a c"));
    }
}
