package dev.trail.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JavaMlpTest {

    @Test
    void tanhApproximationIsWithinAFewUlp() {
        double worstUlps = 0;
        double worstAbsolute = 0;
        for (int k = -2_000_000; k <= 2_000_000; k++) {
            float x = k * 5e-6f;
            float exact = (float) Math.tanh(x);
            float approx = JavaMlp.tanh(x);
            worstUlps = Math.max(worstUlps, Math.abs(approx - exact) / Math.ulp(exact));
            worstAbsolute = Math.max(worstAbsolute, Math.abs(approx - Math.tanh(x)));
        }
        for (float x : new float[] {-1e4f, -9f, -7.9f, 7.9f, 9f, 1e4f, 1e-30f, -1e-30f}) {
            assertEquals((float) Math.tanh(x), JavaMlp.tanh(x), 2 * Math.ulp((float) Math.tanh(x)), "tanh(" + x + ")");
        }
        // measured: 7 ulp (near |x| = 5, where tanh is 0.9999), 3.9e-7 absolute
        assertTrue(worstUlps <= 8, "worst error " + worstUlps + " ulp");
        assertTrue(worstAbsolute < 4.5e-7, "worst absolute error " + worstAbsolute);
        assertEquals(0f, JavaMlp.tanh(0f));
    }

    /**
     * For an arbitrary output gradient G, the Java backward gives DJL's gradient of
     * {@code sum(G ⊙ mlp(x))}, and the forward gives DJL's outputs.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void forwardAndBackwardMatchDjl(Activation activation) {
        int[] sizes = {5, 32, 17, 3};
        Parameters p = new Parameters();
        Mlp mlp = Mlp.createDefaultInit("net", sizes, activation, new Rng(1), p);
        JavaMlp fast = JavaMlp.attach("net", sizes, activation, p);
        int n = 40;
        Rng rng = new Rng(2);
        float[] x = new float[n * 5];
        float[] g = new float[n * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextGaussian());
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        float[] out = fast.forward(x, n).clone();
        float[][] grads = p.zerosLike();
        fast.backward(g, grads);
        float[] djlOut;
        float[][] djlGrads;
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound b = p.bind(m);
            NDArray xs = m.create(x, new Shape(n, 5));
            NDArray gs = m.create(g, new Shape(n, 3));
            try (GradientCollector gc = Engine.getEngine(Torch.ENGINE).newGradientCollector()) {
                NDArray y = mlp.forward(b, xs);
                djlOut = y.toFloatArray();
                gc.backward(y.mul(gs).sum());
            }
            djlGrads = b.gradients();
        }
        float[] javaPass = new float[n * 3];
        mlp.forward(x, n, javaPass);
        for (int i = 0; i < out.length; i++) {
            assertEquals(djlOut[i], out[i], 1e-5 * Math.max(1, Math.abs(djlOut[i])), "output " + i);
            assertEquals(javaPass[i], out[i], 1e-5 * Math.max(1, Math.abs(javaPass[i])), "Mlp's Java pass, output " + i);
        }
        for (int t = 0; t < grads.length; t++) {
            double err = JavaActorCriticTest.gradientError(grads[t], djlGrads[t]);
            assertTrue(err < 1e-5, p.get(t).name() + " off by " + err);
        }
    }

    @Test
    void reusedBuffersDoNotLeakBetweenBatchSizes() {
        int[] sizes = {3, 20, 20, 2};
        Parameters p = new Parameters();
        Mlp.createDefaultInit("net", sizes, Activation.RELU, new Rng(4), p);
        Rng rng = new Rng(5);
        float[] big = new float[50 * 3];
        float[] small = new float[5 * 3];
        float[] g = new float[50 * 2];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < small.length; i++) {
            small[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        JavaMlp used = JavaMlp.attach("net", sizes, Activation.RELU, p);
        used.forward(big, 50);
        used.backward(g, p.zerosLike());
        float[] out = java.util.Arrays.copyOf(used.forward(small, 5), 10);
        float[][] grads = p.zerosLike();
        used.backward(g, grads);
        JavaMlp fresh = JavaMlp.attach("net", sizes, Activation.RELU, p);
        float[] freshOut = java.util.Arrays.copyOf(fresh.forward(small, 5), 10);
        float[][] freshGrads = p.zerosLike();
        fresh.backward(g, freshGrads);
        org.junit.jupiter.api.Assertions.assertArrayEquals(freshOut, out);
        for (int t = 0; t < grads.length; t++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(freshGrads[t], grads[t], p.get(t).name());
        }
    }

    @Test
    void seesOptimiserUpdatesWithoutACopy() {
        int[] sizes = {2, 3, 1};
        Parameters p = new Parameters();
        Mlp.createDefaultInit("v", sizes, Activation.TANH, new Rng(3), p);
        JavaMlp fast = JavaMlp.attach("v", sizes, Activation.TANH, p);
        float[] x = {0.5f, -1f};
        float before = fast.forward(x, 1)[0];
        p.get("v.1.bias").data()[0] += 1f; // what Adam does in place
        assertEquals(before + 1f, fast.forward(x, 1)[0], 1e-6);
    }

    @Test
    void rejectsWrongShapesAndMissingForward() {
        Parameters p = new Parameters();
        Mlp.createDefaultInit("v", new int[] {2, 3, 1}, Activation.RELU, new Rng(3), p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JavaMlp.attach("v", new int[] {2, 4, 1}, Activation.RELU, p));
        assertTrue(e.getMessage().contains("[4, 2]"), e.getMessage());
        JavaMlp fast = JavaMlp.attach("v", new int[] {2, 3, 1}, Activation.RELU, p);
        assertThrows(IllegalStateException.class, () -> fast.backward(new float[1], p.zerosLike()));
        assertThrows(IllegalArgumentException.class, () -> fast.forward(new float[3], 2));
    }
}
