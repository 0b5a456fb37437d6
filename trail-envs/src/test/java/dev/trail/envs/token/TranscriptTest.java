package dev.trail.envs.token;

import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.token.ResponseBuilder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.token.ArithmeticTask.Arithmetic;
import dev.trail.envs.token.ArithmeticTask.Operator;
import dev.trail.envs.token.CalculatorTask.Calculation;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {

    @Test
    void arithmeticTrajectory() {
        // prompt [BOS]37*89= ; response 3 2 9 3 EOS: 5 steps, all trained, reward 1 on EOS
        ArithmeticTask task = new ArithmeticTask();
        Transcript t = ResponseBuilder.respond(task, new Arithmetic(Operator.MUL, 37, 89), "3293", 64, 16);
        assertArrayEquals(new int[] {1, 6, 10, 16, 11, 12, 18}, t.promptTokens());
        assertArrayEquals(new int[] {6, 5, 12, 6, 2}, t.responseTokens());
        assertEquals(12, t.tokens().length);
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, false, true, true, true, true, true},
                t.sequenceMask());
        Trajectory tr = t.toTrajectory("r0", "37*89", 42);
        assertEquals(5, tr.length());
        assertArrayEquals(new float[] {6, 5, 12, 6, 2}, tr.actions());
        assertEquals(1, tr.actionSize());
        assertArrayEquals(new double[] {0, 0, 0, 0, 1}, tr.rewards());
        assertArrayEquals(new boolean[] {true, true, true, true, true}, tr.mask());
        assertTrue(tr.terminated());
        assertFalse(tr.truncated());
        assertEquals(42, tr.seed());
        assertEquals("37*89", tr.groupId());
        assertNull(tr.logProbs());
    }

    @Test
    void toolTokensAreMaskedAndTheRewardSitsOnTheLastTrainedToken() {
        // <calc>2*3</calc> is 16 policy tokens, "=6" 2 tool tokens, <answer>6</answer> 18, EOS 1: T = 37
        CalculatorTask task = new CalculatorTask();
        Calculation p = new Calculation(2, 3, 0, false);
        Transcript t = ResponseBuilder.respond(task, p, "<calc>2*3</calc><answer>6</answer>", 128, 64);
        assertEquals("<calc>2*3</calc>=6<answer>6</answer>", t.responseText());
        Trajectory tr = t.toTrajectory("r", "g", 0, new double[37]);
        assertEquals(37, tr.length());
        boolean[] mask = tr.mask();
        for (int i = 0; i < 37; i++) {
            assertEquals(i != 16 && i != 17, mask[i], "position " + i);
        }
        assertEquals(35, tr.validLength());
        assertEquals(1.0, tr.rewards()[36]);
        assertEquals(1.0, tr.totalReward());
        assertEquals(37, tr.logProbs().length);
    }

    @Test
    void truncatedResponseEndingInToolOutputPutsTheRewardOnThePolicyToken() {
        // wrong but formatted answers get 0.2 here; a cut response rewarded per verifier of the cut text
        CalculatorTask task = new CalculatorTask(CalculatorTask.Config.defaults().withFormatReward(0.2));
        Calculation p = new Calculation(2, 3, 0, false);
        Transcript t = ResponseBuilder.respond(task, p, "<calc>2*3</calc>", 128, 17);
        assertTrue(t.truncated());
        assertEquals(17, t.responseLength());
        Trajectory tr = t.toTrajectory("r", "g", 0);
        assertTrue(tr.truncated());
        assertFalse(tr.terminated());
        assertFalse(tr.mask()[16]);
        assertEquals(15, t.lastTrainedIndex());
        assertEquals(0.0, tr.totalReward(), "no answer in the cut text");
    }

    @Test
    void unfinishedBuilderGivesATruncatedTranscript() {
        ResponseBuilder b = new ResponseBuilder(new ArithmeticTask(), new Arithmetic(Operator.ADD, 100, 200), 64, 16);
        b.append(Vocabulary.id('3'));
        Transcript t = b.transcript();
        assertTrue(t.truncated());
        assertEquals("3", t.responseText());
        assertThrows(IllegalArgumentException.class, () -> b.append(99));
    }

    @Test
    void tokensAfterTheEndAreIgnored() {
        ResponseBuilder b = new ResponseBuilder(new ArithmeticTask(), new Arithmetic(Operator.ADD, 100, 200), 64, 16);
        int[] sampled = {Vocabulary.id('3'), Vocabulary.id('0'), Vocabulary.id('0'), Vocabulary.EOS,
            Vocabulary.PAD, Vocabulary.PAD};
        assertEquals(4, b.appendAll(sampled));
        assertTrue(b.transcript().verdict().correct());
    }

    @Test
    void groupOfResponsesForGrpo() {
        // B=1 prompt x G=4 responses: the trainer builds the group straight from transcripts
        ArithmeticTask task = new ArithmeticTask();
        Arithmetic p = new Arithmetic(Operator.ADD, 123, 456);
        String[] responses = {"579", "578", "0579", "57"};
        List<Trajectory> members = new ArrayList<>();
        for (int i = 0; i < responses.length; i++) {
            members.add(ResponseBuilder.respond(task, p, responses[i], 64, 16).toTrajectory("r" + i, p.key(), 0));
        }
        TrajectoryGroup g = new TrajectoryGroup(p.key(), members);
        assertArrayEquals(new double[] {1, 0, 0, 0}, g.totalRewards());
    }

    @Test
    void replayingAResolvedResponseRecoversTheMask() {
        CalculatorTask task = new CalculatorTask();
        Calculation p = new Calculation(2, 3, 0, false);
        Transcript live = ResponseBuilder.respond(task, p, "<calc>2*3</calc><answer>6</answer>", 128, 64);
        int[] padded = java.util.Arrays.copyOf(live.responseTokens(), live.responseLength() + 3);
        assertEquals(live, ResponseBuilder.replay(task, p, padded, 128, 64));

        int[] forged = Vocabulary.encode("<calc>2*3</calc>=7<answer>7</answer>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResponseBuilder.replay(task, p, forged, 128, 64));
        assertTrue(e.getMessage().contains("\"=6\""), e.getMessage());
        int[] cut = Vocabulary.encode("<calc>2*3</calc>=");
        assertThrows(IllegalArgumentException.class, () -> ResponseBuilder.replay(task, p, cut, 128, 64));
    }
}
