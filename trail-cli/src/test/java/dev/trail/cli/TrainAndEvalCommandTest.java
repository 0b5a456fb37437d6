package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny {@code trail train} / {@code trail eval} runs as a user types them. */
class TrainAndEvalCommandTest {

    @TempDir
    Path dir;

    private static final String[] TINY = {"--set", "num_envs=2", "--set", "num_steps=64", "--eval-episodes", "2"};

    private Path runsDir() {
        return dir.resolve("runs");
    }

    private List<Path> runs() throws IOException {
        if (!Files.isDirectory(runsDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runsDir())) {
            return s.sorted().toList();
        }
    }

    private CliRunner train(String... extra) {
        String[] base = {"train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "1024", "--seed", "5",
            "--out", runsDir().toString()};
        String[] args = Stream.of(base, TINY, extra).flatMap(Stream::of).toArray(String[]::new);
        return CliRunner.run(args);
    }

    /** metrics.csv without the wall-clock column and the time/* metrics. */
    private static List<String> reproducibleMetrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().skip(1)
                .map(l -> l.split(",", 4))
                .filter(f -> !f[2].startsWith("time/"))
                .map(f -> f[0] + "," + f[2] + "," + f[3])
                .toList();
    }

    @Test
    void trainRecordsARunThatEvalAndRunsShowCanRead() throws IOException {
        CliRunner r = train("--checkpoint-every", "512");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("done:") && r.out().contains("evaluation"), r.out());
        Path run = runs().get(0);
        for (String f : List.of("config.yaml", "provenance.json", "metrics.csv", "summary.json", "plots/learning_curve.png")) {
            assertTrue(Files.exists(run.resolve(f)), f + " missing in " + run);
        }
        String metrics = Files.readString(run.resolve("metrics.csv"));
        for (String m : List.of("charts/episodic_return", "losses/policy_loss", "losses/value_loss", "eval/mean_return")) {
            assertTrue(metrics.contains(m), m + " not recorded");
        }
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("num_envs: 2"));
        // one charts/episodic_return value per finished episode, as the summary line counts them
        long episodes = Long.parseLong(r.out().replaceAll("(?s).*done: ([0-9,]+) episodes.*", "$1").replace(",", ""));
        assertEquals(episodes, metrics.lines().filter(l -> l.contains(",charts/episodic_return,")).count());

        CliRunner e = CliRunner.run("eval", "--run", run.toString(), "--episodes", "3", "--seed", "1", "--deterministic");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("\"mean\"") && e.out().contains("\"episodes\" : 3"), e.out());

        CliRunner show = CliRunner.run("runs", "--dir", runsDir().toString(), "show", run.getFileName().toString());
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("finished"), show.out());
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndAConfigFileReproducesARun() throws IOException {
        assertEquals(0, train().code());
        assertEquals(0, train().code());
        List<Path> runs = runs();
        assertEquals(2, runs.size());
        assertEquals(reproducibleMetrics(runs.get(0)), reproducibleMetrics(runs.get(1)));
        CliRunner again = CliRunner.run("train", "--config", runs.get(0).resolve("config.yaml").toString(), "--out",
                runsDir().toString());
        assertEquals(0, again.code(), again.err());
        Path third = runs().stream().filter(p -> !runs.contains(p)).findFirst().orElseThrow();
        assertEquals(reproducibleMetrics(runs.get(0)), reproducibleMetrics(third));
    }

    @Test
    void ppoTakesContinuousControlDefaultsOnBoxActions() throws IOException {
        CliRunner r = CliRunner.run("train", "--env", "Pendulum-v1", "--algo", "ppo", "--total-steps", "256",
                "--set", "num_steps=128", "--set", "num_minibatches=2", "--eval-episodes", "1", "--out", runsDir().toString());
        assertEquals(0, r.code(), r.err());
        String config = Files.readString(runs().get(0).resolve("config.yaml"));
        assertTrue(config.contains("num_envs: 1") && config.contains("normalize_observations: true")
                && config.contains("ent_coef: 0.0"), config);
    }

    @Test
    void resumeRefusesAFinishedRunAndChangedSettings() throws IOException {
        assertEquals(0, train("--checkpoint-every", "256").code());
        Path first = runs().get(0);
        CliRunner r = CliRunner.run("train", "--resume", first.toString(), "--out", runsDir().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("finished") && r.err().contains(first.getFileName().toString()), r.err());
        r = CliRunner.run("train", "--resume", first.toString(), "--set", "gamma=0.9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--set"), r.err());
        assertEquals(1, runs().size(), "no new run folder");
    }

    @Test
    void badConfigIsRefusedBeforeAnyWorkNamingTheKey() throws IOException {
        CliRunner r = train("--set", "num_minibatchs=2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("num_minibatchs"), r.err());
        r = train("--set", "gamma=1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gamma") && r.err().contains("[0, 1]"), r.err());
        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "dqnn", "--out", runsDir().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dqnn") && r.err().contains("ppo"), r.err());
        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "sac", "--out", runsDir().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("sac") && r.err().contains("Discrete(2)"), r.err());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "env: CartPole-v1\nalgo: ppo\nlearning_rate: 0.1\n");
        r = CliRunner.run("train", "--config", bad.toString(), "--out", runsDir().toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("learning_rate") && r.err().contains("ppo:"), r.err());
        assertTrue(runs().isEmpty(), "no run directory is created for a refused config");
    }

    @Test
    void evalRefusesAPolicyForAnotherEnvironmentAndACorruptCheckpoint() throws IOException {
        assertEquals(0, train().code());
        Path run = runs().get(0);
        CliRunner r = CliRunner.run("eval", "--run", run.toString(), "--env", "Acrobot-v1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Acrobot-v1"), r.err());
        Path checkpoint = Checkpoints.latest(run).orElseThrow();
        Path params = checkpoint.resolve("parameters.bin");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(params, bytes);
        r = CliRunner.run("eval", "--checkpoint", checkpoint.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("parameters.bin") || r.err().contains(checkpoint.getFileName().toString()), r.err());
        r = CliRunner.run("eval", "--run", dir.resolve("nope").toString());
        assertEquals(2, r.code());
        assertFalse(r.err().isBlank());
    }
}
