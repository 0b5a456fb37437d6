package dev.trail.env.wrappers;

import java.util.Arrays;

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium's
 * {@code NormalizeReward} and Stable-Baselines3's {@code VecNormalize}: per environment {@code i},
 *
 * <pre>
 *   G_i   = gamma * G_i + r_i                  (the discounted return of the episode so far)
 *   stats.update([G_0 .. G_{N-1}])             (one batch; skipped when frozen)
 *   out_i = r_i / sqrt(stats.var + epsilon)    (the mean is not subtracted: the sign of r is kept)
 * </pre>
 *
 * with defaults {@code gamma = 0.99}, {@code epsilon = 1e-8} and Gymnasium's prior for the
 * statistics. When to restart {@code G_i} is a {@link ReturnReset} choice; the default,
 * {@link ReturnReset#EPISODE_END}, restarts it after any episode end. Not thread-safe.
 */
public final class RewardNormalizer {

    /** When the running discounted return restarts at 0. */
    public enum ReturnReset {
        /**
         * After a step that terminated <em>or</em> truncated, the return restarts at 0 for the next
         * episode (Stable-Baselines3's {@code VecNormalize}); it also restarts on an explicit reset.
         */
        EPISODE_END,
        /**
         * Gymnasium 1.x, exactly: {@code G = G * gamma * (1 - terminated) + r}, so the return is
         * dropped on the terminal step itself, is <em>not</em> restarted by truncation or by a
         * reset, and carries into the next episode. Use it for bit-level comparisons with Gymnasium.
         */
        GYMNASIUM
    }

    /**
     * Saved state: the statistics of the returns and the return of each environment's episode in
     * progress, so that a resumed run continues exactly.
     */
    public record State(RunningMeanStd.State returnStatistics, double[] returns) {

        public State {
            if (returnStatistics == null || returns == null) {
                throw new IllegalArgumentException("a RewardNormalizer state needs statistics and returns");
            }
            returns = returns.clone();
        }

        @Override
        public double[] returns() {
            return returns.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && returnStatistics.equals(s.returnStatistics) && Arrays.equals(returns, s.returns);
        }

        @Override
        public int hashCode() {
            return 31 * returnStatistics.hashCode() + Arrays.hashCode(returns);
        }
    }

    public static final double DEFAULT_GAMMA = 0.99;
    public static final double DEFAULT_EPSILON = 1e-8;

    private final RunningMeanStd stats = new RunningMeanStd(1);
    private final double[] returns;
    private final double gamma;
    private final double epsilon;
    private final ReturnReset returnReset;
    private boolean frozen;

    /** A normalizer for {@code numEnvs} environments with the defaults. */
    public RewardNormalizer(int numEnvs) {
        this(numEnvs, DEFAULT_GAMMA, DEFAULT_EPSILON, ReturnReset.EPISODE_END);
    }

    /**
     * @param numEnvs number of environments whose rewards arrive together, at least 1
     * @param gamma discount of the running return, in [0, 1]
     * @param epsilon added to the variance, {@code >= 0}
     * @param returnReset when the running return restarts
     */
    public RewardNormalizer(int numEnvs, double gamma, double epsilon, ReturnReset returnReset) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        if (returnReset == null) {
            throw new IllegalArgumentException("returnReset must be given");
        }
        this.returns = new double[numEnvs];
        this.gamma = gamma;
        this.epsilon = epsilon;
        this.returnReset = returnReset;
    }

    public int numEnvs() {
        return returns.length;
    }

    public double gamma() {
        return gamma;
    }

    public double epsilon() {
        return epsilon;
    }

    public ReturnReset returnReset() {
        return returnReset;
    }

    /** Whether updates are frozen: rewards are then scaled with the statistics as they are. */
    public boolean frozen() {
        return frozen;
    }

    /** Freezes ({@code true}) or resumes ({@code false}) updates of the statistics. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** The current divisor {@code sqrt(var + epsilon)}. */
    public double scale() {
        return Math.sqrt(stats.var(0) + epsilon);
    }

    /** The live statistics of the discounted returns. */
    public RunningMeanStd statistics() {
        return stats;
    }

    /** The running discounted return of environment {@code i}. */
    public double runningReturn(int i) {
        return returns[i];
    }

    /**
     * Called when environment {@code i} starts an episode by an explicit reset: restarts its return
     * under {@link ReturnReset#EPISODE_END}, does nothing under {@link ReturnReset#GYMNASIUM}.
     */
    public void episodeStarted(int i) {
        if (returnReset == ReturnReset.EPISODE_END) {
            returns[i] = 0;
        }
    }

    /**
     * Normalizes one step of all environments: {@code rewards}, {@code terminated} and
     * {@code truncated} have length {@link #numEnvs()}; the scaled rewards go into {@code out}
     * (which may be {@code rewards}).
     */
    public void normalize(double[] rewards, boolean[] terminated, boolean[] truncated, double[] out) {
        int n = returns.length;
        if (rewards.length != n || terminated.length != n || truncated.length != n || out.length != n) {
            throw new IllegalArgumentException("expected arrays of length " + n + " (numEnvs), got rewards "
                    + rewards.length + ", terminated " + terminated.length + ", truncated " + truncated.length
                    + ", out " + out.length);
        }
        boolean gymnasium = returnReset == ReturnReset.GYMNASIUM;
        for (int i = 0; i < n; i++) {
            double carried = gymnasium && terminated[i] ? 0 : returns[i] * gamma;
            returns[i] = carried + rewards[i];
        }
        if (!frozen) {
            stats.update(returns);
        }
        double scale = scale();
        for (int i = 0; i < n; i++) {
            out[i] = rewards[i] / scale;
            if (!gymnasium && (terminated[i] || truncated[i])) {
                returns[i] = 0;
            }
        }
    }

    /** A copy of the statistics and running returns, to save with a run. */
    public State state() {
        return new State(stats.state(), returns);
    }

    /** Restores a state saved by {@link #state()} (same number of environments). */
    public void setState(State state) {
        if (state.returns.length != returns.length) {
            throw new IllegalArgumentException("state has returns of " + state.returns.length
                    + " environments but this normalizer has " + returns.length);
        }
        stats.setState(state.returnStatistics());
        System.arraycopy(state.returns, 0, returns, 0, returns.length);
    }
}
