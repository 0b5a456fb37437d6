package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.Env;
import dev.trail.space.Box;
import dev.trail.testenv.DriftEnv;
import dev.trail.testenv.ScriptedEnv;
import org.junit.jupiter.api.Test;

class ClipActionTest {

    @Test
    void actionsAreClippedToTheBoundsBeforeStepping() {
        DriftEnv inner = new DriftEnv(0);
        ClipAction<float[]> env = new ClipAction<>(inner);
        env.reset(0);
        float[] action = {5f, -0.25f};
        env.step(action);
        assertArrayEquals(new float[] {1f, -0.25f}, inner.lastAction());
        assertArrayEquals(new float[] {5f, -0.25f}, action, "the caller's array is not modified");
        env.step(new float[] {Float.NEGATIVE_INFINITY, 1e9f});
        assertArrayEquals(new float[] {-1f, 1f}, inner.lastAction());

        Box space = (Box) env.actionSpace();
        assertEquals(Float.NEGATIVE_INFINITY, space.low(0));
        assertEquals(Float.POSITIVE_INFINITY, space.high(1));
        assertEquals(Box.uniform(-1, 1, 2), env.bounds());
    }

    @Test
    void badActionsAreRejectedNamingTheValue() {
        ClipAction<float[]> env = new ClipAction<>(new DriftEnv(0));
        env.reset(0);
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> env.step(new float[3]));
        assertTrue(length.getMessage().contains("3") && length.getMessage().contains("2"), length.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> env.step(new float[] {Float.NaN, 0f}));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void needsABoxActionSpace() {
        Env discrete = ScriptedEnv.constant(1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClipAction<>(discrete));
        assertTrue(e.getMessage().contains("Discrete(2)"), e.getMessage());
    }

    @Test
    void batchesOfActionsAreClippedRowByRow() {
        Box box = Box.of(new float[] {-1f, 0f}, new float[] {1f, 10f});
        float[] actions = {-3f, 5f, 0.5f, 12f, 2f, -1f};
        ClipAction.clip(box, actions, actions);
        assertArrayEquals(new float[] {-1f, 5f, 0.5f, 10f, 1f, 0f}, actions);
        assertThrows(IllegalArgumentException.class, () -> ClipAction.clip(box, new float[3], new float[3]));
    }
}
