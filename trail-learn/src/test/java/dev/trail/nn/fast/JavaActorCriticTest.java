package dev.trail.nn.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.loss.PolicyLoss;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The Java PPO step against DJL's autograd running {@code Ppo.minibatchStep}'s computation
 * ({@code ActorCritic.evaluate}, {@code Losses}, one {@code GradientCollector}), on
 * random networks and batches whose ratios fall on both sides of the clip range.
 */
class JavaActorCriticTest {

    /** The worst gradient errors seen so far (printed after each case, for the benchmark notes). */
    static double worstGradientError;
    static double worstElementwiseError;

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, obs, discrete, actions, hidden, activation, batch, settings
                Arguments.of("CartPole sizes, clipped value loss", 4, true, 2, new int[] {64, 64}, Activation.TANH, 128,
                        JavaActorCritic.LossSettings.ppo(0.2, true, 0.01, 0.5)),
                Arguments.of("3 actions, relu, clip-higher, plain value loss", 6, true, 3, new int[] {32, 16},
                        Activation.RELU, 50, new JavaActorCritic.LossSettings(0.2, 0.28, Double.POSITIVE_INFINITY, 0.05,
                                0.7)),
                Arguments.of("Gaussian, tanh 64x64, clipped value loss", 3, false, 2, new int[] {64, 64},
                        Activation.TANH, 128, JavaActorCritic.LossSettings.ppo(0.2, true, 0.01, 0.5)),
                Arguments.of("Gaussian, relu, one hidden layer, plain", 5, false, 3, new int[] {24}, Activation.RELU, 37,
                        new JavaActorCritic.LossSettings(0.1, 0.3, Double.POSITIVE_INFINITY, 0.0, 1.0)),
                Arguments.of("no hidden layer", 4, true, 2, new int[0], Activation.TANH, 16,
                        JavaActorCritic.LossSettings.ppo(0.2, false, 0.01, 0.5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossGradientsAndAdamStepsMatchDjl(String name, int obsDim, boolean discrete, int actions, int[] hidden,
            Activation activation, int batchSize, JavaActorCritic.LossSettings settings) {
        PolicySpec spec = new PolicySpec(obsDim, discrete, actions, hidden, activation,
                discrete ? null : Box.low(actions), discrete ? null : Box.high(actions));
        ActorCritic djl = ActorCritic.create(spec, new Rng(11));
        perturb(djl.parameters(), 12);
        ActorCritic java = ActorCritic.attach(spec, djl.parameters().copy());
        JavaActorCritic fast = JavaActorCritic.attach(spec, java.parameters());
        Adam djlAdam = new Adam(djl.parameters(), 1e-5);
        Adam javaAdam = new Adam(java.parameters(), 1e-5);
        double lr = 2.5e-4;
        double maxGradNorm = 0.5;
        Rng rng = new Rng(13);
        for (int step = 0; step < 3; step++) {
            JavaActorCritic.Batch batch = randomBatch(djl, batchSize, rng);
            Reference ref = djlStep(djl, batch, settings);
            JavaActorCritic.Terms terms = fast.lossAndGradients(batch, settings);
            String at = name + ", step " + step + ": ";
            assertClose(ref.policyLoss, terms.policyLoss(), 1e-6, at + "policy loss");
            assertClose(ref.valueLoss, terms.valueLoss(), 1e-6, at + "value loss");
            assertClose(ref.entropy, terms.entropy(), 1e-6, at + "entropy");
            assertClose(ref.loss, terms.loss(), 1e-6, at + "loss");
            assertClose(ref.terms.approxKl(), terms.approxKl(), 1e-4, at + "approx KL");
            assertClose(ref.terms.oldApproxKl(), terms.oldApproxKl(), 1e-4, at + "old approx KL");
            assertEquals(ref.terms.clipFraction(), terms.clipFraction(), 1e-12, at + "clip fraction");
            assertTrue(terms.clipFraction() > 0 && terms.clipFraction() < 1, at + "the batch exercises both clip branches: "
                    + terms.clipFraction());
            float[][] javaGrads = fast.gradients();
            for (int t = 0; t < javaGrads.length; t++) {
                String tensor = at + "gradient of " + djl.parameters().get(t).name();
                double err = gradientError(javaGrads[t], ref.gradients[t]);
                worstGradientError = Math.max(worstGradientError, err);
                assertTrue(err < 1e-5, tensor + " differs by " + err + " of its largest entry");
                double elementwise = elementwiseError(javaGrads[t], ref.gradients[t]);
                worstElementwiseError = Math.max(worstElementwiseError, elementwise);
                assertTrue(elementwise < 1e-3, tensor + " has an entry off by " + elementwise + " relative");
            }
            // clip + Adam on both sides: the weights must still agree
            GradientClipping.clipGlobalNorm(ref.gradients, maxGradNorm);
            djlAdam.step(djl.parameters(), ref.gradients, lr);
            JavaActorCritic.StepResult stepped = fast.step(batch, settings, maxGradNorm, javaAdam, lr);
            assertTrue(stepped.updated());
            assertEquals(terms, stepped.terms(), "step computes what lossAndGradients computes");
            for (int t = 0; t < javaGrads.length; t++) {
                float[] a = java.parameters().get(t).data();
                float[] b = djl.parameters().get(t).data();
                for (int i = 0; i < a.length; i++) {
                    // within a thousandth of a step (lr) plus two ulp of the weight: float rounding of θ - Δθ
                    assertEquals(b[i], a[i], 1e-3 * lr + 2 * Math.ulp(b[i]), at + "weight "
                            + djl.parameters().get(t).name() + "[" + i + "] after Adam");
                }
            }
        }
        System.out.printf("JavaActorCriticTest: worst gradient error so far %.3g of the tensor's largest entry, "
                + "%.3g elementwise (1%% floor)%n", worstGradientError, worstElementwiseError);
    }

    @Test
    void sameInputsGiveBitIdenticalResults() {
        PolicySpec spec = new PolicySpec(4, true, 2, new int[] {64, 64}, Activation.TANH, null, null);
        ActorCritic ac = ActorCritic.create(spec, new Rng(21));
        perturb(ac.parameters(), 22);
        JavaActorCritic.Batch batch = randomBatch(ac, 128, new Rng(23));
        JavaActorCritic.LossSettings settings = JavaActorCritic.LossSettings.ppo(0.2, true, 0.01, 0.5);
        float[][] firstGrads = null;
        JavaActorCritic.Terms first = null;
        Parameters firstAfter = null;
        for (int run = 0; run < 3; run++) {
            Parameters p = ac.parameters().copy();
            JavaActorCritic fast = JavaActorCritic.attach(spec, p);
            JavaActorCritic.Terms terms = fast.lossAndGradients(batch, settings);
            float[][] grads = deepCopy(fast.gradients());
            // a second call on the same instance (reused buffers) must not drift either
            assertEquals(terms, fast.lossAndGradients(batch, settings));
            Adam adam = new Adam(p, 1e-5);
            for (int k = 0; k < 4; k++) {
                fast.step(batch, settings, 0.5, adam, 2.5e-4);
            }
            if (run == 0) {
                first = terms;
                firstGrads = grads;
                firstAfter = p;
            } else {
                assertEquals(first, terms, "terms, run " + run);
                for (int t = 0; t < grads.length; t++) {
                    assertArrayEquals(firstGrads[t], grads[t], "gradient " + t + ", run " + run);
                    assertArrayEquals(firstAfter.get(t).data(), p.get(t).data(), "weights after 4 steps, run " + run);
                }
            }
        }
        assertFalse(java.util.Arrays.equals(firstAfter.get(0).data(), ac.parameters().get(0).data()), "the steps moved the weights");
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheJavaLoss() {
        // independent of DJL: central differences in the Java loss itself (double-checked direction)
        PolicySpec spec = new PolicySpec(3, false, 2, new int[] {5}, Activation.TANH, Box.low(2), Box.high(2));
        ActorCritic ac = ActorCritic.create(spec, new Rng(31));
        perturb(ac.parameters(), 32);
        JavaActorCritic.Batch batch = randomBatch(ac, 6, new Rng(33));
        JavaActorCritic.LossSettings settings = new JavaActorCritic.LossSettings(0.2, 0.2, Double.POSITIVE_INFINITY, 0.1,
                0.5);
        JavaActorCritic fast = JavaActorCritic.attach(spec, ac.parameters());
        fast.lossAndGradients(batch, settings);
        float[][] grads = deepCopy(fast.gradients());
        Parameters p = ac.parameters();
        int checked = 0;
        for (int t = 0; t < p.count(); t++) {
            float[] w = p.get(t).data();
            for (int i = 0; i < w.length; i++) {
                float orig = w[i];
                float h = 1e-2f;
                w[i] = orig + h;
                double up = fast.lossAndGradients(batch, settings).loss();
                w[i] = orig - h;
                double down = fast.lossAndGradients(batch, settings).loss();
                w[i] = orig;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, grads[t][i], 2e-3 + 2e-2 * Math.abs(numeric), p.get(t).name() + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked > 50);
    }

    @Test
    void rejectsMismatchedBatches() {
        PolicySpec spec = new PolicySpec(4, true, 2, new int[] {8}, Activation.TANH, null, null);
        JavaActorCritic fast = JavaActorCritic.attach(spec, ActorCritic.create(spec, new Rng(1)).parameters());
        float[] four = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JavaActorCritic.Batch(4, new float[16], new int[4], null, four, four, new float[3], null));
        assertTrue(e.getMessage().contains("returns"), e.getMessage());
        JavaActorCritic.Batch bad = new JavaActorCritic.Batch(4, new float[16], new int[] {0, 1, 2, 0}, null, four, four,
                four, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> fast.lossAndGradients(bad, JavaActorCritic.LossSettings.ppo(0.2, false, 0, 0.5)));
        assertTrue(e.getMessage().contains("discreteActions[2] = 2"), e.getMessage());
        JavaActorCritic.Batch noOld = new JavaActorCritic.Batch(4, new float[16], new int[4], null, four, four, four, null);
        assertThrows(IllegalArgumentException.class,
                () -> fast.lossAndGradients(noOld, JavaActorCritic.LossSettings.ppo(0.2, true, 0, 0.5)));
        assertThrows(IllegalArgumentException.class, () -> new JavaActorCritic.LossSettings(1.0, 0.2, 0.2, 0, 0.5));
    }

    // ---- the DJL reference: Ppo.minibatchStep's computation --------------------------------------------------

    record Reference(double policyLoss, double valueLoss, double entropy, double loss, Losses.PolicyTerms terms,
            float[][] gradients) {
    }

    static Reference djlStep(ActorCritic policy, JavaActorCritic.Batch b, JavaActorCritic.LossSettings s) {
        int m = b.size();
        PolicySpec spec = policy.spec();
        try (NDManager root = Torch.newManager(); NDManager sub = root.newSubManager()) {
            Parameters.Bound params = policy.parameters().bind(sub);
            NDArray obsT = Tensors.create(sub, b.observations(), m, spec.observationSize());
            NDArray actT;
            if (spec.discrete()) {
                long[] a = new long[m];
                for (int i = 0; i < m; i++) {
                    a[i] = b.discreteActions()[i];
                }
                actT = Tensors.create(sub, a, m);
            } else {
                actT = Tensors.create(sub, b.continuousActions(), m, spec.actionSize());
            }
            NDArray returnsT = Tensors.create(sub, b.returns(), m);
            NDArray pgLoss;
            NDArray vLoss;
            NDArray entropyMean;
            NDArray loss;
            Losses.PolicyTerms surrogate;
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                ActorCritic.Evaluated ev = policy.evaluate(params, obsT, actT);
                surrogate = Losses.policyLoss(ev.logProbs(), b.oldLogProbs(), b.advantages(), Losses.Reduction.mean(m),
                        PolicyLoss.Clip.decoupled(s.clipLow(), s.clipHigh()));
                pgLoss = surrogate.loss();
                vLoss = Losses.valueLoss(ev.values(), s.clipsValue() ? Tensors.create(sub, b.oldValues(), m) : null,
                        returnsT, s.clipsValue(), s.valueClip());
                entropyMean = ev.entropy().mean();
                loss = pgLoss.sub(entropyMean.mul((float) s.entropyCoef())).add(vLoss.mul((float) s.valueCoef()));
                gc.backward(loss);
            }
            return new Reference(pgLoss.getFloat(), vLoss.getFloat(), entropyMean.getFloat(), loss.getFloat(),
                    surrogate, params.gradients());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /**
     * A batch drawn from the policy itself, with old log-probabilities and values shifted so that
     * ratios land inside and on both sides of the clip range and the value clip binds on some rows.
     */
    static JavaActorCritic.Batch randomBatch(ActorCritic policy, int n, Rng rng) {
        PolicySpec spec = policy.spec();
        float[] obs = new float[n * spec.observationSize()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) (1.5 * rng.nextGaussian());
        }
        ActorCritic.Acted acted = policy.act(obs, n, rng);
        float[] oldLogProbs = new float[n];
        float[] advantages = new float[n];
        float[] returns = new float[n];
        float[] oldValues = new float[n];
        for (int r = 0; r < n; r++) {
            oldLogProbs[r] = (float) (acted.logProbs()[r] + 0.25 * rng.nextGaussian());
            advantages[r] = (float) rng.nextGaussian();
            oldValues[r] = (float) (acted.values()[r] + 0.3 * rng.nextGaussian());
            returns[r] = (float) (acted.values()[r] + rng.nextGaussian());
        }
        return new JavaActorCritic.Batch(n, obs, acted.discreteActions(), acted.continuousActions(), oldLogProbs,
                advantages, returns, oldValues);
    }

    /** Random weights of order 0.3 on top of the init (the fresh heads are tiny, which would make the comparison too easy). */
    static void perturb(Parameters p, long seed) {
        Rng rng = new Rng(seed);
        for (Parameters.Tensor t : p.tensors()) {
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] += (float) (0.3 * rng.nextGaussian());
            }
        }
        p.markModified();
    }

    /**
     * The relative error of a gradient tensor, {@code max_i |a_i - b_i| / max_i |b_i|}: the error
     * measured against the tensor's scale. Both sides sum in float in different orders, so an entry
     * that is a near-cancelled sum of larger terms carries their rounding, not its own.
     */
    static double gradientError(float[] actual, float[] expected) {
        return elementwise(actual, expected, 1.0);
    }

    /** {@code max_i |a_i - b_i| / max(|b_i|, 1% of max_j |b_j|)}: elementwise relative error with an absolute floor. */
    static double elementwiseError(float[] actual, float[] expected) {
        return elementwise(actual, expected, 1e-2);
    }

    private static double elementwise(float[] actual, float[] expected, double floorFraction) {
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double floor = Math.max(floorFraction * scale, 1e-30);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
        }
        return worst;
    }

    /**
     * Relative closeness with a floor of 0.1: the loss terms are means of per-row values of order 1
     * (unit advantages, ratios near 1) that partly cancel, so their float rounding is relative to 1.
     */
    private static void assertClose(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, relative * Math.max(Math.abs(expected), 0.1), what);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /** Symmetric action bounds for continuous specs. */
    static final class Box {
        static float[] low(int n) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, -2f);
            return a;
        }

        static float[] high(int n) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, 2f);
            return a;
        }
    }
}
