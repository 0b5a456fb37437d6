package dev.trail.nn.fast;

import dev.trail.dist.DiagGaussian;
import dev.trail.nn.Parameters;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.policy.PolicySpec;
import java.util.Arrays;

/**
 * One PPO minibatch step for CleanRL's actor-critic (separate actor and critic MLPs, as
 * {@link dev.trail.policy.ActorCritic}) in plain Java: forward, the fused loss and its gradient,
 * backward, then global-norm clipping and Adam. It computes what {@code Ppo.minibatchStep} does
 * through DJL's autograd, tested equal to it (loss terms to 1e-6, every gradient tensor within
 * 1e-5 of its largest entry, weights after Adam within a thousandth of a step), with no native
 * call and no tensor. It is not bit-identical to the DJL path (other summation orders, and the
 * float tanh approximation of {@link JavaMlp}), so a run switched between the two diverges in
 * the last bits; a run on this path alone is bit-reproducible.
 *
 * <p>The loss ({@code ALGORITHMS.md} §2.1, CleanRL {@code ppo.py}), over the {@code B} rows of a
 * minibatch, with {@code ρ = exp(log π(a|s) - log π_old(a|s))}:
 * <pre>
 *   L_pg  = mean( max(-A ρ, -A clip(ρ, 1 - ε_low, 1 + ε_high)) )
 *   L_v   = ½ mean( (V - R)² )                                            (plain)
 *         = ½ mean( max((V - R)², (V_old + clip(V - V_old, -ε_v, ε_v) - R)²) )   (clipped)
 *   H     = mean( entropy of π(·|s) )
 *   loss  = L_pg - c_ent H + c_v L_v
 * </pre>
 * Heads: categorical over the actor's logits (discrete actions), or a diagonal Gaussian with mean
 * the actor's output and the state-independent log standard deviation {@code actor.logstd}
 * (continuous actions). Gradients follow PyTorch's conventions where the loss is not smooth:
 * {@code clip} passes the gradient on its closed interval, and {@code max} of two equal values
 * splits it in half between them.
 *
 * <p>Weights are the live arrays of the {@link Parameters} of an {@code ActorCritic} (names
 * {@code critic.*}, {@code actor.*}, {@code actor.logstd}); gradients come out in that order,
 * the layout of {@link Parameters#zerosLike()}, {@link Adam} and {@link GradientClipping}. The
 * per-row loss arithmetic is double, the network arithmetic float; sums run in a fixed order, so
 * the same inputs give bit-identical results.
 *
 * <p>{@code Ppo} trains with it under {@code backend=java}, and under the default {@code backend=auto}
 * for networks up to {@code PpoConfig.JAVA_BACKEND_MAX_PARAMETERS} weights. Advantage whitening, minibatch gathering, the NaN guards and the target-KL early stop stay
 * the trainer's.
 *
 * <p>Not thread-safe: buffers are reused between calls.
 */
public final class JavaActorCritic {

    /** Name of the continuous policy's log standard deviation ({@code ActorCritic.LOG_STD}). */
    public static final String LOG_STD = "actor.logstd";

    /**
     * The loss settings of one PPO step.
     *
     * @param clipLow ε_low: ratios are clipped below at {@code 1 - ε_low}; in [0, 1)
     * @param clipHigh ε_high: ratios are clipped above at {@code 1 + ε_high}; ≥ 0 (PPO: = ε_low)
     * @param valueClip ε_v of the clipped value loss, or {@link Double#POSITIVE_INFINITY} for the
     *     plain squared error (CleanRL's {@code clip_vloss} uses ε_v = ε)
     * @param entropyCoef c_ent (CleanRL {@code ent_coef}, 0.01 on CartPole)
     * @param valueCoef c_v (CleanRL {@code vf_coef}, 0.5)
     */
    public record LossSettings(double clipLow, double clipHigh, double valueClip, double entropyCoef,
            double valueCoef) {

        public LossSettings {
            if (!(clipLow >= 0 && clipLow < 1)) {
                throw new IllegalArgumentException("clipLow must be in [0, 1), got " + clipLow);
            }
            if (!(clipHigh >= 0) || Double.isInfinite(clipHigh)) {
                throw new IllegalArgumentException("clipHigh must be finite and >= 0, got " + clipHigh);
            }
            if (!(valueClip >= 0)) {
                throw new IllegalArgumentException("valueClip must be >= 0 (or +infinity for no clipping), got "
                        + valueClip);
            }
            if (!Double.isFinite(entropyCoef) || !Double.isFinite(valueCoef)) {
                throw new IllegalArgumentException("coefficients must be finite, got entropyCoef " + entropyCoef
                        + " and valueCoef " + valueCoef);
            }
        }

        /** CleanRL's PPO: ε_low = ε_high = {@code clip}, value clipping with ε_v = {@code clip} if {@code clipValue}. */
        public static LossSettings ppo(double clip, boolean clipValue, double entropyCoef, double valueCoef) {
            return new LossSettings(clip, clip, clipValue ? clip : Double.POSITIVE_INFINITY, entropyCoef, valueCoef);
        }

        /** Whether the value loss is clipped. */
        public boolean clipsValue() {
            return valueClip != Double.POSITIVE_INFINITY;
        }
    }

