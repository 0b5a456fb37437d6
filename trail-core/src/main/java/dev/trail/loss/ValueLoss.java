package dev.trail.loss;

/**
 * The critic loss of PPO with optional value clipping (ALGORITHMS.md §2.1; CleanRL {@code ppo.py},
 * verl {@code compute_value_loss}).
 *
 * <p>Per valid token, with new prediction {@code V}, rollout-time prediction {@code V_old},
 * target {@code R} (the return) and clip range {@code ε_v}:
 * <pre>
 *   e1 = (V − R)²
 *   e2 = (V_old + clip(V − V_old, −ε_v, ε_v) − R)²
 *   e  = max(e1, e2)                       (e = e1 when clipping is off)
 *   loss = ½ · aggregation(e, mask)
 * </pre>
 * The ½ is applied after aggregation, as in verl and CleanRL; the value coefficient {@code c_v}
 * is the caller's. {@code clipFraction} (verl {@code vf_clipfrac}) is the fraction of valid
 * tokens with {@code e2 > e1} strictly.
 *
 * <p>Spec note: §2.1 writes the critic loss without ½ and says verl has none; current verl
 * multiplies by 0.5 after {@code agg_loss}. The per-token errors here are the spec's (its
 * example: e = 0.09), and {@code loss} carries the ½ (0.045 for that single token).
 *
 * <p>Layout: flat row-major {@code [B, T]}; masked positions are never read and hold 0 in
 * {@link Result#tokenSquaredErrors()}.
 */
public final class ValueLoss {

    /** Pass as {@code clipRange} to turn value clipping off. */
    public static final double NO_CLIP = Double.POSITIVE_INFINITY;

    private ValueLoss() {
    }

    /**
     * Named terms of the value loss.
     *
     * @param tokenSquaredErrors per-token {@code e = max(e1, e2)} (no ½), 0 at masked positions
     * @param loss {@code ½ · aggregation(tokenSquaredErrors, mask)}
     * @param clipFraction fraction of valid tokens where the clipped error was larger
     */
    public record Result(double[] tokenSquaredErrors, double loss, double clipFraction) {
    }

    /** The clipped squared error {@code e} of one token. */
    public static double tokenSquaredError(double value, double oldValue, double target, double clipRange) {
        checkClipRange(clipRange);
        double unclipped = (value - target) * (value - target);
        if (clipRange == NO_CLIP) {
            return unclipped;
        }
        double clippedValue = oldValue + PolicyLoss.clamp(value - oldValue, -clipRange, clipRange);
        double clipped = (clippedValue - target) * (clippedValue - target);
        return Math.max(unclipped, clipped);
    }

    /** As {@link #compute(double[], double[], double[], double[], int, double, Aggregation, int)} for modes without L_max. */
    public static Result compute(double[] values, double[] oldValues, double[] returns, double[] mask, int seqLen,
            double clipRange, Aggregation aggregation) {
        if (aggregation != null && aggregation.needsMaxLength()) {
            throw new IllegalArgumentException(aggregation.cliName() + " needs L_max; pass maxLength");
        }
        return compute(values, oldValues, returns, mask, seqLen, clipRange, aggregation, 0);
    }

    /**
     * The value loss over a batch.
     *
     * @param values V, the critic's current predictions, flat {@code [B, T]}
     * @param oldValues V_old, the predictions at rollout time (the clip centre)
     * @param returns R, the targets
     * @param clipRange ε_v ≥ 0, or {@link #NO_CLIP}
     * @param maxLength L_max, read only by {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM}
     */
    public static Result compute(double[] values, double[] oldValues, double[] returns, double[] mask, int seqLen,
            double clipRange, Aggregation aggregation, int maxLength) {
        Checks.notNull("values", values);
        Checks.notNull("oldValues", oldValues);
        Checks.notNull("returns", returns);
        Checks.sameLength("values", values, "oldValues", oldValues);
        Checks.sameLength("values", values, "returns", returns);
        Checks.batchShape("values", values, mask, seqLen);
        checkClipRange(clipRange);
        if (aggregation == null) {
            throw new IllegalArgumentException("aggregation must not be null");
        }
        double[] errors = new double[values.length];
        int valid = 0;
        int clipped = 0;
        for (int i = 0; i < values.length; i++) {
            if (mask[i] == 0.0) {
                continue;
            }
            valid++;
            double e1 = (values[i] - returns[i]) * (values[i] - returns[i]);
            double e = e1;
            if (clipRange != NO_CLIP) {
                double v = oldValues[i] + PolicyLoss.clamp(values[i] - oldValues[i], -clipRange, clipRange);
                double e2 = (v - returns[i]) * (v - returns[i]);
                if (e2 > e1) {
                    clipped++;
                    e = e2;
                }
            }
            errors[i] = e;
        }
        double loss = 0.5 * aggregation.aggregate(errors, mask, seqLen, maxLength);
        return new Result(errors, loss, valid == 0 ? 0.0 : (double) clipped / valid);
    }

    private static void checkClipRange(double clipRange) {
        if (!(clipRange >= 0)) {
            throw new IllegalArgumentException("clipRange must be >= 0 (or ValueLoss.NO_CLIP), got " + clipRange);
        }
    }
}
