package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.algo.grpo.TreeRolloutConfig;
import dev.trail.data.TrajectoryJsonl;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail rollout --tree} writes tree JSONL that {@code trail credit --estimator spo-tree} reads; mismatches are refused. */
class TreeRolloutCommandTest {

    @TempDir
    Path dir;

    private static final String[] SPO = {"rollout", "--env", "Arithmetic-v0", "--policy", "random", "--tree", "spo",
        "--episodes", "2", "--group-size", "4", "--max-new-tokens", "6", "--set", "branching=2x2", "--set",
        "segment_tokens=2", "--seed", "3"};

    @Test
    void treeJsonlRoundTripsAndSpoTreeCreditReadsIt() throws Exception {
        Path trees = dir.resolve("trees.jsonl");
        String[] args = java.util.Arrays.copyOf(SPO, SPO.length + 2);
        args[SPO.length] = "--out";
        args[SPO.length + 1] = trees.toString();
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 8 trajectories") || r.out().contains("trajectories to"), r.out());
        // the same rollout in memory
        TokenTreeRollouts.Result mem = TokenTreeRollouts.run("Arithmetic-v0", TokenTreeRollouts.task("Arithmetic-v0"),
                TokenTreeRollouts.policy("random", 3), TreeRolloutConfig.Kind.TREE_SPO,
                TokenTreeRollouts.settings(Map.of("branching", "2x2", "segment_tokens", "2")), 2, 4, 1.0, 6, 3,
                "random");
        List<TrajectoryGroup> expected = mem.rollout().groups();
        TrajectoryJsonl.Batch batch = TrajectoryJsonl.read(trees);
        List<TrajectoryGroup> read = batch.groups();
        assertEquals(expected.size(), read.size());
        for (int g = 0; g < read.size(); g++) {
            TrajectoryTree a = expected.get(g).tree();
            TrajectoryTree b = read.get(g).tree();
            assertNotNull(b, "the file's group " + g + " has its tree");
            assertEquals(a.size(), b.size());
            for (int n = 1; n < a.size(); n++) {
                assertEquals(a.node(n).parent(), b.node(n).parent());
                assertEquals(a.node(n).segment().length(), b.node(n).segment().length());
                assertArrayEquals(a.node(n).segment().logProbs(), b.node(n).segment().logProbs(), 1e-12);
            }
            for (int j = 0; j < read.get(g).size(); j++) {
                Trajectory x = expected.get(g).get(j);
                Trajectory y = read.get(g).get(j);
                assertEquals(x.parentId(), y.parentId());
                assertEquals(x.branchStep(), y.branchStep());
                assertArrayEquals(x.actions(), y.actions());
            }
        }
        // spo-tree credit on the file equals the estimator on the in-memory trees
        Path credited = dir.resolve("credit.jsonl");
        CliRunner c = CliRunner.run("credit", "--estimator", "spo-tree", "--set", "probability_mask=false", "--set",
                "whiten=false", "--in", trees.toString(), "--out", credited.toString());
        assertEquals(0, c.code(), c.err());
        AdvantageResult want = AdvantageEstimators.create("spo-tree", Map.of("probability_mask", "false", "whiten",
                "false")).estimate(expected);
        List<String> lines = java.nio.file.Files.readAllLines(credited);
        assertEquals(want.advantages().length, lines.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            com.fasterxml.jackson.databind.JsonNode steps = json.readTree(lines.get(i)).get("steps");
            double[] got = new double[steps.size()];
            for (int k = 0; k < got.length; k++) {
                got[k] = steps.get(k).get("advantage").asDouble();
            }
            assertArrayEquals(want.advantages()[i], got, 1e-12, "line " + i);
        }
    }

    @Test
    void spoTreeOnIndependentRolloutsIsRefusedNamingBoth() {
        Path iid = dir.resolve("iid.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "Arithmetic-v0", "--policy", "random", "--tree", "iid",
                "--episodes", "2", "--group-size", "2", "--max-new-tokens", "4", "--out", iid.toString());
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("out.jsonl");
        CliRunner c = CliRunner.run("credit", "--estimator", "spo-tree", "--in", iid.toString(), "--out", out.toString());
        assertEquals(2, c.code());
        assertTrue(c.err().contains("spo-tree") && c.err().contains("i.i.d."), c.err());
        assertTrue(!java.nio.file.Files.exists(out), "nothing written");
        CliRunner t = CliRunner.run("train", "--env", "Arithmetic-v0", "--algo", "grpo", "--set", "estimator=spo-tree",
                "--out", dir.resolve("runs").toString());
        assertEquals(2, t.code());
        assertTrue(t.err().contains("estimator=spo-tree") && t.err().contains("rollout=iid"), t.err());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("runs")), "refused before any work");
        CliRunner s = CliRunner.run("rollout", "--env", "Arithmetic-v0", "--set", "branching=2x2");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("--tree"), s.err());
    }
}