    /**
     * A minibatch of {@code size} transitions, row-major, as the trainer gathered it.
     *
     * @param observations {@code [size, observationSize]}
     * @param discreteActions {@code [size]} categories, or null for a continuous policy
     * @param continuousActions {@code [size, actionSize]}, or null for a discrete policy
     * @param oldLogProbs {@code log π_old(a|s)} at collection time, {@code [size]}
     * @param advantages {@code [size]}, already whitened if the algorithm whitens
     * @param returns value targets, {@code [size]}
     * @param oldValues {@code V_old(s)} at collection time, {@code [size]}; read only by the clipped value loss (may be null otherwise)
     */
    public record Batch(int size, float[] observations, int[] discreteActions, float[] continuousActions,
            float[] oldLogProbs, float[] advantages, float[] returns, float[] oldValues) {

        public Batch {
            if (size < 1) {
                throw new IllegalArgumentException("a minibatch needs at least one row, got " + size);
            }
            if ((discreteActions == null) == (continuousActions == null)) {
                throw new IllegalArgumentException("give exactly one of discreteActions and continuousActions");
            }
            check("oldLogProbs", oldLogProbs, size);
            check("advantages", advantages, size);
            check("returns", returns, size);
            if (oldValues != null) {
                check("oldValues", oldValues, size);
            }
            if (discreteActions != null) {
                if (discreteActions.length < size) {
                    throw new IllegalArgumentException(size + " rows need " + size + " discreteActions, got "
                            + discreteActions.length);
                }
            }
        }

        private static void check(String name, float[] a, int size) {
            if (a == null || a.length < size) {
                throw new IllegalArgumentException(size + " rows need " + size + " " + name + ", got "
                        + (a == null ? "null" : a.length));
            }
        }
    }

    /**
     * The named terms of one step (means over the minibatch, before any coefficient).
     *
     * @param policyLoss L_pg
     * @param valueLoss L_v, with its ½
     * @param entropy H
     * @param loss {@code L_pg - c_ent H + c_v L_v}, the minimised total
     * @param approxKl CleanRL {@code approx_kl}: mean of {@code (ρ - 1) - log ρ}
     * @param oldApproxKl CleanRL {@code old_approx_kl}: mean of {@code -log ρ}
     * @param clipFraction fraction of rows where the clipped term was chosen and differs (the spec's and
     *     {@link dev.trail.objective.Losses}' definition, verl's {@code pg_clipfrac})
     */
    public record Terms(double policyLoss, double valueLoss, double entropy, double loss, double approxKl,
            double oldApproxKl, double clipFraction) {
    }

    /**
     * The outcome of {@link #step}.
     *
     * @param terms the loss terms, before the update
     * @param gradNorm global gradient norm before clipping ({@code NaN}/∞ if the gradients were not finite)
     * @param updated whether Adam was applied (false when the gradient norm was not finite)
     */
    public record StepResult(Terms terms, double gradNorm, boolean updated) {
    }

    private final PolicySpec spec;
    private final Parameters parameters;
    private final JavaMlp actor;
    private final JavaMlp critic;
    private final int logStdIndex;
    private final float[][] gradients;
    private float[] dActor = new float[0];
    private float[] dValue = new float[0];
    private double[] rowScratch = new double[0];
    private double[] probScratch = new double[0];

