package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Problem;
import dev.trail.token.Transcript;
import dev.trail.token.Split;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.TokenEnv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.Env;
import dev.trail.env.EnvSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenTasksTest {

    @Test
    void idsAndSpecs() {
        assertEquals(List.of("Arithmetic-v0", "Countdown-v0", "Calculator-v0", "GridNav-v0", "Guess-v0",
                "Calculator-MultiTurn-v0"), TokenTasks.ids());
        for (EnvSpec spec : TokenTasks.specs()) {
            assertTrue(Double.isNaN(spec.rewardThreshold()));
            try (Env<?, ?> env = spec.make()) {
                TokenEnv t = (TokenEnv) env;
                assertEquals(spec.id(), t.task().id());
                assertEquals(spec.maxEpisodeSteps(), t.maxResponseTokens());
            }
        }
        assertEquals(16, TokenTasks.spec("Arithmetic-v0").maxEpisodeSteps());
        assertEquals(32, TokenTasks.spec("Countdown-v0").maxEpisodeSteps());
        assertEquals(64, TokenTasks.spec("Calculator-v0").maxEpisodeSteps());
        assertEquals(72, TokenTasks.spec("GridNav-v0").maxEpisodeSteps());
        assertEquals(32, TokenTasks.spec("Guess-v0").maxEpisodeSteps());
    }

    @Test
    void specsWithSettings() {
        EnvSpec s = TokenTasks.spec("Countdown-v0", Map.of("max_response_tokens", "48", "split", "held-out"));
        assertEquals(48, s.maxEpisodeSteps());
        TokenEnv env = (TokenEnv) s.make();
        assertEquals(Split.HELD_OUT, env.split());
        assertThrows(IllegalArgumentException.class, () -> TokenTasks.spec("Countdown-v0", Map.of("nope", "1")));
    }

    @Test
    void unknownIdListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenTasks.make("Arith-v0"));
        assertTrue(e.getMessage().contains("Arith-v0") && e.getMessage().contains("Countdown-v0"), e.getMessage());
    }

    @Test
    void settingsConfigureTasks() {
        ArithmeticTask a = (ArithmeticTask) TokenTasks.task("Arithmetic-v0",
                Map.of("operators", "sub", "sub_digits", "4", "format_reward", "0.1"));
        assertEquals(List.of(ArithmeticTask.Operation.of(ArithmeticTask.Operator.SUB, 4)), a.config().operations());
        assertEquals(0.1, a.config().formatReward());
        TokenEnv env = TokenTasks.make("Calculator-v0", Map.of("max_tool_calls", "1", "context_length", "96",
                "max_response_tokens", "60"));
        assertEquals(96, env.contextLength());
        assertEquals(60, env.maxResponseTokens());
        assertEquals(1, env.task().maxToolCalls());
        // 9-digit multiplication needs a longer default budget: 18 digits + EOS
        assertEquals(19, TokenTasks.task("Arithmetic-v0", Map.of("operators", "mul", "mul_digits", "9"))
                .defaultMaxResponseTokens());
        // bigger Countdown and Calculator problems raise the default budget to fit their demonstrations
        assertEquals(32, TokenTasks.task("Countdown-v0", Map.of("numbers", "6", "max_number", "999"))
                .defaultMaxResponseTokens());
        TokenTask big = TokenTasks.task("Calculator-v0", Map.of("left_digits", "9", "right_digits", "9", "addend_digits", "9"));
        assertEquals(((CalculatorTask) big).config().longestDemonstration(), big.defaultMaxResponseTokens());
        assertTrue(big.defaultMaxResponseTokens() > 64);
        assertThrows(IllegalArgumentException.class,
                () -> TokenTasks.task("Calculator-v0", Map.of("left_digits", "9", "max_response_tokens", "40")));
    }

    @Test
    void demonstrationsOfLargeConfigsFit() {
        for (Map<String, String> settings : List.of(Map.of("numbers", "6", "max_number", "999", "min_used", "6"),
                Map.of("numbers", "2", "max_number", "9", "min_target", "1", "max_target", "81"))) {
            TokenTask task = TokenTasks.task("Countdown-v0", settings);
            dev.trail.seed.Rng rng = new dev.trail.seed.Rng(1);
            for (int i = 0; i < 200; i++) {
                Problem p = task.sample(rng, Split.TRAIN);
                Transcript t = ResponseBuilder.respond(task, p, task.demonstration(p), 256,
                        task.defaultMaxResponseTokens());
                assertTrue(t.verdict().correct(), t.toString());
            }
        }
        TokenTask calc = TokenTasks.task("Calculator-v0", Map.of("left_digits", "9", "right_digits", "9", "addend_digits", "9"));
        dev.trail.seed.Rng rng = new dev.trail.seed.Rng(2);
        for (int i = 0; i < 100; i++) {
            Problem p = calc.sample(rng, Split.TRAIN);
            Transcript t = ResponseBuilder.respond(calc, p, calc.demonstration(p), 256, calc.defaultMaxResponseTokens());
            assertTrue(t.verdict().correct(), t.toString());
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenTasks.make("Countdown-v0", Map.of("digits", "3")));
        assertTrue(e.getMessage().contains("digits") && e.getMessage().contains("numbers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokenTasks.task("Arithmetic-v0", Map.of("operators", "add,div")));
        assertTrue(e.getMessage().contains("'div'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenTasks.make("Countdown-v0", Map.of("split", "test")));
        assertTrue(e.getMessage().contains("held-out"), e.getMessage());
    }
}
