package dev.trail.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.nn.Tensors;

/**
 * The one tensor loss module of Trail: the differentiable forms of {@link PolicyLoss},
 * {@link dev.trail.loss.ValueLoss}, {@link KlEstimators} and {@link Aggregation} on DJL arrays,
 * used by PPO and the GRPO family alike. Each function returns named terms; the algorithm applies
 * the coefficients. The reference functions on double arrays in {@code dev.trail.loss} are the
 * specification: the tests compare these against them on random inputs for every clip setting,
 * estimator and aggregation mode.
 *
 * <p>Per valid step, with advantage {@code A} and {@code ρ = exp(clamp(lp − lp_old, ±20))}: policy
 * loss {@code l = max(−A·ρ, −A·clip(ρ, 1 − ε_low, 1 + ε_high))}, with the dual clip
 * {@code min(l, −A·c)} where {@code A < 0}; value loss {@code ½·(V − Ret)²} or CleanRL's clipped
 * {@code ½·max((V − Ret)², (V_old + clip(V − V_old, ±ε) − Ret)²)}; reduced by a {@link Reduction}.
 *
 * <p>Diagnostics that need no gradient are computed in Java from one copy of the log-ratios
 * (cheaper than more native calls): the clip fraction and lower clip fraction as the spec defines
 * them (verl's {@code pg_clipfrac}: the clipped term chosen and different), {@code approxKl} =
 * mean of {@code (ρ − 1) − log ρ} (CleanRL's {@code approx_kl}, Schulman's k3) and
 * {@code oldApproxKl} = mean of {@code −log ρ} (CleanRL's {@code old_approx_kl}, verl's
 * {@code ppo_kl}, k1), all over valid steps.
 */
public final class Losses {

    private Losses() {
    }

    /**
     * How per-step losses become one scalar: an {@link Aggregation} mode over a 0/1 mask of
     * {@code [rows, width]} (normalisers from the Java mask, sums on the tensor, so the result stays
     * differentiable), or the plain mean over all steps.
     *
     * @param mode the aggregation mode
     * @param mask 0/1 values {@code [rows * width]}, or null when every step is valid
     * @param width steps per row
     * @param maxLength L_max for {@link Aggregation#SEQ_MEAN_TOKEN_SUM_NORM} (0 otherwise)
     */
    public record Reduction(Aggregation mode, double[] mask, int width, int maxLength) {

        public Reduction {
            if (mask != null && (width < 1 || mask.length % width != 0)) {
                throw new IllegalArgumentException("mask of " + mask.length + " values is not a multiple of width "
                        + width);
            }
            if (mode.needsMaxLength() && maxLength <= 0) {
                throw new IllegalArgumentException(mode.cliName() + " needs a positive L_max (maxLength), got "
                        + maxLength);
            }
        }

        /** The mean over {@code n} steps, all valid (PPO's minibatch mean). */
        public static Reduction mean(int n) {
            return new Reduction(Aggregation.TOKEN_MEAN, null, n, 0);
        }

        /** {@code mode} over the valid steps of {@code mask} ({@code [rows, width]}). */
        public static Reduction masked(Aggregation mode, double[] mask, int width, int maxLength) {
            return new Reduction(mode, mask, width, maxLength);
        }

        /** The same mask with another mode. */
        public Reduction withMode(Aggregation other) {
            return new Reduction(other, mask, width, other.needsMaxLength() ? maxLength : 0);
        }

        /** Whether step {@code i} is valid. */
        boolean valid(int i) {
            return mask == null || mask[i] != 0;
        }

        /** The mask as a tensor of the losses' shape, or null when every step is valid. */
        NDArray maskTensor(NDArray like) {
            if (mask == null) {
                return null;
            }
            float[] f = new float[mask.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) mask[i];
            }
            return Tensors.create(like.getManager(), f, like.getShape().getShape());
        }

