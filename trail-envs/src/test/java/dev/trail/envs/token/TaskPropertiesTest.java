package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Problem;
import dev.trail.token.Transcript;
import dev.trail.token.Split;
import dev.trail.token.ResponseBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties every token task has, checked over many seeds. */
class TaskPropertiesTest {

    private static final int SAMPLES = 400;

    @ParameterizedTest
    @ValueSource(strings = {"Arithmetic-v0", "Countdown-v0", "Calculator-v0"})
    void demonstrationsAlwaysVerifyAsCorrect(String id) {
        TokenTask task = TokenTasks.task(id);
        Rng rng = new Rng(42);
        for (Split split : Split.values()) {
            for (int i = 0; i < SAMPLES; i++) {
                Problem p = task.sample(rng, split);
                Transcript t = ResponseBuilder.respond(task, p, task.demonstration(p), TokenTasks.DEFAULT_CONTEXT_LENGTH,
                        task.defaultMaxResponseTokens());
                assertTrue(t.terminated(), () -> p + ": " + t);
                assertTrue(t.verdict().correct(), () -> p + ": " + t + " " + t.verdict().note());
                assertEquals(1.0, t.reward());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Calculator-v0"})
    void calculatorDemonstrationsUseTheTool(String id) {
        TokenTask task = TokenTasks.task(id);
        Rng rng = new Rng(5);
        for (int i = 0; i < 50; i++) {
            Problem p = task.sample(rng, Split.TRAIN);
            Transcript t = ResponseBuilder.respond(task, p, task.demonstration(p), 128, 64);
            assertEquals(1, t.toolCalls());
            assertTrue(t.toTrajectory("d", "g", 0).validLength() < t.responseLength(), "some tokens are tool output");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Arithmetic-v0", "Countdown-v0", "Calculator-v0"})
    void heldOutAndTrainSplitsAreDisjoint(String id) {
        TokenTask task = TokenTasks.task(id);
        Set<String> train = new HashSet<>();
        Set<String> heldOut = new HashSet<>();
        Rng rng = new Rng(3);
        for (int i = 0; i < 2 * SAMPLES; i++) {
            Problem p = task.sample(rng, Split.TRAIN);
            assertEquals(Split.TRAIN, task.splitOf(p));
            train.add(p.key());
            Problem q = task.sample(rng, Split.HELD_OUT);
            assertEquals(Split.HELD_OUT, task.splitOf(q));
            heldOut.add(q.key());
        }
        assertTrue(heldOut.size() > SAMPLES / 4, "the held-out split is not degenerate: " + heldOut.size());
        for (String k : heldOut) {
            assertFalse(train.contains(k), k + " drawn in both splits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Arithmetic-v0", "Countdown-v0", "Calculator-v0"})
    void aboutTheHeldOutFractionOfProblemsIsHeldOut(String id) {
        TokenTask task = TokenTasks.task(id);
        // the problems a uniform draw would give, before the split filter: draw from both splits
        // in the proportion the hash implies, i.e. count the split of unfiltered keys
        Rng rng = new Rng(9);
        int held = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            Problem p = task.sample(rng, Split.TRAIN);
            held += Split.of(p.key() + "#" + i, 0.1) == Split.HELD_OUT ? 1 : 0;
        }
        assertTrue(held > 140 && held < 260, "hash split share " + held + "/" + n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Arithmetic-v0", "Countdown-v0", "Calculator-v0"})
    void sameSeedSameProblems(String id) {
        TokenTask task = TokenTasks.task(id);
        assertEquals(draw(task, 123), draw(task, 123));
        assertFalse(draw(task, 123).equals(draw(task, 124)));
    }

    private static List<Problem> draw(TokenTask task, long seed) {
        Rng rng = new Rng(seed);
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(task.sample(rng, i % 3 == 0 ? Split.HELD_OUT : Split.TRAIN));
        }
        return out;
    }
}
