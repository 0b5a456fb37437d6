package dev.trail.envs.token;

import dev.trail.token.Verdict;
import dev.trail.token.Split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.token.CountdownTask.Countdown;
import dev.trail.seed.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountdownTaskTest {

    private final CountdownTask task = new CountdownTask(CountdownTask.Config.defaults().withFormatReward(0.1));
    private final Countdown problem = new Countdown(List.of(3, 5, 7, 8), 24, "(8-5)*7+3");

    @Test
    void promptAndKey() {
        assertEquals("make 24 from 3 5 7 8:", task.prompt(problem));
        assertEquals("3,5,7,8=24", problem.key());
        assertEquals("3,5,7,8=24", new Countdown(List.of(8, 7, 5, 3), 24, "").key(), "order of numbers does not matter");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // response      | reward | correct | formatOk | note contains
        "(8-5)*7+3       | 1.0 | true  | true  | ''",
        "3+(8-5)*7       | 1.0 | true  | true  | ''",
        "8*3             | 1.0 | true  | true  | ''",       // numbers need not all be used
        "( 8 - 5 ) * 7 + 3 | 1.0 | true | true | ''",
        "8-5*7+3         | 0.1 | false | true  | 'equals -24'",  // precedence: 8-35+3
        "8*5-7-3         | 0.1 | false | true  | 'equals 30'",
        "8*3*1           | 0.0 | false | false | 'number 1 is not among'",
        "8*8-5*7-5       | 0.0 | false | false | 'used 2 times but given 1'",  // reuse refused
        "24              | 0.0 | false | false | 'not among'",
        "8/(5-5)         | 0.0 | false | false | 'division by zero'",
        "8/(7-7)*3       | 0.0 | false | false | 'division by zero'",
        "7/(8-5-3)       | 0.0 | false | false | 'division by zero'",
        "7/3+8           | 0.0 | false | false | 'not an integer'",
        "08*3            | 0.0 | false | false | 'leading zero'",
        "8*3=24          | 0.0 | false | false | 'unexpected'",
        "(8*3            | 0.0 | false | false | 'missing'",
        "-3+8*3+3        | 0.0 | false | false | 'expected a number'",
        "''              | 0.0 | false | false | 'empty'",
    })
    void verifies(String response, double reward, boolean correct, boolean formatOk, String note) {
        Verdict v = task.verify(problem, response);
        assertEquals(reward, v.reward(), v.note());
        assertEquals(correct, v.correct(), v.note());
        assertEquals(formatOk, v.formatOk(), v.note());
        assertTrue(v.note().contains(note), v.note());
    }

    @Test
    void repeatedNumbersMayBeUsedAsOftenAsGiven() {
        Countdown twice = new Countdown(List.of(5, 5, 2), 50, "5*5*2");
        assertTrue(task.verify(twice, "5*5*2").correct());
        assertFalse(task.verify(twice, "5*5*5*2").formatOk());
    }

    @Test
    void fractionalIntermediatesOnlyWithoutTheIntegerRule() {
        Countdown game24 = new Countdown(List.of(3, 3, 8, 8), 24, "8/(3-8/3)");
        assertFalse(task.verify(game24, "8/(3-8/3)").correct());
        CountdownTask lenient = new CountdownTask(CountdownTask.Config.defaults().withIntegerDivision(false));
        assertTrue(lenient.verify(game24, "8/(3-8/3)").correct());
        assertFalse(lenient.verify(problem, "7/3").correct(), "a fraction never equals an integer target");
    }

    @Test
    void generatedProblemsRespectTheConfig() {
        Rng rng = new Rng(11);
        for (int i = 0; i < 300; i++) {
            Countdown c = (Countdown) task.sample(rng, Split.TRAIN);
            assertEquals(4, c.numbers().size());
            assertTrue(c.numbers().stream().allMatch(n -> n >= 1 && n <= 50), c.toString());
            assertTrue(c.target() >= 10 && c.target() <= 999, c.toString());
            Expressions.Evaluation e = Expressions.evaluate(c.solution(), Expressions.Rules.COUNTDOWN);
            assertTrue(e.literals().size() >= 3, c.toString());
        }
    }
}
