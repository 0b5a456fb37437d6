package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.space.Box;
import dev.trail.space.Space;
import java.util.Arrays;

/**
 * Clips continuous actions to the bounds of a {@link Box} action space before stepping, as
 * Gymnasium's {@code ClipAction}: Gaussian policies emit unbounded samples. The wrapper accepts any
 * real action of the right length (its action space is the unbounded box of the same shape); the
 * caller's array is never modified. NaN components stay NaN and are rejected by the inner
 * environment. {@link #clip(Box, float[], float[])} does the same on a batch
 * {@code [N * actionSize]}, for vector environments.
 */
public final class ClipAction<O> extends Wrapper<O, float[]> {

    private final Box bounds;
    private final Box space;

    public ClipAction(Env<O, float[]> env) {
        super(env);
        if (!(env.actionSpace() instanceof Box box)) {
            throw new IllegalArgumentException("ClipAction needs a Box action space, got " + env.actionSpace());
        }
        this.bounds = box;
        float[] lo = new float[box.flatSize()];
        float[] hi = new float[box.flatSize()];
        Arrays.fill(lo, Float.NEGATIVE_INFINITY);
        Arrays.fill(hi, Float.POSITIVE_INFINITY);
        this.space = new Box(lo, hi, box.shape());
    }

    /** The inner environment's bounds, which actions are clipped to. */
    public Box bounds() {
        return bounds;
    }

    @Override
    public Space<float[]> actionSpace() {
        return space;
    }

    @Override
    public StepResult<O> step(float[] action) {
        if (action == null || action.length != bounds.flatSize()) {
            throw new IllegalArgumentException("action has " + (action == null ? "no" : action.length)
                    + " components but " + bounds + " needs " + bounds.flatSize());
        }
        float[] clipped = new float[action.length];
        clip(bounds, action, clipped);
        return env.step(clipped);
    }

    /**
     * Clips every row of the batch {@code actions [rows * box.flatSize()]} to {@code box}, into
     * {@code out} (which may be {@code actions}).
     */
    public static void clip(Box box, float[] actions, float[] out) {
        int dim = box.flatSize();
        if (actions.length % dim != 0 || out.length != actions.length) {
            throw new IllegalArgumentException("cannot clip " + actions.length + " floats into " + out.length
                    + " as rows of " + dim + " components of " + box);
        }
        for (int o = 0; o < actions.length; o += dim) {
            for (int j = 0; j < dim; j++) {
                float v = actions[o + j];
                float lo = box.low(j);
                float hi = box.high(j);
                out[o + j] = v < lo ? lo : (v > hi ? hi : v);
            }
        }
    }
}
