package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail sft} then {@code trail train --algo grpo --init} then {@code trail eval}, with a tiny model. */
class TokenRlCommandTest {

    @TempDir
    Path dir;

    private static final String[] TINY_MODEL = {"--set", "model.layers=1", "--set", "model.width=32", "--set", "model.heads=2"};

    private Path onlyRun(String algo) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            List<Path> runs = s.filter(p -> p.getFileName().toString().contains("__" + algo + "__")).toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    @Test
    void sftThenGrpoThenEvalWorkFromTheCommandLine() throws IOException {
        String runs = dir.resolve("runs").toString();
        String[] sft = Stream.concat(Stream.of("sft", "--env", "Arithmetic-v0", "--seed", "3", "--out", runs,
                "--set", "steps=10", "--set", "eval_problems=4", "--set", "eval_every=0"), Stream.of(TINY_MODEL))
                .toArray(String[]::new);
        CliRunner r = CliRunner.run(sft);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("after SFT: held-out pass@1"), r.out());
        Path sftRun = onlyRun("sft");
        assertTrue(Files.readString(sftRun.resolve("metrics.csv")).contains("losses/sft_loss"));

        r = CliRunner.run("train", "--env", "Arithmetic-v0", "--algo", "rloo", "--init", sftRun.toString(), "--out", runs,
                "--set", "iterations=2", "--set", "prompts_per_batch=2", "--set", "group_size=4", "--set", "num_minibatches=1",
                "--set", "eval_problems=4", "--set", "eval_k=0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("update 0") && r.out().contains("update 2") && r.out().contains("pass@1"), r.out());
        Path rlRun = onlyRun("rloo");
        String metrics = Files.readString(rlRun.resolve("metrics.csv"));
        assertTrue(metrics.contains("losses/policy_loss") && metrics.contains("eval/pass@1"), metrics);
        assertTrue(Files.readString(rlRun.resolve("config.yaml")).contains("init: "));

        r = CliRunner.run("eval", "--run", rlRun.toString(), "--episodes", "4", "--k", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"pass@1\"") && r.out().contains("\"pass@2\""), r.out());
    }

    @Test
    void tokenAlgorithmsRefuseBadInput() {
        String runs = dir.resolve("runs").toString();
        CliRunner r = CliRunner.run("sft", "--env", "CartPole-v1", "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("CartPole-v1") && r.err().contains("Arithmetic-v0"), r.err());
        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "grpo", "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("grpo") && r.err().contains("CartPole-v1"), r.err());
        r = CliRunner.run("train", "--env", "Arithmetic-v0", "--algo", "grpo", "--set", "group_sise=4", "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("group_sise"), r.err());
        r = CliRunner.run("train", "--env", "Arithmetic-v0", "--algo", "grpo", "--init", dir.resolve("none").toString(),
                "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none"), r.err());
        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--init", runs, "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--init"), r.err());
    }

    /** A multi-turn estimator on a single-response task is refused before any work, naming both; no run folder. */
    @Test
    void multiTurnEstimatorOnASingleResponseTaskIsRefusedBeforeAnyWork() {
        Path runs = dir.resolve("mt-runs");
        CliRunner r = CliRunner.run("train", "--env", "Countdown-v0", "--algo", "grpo", "--set", "estimator=gigpo",
                "--set", "model.vocab_size=53", "--set", "model.layers=1", "--set", "model.width=32", "--set",
                "model.heads=2", "--set", "model.context_length=64", "--set", "model.mlp_ratio=2", "--set",
                "model.tied_embeddings=false", "--set", "model.init_std=0.02", "--out", runs.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("gigpo") && r.err().contains("Countdown-v0") && r.err().contains("multi-turn"),
                r.err());
        assertTrue(!java.nio.file.Files.exists(runs), "no run folder for a refused config");
        r = CliRunner.run("train", "--env", "GridNav-v0", "--algo", "grpo", "--set", "estimator=gigpo",
                "--set", "estimator_options=gama=0.5", "--out", runs.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("gama") && r.err().contains("gamma"), r.err());
    }

    private static final String[] TINY_GUESS_MODEL = {"--set", "model.vocab_size=53", "--set", "model.layers=1", "--set",
        "model.width=32", "--set", "model.heads=2", "--set", "model.context_length=64", "--set", "model.mlp_ratio=2",
        "--set", "model.tied_embeddings=false", "--set", "model.init_std=0.02"};

    /**
     * spo-chain (Monte-Carlo prefix values), spa (progress estimator) and ui-s1 with semi-online rollouts
     * train from the command line on a multi-turn task; on a single-response task spa and semi-online
     * are refused before any work, naming what is missing.
     */
    @Test
    void stepLevelCreditAndSemiOnlineRolloutsTrainFromTheCommandLine() throws IOException {
        String runs = dir.resolve("runs").toString();
        String[][] variants = {{"--set", "estimator=spo-chain", "--set", "step_credit.mc_samples=2"},
            {"--set", "estimator=spa"}, {"--set", "estimator=ui-s1", "--set", "rollout=semi-online"}};
        for (String[] v : variants) {
            String[] args = Stream.of(new String[] {"train", "--env", "Guess-v0", "--algo", "grpo", "--out", runs,
                "--set", "iterations=1", "--set", "prompts_per_batch=2", "--set", "group_size=2", "--set",
                "num_minibatches=1", "--set", "eval_problems=2", "--set", "eval_k=0", "--set", "max_new_tokens=12"},
                TINY_GUESS_MODEL, v)
                    .flatMap(Stream::of).toArray(String[]::new);
            CliRunner r = CliRunner.run(args);
            assertEquals(0, r.code(), String.join(" ", v) + ": " + r.err());
            assertTrue(r.out().contains("update 1"), r.out());
        }
        String metrics;
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            List<Path> all = s.toList();
            assertEquals(3, all.size(), all.toString());
            StringBuilder b = new StringBuilder();
            for (Path p : all) {
                b.append(Files.readString(p.resolve("metrics.csv")));
            }
            metrics = b.toString();
        }
        assertTrue(metrics.contains("charts/mc_rollouts") && metrics.contains("losses/progress_mse")
                && metrics.contains("charts/expert_match_rate"), metrics);
        Path refused = dir.resolve("refused");
        CliRunner r = CliRunner.run(Stream.of(new String[] {"train", "--env", "Countdown-v0", "--algo", "grpo",
            "--set", "estimator=spa", "--out", refused.toString()}, TINY_GUESS_MODEL).flatMap(Stream::of)
                .toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("spa") && r.err().contains("progress"), r.err());
        r = CliRunner.run(Stream.of(new String[] {"train", "--env", "Countdown-v0", "--algo", "grpo",
            "--set", "estimator=ui-s1", "--set", "rollout=semi-online", "--out", refused.toString()}, TINY_GUESS_MODEL)
                .flatMap(Stream::of).toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("semi-online") && r.err().contains("Countdown-v0"), r.err());
        assertTrue(!Files.exists(refused), "no run folder for a refused config");
    }
}
