package dev.trail.loss;

/**
 * The one-step TD regression of DQN (Mnih et al. 2015; CleanRL {@code dqn.py}).
 *
 * <p>Per transition {@code (s, a, r, s', terminated)} with online values {@code Q(s, a)} and the
 * target network's {@code max_a' Q'(s', a')}:
 * <pre>
 *   y    = r + γ · max_a' Q'(s', a') · (1 − terminated)          (float arithmetic, as torch)
 *   loss = mean_i ℓ(Q(s_i, a_i) − y_i)
 *   ℓ(d) = d²                                   (MSE: CleanRL's F.mse_loss)
 *   ℓ(d) = ½ d²  if |d| < 1,  |d| − ½ otherwise  (Huber with δ = 1: F.smooth_l1_loss, the Nature DQN's clip)
 * </pre>
 * Only {@code terminated} stops bootstrapping: a time-limit truncation bootstraps from the final
 * observation. Worked example: {@code r = 1, γ = 0.99, max Q' = 2, not terminated} gives
 * {@code y = 2.98}; with {@code Q = 3.98}, MSE is 1 and Huber 0.5 (|d| = 1 is on the linear branch:
 * 1 − ½).
 */
public final class TdLoss {

    private TdLoss() {
    }

    /** The regression loss on the TD error. */
    public enum Kind {
        /** Squared error (CleanRL's default). */
        MSE,
        /** Huber / smooth-L1 with δ = 1. */
        HUBER;

        /** {@code mse} or {@code huber}; anything else is an error naming the value. */
        public static Kind parse(String name) {
            return switch (name == null ? "" : name.trim()) {
                case "mse" -> MSE;
                case "huber" -> HUBER;
                default -> throw new IllegalArgumentException("loss=" + name + " must be mse or huber");
            };
        }
    }

    /**
     * TD targets {@code y_i = r_i + γ · nextMax_i · notDone_i} in float, as torch computes them.
     *
     * @param notDone 1 where the transition did not terminate, 0 where it did
     */
    public static float[] targets(float[] rewards, float[] notDone, float[] nextMax, double gamma) {
        Checks.sameLength("rewards", rewards.length, "notDone", notDone.length);
        Checks.sameLength("rewards", rewards.length, "nextMax", nextMax.length);
        float g = (float) gamma;
        float[] y = new float[rewards.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = rewards[i] + g * nextMax[i] * notDone[i];
        }
        return y;
    }

    /** {@code mean ℓ(q − y)}. */
    public static double loss(float[] q, float[] targets, Kind kind) {
        Checks.sameLength("q", q.length, "targets", targets.length);
        double s = 0;
        for (int i = 0; i < q.length; i++) {
            double d = (double) q[i] - targets[i];
            s += kind == Kind.MSE ? d * d : Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
        }
        return s / q.length;
    }

    /** {@code ∂ loss / ∂ q_i}: {@code 2 d_i / n} (MSE) or {@code clip(d_i, ±1) / n} (Huber). */
    public static float[] gradient(float[] q, float[] targets, Kind kind) {
        Checks.sameLength("q", q.length, "targets", targets.length);
        int n = q.length;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            float d = q[i] - targets[i];
            g[i] = kind == Kind.MSE ? 2f * d / n : Math.max(-1f, Math.min(1f, d)) / n;
        }
        return g;
    }
}