        /**
         * The scalar of {@code losses} (already 0 at masked steps). With no valid step the result is 0
         * (and still part of the graph).
         */
        public NDArray reduce(NDArray losses) {
            if (mask == null) {
                return losses.mean();
            }
            int rows = mask.length / width;
            Aggregation.Totals totals = Aggregation.Totals.of(mask, width);
            if (totals.tokens() == 0) {
                return Tensors.mul(losses.sum(), 0f);
            }
            return switch (mode) {
                case TOKEN_MEAN -> Tensors.div(losses.sum(), (float) totals.tokens());
                case SEQ_MEAN_TOKEN_MEAN -> {
                    float[] inverse = new float[rows];
                    for (int b = 0; b < rows; b++) {
                        int n = 0;
                        for (int t = 0; t < width; t++) {
                            n += mask[b * width + t] != 0 ? 1 : 0;
                        }
                        inverse[b] = n == 0 ? 0f : 1f / n;
                    }
                    NDArray perRow = losses.sum(new int[] {1}).mul(Tensors.create(losses.getManager(), inverse, rows));
                    yield Tensors.div(perRow.sum(), (float) totals.sequences());
                }
                case SEQ_MEAN_TOKEN_SUM -> Tensors.div(losses.sum(), (float) totals.sequences());
                case SEQ_MEAN_TOKEN_SUM_NORM -> Tensors.div(losses.sum(), (float) ((double) totals.sequences() * maxLength));
                case VERL_SEQ_MEAN_TOKEN_SUM_NORM -> Tensors.div(losses.sum(), (float) width);
            };
        }

