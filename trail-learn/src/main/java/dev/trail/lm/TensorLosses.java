package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.nn.Tensors;

/**
 * The tensor (autograd) forms of {@link PolicyLoss}, {@link KlEstimators} and {@link Aggregation}
 * on {@code [N, W]} DJL arrays: the same formulas, clamps and special cases, so that gradients can
 * flow. The reference functions in {@code dev.trail.loss} are the specification; the tests check
 * these against them to 1e-5 on random inputs for every clip setting, estimator and mode.
 */
public final class TensorLosses {

    private TensorLosses() {
    }

    /**
     * The clipped surrogate and its diagnostics.
     *
     * @param loss scalar, {@code aggregation(tokenLosses, mask)}
     * @param tokenLosses {@code [N, W]}, 0 at masked positions
     * @param clipFraction verl {@code pg_clipfrac} over valid tokens
     * @param lowerClipFraction verl {@code pg_clipfrac_lower}
     * @param approxKl mean over valid tokens of {@code lp_old − lp} (clamped)
     */
    public record PolicyTerms(NDArray loss, NDArray tokenLosses, double clipFraction, double lowerClipFraction,
            double approxKl) {
    }

    /**
     * {@link PolicyLoss#compute} on tensors: per valid token {@code l = max(−Aρ, −A·clip(ρ, 1−ε_low,
     * 1+ε_high))}, with the dual clip {@code min(l, −A·c)} where {@code A < 0}; {@code ρ = exp(clamp(lp −
     * lp_old, ±20))}; then aggregated.
     *
     * @param logProbs lp {@code [N, W]} (with gradient)
     * @param oldLogProbs lp_old {@code [N, W]}
     * @param advantages A {@code [N, W]}
     * @param mask 0/1 {@code [N, W]} as a tensor
     * @param maskValues the same mask in Java (normalisers are computed from it)
     * @param maxLength L_max for {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM}
     */
    public static PolicyTerms policyLoss(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray mask,
            double[] maskValues, int width, PolicyLoss.Clip clip, Aggregation aggregation, int maxLength) {
        NDArray logRatio = logProbs.sub(oldLogProbs).clip(-PolicyLoss.LOG_RATIO_CLAMP, PolicyLoss.LOG_RATIO_CLAMP);
        NDArray ratio = logRatio.exp();
        NDArray l1 = advantages.neg().mul(ratio);
        NDArray l2 = advantages.neg().mul(ratio.clip(1 - clip.epsilonLow(), 1 + clip.epsilonHigh()));
        NDArray l = l1.maximum(l2);
        NDArray clipped = l2.gt(l1).toType(DataType.FLOAT32, false);
        NDArray lowerClipped = null;
        if (clip.dualClip()) {
            NDArray negative = advantages.lt(0).toType(DataType.FLOAT32, false);
            NDArray cap = advantages.neg().mul((float) clip.dualClipC());
            lowerClipped = l.gt(cap).toType(DataType.FLOAT32, false).mul(negative);
            l = negative.mul(l.minimum(cap)).add(negative.neg().add(1f).mul(l));
        }
        NDArray tokenLosses = l.mul(mask);
        NDArray loss = aggregate(tokenLosses, maskValues, width, aggregation, maxLength);
        double valid = 0;
        for (double m : maskValues) {
            valid += m;
        }
        if (valid == 0) {
            return new PolicyTerms(loss, tokenLosses, 0, 0, 0);
        }
        double clipFraction = clipped.mul(mask).sum().getFloat() / valid;
        double lower = lowerClipped == null ? 0 : lowerClipped.mul(mask).sum().getFloat() / valid;
        double approxKl = logRatio.neg().mul(mask).sum().getFloat() / valid;
        return new PolicyTerms(loss, tokenLosses, clipFraction, lower, approxKl);
    }

    /**
     * {@link KlEstimators#perToken} on tensors (masked positions are 0). k3 is
     * {@code clamp(exp(δ) − 1 − δ, ±10)} with {@code δ = clamp(lp_ref − lp, ±20)}.
     */
    public static NDArray klPerToken(KlEstimators.Kind kind, NDArray logProbs, NDArray refLogProbs, NDArray mask) {
        NDArray k = switch (kind) {
            case K1 -> logProbs.sub(refLogProbs);
            case K2 -> refLogProbs.sub(logProbs).square().mul(0.5f);
            case K3 -> {
                NDArray delta = refLogProbs.sub(logProbs).clip(-KlEstimators.DELTA_CLAMP, KlEstimators.DELTA_CLAMP);
                yield delta.exp().sub(1f).sub(delta).clip(-KlEstimators.K3_CLAMP, KlEstimators.K3_CLAMP);
            }
            case ABS -> logProbs.sub(refLogProbs).abs();
        };
        return k.mul(mask);
    }

    /**
     * {@link Aggregation#aggregate(double[], double[], int, int)} on tensors: the normalisers (N, S,
     * per-row token counts) come from the Java mask, the sums from the tensor, so the result is
     * differentiable in {@code losses}. With no valid token the result is 0.
     *
     * @param losses {@code [N, W]}, already 0 at masked positions
     */
    public static NDArray aggregate(NDArray losses, double[] maskValues, int width, Aggregation aggregation,
            int maxLength) {
        int rows = maskValues.length / width;
        if (rows * width != maskValues.length) {
            throw new IllegalArgumentException("mask of " + maskValues.length + " values is not a multiple of width "
                    + width);
        }
        if (aggregation.needsMaxLength() && maxLength <= 0) {
            throw new IllegalArgumentException(aggregation.cliName() + " needs a positive L_max (maxLength), got "
                    + maxLength);
        }
        Aggregation.Totals totals = Aggregation.Totals.of(maskValues, width);
        if (totals.tokens() == 0) {
            return losses.sum().mul(0f);
        }
        return switch (aggregation) {
            case TOKEN_MEAN -> losses.sum().div((float) totals.tokens());
            case SEQ_MEAN_TOKEN_MEAN -> {
                float[] inverse = new float[rows];
                for (int b = 0; b < rows; b++) {
                    int n = 0;
                    for (int t = 0; t < width; t++) {
                        n += maskValues[b * width + t] != 0 ? 1 : 0;
                    }
                    inverse[b] = n == 0 ? 0f : 1f / n;
                }
                NDArray perRow = losses.sum(new int[] {1}).mul(Tensors.create(losses.getManager(), inverse, rows));
                yield perRow.sum().div((float) totals.sequences());
            }
            case SEQ_MEAN_TOKEN_SUM -> losses.sum().div((float) totals.sequences());
            case SEQ_MEAN_TOKEN_SUM_NORM -> losses.sum().div((float) ((double) totals.sequences() * maxLength));
            case VERL_SEQ_MEAN_TOKEN_SUM_NORM -> losses.sum().div((float) width);
        };
    }

    /** The mean over valid tokens of a {@code [N, W]} tensor (0 with no valid token), as a Java number. */
    public static double maskedMean(NDArray values, NDArray mask, double[] maskValues) {
        double n = 0;
        for (double m : maskValues) {
            n += m;
        }
        return n == 0 ? 0 : values.mul(mask).sum().getFloat() / n;
    }
}
