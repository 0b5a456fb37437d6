package dev.trail.testenv;

import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import java.util.Map;

/**
 * A test-only object-API environment (not an ArrayEnv) that plays back a script: step {@code t}
 * (1-based) returns observation {@code observations[t]} (index 0 is the reset observation),
 * reward {@code rewards[t-1]}, and terminates after the last reward; never truncates. Info carries
 * {@code "t"}. Counts resets.
 */
public final class ScriptedEnv implements Env<float[], Integer> {

    private final float[][] observations;
    private final double[] rewards;
    private int t;
    public int resets;
    public long lastSeed = Long.MIN_VALUE;

    public ScriptedEnv(float[][] observations, double[] rewards) {
        if (observations.length != rewards.length + 1) {
            throw new IllegalArgumentException("need one more observation than rewards");
        }
        this.observations = observations;
        this.rewards = rewards;
    }

    /** Observations {@code [t]}, rewards {@code r, r, ...} ({@code steps} of them). */
    public static ScriptedEnv constant(double reward, int steps) {
        float[][] obs = new float[steps + 1][];
        double[] rewards = new double[steps];
        for (int i = 0; i <= steps; i++) {
            obs[i] = new float[] {i};
        }
        java.util.Arrays.fill(rewards, reward);
        return new ScriptedEnv(obs, rewards);
    }

    @Override
    public Space<float[]> observationSpace() {
        return Box.uniform(-1000, 1000, observations[0].length);
    }

    @Override
    public Space<Integer> actionSpace() {
        return new Discrete(2);
    }

    @Override
    public float[] reset(long seed) {
        lastSeed = seed;
        return reset();
    }

    @Override
    public float[] reset() {
        resets++;
        t = 0;
        return observations[0].clone();
    }

    @Override
    public StepResult<float[]> step(Integer action) {
        actionSpace().validate(action);
        if (t >= rewards.length) {
            throw new IllegalStateException("ScriptedEnv: step after the end; reset first");
        }
        t++;
        return new StepResult<>(observations[t].clone(), rewards[t - 1], t == rewards.length, false, Map.of("t", t));
    }
}
