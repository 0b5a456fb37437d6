package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void benchEnvReportsStepsPerSecondForDiscreteAndContinuousEnvs() {
        CliRunner r = CliRunner.run("bench", "env", "--env", "CartPole-v1", "--envs", "4", "--threads", "2",
                "--steps", "20000", "--repeats", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)CartPole-v1: 4 envs, 2 threads, .* steps/s .*"), r.out());
        r = CliRunner.run("bench", "env", "--env", "CartPole-v1", "--envs", "4", "--threads", "2", "--actor", "ppo",
                "--steps", "2048", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)CartPole-v1 with the ppo actor: 4 envs, 2 threads, .* steps/s .*"), r.out());
        r = CliRunner.run("bench", "env", "--env", "CartPole-v1", "--actor", "sac");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--actor sac"), r.err());
        r = CliRunner.run("bench", "env", "--env", "Pendulum-v1", "--steps", "5000", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("steps/s"), r.out());
    }

    @Test
    void benchEnvRefusesZeroCountsAndUnknownEnvs() {
        CliRunner r = CliRunner.run("bench", "env", "--env", "CartPole-v1", "--envs", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--envs") && r.err().contains("0"), r.err());
        r = CliRunner.run("bench", "env", "--env", "Nope-v0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Nope-v0"), r.err());
    }

    @Test
    void benchCreditRunsTheCreditCommandEndToEnd() {
        CliRunner r = CliRunner.run("bench", "credit", "--estimator", "grpo", "--steps", "4000", "--length", "10",
                "--group-size", "4", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("steps/s"), r.out());
    }

    @Test
    void benchGrpoPrintsThroughputAndPhasesForTheGivenShape() {
        CliRunner r = CliRunner.run("bench", "grpo", "--layers", "1", "--width", "32", "--heads", "2", "--prompts", "2",
                "--group", "2", "--max-new-tokens", "3", "--warmup", "0", "--updates", "2", "--kl-coef", "0.01");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 layers x width 32 x 2 heads") && r.out().contains("2 prompts x 2 completions"),
                r.out());
        assertTrue(r.out().matches("(?s).*\\d[\\d.]* completions/s, \\d+ generated tokens/s \\(median update [\\d.]+ ms;"
                + " CPU time of the training thread [\\d.]+ ms\\).*"), r.out());
        assertTrue(r.out().matches("(?s).*sampling [\\d.]+, reference log-probs [\\d.]+, gradient steps [\\d.]+.*"),
                r.out());
    }

    @Test
    void benchGrpoRefusesANonTokenTask() {
        CliRunner r = CliRunner.run("bench", "grpo", "--env", "CartPole-v1", "--updates", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("CartPole-v1") && r.err().contains("token task"), r.err());
    }
}
