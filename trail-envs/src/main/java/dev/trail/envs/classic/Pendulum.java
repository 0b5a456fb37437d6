package dev.trail.envs.classic;

import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;

/**
 * Pendulum-v1: swing a pendulum up and keep it upright with a limited torque. Gymnasium 1.3's
 * {@code PendulumEnv} with {@code g = 10}.
 *
 * <h2>Action space</h2>
 * {@code Box(-2, 2, (1,))} of float32: the torque {@code u} on the free end (N m).
 *
 * <h2>Observation space</h2>
 * {@code Box(3)} of float32:
 * <pre>
 * | i | observation      | min  | max |
 * |---|------------------|------|-----|
 * | 0 | x = cos(theta)   | -1.0 | 1.0 |
 * | 1 | y = sin(theta)   | -1.0 | 1.0 |
 * | 2 | angular velocity | -8.0 | 8.0 |
 * </pre>
 *
 * <h2>Dynamics</h2>
 * {@code θ̇ ← clip(θ̇ + (15 sin θ + 3 u) · 0.05, -8, 8)}, {@code θ ← θ + θ̇ · 0.05}
 * ({@code 3g/(2l) = 15}, {@code 3/(ml²) = 3}, {@code dt = 0.05}). As in Gymnasium under NumPy 2,
 * {@code u} stays float32: {@code 3 u} is a float32 product, added to the float64 terms.
 *
 * <h2>Rewards</h2>
 * {@code r = -(norm(θ)² + 0.1 θ̇² + 0.001 u²)} with {@code norm(θ)} the angle wrapped into
 * {@code [-π, π)} (0 is upright) and {@code 0.001 u²} computed in float32, all before the update.
 * The minimum is about -16.27, the maximum 0. Reward threshold: none (the registry gives none;
 * {@link #REWARD_THRESHOLD} is NaN).
 *
 * <h2>Start state</h2>
 * {@code θ} uniform in {@code [-π, π)}, {@code θ̇} uniform in {@code [-1, 1)}, in that order. Drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls,
 * so {@code reset(seed)} gives Gymnasium's start state for the same seed.
 *
 * <h2>Episode end</h2>
 * Never terminates; truncation at the time limit (200 steps for Pendulum-v1).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])}: {@code [theta, theta_dot]} (float64),
 * Gymnasium's {@code env.unwrapped.state}; {@code theta} is not wrapped.
 */
public final class Pendulum extends ClassicControlEnv<float[]> {

    /** The registry id. */
    public static final String ID = "Pendulum-v1";
    /** The registry's time limit for Pendulum-v1. */
    public static final int MAX_EPISODE_STEPS = 200;
    /** Pendulum-v1 has no reward threshold in Gymnasium's registry. */
    public static final double REWARD_THRESHOLD = Double.NaN;

    static final double MAX_SPEED = 8;
    static final float MAX_TORQUE = 2.0f;
    private static final double DT = 0.05;
    private static final double G = 10.0;
    private static final double M = 1.0;
    private static final double L = 1.0;
    private static final double GRAVITY_TERM = 3 * G / (2 * L);   // 15
    private static final float TORQUE_TERM = (float) (3.0 / (M * (L * L))); // 3, float32 against u
    private static final float TORQUE_COST = 0.001f;               // 0.001 cast to float32 against u**2
    static final double START_THETA = Math.PI;
    static final double START_THETA_DOT = 1.0;
    private static final double TWO_PI = 2 * Math.PI;

    private static final Box ACTION_SPACE = Box.uniform(-MAX_TORQUE, MAX_TORQUE, 1);
    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {-1f, -1f, (float) -MAX_SPEED},
            new float[] {1f, 1f, (float) MAX_SPEED});

    private double theta;
    private double thetaDot;

    /** Pendulum-v1 with the registry's time limit of 200 steps. */
    public Pendulum() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    public Pendulum(int maxEpisodeSteps) {
        super(maxEpisodeSteps, ID, ACTION_SPACE, OBSERVATION_SPACE);
    }

    @Override
    protected void resetState(Generator npRandom) {
        theta = npRandom.uniform(-START_THETA, START_THETA);
        thetaDot = npRandom.uniform(-START_THETA_DOT, START_THETA_DOT);
    }

    @Override
    protected double advance(float[] actions, int offset) {
        // np.clip(u, -2.0, 2.0)[0]: a float32 inside the (already validated) bounds.
        float u = actions[offset];
        double th = theta;
        double thDot = thetaDot;

        double angle = angleNormalize(th);
        float torqueCost = TORQUE_COST * (u * u);
        double costs = angle * angle + 0.1 * (thDot * thDot) + torqueCost;

        double newThDot = thDot + (GRAVITY_TERM * Math.sin(th) + TORQUE_TERM * u) * DT;
        newThDot = newThDot < -MAX_SPEED ? -MAX_SPEED : (newThDot > MAX_SPEED ? MAX_SPEED : newThDot);
        theta = th + newThDot * DT;
        thetaDot = newThDot;
        return -costs;
    }

    /** {@code ((x + pi) % (2 pi)) - pi} with NumPy's floored (Python) modulo. */
    static double angleNormalize(double x) {
        double shifted = x + Math.PI;
        double mod = shifted % TWO_PI; // C fmod: exact, sign of the dividend
        if (mod != 0) {
            if ((TWO_PI < 0) != (mod < 0)) {
                mod += TWO_PI;
            }
        } else {
            mod = Math.copySign(0.0, TWO_PI);
        }
        return mod - Math.PI;
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) Math.cos(theta);
        out[offset + 1] = (float) Math.sin(theta);
        out[offset + 2] = (float) thetaDot;
    }

    @Override
    public double[] state() {
        return new double[] {theta, thetaDot};
    }

    @Override
    protected void loadState(double[] state) {
        StateCheck.require(ID, state, 2, "[theta, theta_dot]");
        theta = state[0];
        thetaDot = state[1];
    }
}
