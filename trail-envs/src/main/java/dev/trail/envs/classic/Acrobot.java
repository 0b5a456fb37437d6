package dev.trail.envs.classic;

import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;
import dev.trail.space.Discrete;

/**
 * Acrobot-v1: a two-link chain hanging from a fixed joint, actuated at the joint between the
 * links; swing the free end above a target height. Gymnasium 1.3's {@code AcrobotEnv} with the
 * book dynamics (Sutton and Barto), no torque noise.
 *
 * <h2>Action space</h2>
 * {@code Discrete(3)}: the torque on the actuated joint, 0 → -1, 1 → 0, 2 → +1 (N m).
 *
 * <h2>Observation space</h2>
 * {@code Box(6)} of float32:
 * <pre>
 * | i | observation                | min               | max             |
 * |---|----------------------------|-------------------|-----------------|
 * | 0 | cos(theta1)                | -1                | 1               |
 * | 1 | sin(theta1)                | -1                | 1               |
 * | 2 | cos(theta2)                | -1                | 1               |
 * | 3 | sin(theta2)                | -1                | 1               |
 * | 4 | angular velocity of theta1 | ~ -12.567 (-4 pi) | ~ 12.567 (4 pi) |
 * | 5 | angular velocity of theta2 | ~ -28.274 (-9 pi) | ~ 28.274 (9 pi) |
 * </pre>
 * {@code theta1} is the angle of the first link from straight down, {@code theta2} the angle of
 * the second link relative to the first.
 *
 * <h2>Dynamics</h2>
 * The state augmented with the torque is integrated by one classical Runge-Kutta step over
 * {@code dt = 0.2} (Gymnasium's {@code rk4} on {@code t = [0, 0.2]}: {@code k1 .. k4} at
 * {@code y}, {@code y + dt/2 k1}, {@code y + dt/2 k2}, {@code y + dt k3}, then
 * {@code y + dt/6 (k1 + 2 k2 + 2 k3 + k4)}); then both angles are wrapped into {@code [-pi, pi]}
 * and the velocities bounded to {@code ±4pi} and {@code ±9pi}. All in float64, in Gymnasium's
 * order of operations.
 *
 * <h2>Rewards</h2>
 * -1 per step that does not reach the target, 0 on the step that does. Reward threshold: -100.
 *
 * <h2>Start state</h2>
 * All four state variables uniform in {@code [-0.1, 0.1)}, then rounded to float32 as Gymnasium
 * does ({@code .astype(np.float32)}). Drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls,
 * so {@code reset(seed)} gives Gymnasium's start state for the same seed.
 *
 * <h2>Episode end</h2>
 * Termination when the free end is above the target: {@code -cos(theta1) - cos(theta2 + theta1)
 * > 1}; truncation at the time limit (500 steps for Acrobot-v1).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])}: {@code [theta1, theta2, dtheta1, dtheta2]}
 * (float64), Gymnasium's {@code env.unwrapped.state}.
 */
public final class Acrobot extends ClassicControlEnv<Integer> {

    /** The registry id. */
    public static final String ID = "Acrobot-v1";
    /** The registry's time limit for Acrobot-v1. */
    public static final int MAX_EPISODE_STEPS = 500;
    /** The registry's reward threshold for Acrobot-v1. */
    public static final double REWARD_THRESHOLD = -100.0;

    private static final double DT = 0.2;
    private static final double LINK_LENGTH_1 = 1.0;
    private static final double LINK_MASS_1 = 1.0;
    private static final double LINK_MASS_2 = 1.0;
    private static final double LINK_COM_POS_1 = 0.5;
    private static final double LINK_COM_POS_2 = 0.5;
    private static final double LINK_MOI = 1.0;
    private static final double G = 9.8;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;
    private static final double[] AVAIL_TORQUE = {-1.0, 0.0, +1.0};
    static final double START_BOUND = 0.1;

    // Constant sub-products of Gymnasium's _dsdt, in its left-to-right evaluation order, so that
    // folding them changes no bit of the result.
    private static final double M1 = LINK_MASS_1;
    private static final double M2 = LINK_MASS_2;
    private static final double L1 = LINK_LENGTH_1;
    private static final double LC1 = LINK_COM_POS_1;
    private static final double LC2 = LINK_COM_POS_2;
    private static final double I1 = LINK_MOI;
    private static final double I2 = LINK_MOI;
    private static final double D1_A = M1 * (LC1 * LC1);              // m1 * lc1**2
    private static final double D1_B = L1 * L1 + LC2 * LC2;           // l1**2 + lc2**2
    private static final double D1_C = 2 * L1 * LC2;                  // 2 * l1 * lc2
    private static final double D2_B = L1 * LC2;                      // l1 * lc2
    private static final double PHI2_K = M2 * LC2 * G;                // m2 * lc2 * g
    private static final double PHI1_A = -M2 * L1 * LC2;              // -m2 * l1 * lc2
    private static final double PHI1_B = 2 * M2 * L1 * LC2;           // 2 * m2 * l1 * lc2
    private static final double PHI1_C = (M1 * LC1 + M2 * L1) * G;    // (m1 * lc1 + m2 * l1) * g
    private static final double DD2_A = M2 * L1 * LC2;                // m2 * l1 * lc2
    private static final double DD2_DEN = M2 * (LC2 * LC2) + I2;      // m2 * lc2**2 + I2
    private static final double HALF_PI = Math.PI / 2.0;
    private static final double TWO_PI = Math.PI - -Math.PI;          // wrap's diff = M - m

