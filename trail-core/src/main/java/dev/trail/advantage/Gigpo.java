package dev.trail.advantage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GiGPO, Group-in-Group Policy Optimization (Feng et al. 2025, arXiv 2505.10978; verl-agent
 * {@code gigpo/core_gigpo.py}): GRPO's episode-level group advantage plus a step-level advantage
 * computed over <em>anchor states</em>, the states that several trajectories of the same group
 * visit.
 *
 * <p>Layout: the N trajectories of one group (same task, same initial state), {@code [i][t]} with
 * agent steps {@code t = 0..T_i-1}; {@code valid[i][t]} false marks a step that is not trained on:
 * it gets 0 and enters no statistic (its reward still counts in the returns of earlier steps).
 *
 * <pre>
 * episode advantage  (Eq. 3):  A^E(τ_i) = (R(τ_i) - mean_j R(τ_j)) / F_norm,  R(τ_i) = Σ_t r_{i,t}
 * discounted return  (Eq. 5):  G_{i,t} = Σ_{k ≥ t} γ^(k-t) r_{i,k}
 * anchor groups      (Eq. 6):  U(s) = { (i, t) : s_{i,t} = s }   over the whole group
 * step advantage     (Eq. 7):  A^S(i, t) = (G_{i,t} - mean_{U(s_{i,t})} G) / F_norm
 * joint              (Eq. 8):  A(i, t) = A^E(τ_i) + ω · A^S(i, t)
 * </pre>
 *
 * {@code F_norm} is {@code std + ε} ({@code mean_std_norm}, unbiased std, ε = 1e-6) or 1
 * ({@code mean_norm}), as in verl-agent; the normalisations and the episode statistic's two forms
 * ({@link UiS1.EpisodeForm#PAPER} over trajectories; {@link UiS1.EpisodeForm#CODE} over step rows,
 * verl-agent's default {@code compute_mean_std_cross_steps=True}) are shared with {@link UiS1}.
 *
 * <p>Edge cases, as the code: an anchor group of one step gets {@code A^S = 0} (mean = its own
 * return, std 1); an anchor group whose returns are all equal gets {@code A^S = 0}; an episode
 * statistic over one sample uses mean 0 and std 1. A trajectory that revisits a state puts each
 * visit into the state's group (they are separate steps with their own returns).
 */
public final class Gigpo {

    /** γ of verl-agent's GiGPO scripts. */
    public static final double DEFAULT_GAMMA = 0.95;

    private Gigpo() {
    }

    /** {@code G_t = r_t + γ G_{t+1}}, from the last step back (every reward counts). */
    public static double[] discountedReturns(double[] rewards, double gamma) {
        return UiS1.discountedReturns(rewards, null, gamma);
    }

    /**
     * The anchor group of every valid step: steps with equal anchor keys share a group. Groups are
     * numbered in first-seen order ({@code [i][t]}, row by row); invalid steps get -1.
     *
     * @param anchors {@code [i][t]} the state each step was taken in, compared with {@code equals}
     * @param valid {@code [i][t]} trained-on steps
     * @return {@code [i][t]} group index, -1 for invalid steps
     */
    public static int[][] anchorGroups(Object[][] anchors, boolean[][] valid) {
        Map<Object, Integer> ids = new HashMap<>();
        int[][] out = new int[anchors.length][];
        for (int i = 0; i < anchors.length; i++) {
            out[i] = new int[anchors[i].length];
            for (int t = 0; t < anchors[i].length; t++) {
                if (!valid[i][t]) {
                    out[i][t] = -1;
                    continue;
                }
                Object key = Objects.requireNonNull(anchors[i][t], "anchor of trajectory " + i + " step " + t);
                Integer id = ids.get(key);
                if (id == null) {
                    id = ids.size();
                    ids.put(key, id);
                }
                out[i][t] = id;
            }
        }
        return out;
    }

    /**
     * Step-level advantages {@code A^S} over anchor groups.
     *
     * @param groups {@code [i][t]} anchor group of each step ({@link #anchorGroups}), -1 for steps left out
     * @param returns {@code [i][t]} discounted returns
     */
    public static double[][] stepAdvantages(int[][] groups, double[][] returns, UiS1.Mode mode, int ddof,
            double eps) {
        int count = 0;
        for (int[] row : groups) {
            for (int g : row) {
                count = Math.max(count, g + 1);
            }
        }
        List<List<int[]>> members = new ArrayList<>(count);
        for (int g = 0; g < count; g++) {
            members.add(new ArrayList<>());
        }
        double[][] out = new double[groups.length][];
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].length != returns[i].length) {
                throw new IllegalArgumentException("trajectory " + i + ": " + groups[i].length + " anchor groups but "
                        + returns[i].length + " returns");
            }
            out[i] = new double[groups[i].length];
            for (int t = 0; t < groups[i].length; t++) {
                if (groups[i][t] >= 0) {
                    members.get(groups[i][t]).add(new int[] {i, t});
                }
            }
        }
        for (List<int[]> m : members) {
            double[] x = new double[m.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = returns[m.get(k)[0]][m.get(k)[1]];
            }
            double mean = GroupStats.mean(x);
            double std = x.length == 1 ? 1.0 : GroupStats.std(x, ddof);
            for (int k = 0; k < x.length; k++) {
                double centred = x[k] - mean;
                out[m.get(k)[0]][m.get(k)[1]] = mode == UiS1.Mode.MEAN_NORM ? centred : centred / (std + eps);
            }
        }
        return out;
    }

    /**
     * GiGPO's joint advantages for one group: {@code A^E + ω A^S} on valid steps, 0 elsewhere.
     *
     * @param anchors {@code [i][t]} anchor keys
     * @param rewards {@code [i][t]} per-step rewards
     * @param valid {@code [i][t]} trained-on steps
     * @param gamma discount of the step returns
     * @param stepWeight ω
     */
    public static Result advantages(Object[][] anchors, double[][] rewards, boolean[][] valid, double gamma,
            double stepWeight, UiS1.Mode mode, UiS1.EpisodeForm form, int ddof, double eps) {
        int n = rewards.length;
        double[][] returns = new double[n][];
        double[] scores = new double[n];
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            returns[i] = discountedReturns(rewards[i], gamma);
            for (int t = 0; t < rewards[i].length; t++) {
                if (valid[i][t]) {
                    scores[i] += rewards[i][t];
                    rows[i]++;
                }
            }
        }
        int[][] groups = anchorGroups(anchors, valid);
        double[][] step = stepAdvantages(groups, returns, mode, ddof, eps);
        double[] episode = UiS1.episodeAdvantages(scores, rows, form, mode, ddof, eps);
        double[][] joint = UiS1.combine(episode, step, valid, 1.0, stepWeight);
        return new Result(joint, returns, episode, step, groups);
    }

    /**
     * GiGPO's output for one group.
     *
     * @param advantages {@code [i][t]} joint advantages
     * @param returns {@code [i][t]} discounted returns G
     * @param episode {@code [i]} episode advantages A^E
     * @param step {@code [i][t]} step advantages A^S
     * @param groups {@code [i][t]} anchor group of each step (-1 when left out)
     */
    public record Result(double[][] advantages, double[][] returns, double[] episode, double[][] step,
            int[][] groups) {
    }
}
