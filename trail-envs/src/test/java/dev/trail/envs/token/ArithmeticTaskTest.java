package dev.trail.envs.token;

import dev.trail.token.Verdict;
import dev.trail.token.Split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.token.ArithmeticTask.Arithmetic;
import dev.trail.envs.token.ArithmeticTask.Operation;
import dev.trail.envs.token.ArithmeticTask.Operator;
import dev.trail.seed.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticTaskTest {

    private final ArithmeticTask task = new ArithmeticTask(ArithmeticTask.Config.defaults().withFormatReward(0.1));

    @Test
    void promptAndDemonstration() {
        Arithmetic p = new Arithmetic(Operator.MUL, 37, 89);
        assertEquals("37*89=", task.prompt(p));
        assertEquals("3293", task.demonstration(p));
        assertEquals("37*89", p.key());
        assertEquals("37*89", new Arithmetic(Operator.MUL, 89, 37).key(), "commutative operands are sorted in the key");
        assertEquals("89-37", new Arithmetic(Operator.SUB, 89, 37).key());
        assertEquals("37-89", new Arithmetic(Operator.SUB, 37, 89).key());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // response  | reward | correct | formatOk
        "3293        | 1.0 | true  | true",
        "3292        | 0.1 | false | true",    // wrong but a canonical integer: format reward
        "-3293       | 0.1 | false | true",
        "03293       | 0.0 | false | false",   // leading zero
        "3293 5      | 0.0 | false | false",
        "+3293       | 0.0 | false | false",
        "3,293       | 0.0 | false | false",
        "abc         | 0.0 | false | false",
        "[PAD]3293   | 0.0 | false | false",
        "-           | 0.0 | false | false",
        "''          | 0.0 | false | false",
    })
    void verifiesMultiplication(String response, double reward, boolean correct, boolean formatOk) {
        Verdict v = task.verify(new Arithmetic(Operator.MUL, 37, 89), response);
        assertEquals(reward, v.reward(), v.note());
        assertEquals(correct, v.correct());
        assertEquals(formatOk, v.formatOk());
    }

    @Test
    void spacesAroundTheAnswerAreMalformed() {
        Arithmetic p = new Arithmetic(Operator.MUL, 37, 89);
        assertFalse(task.verify(p, " 3293").formatOk());
        assertFalse(task.verify(p, "3293 ").formatOk());
    }

    @Test
    void negativeResultsAndZero() {
        Arithmetic p = new Arithmetic(Operator.SUB, 37, 89);
        assertEquals(-52, p.answer());
        assertEquals("-52", task.demonstration(p));
        assertTrue(task.verify(p, "-52").correct());
        assertEquals(0.1, task.verify(p, "52").reward(), "sign missing: wrong, well-formed");
        assertFalse(task.verify(p, "-052").formatOk());
        assertFalse(task.verify(p, "--52").formatOk());
        Arithmetic zero = new Arithmetic(Operator.SUB, 89, 89);
        assertTrue(task.verify(zero, "0").correct());
        assertFalse(task.verify(zero, "-0").formatOk(), "-0 is not canonical");
        assertFalse(task.verify(zero, "00").formatOk());
    }

    @Test
    void noFormatRewardByDefault() {
        ArithmeticTask plain = new ArithmeticTask();
        assertEquals(0.0, plain.verify(new Arithmetic(Operator.ADD, 100, 200), "301").reward());
        assertTrue(plain.verify(new Arithmetic(Operator.ADD, 100, 200), "301").formatOk());
    }

    @Test
    void operandsHaveTheConfiguredDigits() {
        ArithmeticTask t = new ArithmeticTask(ArithmeticTask.Config.defaults().withOperations(List.of(
                new Operation(Operator.ADD, 3, 3, 1), new Operation(Operator.MUL, 2, 2, 1),
                new Operation(Operator.SUB, 4, 1, 2))));
        Rng rng = new Rng(7);
        int[] counts = new int[3];
        for (int i = 0; i < 2000; i++) {
            Arithmetic p = (Arithmetic) t.sample(rng, Split.TRAIN);
            counts[p.operator().ordinal()]++;
            switch (p.operator()) {
                case ADD -> assertTrue(p.left() >= 100 && p.left() <= 999 && p.right() >= 100 && p.right() <= 999, p.key());
                case MUL -> assertTrue(p.left() >= 10 && p.left() <= 99 && p.right() >= 10 && p.right() <= 99, p.key());
                case SUB -> assertTrue(p.left() >= 1000 && p.left() <= 9999 && p.right() >= 0 && p.right() <= 9, p.key());
            }
        }
        // weights ADD 1, MUL 1, SUB 2 (counts by ordinal: ADD, SUB, MUL)
        assertTrue(counts[1] > counts[0] * 1.6 && counts[1] > counts[2] * 1.6, java.util.Arrays.toString(counts));
    }

    @Test
    void invalidConfigsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Operation(Operator.ADD, 0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Operation(Operator.ADD, 3, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> ArithmeticTask.Config.defaults().withOperations(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ArithmeticTask.Config.defaults().withFormatReward(1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask(
                new ArithmeticTask.Config(List.of(Operation.of(Operator.MUL, 9)), 0, 0.1, 16)));
        assertTrue(e.getMessage().contains("18 characters"), e.getMessage());
    }

    @Test
    void emptyHeldOutSplitIsAnError() {
        ArithmeticTask t = new ArithmeticTask(new ArithmeticTask.Config(List.of(Operation.of(Operator.ADD, 1)), 0, 0, 16));
        assertThrows(IllegalArgumentException.class, () -> t.sample(new Rng(1), Split.HELD_OUT));
        assertEquals(Split.TRAIN, t.splitOf(t.sample(new Rng(1), Split.TRAIN)));
    }
}
