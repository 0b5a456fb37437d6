package dev.trail.envs.classic;

import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;
import dev.trail.space.Discrete;

/**
 * MountainCar-v0: an under-powered car at the bottom of a sinusoidal valley must rock back and
 * forth to reach the flag on the right hill (Moore, 1990). Gymnasium 1.3's {@code MountainCarEnv}
 * with {@code goal_velocity = 0}.
 *
 * <h2>Action space</h2>
 * {@code Discrete(3)}: 0 accelerates to the left, 1 does not accelerate, 2 accelerates to the right.
 *
 * <h2>Observation space</h2>
 * {@code Box(2)} of float32, the state cast to float32:
 * <pre>
 * | i | observation | min   | max  |
 * |---|-------------|-------|------|
 * | 0 | position    | -1.2  | 0.6  |
 * | 1 | velocity    | -0.07 | 0.07 |
 * </pre>
 *
 * <h2>Dynamics</h2>
 * {@code v ← clip(v + (action - 1) · 0.001 - 0.0025 cos(3 p), -0.07, 0.07)}, then
 * {@code p ← clip(p + v, -1.2, 0.6)}; hitting the left wall with {@code v < 0} sets {@code v = 0}
 * (inelastic collision). Float64, in Gymnasium's order of operations.
 *
 * <h2>Rewards</h2>
 * -1 per step. Reward threshold: -110.
 *
 * <h2>Start state</h2>
 * Position uniform in {@code [-0.6, -0.4)}, velocity 0. Drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls,
 * so {@code reset(seed)} gives Gymnasium's start state for the same seed.
 *
 * <h2>Episode end</h2>
 * Termination when {@code position >= 0.5} (with {@code velocity >= 0}); truncation at the time
 * limit (200 steps for MountainCar-v0).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])}: {@code [position, velocity]} (float64),
 * Gymnasium's {@code env.unwrapped.state}.
 */
public final class MountainCar extends ClassicControlEnv<Integer> {

    /** The registry id. */
    public static final String ID = "MountainCar-v0";
    /** The registry's time limit for MountainCar-v0. */
    public static final int MAX_EPISODE_STEPS = 200;
    /** The registry's reward threshold for MountainCar-v0. */
    public static final double REWARD_THRESHOLD = -110.0;

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.5;
    private static final double GOAL_VELOCITY = 0;
    private static final double FORCE = 0.001;
    private static final double GRAVITY = 0.0025;
    static final double START_LOW = -0.6;
    static final double START_HIGH = -0.4;

    private static final Discrete ACTION_SPACE = new Discrete(3);
    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
            new float[] {(float) MAX_POSITION, (float) MAX_SPEED});

    private double position;
    private double velocity;

    /** MountainCar-v0 with the registry's time limit of 200 steps. */
    public MountainCar() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    public MountainCar(int maxEpisodeSteps) {
        super(maxEpisodeSteps, ID, ACTION_SPACE, OBSERVATION_SPACE);
    }

    @Override
    protected void resetState(Generator npRandom) {
        position = npRandom.uniform(START_LOW, START_HIGH);
        velocity = 0.0;
    }

    @Override
    protected double advance(int action) {
        double v = velocity + ((action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY);
        v = clip(v, -MAX_SPEED, MAX_SPEED);
        double p = clip(position + v, MIN_POSITION, MAX_POSITION);
        if (p == MIN_POSITION && v < 0) {
            v = 0;
        }
        position = p;
        velocity = v;
        terminal = p >= GOAL_POSITION && v >= GOAL_VELOCITY;
        return -1.0;
    }

    /** {@code np.clip} on a float64 scalar. */
    private static double clip(double x, double low, double high) {
        return x < low ? low : (x > high ? high : x);
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) position;
        out[offset + 1] = (float) velocity;
    }

    @Override
    public double[] state() {
        return new double[] {position, velocity};
    }

    @Override
    protected void loadState(double[] state) {
        StateCheck.require(ID, state, 2, "[position, velocity]");
        position = state[0];
        velocity = state[1];
    }
}