    private JavaActorCritic(PolicySpec spec, Parameters parameters) {
        this.spec = spec;
        this.parameters = parameters;
        this.critic = JavaMlp.attach("critic", spec.criticSizes(), spec.activation(), parameters);
        this.actor = JavaMlp.attach("actor", spec.actorSizes(), spec.activation(), parameters);
        if (spec.discrete()) {
            this.logStdIndex = -1;
        } else {
            this.logStdIndex = parameters.indexOf(LOG_STD);
            int[] shape = parameters.get(logStdIndex).shape();
            if (shape.length != 1 || shape[0] != spec.actionSize()) {
                throw new IllegalArgumentException(LOG_STD + " has shape " + Arrays.toString(shape) + ", the policy needs ["
                        + spec.actionSize() + "]");
            }
        }
        this.gradients = parameters.zerosLike();
    }

    /**
     * The Java learner over the live weights of an actor-critic of shape {@code spec}
     * ({@code ActorCritic.parameters()}).
     *
     * @throws IllegalArgumentException if a tensor is missing or misshapen
     */
    public static JavaActorCritic attach(PolicySpec spec, Parameters parameters) {
        return new JavaActorCritic(spec, parameters);
    }

    /** The network shape. */
    public PolicySpec spec() {
        return spec;
    }

    /** The weights it reads (live). */
    public Parameters parameters() {
        return parameters;
    }

    /**
     * The gradients of the last {@link #lossAndGradients} call, in {@link Parameters} order
     * (live buffers, overwritten by the next call; {@link #step} clips them in place).
     */
    public float[][] gradients() {
        return gradients;
    }

    /**
     * One full minibatch step: {@link #lossAndGradients}, then
     * {@link GradientClipping#clipGlobalNorm} with {@code maxGradNorm}, then {@link Adam#step}
     * with {@code learningRate} on the same parameters. When the gradient norm is not finite,
     * nothing is updated ({@link StepResult#updated()} is false) so the caller can report the
     * divergence with the weights intact.
     */
    public StepResult step(Batch batch, LossSettings settings, double maxGradNorm, Adam adam, double learningRate) {
        Terms terms = lossAndGradients(batch, settings);
        double norm = GradientClipping.clipGlobalNorm(gradients, maxGradNorm);
        if (!Double.isFinite(norm)) {
            return new StepResult(terms, norm, false);
        }
        adam.step(parameters, gradients, learningRate);
        return new StepResult(terms, norm, true);
    }

