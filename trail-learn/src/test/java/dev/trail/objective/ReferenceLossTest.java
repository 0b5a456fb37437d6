package dev.trail.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trail.dist.Categorical;
import dev.trail.loss.Aggregation;
import dev.trail.loss.Entropy;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.loss.ValueLoss;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tensor loss module against the reference math on double arrays in {@code dev.trail.loss} (every step valid). */
class ReferenceLossTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void tensorLossesMatchReferenceMath(long seed) {
        Rng rng = new Rng(seed);
        int n = 64;
        double[] lp = new double[n];
        double[] old = new double[n];
        double[] adv = new double[n];
        double[] v = new double[n];
        double[] vOld = new double[n];
        double[] ret = new double[n];
        for (int i = 0; i < n; i++) {
            old[i] = -Math.abs(rng.nextGaussian());
            lp[i] = old[i] + 0.3 * rng.nextGaussian();
            adv[i] = rng.nextGaussian();
            vOld[i] = rng.nextGaussian();
            v[i] = vOld[i] + 0.5 * rng.nextGaussian();
            ret[i] = rng.nextGaussian();
        }
        double[] mask = new double[n];
        Arrays.fill(mask, 1);
        PolicyLoss.Result pRef = PolicyLoss.compute(lp, old, adv, mask, n, PolicyLoss.Clip.ppo(0.2), Aggregation.TOKEN_MEAN);
        ValueLoss.Result vRef = ValueLoss.compute(v, vOld, ret, mask, n, 0.2, Aggregation.TOKEN_MEAN);
        try (NDManager m = Torch.newManager()) {
            Losses.PolicyTerms terms = Losses.policyLoss(f(m, lp), floats(old), floats(adv), Losses.Reduction.mean(n),
                    PolicyLoss.Clip.ppo(0.2));
            assertEquals(pRef.loss(), terms.loss().getFloat(), 1e-5);
            assertEquals(pRef.clipFraction(), terms.clipFraction(), 1e-9);
            assertEquals(pRef.approxKl(), terms.oldApproxKl(), 1e-5);
            NDArray e = Losses.valueLoss(f(m, v), f(m, vOld), f(m, ret), true, 0.2);
            assertEquals(vRef.loss(), e.getFloat(), 1e-5);
            double k3 = 0;
            for (int i = 0; i < n; i++) {
                k3 += KlEstimators.k3(old[i], lp[i]) / n;
            }
            assertEquals(k3, terms.approxKl(), 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void categoricalEntropyMatchesReference(long seed) {
        Rng rng = new Rng(seed);
        float[] logits = new float[5];
        double[] d = new double[5];
        for (int i = 0; i < 5; i++) {
            logits[i] = (float) (2 * rng.nextGaussian());
            d[i] = logits[i];
        }
        assertEquals(Entropy.ofLogits(d), Categorical.entropy(logits, 0, 5), 1e-9);
        try (NDManager m = Torch.newManager()) {
            assertEquals(Entropy.ofLogits(d), Categorical.entropy(m.create(logits, new Shape(1, 5))).getFloat(0), 1e-5);
        }
    }

    private static float[] floats(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    private static NDArray f(NDManager m, double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return m.create(out);
    }
}
