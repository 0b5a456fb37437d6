package dev.trail.envs.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.Envs;
import dev.trail.env.StepResult;
import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.TokenEnv;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.trajectory.Trajectory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MultiTurnTasksTest {

    private static final int CONTEXT = 160;

    private static MultiTurnTask task(String id) {
        return (MultiTurnTask) TokenTasks.task(id);
    }

    /** The demonstration of every problem is a correct, terminated episode; verify(text) and replay(tokens) agree. */
    @ParameterizedTest
    @ValueSource(strings = {GridNavTask.ID, GuessTask.ID, CalculatorMultiTurnTask.ID})
    void demonstrationsSolveAndReplayExactly(String id) {
        MultiTurnTask task = task(id);
        Rng rng = new Rng(3);
        for (int i = 0; i < 40; i++) {
            Problem p = task.sample(rng, i % 4 == 0 ? Split.HELD_OUT : Split.TRAIN);
            Transcript t = ResponseBuilder.respond(task, p, task.demonstration(p), CONTEXT,
                    task.defaultMaxResponseTokens());
            assertTrue(t.verdict().correct(), id + " " + p.key() + ": " + t);
            assertTrue(t.terminated());
            assertEquals(1.0, t.reward());
            assertEquals(task.demonstration(p).split(MultiTurnTask.TURN_SEPARATOR).length, t.turns().size());
            assertEquals(t.verdict(), task.verify(p, t.responseText()), t.responseText());
            assertEquals(t, ResponseBuilder.replay(task, p, t.responseTokens(), CONTEXT,
                    task.defaultMaxResponseTokens()));
            // policy tokens trained (each turn ends with EOS), observations not
            boolean[] trained = t.trained();
            int[] tokens = t.responseTokens();
            for (Transcript.Turn turn : t.turns()) {
                assertEquals(Vocabulary.EOS, tokens[turn.end() - 1]);
                for (int j = turn.start(); j < turn.end(); j++) {
                    assertTrue(trained[j]);
                }
                for (int j = turn.end(); j < turn.observationEnd(); j++) {
                    assertFalse(trained[j]);
                }
            }
            double[] rewards = t.rewards();
            assertEquals(1.0, rewards[t.lastTrainedIndex()]);
            assertEquals(1.0, java.util.Arrays.stream(rewards).sum());
        }
    }

    @Test
    void gridNavObservationsWallsAndMalformedTurns() {
        // 4x4, walls at (0,2) and (1,1); start (0,0), goal (2,3)
        GridNavTask task = new GridNavTask();
        GridNavTask.Layout l = new GridNavTask.Layout(4, "..w." + ".w.." + "...." + "....", 0, 11);
        assertEquals("nav ..w.,.w..,...g,.... 00w.w.:", task.prompt(l));
        ResponseBuilder b = new ResponseBuilder(task, l, CONTEXT, 72);
        assertEquals(0, b.append(Vocabulary.id('u')).length); // policy token, no reply yet
        int[] obs = b.append(Vocabulary.EOS);                 // bump into the edge: stays at 00
        assertEquals("00w.w.:", Vocabulary.decode(obs));
        b.append(Vocabulary.id('x'));
        assertEquals("00w.w.:", Vocabulary.decode(b.append(Vocabulary.EOS))); // malformed: stays
        b.appendAll(Vocabulary.encode("d"));
        assertEquals("10..ww:", Vocabulary.decode(b.append(Vocabulary.EOS)));
        Transcript t = b.transcript();
        assertEquals(List.of("0", "0", "0"), t.turns().stream().map(Transcript.Turn::stateKey).toList());
        assertFalse(t.verdict().formatOk()); // one malformed turn, goal not reached
        assertFalse(t.verdict().correct());
        assertTrue(t.truncated());
        assertEquals(3, t.turns().size());
        assertEquals("u[EOS]00w.w.:x[EOS]00w.w.:d[EOS]10..ww:", t.responseText());
        assertEquals(t.verdict(), task.verify(l, t.responseText()));
    }

    @Test
    void turnBudgetAndTokenBudgetTruncate() {
        GuessTask task = new GuessTask(new GuessTask.Config(99, 2, 0.1));
        GuessTask.Secret s = new GuessTask.Secret(99, 70);
        Transcript t = ResponseBuilder.respond(task, s, "50\n80\n70", CONTEXT, 100);
        assertTrue(t.truncated());
        assertEquals(2, t.turns().size());
        assertEquals("50[EOS]>80[EOS]<", t.responseText());
        assertEquals(0.0, t.reward());
        assertEquals("51-99", t.turns().get(1).stateKey());
        // token budget: cut inside the second turn, which is kept as an unfinished turn with reward 0
        Transcript cut = ResponseBuilder.respond(task, s, "50\n75", CONTEXT, 5);
        assertTrue(cut.truncated());
        assertEquals(2, cut.turns().size());
        assertFalse(cut.turns().get(1).complete());
        assertEquals(5, cut.responseLength());
    }

    @Test
    void guessFeedbackAndStates() {
        GuessTask task = new GuessTask();
        GuessTask.Secret s = new GuessTask.Secret(99, 30);
        Transcript t = ResponseBuilder.respond(task, s, "49\n24\n36\n30", CONTEXT, 32);
        assertEquals("49[EOS]<24[EOS]>36[EOS]<30[EOS]", t.responseText());
        assertEquals(List.of("0-99", "0-48", "25-48", "25-35"),
                t.turns().stream().map(Transcript.Turn::stateKey).toList());
        assertTrue(t.verdict().correct());
        Transcript bad = ResponseBuilder.respond(task, s, "x\n30", CONTEXT, 32);
        assertEquals("x[EOS]?30[EOS]", bad.responseText());
        assertTrue(bad.verdict().correct()); // a malformed turn does not spoil a found number
    }

    @Test
    void calculatorMultiTurnRunsTheToolAsAnEnvironmentTurn() {
        CalculatorMultiTurnTask task = new CalculatorMultiTurnTask();
        CalculatorTask.Calculation c = new CalculatorTask.Calculation(347, 86, 512, true);
        Transcript t = ResponseBuilder.respond(task, c, task.demonstration(c), CONTEXT, 64);
        assertEquals("<calc>347*86+512</calc>[EOS]=30354<answer>30354</answer>[EOS]", t.responseText());
        assertEquals(0, t.toolCalls()); // no Tool: the environment answered
        Transcript wrong = ResponseBuilder.respond(task, c, "<answer>1</answer>", CONTEXT, 64);
        assertFalse(wrong.verdict().correct());
        assertTrue(wrong.terminated());
        Transcript noAnswer = ResponseBuilder.respond(task, c, "hello\nthere", CONTEXT, 64);
        assertEquals("hello[EOS]=<err>there[EOS]=<err>", noAnswer.responseText());
        assertFalse(noAnswer.verdict().formatOk());
        assertTrue(Envs.ids().contains(CalculatorMultiTurnTask.ID));
        assertTrue(Envs.ids().contains(CalculatorTask.ID)); // the single-response task stays
    }

    /** As an Env: one token per step, each turn's reward on its end-of-turn step, the observation appended in that step. */
    @Test
    void tokenEnvPaysTurnRewardsAndSnapshotsContinueExactly() {
        TokenEnv env = TokenTasks.make(GuessTask.ID, java.util.Map.of("context_length", "64"));
        GuessTask.Secret s = new GuessTask.Secret(99, 7);
        int[] start = env.reset(s);
        assertEquals(Vocabulary.encode("guess 0-99:").length + 1, start.length);
        env.step(Vocabulary.id('9'));
        StepResult<int[]> r = env.step(Vocabulary.EOS);
        assertEquals(0.0, r.reward());
        assertEquals("<", Vocabulary.decode(r.observation(), r.observation().length - 1, r.observation().length));
        TokenEnv.Snapshot snap = env.snapshot();
        env.step(Vocabulary.id('7'));
        StepResult<int[]> done = env.step(Vocabulary.EOS);
        assertEquals(1.0, done.reward());
        assertTrue(done.terminated());
        env.restore(snap);
        env.step(Vocabulary.id('7'));
        StepResult<int[]> again = env.step(Vocabulary.EOS);
        assertArrayEquals(done.observation(), again.observation());
        assertEquals(1.0, again.reward());
        Trajectory traj = env.transcript().toTrajectory("a", "g", 0);
        assertEquals(1.0, traj.totalReward());
    }

    @Test
    void gridNavLayoutsAreSeededHeldOutDisjointAndStatesRecur() {
        GridNavTask task = new GridNavTask();
        Set<String> train = new HashSet<>();
        Set<String> held = new HashSet<>();
        Rng a = new Rng(9), b = new Rng(9);
        for (int i = 0; i < 200; i++) {
            Problem p = task.sample(a, Split.TRAIN);
            assertEquals(p, task.sample(b, Split.TRAIN)); // same stream, same layout
            train.add(p.key());
            held.add(task.sample(new Rng(i), Split.HELD_OUT).key());
        }
        train.retainAll(held);
        assertTrue(train.isEmpty(), "layouts in both splits: " + train);
        assertTrue(held.size() > 50);
        // a start state whose observation does not tell where the goal is: reachable, 2+ moves away
        for (String k : held) {
            assertNotEquals(-1, k.indexOf('g'));
        }
        assertThrows(IllegalArgumentException.class, () -> new GridNavTask.Config(4, 0.25, 2, 1, 0.1));
    }
}