    private static final Discrete ACTION_SPACE = new Discrete(3);
    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {-1f, -1f, -1f, -1f, (float) -MAX_VEL_1, (float) -MAX_VEL_2},
            new float[] {1f, 1f, 1f, 1f, (float) MAX_VEL_1, (float) MAX_VEL_2});

    private final double[] s = new double[4];
    // RK4 scratch: the derivatives k1..k4 and the intermediate point (state part only; the
    // torque component has derivative 0 and stays constant).
    private final double[] k1 = new double[4];
    private final double[] k2 = new double[4];
    private final double[] k3 = new double[4];
    private final double[] k4 = new double[4];
    private final double[] y = new double[4];

    /** Acrobot-v1 with the registry's time limit of 500 steps. */
    public Acrobot() {
        this(MAX_EPISODE_STEPS);
    }

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    public Acrobot(int maxEpisodeSteps) {
        super(maxEpisodeSteps, ID, ACTION_SPACE, OBSERVATION_SPACE);
    }

    @Override
    protected void resetState(Generator npRandom) {
        for (int i = 0; i < 4; i++) {
            s[i] = (float) npRandom.uniform(-START_BOUND, START_BOUND);
        }
    }

    @Override
    protected double advance(int action) {
        double torque = AVAIL_TORQUE[action];
        rk4(torque);
        s[0] = wrap(s[0], -Math.PI, Math.PI);
        s[1] = wrap(s[1], -Math.PI, Math.PI);
        s[2] = bound(s[2], -MAX_VEL_1, MAX_VEL_1);
        s[3] = bound(s[3], -MAX_VEL_2, MAX_VEL_2);
        terminal = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
        return terminal ? 0.0 : -1.0;
    }

    /** One RK4 step of {@link #DT} from {@code s} with constant torque {@code a}; result in {@code s}. */
    private void rk4(double a) {
        // Gymnasium: dt = t[1] - t[0], dt2 = dt / 2.0, and the final weights dt / 6.0.
        double dt = DT - 0;
        double dt2 = dt / 2.0;
        dsdt(s, a, k1);
        for (int i = 0; i < 4; i++) {
            y[i] = s[i] + dt2 * k1[i];
        }
        dsdt(y, a, k2);
        for (int i = 0; i < 4; i++) {
            y[i] = s[i] + dt2 * k2[i];
        }
        dsdt(y, a, k3);
        for (int i = 0; i < 4; i++) {
            y[i] = s[i] + dt * k3[i];
        }
        dsdt(y, a, k4);
        double w = dt / 6.0;
        for (int i = 0; i < 4; i++) {
            s[i] = s[i] + w * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
    }

    /** The book equations of motion: the time derivative of {@code z} under torque {@code a}. */
    private static void dsdt(double[] z, double a, double[] out) {
        double theta1 = z[0];
        double theta2 = z[1];
        double dtheta1 = z[2];
        double dtheta2 = z[3];
        double cos2 = Math.cos(theta2);
        double sin2 = Math.sin(theta2);
        double d1 = D1_A + M2 * (D1_B + D1_C * cos2) + I1 + I2;
        double d2 = M2 * (LC2 * LC2 + D2_B * cos2) + I2;
        double phi2 = PHI2_K * Math.cos(theta1 + theta2 - HALF_PI);
        double phi1 = PHI1_A * (dtheta2 * dtheta2) * sin2
                - PHI1_B * dtheta2 * dtheta1 * sin2
                + PHI1_C * Math.cos(theta1 - HALF_PI)
                + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - DD2_A * (dtheta1 * dtheta1) * sin2 - phi2)
                / (DD2_DEN - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        out[0] = dtheta1;
        out[1] = dtheta2;
        out[2] = ddtheta1;
        out[3] = ddtheta2;
    }

    /** Gymnasium's {@code wrap}: shifts {@code x} by whole turns until {@code m <= x <= M}. */
    private static double wrap(double x, double m, double big) {
        while (x > big) {
            x = x - TWO_PI;
        }
        while (x < m) {
            x = x + TWO_PI;
        }
        return x;
    }

    /** Gymnasium's {@code bound}: Python's {@code min(max(x, m), M)}. */
    private static double bound(double x, double m, double big) {
        double lower = m > x ? m : x;
        return big < lower ? big : lower;
    }

    @Override
    protected void observe(float[] out, int offset) {
        out[offset] = (float) Math.cos(s[0]);
        out[offset + 1] = (float) Math.sin(s[0]);
        out[offset + 2] = (float) Math.cos(s[1]);
        out[offset + 3] = (float) Math.sin(s[1]);
        out[offset + 4] = (float) s[2];
        out[offset + 5] = (float) s[3];
    }

    @Override
    public double[] state() {
        return s.clone();
    }

    @Override
    protected void loadState(double[] state) {
        StateCheck.require(ID, state, 4, "[theta1, theta2, dtheta1, dtheta2]");
        System.arraycopy(state, 0, s, 0, 4);
    }
}
