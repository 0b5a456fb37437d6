package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.Labels;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySource;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail collect}: the five recipes on CartPole-v1 and Pendulum-v1, described by {@code trail data info}. */
class CollectCommandTest {

    @TempDir
    Path dir;

    private Path train(String env, String algo, String... extra) throws IOException {
        Path runs = dir.resolve("runs-" + algo);
        String[] base = {"train", "--env", env, "--algo", algo, "--seed", "1", "--eval-episodes", "0",
            "--record-trajectories", "--out", runs.toString()};
        CliRunner r = CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("recorded "), r.out());
        try (Stream<Path> s = Files.list(runs)) {
            return s.findFirst().orElseThrow();
        }
    }

    private static List<Trajectory> read(Path file) throws IOException {
        return TrajectoryFiles.readAll(file, null);
    }

    private static Map<String, String> metadata(Path file) throws IOException {
        try (TrajectorySource s = TrajectoryFiles.open(file, null)) {
            return s.metadata();
        }
    }

    private CliRunner collect(String env, String recipe, String out, String... extra) {
        String[] base = {"collect", "--env", env, "--recipe", recipe, "--seed", "7", "--reference-episodes", "3",
            "--out", dir.resolve(out).toString()};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @Test
    void fiveRecipesOnCartPole() throws IOException {
        Path run = train("CartPole-v1", "ppo", "--total-steps", "8192", "--set", "num_envs=2", "--set", "num_steps=64",
                "--checkpoint-every", "1024");
        String policy = run.toString();

        CliRunner r = collect("CartPole-v1", "random", "random.parquet", "--episodes", "6");
        assertEquals(0, r.code(), r.err());
        List<Trajectory> random = read(dir.resolve("random.parquet"));
        assertEquals(6, random.size());
        for (Trajectory t : random) {
            assertEquals("random", t.labels().get(Labels.POLICY));
            assertEquals(t.length() + 1, t.observations().length / 4, "observations then the final one");
            assertTrue(t.terminated() || t.truncated());
        }
        Map<String, String> meta = metadata(dir.resolve("random.parquet"));
        assertEquals("random", meta.get("recipe"));
        assertTrue(Double.parseDouble(meta.get("reference_return_random")) < 50, meta.toString());

        r = collect("CartPole-v1", "expert", "expert.parquet", "--episodes", "4", "--envs", "2", "--policy", policy);
        assertEquals(0, r.code(), r.err());
        List<Trajectory> expert = read(dir.resolve("expert.parquet"));
        assertEquals(4, expert.size());
        assertTrue(expert.get(0).values() != null && expert.get(0).logProbs() != null, "a PPO policy records both");
        meta = metadata(dir.resolve("expert.parquet"));
        assertTrue(meta.get("policy").endsWith("update-000064"), meta.toString());
        assertTrue(meta.containsKey("reference_return_expert"), meta.toString());

        r = collect("CartPole-v1", "medium", "medium.jsonl", "--steps", "300", "--policy", policy);
        assertEquals(0, r.code(), r.err());
        List<Trajectory> medium = read(dir.resolve("medium.jsonl"));
        long steps = medium.stream().mapToLong(Trajectory::length).sum();
        assertTrue(steps >= 300 && steps - medium.get(medium.size() - 1).length() < 300, "whole episodes to 300 steps");
        var provenance = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                dir.resolve("medium.jsonl.provenance.json").toFile());
        assertEquals("medium", provenance.path("recipe").asText());
        assertTrue(provenance.path("policy").asText().endsWith("update-000032"), "the middle of 8 checkpoints: "
                + provenance);
        assertTrue(provenance.path("expert_policy").asText().endsWith("update-000064"), provenance.toString());

        r = collect("CartPole-v1", "mixed", "mixed.parquet", "--episodes", "10", "--expert-fraction", "0.3",
                "--policy", policy);
        assertEquals(0, r.code(), r.err());
        List<Trajectory> mixed = read(dir.resolve("mixed.parquet"));
        assertEquals(10, mixed.size());
        assertEquals(3, mixed.stream().filter(t -> "expert".equals(t.labels().get(Labels.POLICY))).count());
        assertEquals(7, mixed.stream().filter(t -> "random".equals(t.labels().get(Labels.POLICY))).count());

        r = collect("CartPole-v1", "medium-replay", "replay.parquet", "--policy", policy);
        assertEquals(0, r.code(), r.err());
        List<Trajectory> replay = read(dir.resolve("replay.parquet"));
        assertEquals(read(run.resolve(CollectCommand.REPLAY_FILE)).size(), replay.size(), "every trajectory of the run");
        assertTrue(replay.size() > 20, "8192 steps of early CartPole are many episodes: " + replay.size());

        CliRunner info = CliRunner.run("data", "info", dir.resolve("mixed.parquet").toString(), "--env", "CartPole-v1");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("fits CartPole-v1: yes"), info.out());
        CliRunner wrongEnv = CliRunner.run("data", "info", dir.resolve("mixed.parquet").toString(), "--env",
                "Pendulum-v1");
        assertEquals(2, wrongEnv.code());
        assertTrue(wrongEnv.err().contains("4 values") && wrongEnv.err().contains("Pendulum-v1"), wrongEnv.err());
        assertTrue(info.out().contains("trajectories: 10") && info.out().contains("recipe: mixed")
                && info.out().contains("reference_return_expert"), info.out());

        // same seed, same dataset
        r = collect("CartPole-v1", "mixed", "mixed2.parquet", "--episodes", "10", "--expert-fraction", "0.3",
                "--policy", policy);
        assertEquals(0, r.code(), r.err());
        assertEquals(mixed, read(dir.resolve("mixed2.parquet")));
    }

    @Test
    void continuousRecipesOnPendulumAndBadInput() throws IOException {
        Path run = train("Pendulum-v1", "sac", "--total-steps", "300", "--set", "learning_starts=100",
                "--set", "batch_size=32", "--set", "hidden_sizes=32,32", "--checkpoint-every", "100");
        CliRunner r = collect("Pendulum-v1", "expert", "sac.parquet", "--episodes", "2", "--action-noise", "0.1",
                "--policy", run.toString());
        assertEquals(0, r.code(), r.err());
        List<Trajectory> noisy = read(dir.resolve("sac.parquet"));
        assertEquals(2, noisy.size());
        assertEquals(200, noisy.get(0).length());
        for (float a : noisy.get(0).actions()) {
            assertTrue(a >= -2 && a <= 2, "applied actions are clipped to the box: " + a);
        }
        r = collect("Pendulum-v1", "random", "p.parquet", "--episodes", "2");
        assertEquals(0, r.code(), r.err());
        r = collect("Pendulum-v1", "medium", "pm.parquet", "--episodes", "1", "--policy", run.toString());
        assertEquals(0, r.code(), r.err());
        r = collect("Pendulum-v1", "mixed", "px.parquet", "--episodes", "2", "--expert-fraction", "0.5",
                "--policy", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2, read(dir.resolve("px.parquet")).size());
        CliRunner info = CliRunner.run("data", "info", dir.resolve("px.parquet").toString(), "--env", "Pendulum-v1");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("recipe: mixed") && info.out().contains("reference_return_random"), info.out());
        r = collect("Pendulum-v1", "medium-replay", "pr.parquet", "--policy", run.toString(), "--episodes", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, read(dir.resolve("pr.parquet")).size());

        r = collect("Pendulum-v1", "expert", "x.parquet", "--policy", run.toString(), "--epsilon", "0.1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("epsilon") && r.err().contains("continuous"), r.err());
        r = collect("Pendulum-v1", "expert", "x.parquet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--policy"), r.err());
        r = collect("Pendulum-v1", "best", "x.parquet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("best") && r.err().contains("medium-replay"), r.err());
        r = collect("CartPole-v1", "expert", "x.parquet", "--policy", run.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Pendulum-v1") && r.err().contains("CartPole-v1"), r.err());
        assertTrue(!Files.exists(dir.resolve("x.parquet")), "no output for refused input");
    }

    /** {@code --policy expert} on MountainCarContinuous-v0: the scripted expert reaches the goal; mixed; refusals. */
    @Test
    void scriptedMountainCarExpert() throws IOException {
        CliRunner r = collect("MountainCarContinuous-v0", "expert", "mcc.parquet", "--episodes", "3", "--policy",
                "expert");
        assertEquals(0, r.code(), r.err());
        List<Trajectory> expert = read(dir.resolve("mcc.parquet"));
        assertEquals(3, expert.size());
        for (Trajectory t : expert) {
            assertTrue(t.terminated() && t.totalReward() >= 90, t.totalReward() + " in " + t.length() + " steps");
            assertEquals("expert", t.labels().get(Labels.POLICY));
            assertEquals(null, t.logProbs(), "a scripted action has no log-probability");
        }
        Map<String, String> meta = metadata(dir.resolve("mcc.parquet"));
        assertTrue(Double.parseDouble(meta.get("reference_return_expert")) >= 90, meta.toString());
        assertTrue(Double.parseDouble(meta.get("reference_return_random")) < 0, meta.toString());
        assertTrue(meta.get("policy").contains("scripted"), meta.toString());

        r = collect("MountainCarContinuous-v0", "mixed", "mccx.parquet", "--episodes", "4", "--expert-fraction", "0.5",
                "--policy", "expert", "--action-noise", "0.5");
        assertEquals(0, r.code(), r.err());
        List<Trajectory> mixed = read(dir.resolve("mccx.parquet"));
        assertEquals(2, mixed.stream().filter(t -> "expert".equals(t.labels().get(Labels.POLICY))).count());
        assertEquals(2, mixed.stream().filter(t -> "random".equals(t.labels().get(Labels.POLICY))).count());

        r = collect("MountainCarContinuous-v0", "medium", "x.parquet", "--policy", "expert");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--recipe expert or mixed"), r.err());
        r = collect("Pendulum-v1", "expert", "x.parquet", "--policy", "expert");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("MountainCarContinuous-v0") && r.err().contains("Pendulum-v1"), r.err());
        assertTrue(!Files.exists(dir.resolve("x.parquet")), "no output for refused input");
    }

    /** Episodes cut by the time limit carry V(final observation), so GAE can credit them straight from the file. */
    @Test
    void truncatedEpisodesFromAPolicyWithACriticCreditWithGae() throws IOException {
        Path run = train("Pendulum-v1", "ppo", "--total-steps", "256", "--set", "num_steps=128",
                "--set", "num_minibatches=2", "--checkpoint-every", "128");
        Path t = dir.resolve("t.jsonl");
        CliRunner r = CliRunner.run("rollout", "--env", "Pendulum-v1", "--episodes", "2", "--policy", run.toString(),
                "--out", t.toString());
        assertEquals(0, r.code(), r.err());
        for (Trajectory x : read(t)) {
            assertTrue(x.truncated() && Double.isFinite(x.bootstrapValue()), x.toString());
        }
        r = CliRunner.run("credit", "--estimator", "gae", "--in", t.toString(), "--out", dir.resolve("c.parquet")
                .toString());
        assertEquals(0, r.code(), r.err());
        r = collect("Pendulum-v1", "expert", "e.jsonl", "--episodes", "2", "--policy", run.toString());
        assertEquals(0, r.code(), r.err());
        for (Trajectory x : read(dir.resolve("e.jsonl"))) {
            assertTrue(x.truncated() && Double.isFinite(x.bootstrapValue()), x.toString());
        }
        r = CliRunner.run("credit", "--estimator", "gae", "--in", dir.resolve("e.jsonl").toString(), "--out",
                dir.resolve("ce.jsonl").toString());
        assertEquals(0, r.code(), r.err());
    }
}
