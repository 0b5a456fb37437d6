package dev.trail.testenv;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;

/**
 * A test-only random walk on the integers. Start: uniform in {@code [-2, 2]}. Action 1 moves right,
 * 0 left, but with probability 1/4 the move is reversed (drawn from the env's stream, so steps use
 * the stream too). Episode end: terminated when {@code |pos| >= bound}. Reward: {@code 0.5 * pos}
 * per step, plus {@code ±10} on termination. Observation: {@code [pos, elapsedSteps]}.
 */
public class RandomWalkEnv extends ArrayEnv<Integer> {

    private final int bound;
    private int pos;

    public RandomWalkEnv(int maxEpisodeSteps) {
        this(maxEpisodeSteps, 4);
    }

    public RandomWalkEnv(int maxEpisodeSteps, int bound) {
        super(maxEpisodeSteps);
        this.bound = bound;
    }

    @Override
    protected void resetState(Rng rng) {
        pos = rng.nextInt(-2, 3);
    }

    @Override
    protected double advance(int action) {
        int move = action == 1 ? 1 : -1;
        if (rng().nextDouble() < 0.25) {
            move = -move;
        }
        pos += move;
        terminal = Math.abs(pos) >= bound;
        return 0.5 * pos + (terminal ? 10.0 * Integer.signum(pos) : 0.0);
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = pos;
        out[offset + 1] = elapsedSteps();
    }

    @Override
    public double[] state() {
        return new double[] {pos};
    }

    @Override
    protected void loadState(double[] state) {
        pos = (int) state[0];
    }

    @Override
    public int observationSize() {
        return 2;
    }

    @Override
    public Space<float[]> observationSpace() {
        return Box.uniform(-1000, 1000, 2);
    }

    @Override
    public Space<Integer> actionSpace() {
        return new Discrete(2);
    }
}
