package dev.trail.envs.classic;

import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;

/**
 * MountainCarContinuous-v0: the mountain car with a continuous force and an energy penalty.
 * Gymnasium 1.3's {@code Continuous_MountainCarEnv} with {@code goal_velocity = 0}.
 *
 * <h2>Action space</h2>
 * {@code Box(-1, 1, (1,))} of float32: the force applied to the car, scaled by a power of 0.0015.
 *
 * <h2>Observation space</h2>
 * {@code Box(2)} of float32: position in {@code [-1.2, 0.6]}, velocity in {@code [-0.07, 0.07]}.
 *
 * <h2>Dynamics</h2>
 * {@code v ← clip(v + a · 0.0015 - 0.0025 cos(3 p), ±0.07)}, {@code p ← clip(p + v, -1.2, 0.6)},
 * and {@code v = 0} when the car hits the left wall moving left.
 *
 * <p>The arithmetic precision follows Gymnasium under NumPy 2 exactly. Gymnasium stores the state
 * as float32 after every step, but as float64 right after {@code reset}, and the precision of the
 * state decides that of the step: a float32 action times a Python float is float32, so
 * {@code a · 0.0015 - 0.0025 cos(3 p)} is rounded to float32 (with {@code cos} evaluated in
 * float64 of {@code 3 p}, itself float32 when {@code p} is); it is then added to a float64
 * velocity (first step) or in float32 to a float32 velocity (later steps), and comparisons with
 * the bounds happen in the state's precision (a float32 state is compared with the float32
 * roundings of 0.07, 0.6, -1.2 and 0.45). This class keeps the same distinction: a state is
 * float32 after a step, and {@link #setState(double[])} treats a state whose components are all
 * exact float32 values as float32 (Gymnasium's state after a step) and any other as float64
 * (its state after a reset). Start positions are drawn so that they are never exact float32
 * values, which keeps the two kinds apart.
 *
 * <h2>Rewards</h2>
 * {@code -0.1 a²} per step (computed in float64 from the float32 action), plus 100 on the step
 * that reaches the goal. Reward threshold: 90.
 *
 * <h2>Start state</h2>
 * Position uniform in {@code [-0.6, -0.4)}, velocity 0. Drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls,
 * so {@code reset(seed)} gives Gymnasium's start state for the same seed. (One
 * difference, of probability about 2^-29: a position that is exactly a float32 value is redrawn,
 * see the precision notes above.)
 *
 * <h2>Episode end</h2>
 * Termination when {@code position >= 0.45} (with {@code velocity >= 0}); truncation at the time
 * limit (999 steps for MountainCarContinuous-v0).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])}: {@code [position, velocity]}, Gymnasium's
 * {@code env.unwrapped.state} (float64 after a reset, float32 values after a step).
 */
public final class MountainCarContinuous extends ClassicControlEnv<float[]> {

    /** The registry id. */
    public static final String ID = "MountainCarContinuous-v0";
    /** The registry's time limit for MountainCarContinuous-v0. */
    public static final int MAX_EPISODE_STEPS = 999;
    /** The registry's reward threshold for MountainCarContinuous-v0. */
    public static final double REWARD_THRESHOLD = 90.0;

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.45;
    private static final double POWER = 0.0015;
    private static final double GRAVITY = 0.0025;
    static final double START_LOW = -0.6;
    static final double START_HIGH = -0.4;

    // NumPy 2 casts a Python float meeting a float32 scalar to float32.
    private static final float MIN_POSITION_F = (float) MIN_POSITION;
    private static final float MAX_POSITION_F = (float) MAX_POSITION;
    private static final float MAX_SPEED_F = (float) MAX_SPEED;
    private static final float GOAL_POSITION_F = (float) GOAL_POSITION;
    private static final float POWER_F = (float) POWER;

    private static final Box ACTION_SPACE = Box.uniform(-1f, 1f, 1);
    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {MIN_POSITION_F, -MAX_SPEED_F},
            new float[] {MAX_POSITION_F, MAX_SPEED_F});

    private double position;
    private double velocity;
    /** Whether the state holds float32 values (after a step) rather than float64 (after a reset). */
    private boolean float32State;

    /** MountainCarContinuous-v0 with the registry's time limit of 999 steps. */
    public MountainCarContinuous() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    public MountainCarContinuous(int maxEpisodeSteps) {
        super(maxEpisodeSteps, ID, ACTION_SPACE, OBSERVATION_SPACE);
    }

    @Override
    protected void resetState(Generator npRandom) {
        double p;
        do {
            p = npRandom.uniform(START_LOW, START_HIGH);
        } while (StateCheck.isFloat32(p)); // probability ~2^-29: keeps float64 states recognisable
        position = p;
        velocity = 0.0;
        float32State = false;
    }

    @Override
    protected double advance(float[] actions, int offset) {
        float action = actions[offset];
        // min(max(action, -1.0), 1.0) keeps the float32 action once it is inside the space.
        float force = action;
        float push = force * POWER_F;
        boolean done;
        if (float32State) {
            float p = (float) position;
            float v = (float) velocity;
            v += push - (float) (GRAVITY * Math.cos(3 * p));
            if (v > MAX_SPEED_F) {
                v = MAX_SPEED_F;
            }
            if (v < -MAX_SPEED_F) {
                v = -MAX_SPEED_F;
            }
            p += v;
            if (p > MAX_POSITION_F) {
                p = MAX_POSITION_F;
            }
            if (p < MIN_POSITION_F) {
                p = MIN_POSITION_F;
            }
            if (p == MIN_POSITION_F && v < 0) {
                v = 0;
            }
            done = p >= GOAL_POSITION_F && v >= 0;
            position = p;
            velocity = v;
        } else {
            double p = position;
            double v = velocity;
            v += push - (float) (GRAVITY * Math.cos(3 * p));
            if (v > MAX_SPEED) {
                v = MAX_SPEED;
            }
            if (v < -MAX_SPEED) {
                v = -MAX_SPEED;
            }
            p += v;
            if (p > MAX_POSITION) {
                p = MAX_POSITION;
            }
            if (p < MIN_POSITION) {
                p = MIN_POSITION;
            }
            if (p == MIN_POSITION && v < 0) {
                v = 0;
            }
            done = p >= GOAL_POSITION && v >= 0;
            position = (float) p;
            velocity = (float) v;
        }
        float32State = true;
        terminal = done;
        double reward = done ? 100.0 : 0.0;
        double a = action;
        return reward - a * a * 0.1;
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
        float32State = StateCheck.isFloat32(position) && StateCheck.isFloat32(velocity);
    }
}
