package dev.trail.cli;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;

/**
 * A user environment defined only in the test sources, as a team would write one for its own
 * simulator (the README's example): walk left or right on a line from a random start in [-1, 1];
 * +1 and the end of the episode on reaching position 3, -0.01 per step otherwise; cut after 40 steps.
 */
public final class TinyUserEnv extends ArrayEnv<Integer> {

    private double position;

    public TinyUserEnv() {
        super(40);
    }

    @Override
    protected void resetState(Rng rng) {
        position = rng.nextDouble() * 2 - 1;
    }

    @Override
    protected double advance(int action) {
        position = Math.max(-3, position + (action == 1 ? 0.5 : -0.5));
        terminal = position >= 3;
        return terminal ? 1.0 : -0.01;
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) position;
    }

    @Override
    public double[] state() {
        return new double[] {position};
    }

    @Override
    protected void loadState(double[] state) {
        position = state[0];
    }

    @Override
    public int observationSize() {
        return 1;
    }

    @Override
    public Space<float[]> observationSpace() {
        return Box.uniform(-3, 3, 1);
    }

    @Override
    public Space<Integer> actionSpace() {
        return new Discrete(2);
    }
}
