package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GaeTest {

    private static final double TOL = 1e-6;
    private static final double[] R = {0, 0, 1};
    private static final double[] V = {0.5, 0.6, 0.8};

    @Test
    void specExampleTerminated() {
        // §2.1, γ 0.99, λ 0.95, V(s_3) := 0
        // δ2 = 1 − 0.8 = 0.2;          Â2 = 0.2
        // δ1 = 0.99·0.8 − 0.6 = 0.192;  Â1 = 0.192 + 0.9405·0.2 = 0.3801
        // δ0 = 0.99·0.6 − 0.5 = 0.094;  Â0 = 0.094 + 0.9405·0.3801 = 0.451484
        Gae.Result g = Gae.compute(R, V, null, true, false, Double.NaN, 0.99, 0.95);
        assertArrayEquals(new double[] {0.451484, 0.380100, 0.200000}, g.advantages(), TOL);
        assertArrayEquals(new double[] {0.951484, 0.980100, 1.0}, g.returns(), TOL);
    }

    @Test
    void specExampleTruncatedBootstrapsFromFinalValue() {
        // δ2 = 1 + 0.99·0.7 − 0.8 = 0.893, the rest as above with the larger Â2
        Gae.Result g = Gae.compute(R, V, null, false, true, 0.7, 0.99, 0.95);
        assertArrayEquals(new double[] {1.064470, 1.031867, 0.893000}, g.advantages(), TOL);
        assertArrayEquals(new double[] {1.564470, 1.631867, 1.693000}, g.returns(), TOL);
    }

    @Test
    void truncatedMinusTerminatedIsTheDiscountedBootstrap() {
        // The only difference is γ·V(s_T) in δ_{T−1}, carried back by (γλ)^(T−1−t)
        Gae.Result term = Gae.compute(R, V, null, true, false, 0.7, 0.99, 0.95);
        Gae.Result trunc = Gae.compute(R, V, null, false, true, 0.7, 0.99, 0.95);
        for (int t = 0; t < 3; t++) {
            double expected = 0.99 * 0.7 * Math.pow(0.99 * 0.95, 2 - t);
            assertEquals(expected, trunc.advantages()[t] - term.advantages()[t], 1e-12);
        }
    }

    @Test
    void specExampleLlmSetting() {
        // γ = λ = 1, terminal: Â_t = Σ_{k≥t} r_k − V_t = [1 − 0.5, 1 − 0.6, 1 − 0.8]
        Gae.Result g = Gae.compute(R, V, null, true, false, Double.NaN, 1, 1);
        assertArrayEquals(new double[] {0.5, 0.4, 0.2}, g.advantages(), TOL);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 0.9, 0.99, 1.0})
    void lambdaOneIsTheDiscountedReturnMinusValue(double gamma) {
        double[] r = {0.3, -1, 2, 0.5};
        double[] v = {1, 0.2, -0.4, 0.8};
        Gae.Result g = Gae.compute(r, v, null, false, true, 1.5, gamma, 1.0);
        double[] mc = Returns.discounted(r, null, gamma, 1.5);
        for (int t = 0; t < r.length; t++) {
            assertEquals(mc[t] - v[t], g.advantages()[t], 1e-12);
            assertEquals(mc[t], g.returns()[t], 1e-12);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 0.99, 1.0})
    void lambdaZeroIsTheTdResidual(double gamma) {
        double[] r = {0.3, -1, 2, 0.5};
        double[] v = {1, 0.2, -0.4, 0.8};
        Gae.Result g = Gae.compute(r, v, null, true, false, Double.NaN, gamma, 0.0);
        double[] next = {0.2, -0.4, 0.8, 0.0};
        for (int t = 0; t < r.length; t++) {
            assertEquals(r[t] + gamma * next[t] - v[t], g.advantages()[t], 1e-12);
        }
    }

    @Test
    void paddedValuesDoNotLeakIntoTheLastValidStep() {
        // right padding with a non-zero value at the pad: the last valid step still bootstraps from 0
        boolean[] m = {true, true, true, false};
        Gae.Result padded = Gae.compute(new double[] {0, 0, 1, 0}, new double[] {0.5, 0.6, 0.8, 123}, m, true,
                false, Double.NaN, 0.99, 0.95);
        assertArrayEquals(new double[] {0.451484, 0.380100, 0.200000, 0}, padded.advantages(), TOL);
        assertEquals(0.0, padded.returns()[3]);
    }

    @Test
    void maskedStepsInTheMiddleAreTransparent() {
        // a tool-output step between valid steps: results equal the sequence with it removed
        boolean[] m = {true, false, true, true};
        Gae.Result withTool = Gae.compute(new double[] {0, 9, 0, 1}, new double[] {0.5, -7, 0.6, 0.8}, m, true,
                false, Double.NaN, 0.99, 0.95);
        assertArrayEquals(new double[] {0.451484, 0, 0.380100, 0.200000}, withTool.advantages(), TOL);
        Gae.Result other = Gae.compute(new double[] {0, -3, 0, 1}, new double[] {0.5, 100, 0.6, 0.8}, m, true,
                false, Double.NaN, 0.99, 0.95);
        assertArrayEquals(withTool.advantages(), other.advantages(), 0.0);
        assertArrayEquals(withTool.returns(), other.returns(), 0.0);
    }

    @Test
    void notTerminatedWithoutBootstrapFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gae.compute(R, V, null, false, true, Double.NaN, 0.99, 0.95));
        assertTrue(e.getMessage().contains("bootstrapValue"), e.getMessage());
    }

    @Test
    void inputsAreNotModified() {
        double[] r = R.clone();
        double[] v = V.clone();
        boolean[] m = {true, false, true};
        Gae.compute(r, v, m, false, true, 0.7, 0.99, 0.95);
        assertArrayEquals(R, r, 0.0);
        assertArrayEquals(V, v, 0.0);
        assertArrayEquals(new boolean[] {true, false, true}, m);
    }

    @Test
    void batchRowsMatchThePerEpisodeFunction() {
        // 2 rows × 5 steps: row 0 = a terminated episode of 3 steps, then a fragment of 2 cut by the
        // buffer; row 1 = a truncated episode of 2 (bootstrap 0.7, not the reset value), then 3 steps.
        double[] rewards = {0, 0, 1, 0.5, 0.2, /**/ 1, 0, 0, 0, 1};
        double[] values = {0.5, 0.6, 0.8, 0.3, 0.4, /**/ 0.1, 0.2, 9.0, 0.6, 0.8};
        boolean[] term = {false, false, true, false, false, /**/ false, false, false, false, false};
        boolean[] trunc = {false, false, false, false, false, /**/ false, true, false, false, false};
        double[] truncValues = new double[10];
        truncValues[6] = 0.7;
        double[] last = {0.25, 0.0};
        Gae.Result b = Gae.computeBatch(2, 5, rewards, values, term, trunc, truncValues, last, 0.99, 0.95);

        Gae.Result e0 = Gae.compute(new double[] {0, 0, 1}, new double[] {0.5, 0.6, 0.8}, null, true, false,
                Double.NaN, 0.99, 0.95);
        Gae.Result e1 = Gae.compute(new double[] {0.5, 0.2}, new double[] {0.3, 0.4}, null, false, false, 0.25,
                0.99, 0.95);
        Gae.Result e2 = Gae.compute(new double[] {1, 0}, new double[] {0.1, 0.2}, null, false, true, 0.7, 0.99, 0.95);
        Gae.Result e3 = Gae.compute(new double[] {0, 0, 1}, new double[] {9.0, 0.6, 0.8}, null, false, false, 0.0,
                0.99, 0.95);
        double[] expected = concat(e0.advantages(), e1.advantages(), e2.advantages(), e3.advantages());
        assertArrayEquals(expected, b.advantages(), 1e-12);
        assertArrayEquals(new double[] {0.451484, 0.380100, 0.200000}, Arrays.copyOf(b.advantages(), 3), TOL);
    }

    @Test
    void batchMatchesPerEpisodeOnRandomData() {
        SplittableRandom rng = new SplittableRandom(7);
        int batch = 4;
        int horizon = 50;
        int n = batch * horizon;
        double[] r = new double[n];
        double[] v = new double[n];
        double[] tv = new double[n];
        boolean[] term = new boolean[n];
        boolean[] trunc = new boolean[n];
        double[] last = new double[batch];
        for (int i = 0; i < n; i++) {
            r[i] = rng.nextDouble(-1, 1);
            v[i] = rng.nextDouble(-1, 1);
            tv[i] = rng.nextDouble(-1, 1);
            double u = rng.nextDouble();
            term[i] = u < 0.05;
            trunc[i] = u >= 0.05 && u < 0.1;
        }
        for (int b = 0; b < batch; b++) {
            last[b] = rng.nextDouble(-1, 1);
        }
        Gae.Result all = Gae.computeBatch(batch, horizon, r, v, term, trunc, tv, last, 0.97, 0.9);
        for (int b = 0; b < batch; b++) {
            int rowStart = b * horizon;
            int start = rowStart;
            for (int t = 0; t < horizon; t++) {
                int i = rowStart + t;
                boolean end = term[i] || trunc[i] || t == horizon - 1;
                if (!end) {
                    continue;
                }
                double boot = term[i] ? 0 : trunc[i] ? tv[i] : last[b];
                Gae.Result e = Gae.compute(Arrays.copyOfRange(r, start, i + 1), Arrays.copyOfRange(v, start, i + 1),
                        null, term[i], trunc[i], boot, 0.97, 0.9);
                assertArrayEquals(e.advantages(), Arrays.copyOfRange(all.advantages(), start, i + 1), 1e-12);
                assertArrayEquals(e.returns(), Arrays.copyOfRange(all.returns(), start, i + 1), 1e-12);
                start = i + 1;
            }
        }
    }

    @Test
    void batchNeedsTruncationValuesWhenAStepIsTruncated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gae.computeBatch(1, 2, new double[2], new double[2], new boolean[2], new boolean[] {true, false},
                        null, new double[1], 0.99, 0.95));
        assertTrue(e.getMessage().contains("row 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gae.computeBatch(2, 2, new double[3], new double[4], new boolean[4], new boolean[4], null,
                        new double[2], 0.99, 0.95));
    }

    @Test
    void batchIntoReusedBuffersEqualsAllocatingVariantOn64By2048() {
        int batch = 64;
        int horizon = 2048;
        int n = batch * horizon;
        SplittableRandom rng = new SplittableRandom(1);
        double[] r = new double[n];
        double[] v = new double[n];
        boolean[] term = new boolean[n];
        boolean[] trunc = new boolean[n];
        for (int i = 0; i < n; i++) {
            r[i] = rng.nextDouble();
            v[i] = rng.nextDouble();
            term[i] = rng.nextInt(500) == 0;
            trunc[i] = rng.nextInt(1000) == 0;
        }
        double[] tv = v.clone();
        double[] last = new double[batch];
        double[] advantages = new double[n];
        double[] returns = new double[n];
        Gae.Result fresh = Gae.computeBatch(batch, horizon, r, v, term, trunc, tv, last, 0.99, 0.95);
        // speed is measured by trail-bench (docs/BENCHMARKS.md); here: buffers reused twice give the same numbers
        java.util.Arrays.fill(advantages, Double.NaN);
        Gae.computeBatchInto(batch, horizon, r, v, term, trunc, tv, last, 0.99, 0.95, advantages, returns);
        Gae.computeBatchInto(batch, horizon, r, v, term, trunc, tv, last, 0.99, 0.95, advantages, returns);
        assertArrayEquals(fresh.advantages(), advantages, 0.0);
        assertArrayEquals(fresh.returns(), returns, 0.0);
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }
}
