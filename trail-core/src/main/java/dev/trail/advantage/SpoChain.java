package dev.trail.advantage;

import java.util.Arrays;

/**
 * SPO-chain (Segment Policy Optimization, chain form), {@code ALGORITHMS.md} §3.1; source
 * {@code AIFrameResearch/SPO} ({@code math_episode_generator_with_mc_advantages.py},
 * {@code trainers/ppo_trainer.py}) [code].
 *
 * <p>Layout: one response of {@code T} tokens, index {@code t = 0..T-1}; {@code probs[t] =
 * exp(logProb[t])} of the sampled token under the behaviour policy.
 *
 * <ol>
 *   <li><b>Cut points.</b> {@code low = {t : p_t < threshold}} (threshold 0.9, hard-coded in the
 *       code); {@code cuts = [t - 1 for t in low][::k]} with {@code k = cutpointInterval}. A cut
 *       {@code c} is "the state after token c"; {@code c = -1} is the prompt-only state.</li>
 *   <li><b>Values.</b> {@code V(c)} is the mean reward of Monte-Carlo rollouts from the prefix
 *       {@code response[0..c]} ({@link #monteCarloValue}); the final position holds the score:
 *       {@code val[T-1] = score}.</li>
 *   <li><b>Segment advantages.</b> Walking forward over positions holding a value,
 *       {@code adv[c] = val[c] - base} when {@code base} is defined (0 otherwise), then
 *       {@code base = val[c]}; tokens without a value take the advantage of the next position
 *       that has one. So segment {@code (c_{k-1}, c_k]} gets {@code V(c_k) - V(c_{k-1})}.</li>
 *   <li><b>Probability mask.</b> Only low-probability tokens keep their advantage.</li>
 * </ol>
 *
 * <p><b>Prompt value</b> (Appendix A #5). The code initialises {@code base = V(-1)} only when the
 * first response token is itself low-probability ({@code cuts[0] == -1}); otherwise the first
 * segment's advantage is 0 ({@link PromptValue#WHEN_FIRST_TOKEN_LOW}, the default). The paper
 * estimates a value at every boundary, including the prompt ({@link PromptValue#ALWAYS}).
 *
 * <p><b>Threshold ties.</b> The code zeroes advantages where {@code p > 0.9} and drops tokens
 * with {@code p >= 0.9} from the loss; here one rule, {@code p < threshold}, decides both the
 * cut points and the probability mask, so a token at exactly the threshold is neither.
 */
public final class SpoChain {

    /** The code's hard-coded low-probability threshold. */
    public static final double DEFAULT_THRESHOLD = 0.9;
    /** Default {@code cutpoint_interval} (the README also uses 10). */
    public static final int DEFAULT_CUTPOINT_INTERVAL = 5;
    /** Monte-Carlo rollouts per cut point in the reference configs. */
    public static final int DEFAULT_MC_SAMPLES = 9;

    /** Where the value of the prompt-only state is used (Appendix A #5). */
    public enum PromptValue {
        /** The code: V(prompt) is used only when the first token is low-probability. */
        WHEN_FIRST_TOKEN_LOW,
        /** The paper: every segment, the first included, is credited against V(prompt). */
        ALWAYS
    }

    private SpoChain() {
    }

    /** Token probabilities {@code exp(logProb)}. */
    public static double[] probabilities(double[] logProbs) {
        double[] p = new double[logProbs.length];
        for (int t = 0; t < p.length; t++) {
            p[t] = Math.exp(logProbs[t]);
        }
        return p;
    }

    /** The probability mask: {@code p_t < threshold}. */
    public static boolean[] lowProbabilityMask(double[] probs, double threshold) {
        boolean[] m = new boolean[probs.length];
        for (int t = 0; t < probs.length; t++) {
            m[t] = probs[t] < threshold;
        }
        return m;
    }

    /**
     * Cut points {@code [t - 1 for t in low][::interval]}, ascending; may start with -1.
     *
     * @param probs token probabilities, length T
     * @param threshold low-probability threshold (0.9 in the code)
     * @param interval keep every {@code interval}-th low-probability position (k ≥ 1)
     */
    public static int[] cutPoints(double[] probs, double threshold, int interval) {
        return cutPoints(lowProbabilityMask(probs, threshold), interval);
    }

    /** Cut points from an explicit low-probability mask (positions with {@code low[t]}). */
    public static int[] cutPoints(boolean[] low, int interval) {
        if (interval < 1) {
            throw new IllegalArgumentException("cutpoint interval must be at least 1, got " + interval);
        }
        int[] buf = new int[low.length];
        int n = 0;
        int seen = 0;
        for (int t = 0; t < low.length; t++) {
            if (low[t]) {
                if (seen % interval == 0) {
                    buf[n++] = t - 1;
                }
                seen++;
            }
        }
        return Arrays.copyOf(buf, n);
    }

