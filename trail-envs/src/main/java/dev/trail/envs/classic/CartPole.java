package dev.trail.envs.classic;

import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;
import dev.trail.space.Discrete;

/**
 * CartPole-v1: balance a pole hinged on a cart that moves along a frictionless track, as
 * Gymnasium 1.3's {@code CartPoleEnv} (Barto, Sutton and Anderson, 1983) with its default
 * {@code sutton_barto_reward=False}.
 *
 * <h2>Action space</h2>
 * {@code Discrete(2)}: 0 pushes the cart to the left, 1 to the right, with a force of 10 N.
 *
 * <h2>Observation space</h2>
 * {@code Box(4)} of float32, the internal state cast to float32:
 * <pre>
 * | i | observation           | min                 | max               |
 * |---|-----------------------|---------------------|-------------------|
 * | 0 | cart position         | -4.8                | 4.8               |
 * | 1 | cart velocity         | -inf                | inf               |
 * | 2 | pole angle            | ~ -0.418 rad (-24°) | ~ 0.418 rad (24°) |
 * | 3 | pole angular velocity | -inf                | inf               |
 * </pre>
 *
 * <h2>Dynamics</h2>
 * With {@code F = ±10}, {@code temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)},
 * {@code θ̈ = (g sin θ - cos θ · temp) / (l (4/3 - m_p cos²θ / (m_c + m_p)))} and
 * {@code ẍ = temp - m_p l θ̈ cos θ / (m_c + m_p)}, one explicit Euler step of {@code τ = 0.02 s}
 * ({@code g = 9.8}, {@code m_c = 1}, {@code m_p = 0.1}, half-length {@code l = 0.5}), in float64
 * with Gymnasium's order of operations.
 *
 * <h2>Rewards</h2>
 * +1 for every step, including the terminating one. Reward threshold: 475 (the registry's
 * "solved" mean return; the maximum return is 500).
 *
 * <h2>Start state</h2>
 * All four state variables uniform in {@code [-0.05, 0.05)}, in state order. Drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls,
 * so {@code reset(seed)} gives Gymnasium's start state for the same seed.
 *
 * <h2>Episode end</h2>
 * Termination when the pole angle leaves {@code [-12°, 12°]} ({@code ±24π/360} rad) or the cart
 * position leaves {@code [-2.4, 2.4]}; truncation at the time limit (500 steps for CartPole-v1).
 * An episode that already terminated cannot be stepped further: the next {@code step} without a
 * {@code reset} is an {@link IllegalStateException} (where Gymnasium would warn and pay 0).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])}: {@code [x, x_dot, theta, theta_dot]} (float64),
 * Gymnasium's {@code env.unwrapped.state}.
 *
 * <p>The fast path {@link #stepInto(int, float[], int)} allocates nothing.
 */
public final class CartPole extends ClassicControlEnv<Integer> {

    /** The registry id. */
    public static final String ID = "CartPole-v1";
    /** The registry's time limit for CartPole-v1. */
    public static final int MAX_EPISODE_STEPS = 500;
    /** The registry's reward threshold for CartPole-v1. */
    public static final double REWARD_THRESHOLD = 475.0;

    private static final double GRAVITY = 9.8;
    private static final double MASS_CART = 1.0;
    private static final double MASS_POLE = 0.1;
    private static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    private static final double LENGTH = 0.5; // half the pole's length
    private static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;
    private static final double FORCE_MAG = 10.0;
    private static final double TAU = 0.02;
    private static final double FOUR_THIRDS = 4.0 / 3.0;
    /** 12 degrees, computed as Gymnasium does: {@code 12 * 2 * pi / 360}. */
    static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    static final double X_THRESHOLD = 2.4;
    static final double START_BOUND = 0.05;

    private static final Discrete ACTION_SPACE = new Discrete(2);
    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {(float) -(X_THRESHOLD * 2), Float.NEGATIVE_INFINITY, (float) -(THETA_THRESHOLD * 2),
                Float.NEGATIVE_INFINITY},
            new float[] {(float) (X_THRESHOLD * 2), Float.POSITIVE_INFINITY, (float) (THETA_THRESHOLD * 2),
                Float.POSITIVE_INFINITY});

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;

    /** CartPole-v1 with the registry's time limit of 500 steps. */
    public CartPole() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    public CartPole(int maxEpisodeSteps) {
        super(maxEpisodeSteps, ID, ACTION_SPACE, OBSERVATION_SPACE);
    }

    @Override
    protected void resetState(Generator npRandom) {
        // np_random.uniform(low=-0.05, high=0.05, size=(4,)): four draws in state order
        x = npRandom.uniform(-START_BOUND, START_BOUND);
        xDot = npRandom.uniform(-START_BOUND, START_BOUND);
        theta = npRandom.uniform(-START_BOUND, START_BOUND);
        thetaDot = npRandom.uniform(-START_BOUND, START_BOUND);
    }

    @Override
    protected double advance(int action) {
        double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
        double cosTheta = Math.cos(theta);
        double sinTheta = Math.sin(theta);
        // Same operation order as Gymnasium, so the float64 results agree to the last bit
        // (up to sin/cos).
        double temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sinTheta - cosTheta * temp)
                / (LENGTH * (FOUR_THIRDS - MASS_POLE * (cosTheta * cosTheta) / TOTAL_MASS));
        double xAcc = temp - POLEMASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;

        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;

        terminal = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
        return 1.0;
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) x;
        out[offset + 1] = (float) xDot;
        out[offset + 2] = (float) theta;
        out[offset + 3] = (float) thetaDot;
    }

    @Override
    public double[] state() {
        return new double[] {x, xDot, theta, thetaDot};
    }

    @Override
    protected void loadState(double[] state) {
        StateCheck.require(ID, state, 4, "[x, x_dot, theta, theta_dot]");
        x = state[0];
        xDot = state[1];
        theta = state[2];
        thetaDot = state[3];
    }
}
