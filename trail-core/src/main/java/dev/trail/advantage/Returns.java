package dev.trail.advantage;

/**
 * Discounted returns and reward-to-go over one trajectory ({@code ALGORITHMS.md} §1.1, §1.7).
 *
 * <pre>
 * G_t = r_t + γ·G_{t'}       t' = the next valid step after t;  G after the last valid step = bootstrap
 * </pre>
 *
 * <p>Layout: {@code [T]} per trajectory. Masked steps (mask false) are skipped: their rewards are
 * ignored, their return is 0, and the discount advances once per valid step. For a right-padded
 * sequence this is exactly verl's scan that resets the running return at padding; for masked steps
 * in the middle (tool output in an agent trajectory) the return flows through them instead of
 * being cut. A null mask means every step is valid. Special case: γ = 1 gives the reward-to-go.
 * Inputs are never modified.
 */
public final class Returns {

    private Returns() {
    }

    /** {@code G_t = Σ_{k≥t} γ^{k−t} r_k}, every step valid, no bootstrap. */
    public static double[] discounted(double[] rewards, double gamma) {
        return discounted(rewards, null, gamma, 0.0);
    }

    /**
     * Discounted returns over the valid steps, bootstrapped after the last valid step.
     *
     * @param rewards {@code [T]}
     * @param mask {@code [T]} valid steps, or null for all
     * @param gamma discount in [0, 1]
     * @param bootstrapValue the value after the last step (0 for a terminated episode)
     */
    public static double[] discounted(double[] rewards, boolean[] mask, double gamma, double bootstrapValue) {
        if (mask != null && mask.length != rewards.length) {
            throw new IllegalArgumentException("mask has length " + mask.length + " but rewards has "
                    + rewards.length);
        }
        checkGamma(gamma);
        double[] out = new double[rewards.length];
        double running = bootstrapValue;
        for (int t = rewards.length - 1; t >= 0; t--) {
            if (mask == null || mask[t]) {
                running = rewards[t] + gamma * running;
                out[t] = running;
            }
        }
        return out;
    }

    /** The undiscounted reward-to-go {@code Σ_{k≥t} r_k} over valid steps (γ = 1, no bootstrap). */
    public static double[] rewardToGo(double[] rewards, boolean[] mask) {
        return discounted(rewards, mask, 1.0, 0.0);
    }

    /** The undiscounted reward-to-go with every step valid. */
    public static double[] rewardToGo(double[] rewards) {
        return discounted(rewards, null, 1.0, 0.0);
    }

    static void checkGamma(double gamma) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
    }
}