    /**
     * The PPO loss of {@code batch} and its gradient with respect to every parameter, written into
     * {@link #gradients()}. Reads the current weights; changes nothing else.
     */
    public Terms lossAndGradients(Batch batch, LossSettings settings) {
        int n = batch.size();
        int obsDim = spec.observationSize();
        int a = spec.actionSize();
        if (batch.observations().length < n * obsDim) {
            throw new IllegalArgumentException(n + " rows need " + n * obsDim + " observations, got "
                    + batch.observations().length);
        }
        if (spec.discrete() != (batch.discreteActions() != null)) {
            throw new IllegalArgumentException("a " + (spec.discrete() ? "discrete" : "continuous")
                    + " policy needs " + (spec.discrete() ? "discreteActions" : "continuousActions"));
        }
        if (!spec.discrete() && batch.continuousActions().length < n * a) {
            throw new IllegalArgumentException(n + " rows need " + n * a + " continuousActions, got "
                    + batch.continuousActions().length);
        }
        if (settings.clipsValue() && batch.oldValues() == null) {
            throw new IllegalArgumentException("the clipped value loss needs oldValues");
        }
        if (dActor.length < n * a) {
            dActor = new float[n * a];
        }
        if (dValue.length < n) {
            dValue = new float[n];
        }
        if (rowScratch.length < a) {
            rowScratch = new double[a];
            probScratch = new double[a];
        }
        float[] values = critic.forward(batch.observations(), n);
        float[] out = actor.forward(batch.observations(), n);

        double lo = 1 - settings.clipLow();
        double hi = 1 + settings.clipHigh();
        double invN = 1.0 / n;
        double entropyGrad = -settings.entropyCoef() * invN; // ∂loss/∂H_r
        double pgSum = 0;
        double entropySum = 0;
        double klSum = 0;
        double oldKlSum = 0;
        int clipped = 0;
        float[] logStd = spec.discrete() ? null : parameters.get(logStdIndex).data();
        float[] logStdGrad = spec.discrete() ? null : gradients[logStdIndex];
        if (logStdGrad != null) {
            Arrays.fill(logStdGrad, 0f);
        }
        double[] logp = rowScratch;
        double[] probs = probScratch;
        for (int r = 0; r < n; r++) {
            int o = r * a;
            double lp;
            double h;
            if (spec.discrete()) {
                int action = batch.discreteActions()[r];
                if (action < 0 || action >= a) {
                    throw new IllegalArgumentException("discreteActions[" + r + "] = " + action + " is outside 0.."
                            + (a - 1));
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < a; k++) {
                    max = Math.max(max, out[o + k]);
                }
                double sum = 0;
                for (int k = 0; k < a; k++) {
                    probs[k] = Math.exp(out[o + k] - max);
                    sum += probs[k];
                }
                double logSum = Math.log(sum);
                h = 0;
                for (int k = 0; k < a; k++) {
                    logp[k] = out[o + k] - max - logSum;
                    probs[k] /= sum;
                    h -= probs[k] * logp[k];
                }
                lp = logp[action];
            } else {
                lp = 0;
                for (int k = 0; k < a; k++) {
                    double z = (batch.continuousActions()[o + k] - out[o + k]) * Math.exp(-logStd[k]);
                    logp[k] = z; // keep z for the gradient below
                    lp += -0.5 * z * z - logStd[k] - DiagGaussian.HALF_LOG_TWO_PI;
                }
                h = DiagGaussian.entropy(logStd, a);
            }
            double logRatio = lp - batch.oldLogProbs()[r];
            double ratio = Math.exp(logRatio);
            double adv = batch.advantages()[r];
            double clippedRatio = Math.max(lo, Math.min(hi, ratio));
            double unclippedTerm = adv * ratio;
            double clippedTerm = adv * clippedRatio;
            pgSum -= Math.min(unclippedTerm, clippedTerm);
            // d(-min(Aρ, A clip ρ))/d lp = -Aρ on the unclipped branch or inside the clip interval, else 0
            boolean inside = ratio >= lo && ratio <= hi;
            double gLogProb = inside || unclippedTerm < clippedTerm ? -unclippedTerm * invN : 0;
            entropySum += h;
            klSum += Math.expm1(logRatio) - logRatio;
            oldKlSum -= logRatio;
            if (clippedTerm < unclippedTerm) {
                clipped++;
            }
            if (spec.discrete()) {
                int action = batch.discreteActions()[r];
                for (int k = 0; k < a; k++) {
                    double p = probs[k];
                    // ∂lp/∂z_k = [k = a] - p_k;  ∂H/∂z_k = -p_k (log p_k + H)
                    double g = gLogProb * ((k == action ? 1 : 0) - p) + entropyGrad * (-p * (logp[k] + h));
                    dActor[o + k] = (float) g;
                }
            } else {
                for (int k = 0; k < a; k++) {
                    double z = logp[k];
                    // ∂lp/∂μ_k = z_k / σ_k;  ∂lp/∂log σ_k = z_k² - 1;  ∂H_r/∂log σ_k = 1
                    dActor[o + k] = (float) (gLogProb * z * Math.exp(-logStd[k]));
                    logStdGrad[k] += (float) (gLogProb * (z * z - 1) + entropyGrad);
                }
            }
        }

        double valueSum = 0;
        double valueGrad = settings.valueCoef() * 0.5 * invN; // ∂loss/∂e_r
        double eps = settings.valueClip();
        for (int r = 0; r < n; r++) {
            double v = values[r];
            double ret = batch.returns()[r];
            double e1 = (v - ret) * (v - ret);
            double de = 2 * (v - ret);
            if (settings.clipsValue()) {
                double old = batch.oldValues()[r];
                double delta = v - old;
                double clippedV = old + Math.max(-eps, Math.min(eps, delta));
                double e2 = (clippedV - ret) * (clippedV - ret);
                double de2 = delta >= -eps && delta <= eps ? 2 * (clippedV - ret) : 0;
                if (e2 > e1) {
                    e1 = e2;
                    de = de2;
                } else if (e2 == e1) {
                    de = 0.5 * (de + de2);
                }
            }
            valueSum += e1;
            dValue[r] = (float) (valueGrad * de);
        }
        critic.backward(dValue, gradients);
        actor.backward(dActor, gradients);

        double policyLoss = pgSum * invN;
        double valueLoss = 0.5 * valueSum * invN;
        double entropy = entropySum * invN;
        double loss = policyLoss - settings.entropyCoef() * entropy + settings.valueCoef() * valueLoss;
        return new Terms(policyLoss, valueLoss, entropy, loss, klSum * invN, oldKlSum * invN, (double) clipped / n);
    }
}