        /** {@link #reduce} of {@code perStep} after zeroing the masked steps. */
        public NDArray masked(NDArray perStep) {
            NDArray m = maskTensor(perStep);
            return reduce(m == null ? perStep : perStep.mul(m));
        }
    }

    /**
     * The clipped surrogate and its diagnostics.
     *
     * @param loss the reduced policy loss (differentiable)
     * @param tokenLosses per-step losses, 0 at masked steps
     * @param clipFraction valid steps where the clipped term was chosen and differs (verl {@code pg_clipfrac})
     * @param lowerClipFraction valid steps with {@code A < 0} where the dual clip changed the value (0 when off)
     * @param approxKl mean of {@code (ρ − 1) − log ρ} over valid steps (k3; CleanRL {@code approx_kl})
     * @param oldApproxKl mean of {@code −log ρ} over valid steps (k1; CleanRL {@code old_approx_kl}, verl {@code ppo_kl})
     */
    public record PolicyTerms(NDArray loss, NDArray tokenLosses, double clipFraction, double lowerClipFraction,
            double approxKl, double oldApproxKl) {
    }

    /**
     * {@link PolicyLoss#compute} on tensors.
     *
     * @param logProbs lp (with gradient), any shape
     * @param oldLogProbs lp_old, the same number of values in the same order
     * @param advantages A, likewise
     * @param reduction how the per-step losses become the loss (and which steps are valid)
     */
    public static PolicyTerms policyLoss(NDArray logProbs, float[] oldLogProbs, float[] advantages,
            Reduction reduction, PolicyLoss.Clip clip) {
        NDManager m = logProbs.getManager();
        long[] shape = logProbs.getShape().getShape();
        NDArray adv = Tensors.create(m, advantages, shape);
        float clamp = (float) PolicyLoss.LOG_RATIO_CLAMP;
        NDArray logRatio = logProbs.sub(Tensors.create(m, oldLogProbs, shape)).clip(-clamp, clamp);
        NDArray ratio = logRatio.exp();
        NDArray negAdv = adv.neg();
        NDArray l1 = negAdv.mul(ratio);
        NDArray l2 = negAdv.mul(ratio.clip((float) (1 - clip.epsilonLow()), (float) (1 + clip.epsilonHigh())));
        NDArray l = l1.maximum(l2);
        if (clip.dualClip()) {
            NDArray negative = adv.lt(0).toType(DataType.FLOAT32, false);
            NDArray cap = Tensors.mul(negAdv, (float) clip.dualClipC());
            l = negative.mul(l.minimum(cap)).add(negative.neg().add(1f).mul(l));
        }
        NDArray maskTensor = reduction.maskTensor(l);
        NDArray tokenLosses = maskTensor == null ? l : l.mul(maskTensor);
        NDArray loss = reduction.reduce(tokenLosses);

        float[] lr = logRatio.toFloatArray();
        double valid = 0, clipped = 0, lower = 0, k3 = 0, k1 = 0;
        for (int i = 0; i < lr.length; i++) {
            if (!reduction.valid(i)) {
                continue;
            }
            valid++;
            double a = advantages[i];
            double rho = Math.exp(lr[i]);
            double t1 = -a * rho;
            double t2 = -a * Math.max(1 - clip.epsilonLow(), Math.min(1 + clip.epsilonHigh(), rho));
            if (t2 > t1) {
                clipped++;
            }
            if (clip.dualClip() && a < 0 && Math.max(t1, t2) > -a * clip.dualClipC()) {
                lower++;
            }
            k3 += Math.expm1(lr[i]) - lr[i];
            k1 -= lr[i];
        }
        if (valid == 0) {
            return new PolicyTerms(loss, tokenLosses, 0, 0, 0, 0);
        }
        return new PolicyTerms(loss, tokenLosses, clipped / valid, lower / valid, k3 / valid, k1 / valid);
    }

    /**
     * The value loss, {@code ½·mean((V − Ret)²)}, or with {@code clipped} CleanRL's
     * {@code ½·mean(max((V − Ret)², (V_old + clip(V − V_old, ±ε) − Ret)²))} (ALGORITHMS.md §2.1). All
     * inputs have one shape; every step is valid.
     */
    public static NDArray valueLoss(NDArray values, NDArray oldValues, NDArray returns, boolean clipped,
            double epsilon) {
        NDArray unclipped = values.sub(returns).square();
        NDArray squared = unclipped;
        if (clipped) {
            NDArray clippedValues = oldValues.add(values.sub(oldValues).clip((float) -epsilon, (float) epsilon));
            squared = unclipped.maximum(clippedValues.sub(returns).square());
        }
        return Tensors.mul(squared.mean(), 0.5f);
    }

    /**
     * {@link KlEstimators#perToken} on tensors, reduced: k1 {@code lp − lp_ref}, k2
     * {@code ½(lp_ref − lp)²}, k3 {@code clamp(exp(δ) − 1 − δ, ±10)} with {@code δ = clamp(lp_ref − lp, ±20)},
     * abs {@code |lp − lp_ref|}.
     */
    public static NDArray kl(KlEstimators.Kind kind, NDArray logProbs, NDArray refLogProbs, Reduction reduction) {
        NDArray k = switch (kind) {
            case K1 -> logProbs.sub(refLogProbs);
            case K2 -> Tensors.mul(refLogProbs.sub(logProbs).square(), 0.5f);
            case K3 -> {
                NDArray delta = refLogProbs.sub(logProbs).clip(-KlEstimators.DELTA_CLAMP, KlEstimators.DELTA_CLAMP);
                yield delta.exp().sub(1f).sub(delta).clip(-KlEstimators.K3_CLAMP, KlEstimators.K3_CLAMP);
            }
            case ABS -> logProbs.sub(refLogProbs).abs();
        };
        return reduction.masked(k);
    }

    /**
     * The behaviour-cloning loss, the negative log-likelihood of demonstrated actions under the
     * policy, {@code −mean(log π(a_demo | s_demo))} over every element of {@code logProbs} (the
     * policy's log-probabilities of the demonstrations' actions). BC pre-training minimises it
     * alone; PPO with a concurrent BC term adds {@code bc_coef} times it to the PPO loss
     * ("Using Offline Data to Speed-up RL in Procedurally Generated Environments", Andres et al. 2023).
     */
    public static NDArray behaviourCloningLoss(NDArray logProbs) {
        return logProbs.mean().neg();
    }

    /**
     * DQN's TD regression on tensors ({@link dev.trail.loss.TdLoss}, its reference): the mean of
     * {@code (q − y)²} (MSE) or of the Huber loss with δ = 1 over the batch; {@code q} and
     * {@code targets} are {@code [B]}, the targets carry no gradient.
     */
    public static NDArray tdLoss(NDArray q, NDArray targets, dev.trail.loss.TdLoss.Kind kind) {
        NDArray d = q.sub(targets);
        if (kind == dev.trail.loss.TdLoss.Kind.MSE) {
            return d.square().mean();
        }
        NDArray abs = d.abs();
        NDArray quadratic = Tensors.minimum(abs, 1f);
        return Tensors.mul(quadratic.square(), 0.5f).add(abs.sub(quadratic)).mean();
    }
}
