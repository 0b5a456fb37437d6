package dev.trail.nn.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

/** The Vector API kernels equal the plain loops bit for bit, so the module flag never changes results. */
class KernelsTest {

    @Test
    void testsRunWithTheVectorModule() {
        // trail-learn's surefire configuration adds jdk.incubator.vector; without it the tests
        // below would compare the plain loops with themselves
        assertTrue(Kernels.VECTOR, "run the tests with --add-modules jdk.incubator.vector");
    }

    /** The actor's forward layer: the Vector API version is the plain multiply-then-add loop bit for bit. */
    @Test
    void vectorForwardLayerEqualsThePlainLoopBitForBit() {
        Rng rng = new Rng(8);
        int[][] shapes = {{1, 4, 64}, {4, 64, 64}, {5, 64, 2}, {7, 64, 1}, {3, 3, 16}, {9, 17, 40}, {8, 64, 64},
            {1, 1, 8}, {6, 5, 33}, {512, 4, 64}};
        for (int[] s : shapes) {
            int n = s[0];
            int in = s[1];
            int out = s[2];
            float[] x = random(n * in, rng);
            float[] w = random(in * out, rng);
            float[] b = random(out, rng);
            float[] plain = new float[n * out + 3];
            float[] vector = new float[n * out + 3];
            ForwardKernels.scalarLinear(x, 0, n, in, out, w, b, plain);
            VectorForward.linear(x, n, in, out, w, b, vector);
            assertArrayEquals(plain, vector, n + "x" + in + "x" + out);
            float[] viaEntry = new float[n * out + 3];
            ForwardKernels.linear(x, n, in, out, w, b, viaEntry);
            assertArrayEquals(plain, viaEntry, "entry point, " + n + "x" + in + "x" + out);
            // a fused multiply-add chain differs somewhere: the check can tell the two arithmetics apart
            if (in >= 17 && n * out >= 64) {
                float[] fma = new float[n * out];
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < out; j++) {
                        float acc = b[j];
                        for (int i = 0; i < in; i++) {
                            acc = Math.fma(x[r * in + i], w[i * out + j], acc);
                        }
                        fma[r * out + j] = acc;
                    }
                }
                assertTrue(!java.util.Arrays.equals(fma, java.util.Arrays.copyOf(plain, n * out)),
                        "fma differs from multiply-then-add for " + n + "x" + in + "x" + out);
            }
        }
    }

    @Test
    void vectorAndPlainMatmulEqualTheFmaChainBitForBit() {
        Rng rng = new Rng(5);
        // shapes around the vector width (8 or 16 lanes), row blocks of 4, and the MLP's own shapes
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 9, 16}, {5, 64, 17}, {128, 4, 64}, {128, 64, 64}, {128, 64, 1},
            {1, 128, 64}, {64, 128, 64}, {7, 33, 40}, {13, 2, 31}, {6, 3, 16}, {10, 5, 24}, {11, 4, 8}, {12, 7, 9}};
        for (int[] s : shapes) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean withInit : new boolean[] {false, true}) {
                    float[] a = random(n * k, rng);
                    float[] b = random(k * m, rng);
                    float[] init = withInit ? random(m, rng) : null;
                    float[] expected = new float[n * m];
                    float[] actual = new float[n * m];
                    int rs = transA ? 1 : k;
                    int ts = transA ? n : 1;
                    for (int r = 0; r < n; r++) {
                        for (int j = 0; j < m; j++) {
                            expected[r * m + j] = Kernels.dot(a, rs, ts, b, init, r, j, k, m);
                        }
                    }
                    String shape = n + "x" + k + "x" + m + " transA=" + transA + " init=" + withInit;
                    VectorKernels.matmul(a, transA, b, init, actual, n, k, m);
                    assertArrayEquals(expected, actual, "vector, " + shape);
                    java.util.Arrays.fill(actual, Float.NaN);
                    Kernels.scalarMatmul(a, transA, b, init, actual, n, k, m);
                    assertArrayEquals(expected, actual, "plain loops, " + shape);
                }
            }
        }
    }

    @Test
    void matmulComputesTheProduct() {
        // [[1, 2], [3, 4]] · [[5, 6, 7], [8, 9, 10]] + [1, 0, -1] = [[22, 24, 26], [48, 54, 60]]
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8, 9, 10};
        float[] c = new float[6];
        Kernels.matmul(a, false, b, new float[] {1, 0, -1}, c, 2, 2, 3);
        assertArrayEquals(new float[] {22, 24, 26, 48, 54, 60}, c);
        // a stored transposed: [[1, 3], [2, 4]]^T is [[1, 2], [3, 4]]
        Kernels.matmul(new float[] {1, 3, 2, 4}, true, b, null, c, 2, 2, 3);
        assertArrayEquals(new float[] {21, 24, 27, 47, 54, 61}, c);
        Kernels.scalarMatmul(new float[] {1, 3, 2, 4}, true, b, null, c, 2, 2, 3);
        assertArrayEquals(new float[] {21, 24, 27, 47, 54, 61}, c);
    }

    @Test
    void vectorTanhEqualsPlainLoopsBitForBit() {
        Rng rng = new Rng(6);
        for (int count : new int[] {1, 7, 8, 9, 64, 8192 + 3}) {
            float[] x = random(count, rng);
            for (int i = 0; i < count; i++) {
                x[i] *= 6; // beyond the clamp at 7.9 too
            }
            float[] expected = x.clone();
            float[] actual = x.clone();
            Kernels.scalarTanhInPlace(expected, count);
            VectorKernels.tanhInPlace(actual, count);
            assertArrayEquals(expected, actual, "count " + count);
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 100f, -100f, 1e-30f};
        float[] expected = special.clone();
        float[] actual = special.clone();
        Kernels.scalarTanhInPlace(expected, special.length);
        VectorKernels.tanhInPlace(actual, special.length);
        assertArrayEquals(expected, actual);
        assertEquals(1f, actual[1]);
        assertTrue(Float.isNaN(actual[0]));
    }

    private static float[] random(int n, Rng rng) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
