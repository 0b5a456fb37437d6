package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.testenv.ScriptedEnv;
import org.junit.jupiter.api.Test;

class TimeLimitTest {

    @Test
    void truncatesOnTheStepThatReachesTheLimitAndRestartsOnReset() {
        TimeLimit<float[], Integer> env = new TimeLimit<>(ScriptedEnv.constant(1, 10), 3);
        for (int episode = 0; episode < 2; episode++) {
            env.reset(episode);
            assertEquals(0, env.elapsedSteps());
            StepResult<float[]> r1 = env.step(0);
            StepResult<float[]> r2 = env.step(1);
            StepResult<float[]> r3 = env.step(0);
            assertFalse(r1.truncated() || r2.truncated() || r1.terminated() || r2.terminated());
            assertTrue(r3.truncated());
            assertFalse(r3.terminated(), "a time limit is not a terminal state");
            assertEquals(3, r3.info().get("t"), "info passes through");
            assertEquals(3f, r3.observation()[0]);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(0));
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
    }

    @Test
    void terminationBeforeOrAtTheLimitIsPassedThrough() {
        TimeLimit<float[], Integer> early = new TimeLimit<>(ScriptedEnv.constant(1, 2), 5);
        early.reset(0);
        early.step(0);
        StepResult<float[]> end = early.step(0);
        assertTrue(end.terminated());
        assertFalse(end.truncated());
        assertThrows(IllegalStateException.class, () -> early.step(0));

        // both on the same step: both flags, as Gymnasium's TimeLimit
        TimeLimit<float[], Integer> same = new TimeLimit<>(ScriptedEnv.constant(1, 2), 2);
        same.reset();
        same.step(0);
        StepResult<float[]> both = same.step(0);
        assertTrue(both.terminated() && both.truncated());
    }

    @Test
    void stepBeforeResetAndBadLimitsAreRejected() {
        TimeLimit<float[], Integer> env = new TimeLimit<>(ScriptedEnv.constant(1, 2), 5);
        assertThrows(IllegalStateException.class, () -> env.step(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimeLimit<>(ScriptedEnv.constant(1, 2), 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
