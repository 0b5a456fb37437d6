package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvsAndRolloutCommandTest {

    @TempDir
    Path dir;

    @Test
    void envsListsEveryClassicControlEnvWithLimitsAndThresholds() {
        CliRunner r = CliRunner.run("envs");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].startsWith("id"), lines[0]);
        assertTrue(r.out().contains("CartPole-v1") && r.out().contains("Discrete(2)"), r.out());
        for (String id : List.of("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1")) {
            assertTrue(r.out().contains(id), id + " missing from\n" + r.out());
        }
        String cartPole = java.util.Arrays.stream(lines).filter(l -> l.startsWith("CartPole-v1")).findFirst().orElseThrow();
        assertTrue(cartPole.contains("500") && cartPole.contains("475"), cartPole);
    }

    @Test
    void rolloutPrintsEpisodesAndSummaryAndWritesOneTrajectoryPerLine() throws IOException {
        Path out = dir.resolve("traj.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "3", "--seed", "7",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("summary: 3 episodes"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        List<dev.trail.trajectory.Trajectory> ts = dev.trail.data.TrajectoryFiles.readAll(out, null);
        assertEquals(3, ts.size());
        for (dev.trail.trajectory.Trajectory t : ts) {
            assertTrue(t.length() > 0);
            assertEquals(4, t.observationSize());
            assertEquals((t.length() + 1) * 4, t.observations().length, "observations include the one after the last step");
            assertFalse(Float.isNaN(t.observations()[t.length() * 4]), "the final observation is written");
            assertEquals(t.length(), t.actions().length);
            assertEquals("CartPole-v1", t.taskId());
            assertEquals("random", t.labels().get("policy"));
            assertTrue(t.terminated() || t.truncated());
        }
        assertTrue(lines.get(0).contains("\"steps\":[{\"observation\":["), lines.get(0));
    }

    @Test
    void appendAddsEpisodesToAJsonlFile() throws IOException {
        Path out = dir.resolve("grow.jsonl");
        assertEquals(0, CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "2", "--out", out.toString()).code());
        String before = Files.readString(out);
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "3", "--seed", "9", "--append",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out).startsWith(before), "the old lines are kept as they were");
        assertEquals(5, dev.trail.data.TrajectoryFiles.readAll(out, null).size());
        CliRunner p = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "1", "--append", "--out",
                dir.resolve("x.parquet").toString());
        assertEquals(2, p.code());
        assertTrue(p.err().contains("--append") && p.err().contains("JSONL"), p.err());
    }

    @Test
    void creditReadsWhatRolloutWrites() throws IOException {
        for (String ext : List.of("jsonl", "parquet")) {
            Path out = dir.resolve("t." + ext);
            assertEquals(0, CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "4", "--out", out.toString()).code());
            Path credited = dir.resolve("c-" + ext + ".parquet");
            CliRunner r = CliRunner.run("credit", "--estimator", "reinforce", "--in", out.toString(), "--out",
                    credited.toString());
            assertEquals(0, r.code(), r.err());
            List<dev.trail.trajectory.Trajectory> ts = dev.trail.data.TrajectoryFiles.readAll(credited, null);
            assertEquals(4, ts.size());
            for (dev.trail.trajectory.Trajectory t : ts) {
                // reward 1 per step, gamma 1: the return of step 0 is the episode length
                assertEquals(t.length(), t.extra("return")[0], 1e-9);
                assertEquals(t.length(), t.extra("advantage").length);
            }
        }
    }

    @Test
    void tokenTaskRolloutsKeepTokensAndThePrompt() throws IOException {
        Path out = dir.resolve("tok.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "Arithmetic-v0", "--episodes", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<dev.trail.trajectory.Trajectory> ts = dev.trail.data.TrajectoryFiles.readAll(out, null);
        assertEquals(2, ts.size());
        assertEquals(1, ts.get(0).actionSize());
        assertTrue(ts.get(0).labels().get("prompt_tokens").matches("\\d+( \\d+)*"), ts.get(0).labels().toString());
    }

    @Test
    void sameSeedGivesTheSameTrajectoriesFile() throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        assertEquals(0, CliRunner.run("rollout", "--env", "Pendulum-v1", "--episodes", "2", "--seed", "3", "--out", a.toString()).code());
        assertEquals(0, CliRunner.run("rollout", "--env", "Pendulum-v1", "--episodes", "2", "--seed", "3", "--out", b.toString()).code());
        assertEquals(Files.readString(a), Files.readString(b));
        Path c = dir.resolve("c.jsonl");
        assertEquals(0, CliRunner.run("rollout", "--env", "Pendulum-v1", "--episodes", "2", "--seed", "4", "--out", c.toString()).code());
        assertFalse(Files.readString(a).equals(Files.readString(c)));
    }

    @Test
    void unknownEnvIsAUsageErrorListingTheKnownIds() {
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v9", "--episodes", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("CartPole-v9") && r.err().contains("CartPole-v1"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one-line message: " + r.err());
    }

    @Test
    void zeroOrNegativeEpisodesIsAUsageErrorNamingTheValue() {
        for (String n : List.of("0", "-3")) {
            CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", n);
            assertEquals(2, r.code());
            assertTrue(r.err().contains("--episodes") && r.err().contains(n), r.err());
        }
    }

    @Test
    void unwritableOutIsAUsageErrorAndLeavesNoFile() {
        Path out = dir.resolve("missing-folder").resolve("t.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "1", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(out.toString()), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void outThatIsAFolderIsRefusedAndTheFolderIsKept() {
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "1", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodez", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--episodez"), r.err());
    }
}