    /**
     * Monte-Carlo value of a prefix: the mean reward of its rollouts; 0 when there are none
     * (the code's "std flag -1" case).
     */
    public static double monteCarloValue(double[] rolloutRewards) {
        return StepCreditSupport.meanPrivate(rolloutRewards);
    }

    /**
     * Raw (unmasked) segment advantages of one response.
     *
     * @param length T, the number of response tokens (at least 1)
     * @param cuts ascending cut points in {@code [-1, T-2]} (from {@link #cutPoints})
     * @param cutValues {@code V(c)} for each cut, same length as {@code cuts}
     * @param score the final reward, {@code val[T-1]}
     * @param promptValue {@code V(-1)}, used as the initial base under {@link PromptValue#ALWAYS}
     *        (where it also replaces the value of a cut at -1); ignored, may be NaN, under
     *        {@link PromptValue#WHEN_FIRST_TOKEN_LOW}, where a cut at -1 supplies its own value
     * @param mode the prompt-value rule
     * @return advantages per token, length T
     */
    public static double[] segmentAdvantages(int length, int[] cuts, double[] cutValues, double score,
            double promptValue, PromptValue mode) {
        if (length < 1) {
            throw new IllegalArgumentException("a response needs at least one token, got length " + length);
        }
        if (cuts.length != cutValues.length) {
            throw new IllegalArgumentException(cuts.length + " cut points but " + cutValues.length + " cut values");
        }
        // val[c + 1] holds V(c), so the prompt state -1 sits at index 0; position T holds the score.
        double[] val = new double[length + 1];
        boolean[] has = new boolean[length + 1];
        for (int i = 0; i < cuts.length; i++) {
            int c = cuts[i];
            if (c < -1 || c > length - 2 || (i > 0 && c <= cuts[i - 1])) {
                throw new IllegalArgumentException("cut points must be ascending within [-1, " + (length - 2)
                        + "], got " + Arrays.toString(cuts));
            }
            val[c + 1] = cutValues[i];
            has[c + 1] = true;
        }
        if (mode == PromptValue.ALWAYS) {
            if (!Double.isFinite(promptValue)) {
                throw new IllegalArgumentException("prompt-value mode ALWAYS needs a finite V(prompt), got "
                        + promptValue);
            }
            val[0] = promptValue;
            has[0] = true;
        }
        val[length] = score;
        has[length] = true;

        double[] advAt = new double[length + 1];
        boolean baseDefined = false;
        double base = 0;
        for (int i = 0; i <= length; i++) {
            if (has[i]) {
                advAt[i] = baseDefined ? val[i] - base : 0.0;
                base = val[i];
                baseDefined = true;
            }
        }
        // Token t lies in the segment ending at the next value-holding index >= t + 1.
        double[] adv = new double[length];
        double next = advAt[length];
        for (int i = length; i >= 1; i--) {
            if (has[i]) {
                next = advAt[i];
            }
            adv[i - 1] = next;
        }
        return adv;
    }

    /** {@code adv[t]} where {@code keep[t]}, 0 elsewhere (the probability mask). */
    public static double[] applyMask(double[] advantages, boolean[] keep) {
        double[] out = new double[advantages.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = keep[t] ? advantages[t] : 0.0;
        }
        return out;
    }

    /**
     * Masked whitening as the SPO trainer applies it (§0.3; a private copy of the shared
     * {@code Whitening}, to be deduplicated): mean and unbiased variance over the
     * selected tokens of all rows (token-weighted), {@code (x - mu) / sqrt(var + 1e-8)} on
     * selected tokens; unselected tokens stay 0. With fewer than two selected tokens the
     * unbiased variance is undefined (verl throws); the advantages are then returned unchanged.
     *
     * @param advantages {@code [row][t]}
     * @param selected {@code [row][t]} which tokens take part (and are kept)
     */
    public static double[][] whitenSelected(double[][] advantages, boolean[][] selected) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < advantages.length; i++) {
            for (int t = 0; t < advantages[i].length; t++) {
                if (selected[i][t]) {
                    sum += advantages[i][t];
                    n++;
                }
            }
        }
        double[][] out = new double[advantages.length][];
        if (n < 2) {
            for (int i = 0; i < advantages.length; i++) {
                out[i] = applyMask(advantages[i], selected[i]);
            }
            return out;
        }
        double mu = sum / n;
        double ss = 0;
        for (int i = 0; i < advantages.length; i++) {
            for (int t = 0; t < advantages[i].length; t++) {
                if (selected[i][t]) {
                    ss += (advantages[i][t] - mu) * (advantages[i][t] - mu);
                }
            }
        }
        double var = ss / (n - 1);
        double scale = 1.0 / Math.sqrt(var + 1e-8);
        for (int i = 0; i < advantages.length; i++) {
            out[i] = new double[advantages[i].length];
            for (int t = 0; t < advantages[i].length; t++) {
                out[i][t] = selected[i][t] ? (advantages[i][t] - mu) * scale : 0.0;
            }
        }
        return out;
    }
}
