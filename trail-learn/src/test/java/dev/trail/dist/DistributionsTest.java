package dev.trail.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

class DistributionsTest {

    @Test
    void categoricalEntropyOfSpecExample() {
        // ALGORITHMS.md §0.7: p = [0.7, 0.2, 0.1] -> H = 0.801819
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        assertEquals(0.801819, Categorical.entropy(logits, 0, 3), 1e-6);
        assertEquals(Math.log(0.2), Categorical.logProb(logits, 0, 3, 1), 1e-6);
        try (NDManager m = Torch.newManager()) {
            NDArray l = m.create(logits, new Shape(1, 3));
            assertEquals(0.801819, Categorical.entropy(l).getFloat(0), 1e-6);
            assertEquals(Math.log(0.2), Categorical.logProb(l, m.create(new long[] {1})).getFloat(0), 1e-6);
        }
    }

    @Test
    void categoricalTensorMatchesJavaPerRow() {
        float[] logits = {1f, -2f, 0.5f, 3f, 3f, -1f};
        try (NDManager m = Torch.newManager()) {
            NDArray l = m.create(logits, new Shape(2, 3));
            float[] lp = Categorical.logProb(l, m.create(new int[] {2, 0})).toFloatArray();
            float[] h = Categorical.entropy(l).toFloatArray();
            assertEquals(Categorical.logProb(logits, 0, 3, 2), lp[0], 1e-6);
            assertEquals(Categorical.logProb(logits, 3, 3, 0), lp[1], 1e-6);
            assertEquals(Categorical.entropy(logits, 3, 3), h[1], 1e-6);
        }
    }

    @Test
    void categoricalSamplingFollowsProbabilities() {
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        Rng rng = new Rng(1);
        int[] counts = new int[3];
        for (int i = 0; i < 20000; i++) {
            counts[Categorical.sample(logits, 0, 3, rng)]++;
        }
        assertEquals(0.7, counts[0] / 20000.0, 0.015);
        assertEquals(0.1, counts[2] / 20000.0, 0.01);
        assertEquals(0, Categorical.mode(logits, 0, 3));
    }

    @Test
    void gaussianClosedForm() {
        // d = 2, μ = (0.5, -1), log σ = (0, log 2), x = (1.5, 0):
        // log p = [-½·1² - 0 - ½log2π] + [-½·(1/2)² - log 2 - ½log2π] = -0.5 - 0.125 - log 2 - log 2π
        float[] mean = {0.5f, -1f};
        float[] logStd = {0f, (float) Math.log(2)};
        float[] x = {1.5f, 0f};
        double expected = -0.625 - Math.log(2) - Math.log(2 * Math.PI);
        assertEquals(expected, DiagGaussian.logProb(mean, 0, logStd, 2, x, 0), 1e-6);
        // H = Σ ½ + ½log2π + log σ = 1 + log 2π + log 2
        double entropy = 1 + Math.log(2 * Math.PI) + Math.log(2);
        assertEquals(entropy, DiagGaussian.entropy(logStd, 2), 1e-6);
        try (NDManager m = Torch.newManager()) {
            NDArray lp = DiagGaussian.logProb(m.create(mean, new Shape(1, 2)), m.create(logStd),
                    m.create(x, new Shape(1, 2)));
            assertEquals(expected, lp.getFloat(0), 1e-5);
            NDArray h = DiagGaussian.entropy(m.create(logStd), 3);
            assertEquals(new Shape(3), h.getShape());
            assertEquals(entropy, h.getFloat(2), 1e-5);
        }
    }

    @Test
    void gaussianSampleReturnsItsOwnLogProb() {
        float[] mean = {0.3f, -0.2f, 1f};
        float[] logStd = {-0.5f, 0f, 0.5f};
        float[] out = new float[3];
        double lp = DiagGaussian.sample(mean, 0, logStd, 3, new Rng(3), out, 0);
        assertEquals(DiagGaussian.logProb(mean, 0, logStd, 3, out, 0), lp, 1e-9);
    }

    @Test
    void tanhGaussianJavaAndTensorAgree() {
        // One dimension, scale 2, bias 0: a = 2 tanh(u); log π(a) = log N(u) - log(2(1 - tanh²u) + 1e-6)
        float[] mean = {0.4f};
        float[] logStd = {(float) TanhGaussian.boundLogStd(-0.3)};
        float[] scale = {2f};
        float[] bias = {0f};
        float[] a = new float[1];
        Rng rng = new Rng(11);
        double eps = rng.copy().nextGaussian();
        double lp = TanhGaussian.sample(mean, logStd, 0, 1, scale, bias, rng, a, 0);
        double u = mean[0] + Math.exp(logStd[0]) * eps;
        assertEquals(2 * Math.tanh(u), a[0], 1e-6);
        double expected = -0.5 * eps * eps - logStd[0] - DiagGaussian.HALF_LOG_TWO_PI
                - Math.log(2 * (1 - Math.tanh(u) * Math.tanh(u)) + 1e-6);
        assertEquals(expected, lp, 1e-9);
        try (NDManager m = Torch.newManager()) {
            NDArray[] r = TanhGaussian.rsample(m.create(mean, new Shape(1, 1)), m.create(logStd, new Shape(1, 1)),
                    m.create(new float[] {(float) eps}, new Shape(1, 1)), m.create(scale), m.create(bias));
            assertEquals(a[0], r[0].getFloat(0, 0), 1e-5);
            assertEquals(lp, r[1].getFloat(0), 1e-4);
        }
    }
}
