package dev.trail.advantage;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.List;

/**
 * Checks and conversions shared by the trajectory-level estimators: from records to the arrays the
 * math takes, with error messages that name the trajectory, the step and the field.
 */
final class TrajectoryInputs {

    /** The extra column holding the reference policy's log-probabilities. */
    /** The extra column holding the frozen reference policy's per-step log-probabilities. */
    static final String REF_LOG_PROB = dev.trail.trajectory.Trajectory.REF_LOG_PROB;

    private TrajectoryInputs() {
    }

    /** The batch's trajectories in result order, each with finite rewards (checked at every step). */
    static List<Trajectory> flatten(List<TrajectoryGroup> batch) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException("the batch has no trajectory groups");
        }
        List<Trajectory> all = AdvantageResult.flatten(batch);
        for (Trajectory t : all) {
            double[] r = t.rewards();
            for (int s = 0; s < r.length; s++) {
                if (!Double.isFinite(r[s])) {
                    throw new IllegalArgumentException("trajectory " + t.id() + ": reward at step " + s + " is "
                            + r[s] + "; rewards must be finite");
                }
            }
        }
        return all;
    }

    /** R_i: the sum of the rewards at valid steps (so rewards at masked steps never matter). */
    static double outcome(Trajectory t) {
        double sum = 0;
        double[] r = t.rewards();
        for (int s = 0; s < r.length; s++) {
            if (t.valid(s)) {
                sum += r[s];
            }
        }
        return sum;
    }

    /** The outcomes of every trajectory, in batch order. */
    static double[] outcomes(List<Trajectory> all) {
        double[] out = new double[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = outcome(all.get(i));
        }
        return out;
    }

    /** Group sizes in batch order. */
    static int[] groupSizes(List<TrajectoryGroup> batch) {
        int[] sizes = new int[batch.size()];
        for (int g = 0; g < sizes.length; g++) {
            sizes[g] = batch.get(g).size();
        }
        return sizes;
    }

    /** Fails naming the first group whose size differs from the first group's. */
    static void requireEqualGroupSizes(List<TrajectoryGroup> batch, String method) {
        int g0 = batch.get(0).size();
        for (TrajectoryGroup g : batch) {
            if (g.size() != g0) {
                throw new IllegalArgumentException(method + " needs groups of equal size, but group " + g.groupId()
                        + " has " + g.size() + " trajectories and group " + batch.get(0).groupId() + " has " + g0);
            }
        }
    }

    /** {@code a} at every valid step, 0 at masked steps. */
    static double[] broadcast(Trajectory t, double a) {
        double[] row = new double[t.length()];
        for (int s = 0; s < row.length; s++) {
            if (t.valid(s)) {
                row[s] = a;
            }
        }
        return row;
    }

    /** Per-trajectory scalars broadcast to steps, with the undiscounted reward-to-go as returns. */
    static AdvantageResult broadcastWithRewardToGo(List<Trajectory> all, double[] advantages) {
        double[][] adv = new double[all.size()][];
        double[][] ret = new double[all.size()][];
        for (int i = 0; i < adv.length; i++) {
            Trajectory t = all.get(i);
            adv[i] = broadcast(t, advantages[i]);
            ret[i] = Returns.rewardToGo(t.rewards(), t.mask());
        }
        return new AdvantageResult(adv, ret);
    }

    static double[][] rewards(List<Trajectory> all) {
        double[][] out = new double[all.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i).rewards();
        }
        return out;
    }

    static boolean[][] masks(List<Trajectory> all) {
        boolean[][] out = new boolean[all.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i).mask();
        }
        return out;
    }

    /** The values column, required and finite at valid steps. */
    static double[] values(Trajectory t, String method) {
        double[] v = t.values();
        if (v == null) {
            throw new IllegalArgumentException("trajectory " + t.id() + " has no values; " + method
                    + " needs the critic's V(s_t) for every step");
        }
        for (int s = 0; s < v.length; s++) {
            if (t.valid(s) && !Double.isFinite(v[s])) {
                throw new IllegalArgumentException("trajectory " + t.id() + ": value at step " + s + " is " + v[s]
                        + "; values must be finite at valid steps");
            }
        }
        return v;
    }

    /** k1 = logProbs − refLogProb per step, both required; 0 at masked steps. */
    static double[] logRatios(Trajectory t, String method) {
        double[] lp = t.logProbs();
        if (lp == null) {
            throw new IllegalArgumentException("trajectory " + t.id() + " has no logProbs; " + method
                    + " with a KL coefficient needs the behaviour log-probs (or set kl_coef=0)");
        }
        double[] ref = t.extra(REF_LOG_PROB);
        if (ref == null) {
            throw new IllegalArgumentException("trajectory " + t.id() + " has no '" + REF_LOG_PROB
                    + "' extra column; " + method + " with a KL coefficient needs the reference log-probs (or set kl_coef=0)");
        }
        double[] k1 = new double[lp.length];
        for (int s = 0; s < k1.length; s++) {
            if (t.valid(s)) {
                k1[s] = lp[s] - ref[s];
                if (!Double.isFinite(k1[s])) {
                    throw new IllegalArgumentException("trajectory " + t.id() + ": logProbs − " + REF_LOG_PROB
                            + " at step " + s + " is " + k1[s] + "; it must be finite");
                }
            }
        }
        return k1;
    }

    static double[][] logRatios(List<Trajectory> all, String method) {
        double[][] out = new double[all.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = logRatios(all.get(i), method);
        }
        return out;
    }
}
