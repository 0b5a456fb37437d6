package dev.trail.advantage;

import java.util.ArrayList;
import java.util.List;

/**
 * UI-S1 (semi-online RL for GUI agents), {@code ALGORITHMS.md} §8; source {@code stevenqing/UI-S1}
 * {@code uis1/core_uis1.py} ({@code compute_step_discounted_returns},
 * {@code compute_uis1_outcome_advantage}, {@code episode_norm_reward}, {@code step_norm_reward})
 * [code].
 *
 * <p>Layout: the K rollouts of one prompt, {@code [k][t]} with steps {@code t = 0..T_k-1};
 * {@code valid[k][t]} false marks a step that is not a row (masked): it gets 0 and enters no
 * statistic.
 *
 * <pre>
 * return (backwards):   match_t:  G_t = r_t + gamma * G_{t+1}
 *                       else:     G_t = r_t, and the running sum restarts from 0
 * step advantage:       A^S_{k,t} = (G_{k,t} - mean_t) / (std_t + eps)   over the rows of step index t
 *                       ("mean_norm": G - mean_t)
 * episode advantage:    paper: A^E_k = (R_k - mean_k R) / (std_k R + eps)  over the K trajectories
 *                       code:  the same statistics over all step rows, each row carrying its
 *                              trajectory's R, so longer trajectories weigh more
 * combined:             A = w_E * A^E + w_S * A^S
 * </pre>
 *
 * <p>Edge cases, decided explicitly (Appendix A #10): a step index with a single row gets
 * {@code A^S = 0} (mean = its own value, std 1, as the code); an episode statistic over a single
 * trajectory (paper form) or a single row (code form) uses mean 0 and std 1, so {@code A^E = R}
 * (as the code). The std is unbiased by default ({@code ddof = 1}), as the spec's worked example.
 */
public final class UiS1 {

    /** γ of the example training script. */
    public static final double DEFAULT_GAMMA = 0.5;

    /** How a group statistic normalises. */
    public enum Mode {
        /** {@code (x - mean) / (std + eps)} ({@code mean_std_norm}, the default). */
        MEAN_STD_NORM,
        /** {@code x - mean} ({@code mean_norm}). */
        MEAN_NORM
    }

    /** Where the episode statistics come from. */
    public enum EpisodeForm {
        /** One sample per trajectory (the paper). */
        PAPER,
        /** One sample per step row (the code's {@code compute_mean_std_cross_all_data=True}). */
        CODE
    }

    private UiS1() {
    }

    /**
     * Discounted future returns with a reset on mismatch.
     *
     * @param rewards {@code r_t}, length T
     * @param match {@code match_t} (the action matched the expert's), length T; null means all true
     * @param gamma discount γ
     */
    public static double[] discountedReturns(double[] rewards, boolean[] match, double gamma) {
        double[] g = new double[rewards.length];
        double running = 0;
        for (int t = rewards.length - 1; t >= 0; t--) {
            if (match == null || match[t]) {
                running = rewards[t] + gamma * running;
                g[t] = running;
            } else {
                running = 0;
                g[t] = rewards[t];
            }
        }
        return g;
    }

    /**
     * Step-level advantages: each step index {@code t} is a group across the rollouts.
     *
     * @param returns {@code [k][t]} returns G
     * @param valid {@code [k][t]} rows that take part; the others get 0
     */
    public static double[][] stepAdvantages(double[][] returns, boolean[][] valid, Mode mode, int ddof, double eps) {
        int maxT = 0;
        for (double[] r : returns) {
            maxT = Math.max(maxT, r.length);
        }
        double[][] out = new double[returns.length][];
        for (int k = 0; k < returns.length; k++) {
            out[k] = new double[returns[k].length];
        }
        for (int t = 0; t < maxT; t++) {
            List<Integer> rows = new ArrayList<>();
            for (int k = 0; k < returns.length; k++) {
                if (t < returns[k].length && valid[k][t]) {
                    rows.add(k);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            double[] x = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = returns[rows.get(i)][t];
            }
            double mean = StepCreditSupport.meanPrivate(x);
            double std = x.length == 1 ? 1.0 : StepCreditSupport.stdPrivate(x, ddof);
            for (int i = 0; i < x.length; i++) {
                out[rows.get(i)][t] = normalise(x[i], mean, std, mode, eps);
            }
        }
        return out;
    }

    /**
     * Episode-level advantages, one per trajectory.
     *
     * @param scores {@code R_k}, the episode score of each trajectory
     * @param rowCounts number of step rows of each trajectory (used by {@link EpisodeForm#CODE})
     */
    public static double[] episodeAdvantages(double[] scores, int[] rowCounts, EpisodeForm form, Mode mode,
            int ddof, double eps) {
        double[] sample;
        if (form == EpisodeForm.PAPER) {
            sample = scores.clone();
        } else {
            int n = 0;
            for (int c : rowCounts) {
                n += c;
            }
            sample = new double[n];
            int pos = 0;
            for (int k = 0; k < scores.length; k++) {
                for (int r = 0; r < rowCounts[k]; r++) {
                    sample[pos++] = scores[k];
                }
            }
        }
        double mean = sample.length <= 1 ? 0.0 : StepCreditSupport.meanPrivate(sample);
        double std = sample.length <= 1 ? 1.0 : StepCreditSupport.stdPrivate(sample, ddof);
        double[] out = new double[scores.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = normalise(scores[k], mean, std, mode, eps);
        }
        return out;
    }

    /**
     * Combined per-step advantages {@code w_E * A^E_k + w_S * A^S_{k,t}} on valid steps, 0 elsewhere.
     */
    public static double[][] combine(double[] episodeAdvantages, double[][] stepAdvantages, boolean[][] valid,
            double episodeWeight, double stepWeight) {
        double[][] out = new double[stepAdvantages.length][];
        for (int k = 0; k < out.length; k++) {
            out[k] = new double[stepAdvantages[k].length];
            for (int t = 0; t < out[k].length; t++) {
                out[k][t] = valid[k][t] ? episodeWeight * episodeAdvantages[k] + stepWeight * stepAdvantages[k][t]
                        : 0.0;
            }
        }
        return out;
    }

    private static double normalise(double x, double mean, double std, Mode mode, double eps) {
        return mode == Mode.MEAN_NORM ? x - mean : (x - mean) / (std + eps);
    }
}
