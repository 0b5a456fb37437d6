package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.TrajectoryFiles;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail collect --policy expert} on a MiniGrid id, and {@code trail rollout --replay}. */
class GridDataCommandTest {

    private static final String DOOR_KEY = "MiniGrid-DoorKey-8x8-v0";

    @TempDir
    Path dir;

    @Test
    void scriptedExpertDemonstrationsReplayExactly() throws IOException {
        Path demos = dir.resolve("demos.jsonl");
        CliRunner r = CliRunner.run("collect", "--env", DOOR_KEY, "--policy", "expert", "--episodes", "6", "--seed",
                "3", "--out", demos.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("success 6/6"), r.out());
        List<Trajectory> recorded = TrajectoryFiles.readAll(demos, null);
        assertEquals(6, recorded.size());
        Set<Long> seeds = new HashSet<>();
        for (Trajectory t : recorded) {
            assertTrue(t.terminated() && t.totalReward() > 0, t.id());
            assertEquals(148, t.observationSize());
            assertEquals("expert", t.labels().get("policy"));
            seeds.add(t.seed());
        }
        assertEquals(6, seeds.size(), "each episode has its own seed");

        Path again = dir.resolve("again.jsonl");
        r = CliRunner.run("rollout", "--env", DOOR_KEY, "--replay", demos.toString(), "--out", again.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6 identical, 0 differ"), r.out());
        List<Trajectory> replayed = TrajectoryFiles.readAll(again, null);
        assertEquals(6, replayed.size());
        for (int i = 0; i < 6; i++) {
            Trajectory a = recorded.get(i);
            Trajectory b = replayed.get(i);
            assertEquals(a.seed(), b.seed());
            assertArrayEquals(a.observations(), b.observations());
            assertArrayEquals(a.actions(), b.actions());
            assertArrayEquals(a.rewards(), b.rewards());
            assertEquals(a.terminated(), b.terminated());
            assertEquals("use the key to open the door and then get to the goal", b.labels().get("mission"));
        }
    }

    @Test
    void replayOfAClassicControlRolloutIsIdentical() throws IOException {
        Path file = dir.resolve("cp.parquet");
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "3", "--seed", "5", "--out",
                file.toString());
        assertEquals(0, r.code(), r.err());
        r = CliRunner.run("rollout", "--env", "CartPole-v1", "--replay", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("3 identical, 0 differ"), r.out());
    }

    @Test
    void aChangedRewardIsReportedAsADifference() throws IOException {
        Path file = dir.resolve("one.jsonl");
        Files.writeString(file, "{\"id\":\"e\",\"task\":\"MiniGrid-Empty-8x8-v0\",\"seed\":1,\"terminated\":false,"
                + "\"truncated\":false,\"steps\":[{\"action\":2,\"reward\":0.5},{\"action\":2,\"reward\":0}]}\n");
        CliRunner r = CliRunner.run("rollout", "--env", "MiniGrid-Empty-8x8-v0", "--replay", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reward 0 differs: recorded 0.5, now 0.0"), r.out());
        assertTrue(r.out().contains("0 identical, 1 differ"), r.out());
    }

    @Test
    void aFileOfAnotherEnvIsRefused() throws IOException {
        Path demos = dir.resolve("demos.jsonl");
        assertEquals(0, CliRunner.run("collect", "--env", DOOR_KEY, "--policy", "expert", "--episodes", "1", "--out",
                demos.toString()).code());
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "MiniGrid-Empty-8x8-v0", "--replay", demos.toString(), "--out",
                out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("trajectory expert-0 was recorded on " + DOOR_KEY + ", not --env MiniGrid-Empty-8x8-v0"),
                r.err());
        assertTrue(r.err().contains(demos.toString()), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anActionOutsideTheSpaceIsRefusedNamingIt() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"id\":\"ok\",\"seed\":1,\"steps\":[{\"action\":2,\"reward\":0}]}\n"
                + "{\"id\":\"bad\",\"seed\":2,\"steps\":[{\"action\":1,\"reward\":0},{\"action\":7,\"reward\":0}]}\n");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", DOOR_KEY, "--replay", file.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("trajectory bad step 1: action 7 is outside Discrete(7)"), r.err());
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void theScriptedExpertExistsForGridWorldsOnly() {
        CliRunner r = CliRunner.run("collect", "--env", "CartPole-v1", "--policy", "expert", "--episodes", "2", "--out",
                dir.resolve("x.parquet").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("CartPole-v1 has none"), r.err());
        r = CliRunner.run("collect", "--env", "CartPole-v1", "--episodes", "2", "--out", dir.resolve("y.parquet").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--recipe is required"), r.err());
    }
}
