package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
    void rolloutPrintsEpisodesAndSummaryAndWritesOneJsonObjectPerEpisode() throws IOException {
        Path out = dir.resolve("traj.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "CartPole-v1", "--episodes", "3", "--seed", "7",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("summary: 3 episodes"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        JsonFactory f = new JsonFactory();
        for (String line : lines) {
            int observations = -1;
            int actions = -1;
            int rewards = -1;
            boolean terminated = false;
            boolean truncated = false;
            try (JsonParser p = f.createParser(line)) {
                assertEquals(JsonToken.START_OBJECT, p.nextToken());
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "observations" -> observations = countElements(p);
                        case "actions" -> actions = countElements(p);
                        case "rewards" -> rewards = countElements(p);
                        case "terminated" -> terminated = v == JsonToken.VALUE_TRUE;
                        case "truncated" -> truncated = v == JsonToken.VALUE_TRUE;
                        default -> p.skipChildren();
                    }
                }
            }
            assertTrue(rewards > 0);
            assertEquals(rewards, actions);
            assertEquals(rewards + 1, observations, "observations include the one after the last step");
            assertTrue(terminated || truncated);
        }
    }

    private static int countElements(JsonParser p) throws IOException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
            n++;
        }
        return n;
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
