package dev.trail.envs.token;

import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.token.Split;
import dev.trail.token.TokenEnv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.envs.token.ArithmeticTask.Arithmetic;
import dev.trail.envs.token.ArithmeticTask.Operator;
import dev.trail.envs.token.CalculatorTask.Calculation;
import dev.trail.seed.Rng;
import dev.trail.space.Discrete;
import dev.trail.space.Tokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEnvTest {

    private static StepResult<int[]> type(TokenEnv env, String text) {
        StepResult<int[]> r = null;
        for (int id : Vocabulary.encode(text)) {
            r = env.step(id);
        }
        return r;
    }

    @Test
    void spacesAndFirstObservation() {
        TokenEnv env = TokenTasks.make("Arithmetic-v0");
        assertEquals(new Discrete(53), env.actionSpace());
        assertEquals(new Tokens(53, 128), env.observationSpace());
        int[] obs = env.reset(7);
        assertTrue(env.observationSpace().contains(obs));
        assertEquals(Vocabulary.BOS, obs[0]);
        assertEquals(env.task().prompt(env.problem()), Vocabulary.decode(obs, 1, obs.length));
        assertTrue(Vocabulary.decode(obs).endsWith("="));
    }

    @Test
    void correctAnswerTerminatesWithRewardOnTheLastStep() {
        TokenEnv env = TokenTasks.make("Arithmetic-v0");
        env.reset(1);
        Arithmetic p = (Arithmetic) env.problem();
        String answer = Long.toString(p.answer());
        for (int id : Vocabulary.encode(answer)) {
            StepResult<int[]> r = env.step(id);
            assertEquals(0.0, r.reward());
            assertFalse(r.done());
            assertEquals(0, r.info().get("toolTokens"));
        }
        StepResult<int[]> last = env.step(Vocabulary.EOS);
        assertTrue(last.terminated());
        assertFalse(last.truncated());
        assertEquals(1.0, last.reward());
        assertEquals(true, last.info().get("correct"));
        assertEquals(answer, last.info().get("responseText"));
        assertEquals(Vocabulary.EOS, last.observation()[last.observation().length - 1]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(3));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }

    @Test
    void wrongAnswerGetsZero() {
        TokenEnv env = TokenTasks.make("Arithmetic-v0");
        env.reset(1);
        Arithmetic p = (Arithmetic) env.problem();
        type(env, Long.toString(p.answer() + 1));
        StepResult<int[]> last = env.step(Vocabulary.EOS);
        assertTrue(last.terminated());
        assertEquals(0.0, last.reward());
        assertEquals(true, last.info().get("formatOk"));
    }

    @Test
    void aResponseThatNeverEndsIsTruncatedAtTheBudget() {
        TokenEnv env = new TokenEnv(new ArithmeticTask(), Split.TRAIN, 64, 16);
        int[] obs = env.reset(3);
        int promptLength = obs.length;
        int digit = Vocabulary.id('7');
        for (int i = 0; i < 15; i++) {
            StepResult<int[]> r = env.step(digit);
            assertFalse(r.done(), "step " + i);
        }
        StepResult<int[]> r = env.step(digit);
        assertTrue(r.truncated());
        assertFalse(r.terminated());
        assertEquals(0.0, r.reward(), "sixteen 7s are not the answer");
        assertEquals(promptLength + 16, r.observation().length);
        Transcript t = env.transcript();
        assertTrue(t.truncated());
        assertEquals(16, t.responseLength());
        assertThrows(IllegalStateException.class, () -> env.step(digit));
    }

    @Test
    void theContextAlsoLimitsTheResponse() {
        // prompt "37*89=" + BOS = 7 tokens; context 10 leaves 3 response tokens
        TokenEnv env = new TokenEnv(new ArithmeticTask(), Split.TRAIN, 10, 16);
        env.reset(new Arithmetic(Operator.MUL, 37, 89));
        env.step(Vocabulary.id('3'));
        env.step(Vocabulary.id('2'));
        StepResult<int[]> r = env.step(Vocabulary.id('9'));
        assertTrue(r.truncated());
        assertEquals(10, r.observation().length);
        assertTrue(env.observationSpace().contains(r.observation()));
    }

    @Test
    void truncatedResponsesAreStillVerified() {
        // "3293" fills a budget of 4 exactly: cut before EOS, and the cut text is the right answer
        TokenEnv env = new TokenEnv(new ArithmeticTask(), Split.TRAIN, 64, 4);
        env.reset(new Arithmetic(Operator.MUL, 37, 89));
        StepResult<int[]> r = type(env, "3293");
        assertTrue(r.truncated());
        assertEquals(1.0, r.reward());
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedWithBothLengths() {
        TokenEnv env = new TokenEnv(new CalculatorTask(), Split.TRAIN, 8, 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.reset(1));
        // prompt like "347*86+512=" is 11 characters + BOS = 12 tokens
        assertTrue(e.getMessage().contains("takes 12 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 8 tokens"), e.getMessage());
        // a prompt that exactly fills the context leaves no room for a response either
        TokenEnv full = new TokenEnv(new ArithmeticTask(), Split.TRAIN, 7, 16);
        e = assertThrows(IllegalArgumentException.class, () -> full.reset(new Arithmetic(Operator.MUL, 37, 89)));
        assertTrue(e.getMessage().contains("takes 7 tokens") && e.getMessage().contains("holds 7"), e.getMessage());
    }

    @Test
    void invalidActionsAreRefused() {
        TokenEnv env = TokenTasks.make("Arithmetic-v0");
        assertThrows(IllegalStateException.class, () -> env.step(3), "step before reset");
        env.reset(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(53));
        assertTrue(e.getMessage().contains("53"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(-1));
    }

    @Test
    void toolOutputArrivesInTheSameStepAndIsFlaggedInInfo() {
        TokenEnv env = TokenTasks.make("Calculator-v0", java.util.Map.of("max_response_tokens", "100"));
        int[] first = env.reset(new Calculation(347, 86, 512, true));
        StepResult<int[]> r = type(env, "<calc>347*86+512</calc");
        assertEquals(0, r.info().get("toolTokens"));
        r = env.step(Vocabulary.id('>'));
        assertEquals(6, r.info().get("toolTokens"));
        assertEquals("=30354", r.info().get("toolOutput"));
        assertEquals(first.length + "<calc>347*86+512</calc>=30354".length(), r.observation().length);
        assertTrue(Vocabulary.decode(r.observation()).endsWith("</calc>=30354"));
        r = type(env, "<calc>12+</calc>");
        assertEquals("=<err>", r.info().get("toolOutput"), "an unparsable call gets an error observation");
        assertFalse(r.done());
        type(env, "<answer>30354</answer>");
        r = env.step(Vocabulary.EOS);
        assertTrue(r.terminated());
        assertEquals(1.0, r.reward());
        Transcript t = env.transcript();
        assertEquals(2, t.toolCalls());
        assertEquals(t.responseLength() - "=30354".length() - "=<err>".length(),
                t.toTrajectory("a", "g", 0).validLength());
    }

    @Test
    void sameSeedSameEpisodes() {
        TokenEnv a = TokenTasks.make("Countdown-v0");
        TokenEnv b = TokenTasks.make("Countdown-v0");
        for (long seed = 0; seed < 20; seed++) {
            assertArrayEquals(a.reset(seed), b.reset(seed));
        }
        // unseeded resets continue the stream identically
        a.reset(99);
        b.reset(99);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(a.reset(), b.reset());
        }
    }

    @Test
    void heldOutEnvironmentsDrawHeldOutProblems() {
        TokenEnv env = TokenTasks.make("Arithmetic-v0", java.util.Map.of("split", "held-out"));
        for (long seed = 0; seed < 50; seed++) {
            env.reset(seed);
            assertEquals(Split.HELD_OUT, env.task().splitOf(env.problem()));
        }
    }

    @Test
    void snapshotRestoreReproducesTheContinuation() {
        TokenEnv env = TokenTasks.make("Calculator-v0");
        env.reset(5);
        type(env, "<calc>1+");
        TokenEnv.Snapshot s = env.snapshot();
        List<StepResult<int[]>> first = run(env, "2</calc><answer>3</answer>");
        int[] next1 = env.reset();
        env.restore(s);
        List<StepResult<int[]>> second = run(env, "2</calc><answer>3</answer>");
        int[] next2 = env.reset();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i).observation(), second.get(i).observation());
            assertEquals(first.get(i).reward(), second.get(i).reward());
            assertEquals(first.get(i).terminated(), second.get(i).terminated());
            assertEquals(first.get(i).info(), second.get(i).info());
        }
        assertArrayEquals(next1, next2, "the random stream is part of the snapshot");
        // branching: a snapshot can be restored many times and is not changed by later steps
        env.restore(s);
        StepResult<int[]> other = env.step(Vocabulary.id('9'));
        env.restore(s);
        assertArrayEquals(first.get(0).observation(), env.step(Vocabulary.id('2')).observation());
        assertTrue(Vocabulary.decode(other.observation()).endsWith("<calc>1+9"));
        assertTrue(Vocabulary.decode(s.context()).endsWith("<calc>1+"));
    }

    private static List<StepResult<int[]>> run(TokenEnv env, String text) {
        List<StepResult<int[]>> out = new ArrayList<>();
        for (int id : Vocabulary.encode(text)) {
            out.add(env.step(id));
        }
        out.add(env.step(Vocabulary.EOS));
        return out;
    }

    @Test
    void randomPoliciesNeverCrash() {
        Rng rng = new Rng(17);
        for (String id : TokenTasks.ids()) {
            TokenEnv env = TokenTasks.make(id);
            for (int episode = 0; episode < 30; episode++) {
                env.reset(episode);
                StepResult<int[]> r;
                int steps = 0;
                do {
                    r = env.step(env.actionSpace().sample(rng));
                    steps++;
                } while (!r.done());
                assertTrue(steps <= env.maxResponseTokens());
                assertTrue(r.reward() >= 0 && r.reward() <= 1);
                assertTrue(env.observationSpace().contains(r.observation()));
            }
        }
    }
}
