package dev.trail.testenv;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Space;

/**
 * A test-only continuous environment: a point {@code x} in the plane. Start: uniform in
 * {@code [-1, 1]^2}. Action: {@code a} in {@code [-1, 1]^2}; {@code x += 0.5 a + noise}, noise
 * uniform in {@code [-0.05, 0.05]} from the env's stream. Reward {@code -|x|^2}. Terminated when a
 * component leaves {@code [-2, 2]}. Observation {@code x}. Remembers the last action it received.
 */
public final class DriftEnv extends ArrayEnv<float[]> {

    private final double[] x = new double[2];
    private float[] lastAction;

    public DriftEnv(int maxEpisodeSteps) {
        super(maxEpisodeSteps);
    }

    @Override
    protected void resetState(Rng rng) {
        x[0] = rng.nextDouble() * 2 - 1;
        x[1] = rng.nextDouble() * 2 - 1;
    }

    @Override
    protected double advance(float[] actions, int offset) {
        lastAction = new float[] {actions[offset], actions[offset + 1]};
        for (int j = 0; j < 2; j++) {
            x[j] += 0.5 * actions[offset + j] + (rng().nextDouble() - 0.5) * 0.1;
        }
        terminal = Math.abs(x[0]) > 2 || Math.abs(x[1]) > 2;
        return -(x[0] * x[0] + x[1] * x[1]);
    }

    /** The action of the last step, as the dynamics saw it. */
    public float[] lastAction() {
        return lastAction.clone();
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) x[0];
        out[offset + 1] = (float) x[1];
    }

    @Override
    public double[] state() {
        return x.clone();
    }

    @Override
    protected void loadState(double[] state) {
        System.arraycopy(state, 0, x, 0, 2);
    }

    @Override
    public int observationSize() {
        return 2;
    }

    @Override
    public Space<float[]> observationSpace() {
        return Box.uniform(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2);
    }

    @Override
    public Space<float[]> actionSpace() {
        return Box.uniform(-1, 1, 2);
    }
}
