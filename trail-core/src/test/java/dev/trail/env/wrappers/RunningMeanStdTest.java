package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunningMeanStdTest {

    private static final int DIM = 3;

    /** 500 rows of 3 components with different scales and offsets. */
    private static double[] data() {
        Rng rng = new Rng(2024);
        double[] x = new double[500 * DIM];
        for (int r = 0; r < 500; r++) {
            x[r * DIM] = rng.nextGaussian() * 3 + 10;
            x[r * DIM + 1] = rng.nextDouble() * 1e-3 - 5;
            x[r * DIM + 2] = rng.nextExponential() * 100;
        }
        return x;
    }

    private static double[][] twoPass(double[] x) {
        int rows = x.length / DIM;
        double[] mean = new double[DIM];
        double[] var = new double[DIM];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < DIM; j++) {
                mean[j] += x[r * DIM + j] / rows;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < DIM; j++) {
                double d = x[r * DIM + j] - mean[j];
                var[j] += d * d / rows;
            }
        }
        return new double[][] {mean, var};
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-10 * Math.max(1, Math.abs(expected[j])), what + "[" + j + "]");
        }
    }

    @Test
    void batchesOfAnySizeMatchTheTwoPassMoments() {
        double[] x = data();
        double[][] expected = twoPass(x);
        RunningMeanStd rms = new RunningMeanStd(DIM, 0);
        int[] batchRows = {1, 7, 1, 50, 0, 141, 300};
        int row = 0;
        for (int b : batchRows) {
            rms.update(Arrays.copyOfRange(x, row * DIM, (row + b) * DIM));
            row += b;
        }
        assertEquals(500, row);
        assertEquals(500.0, rms.count());
        assertClose(expected[0], rms.mean(), "mean");
        assertClose(expected[1], rms.var(), "var");
    }

    @Test
    void mergeOrderDoesNotMatter() {
        double[] x = data();
        double[][] expected = twoPass(x);
        int[] cuts = {0, 3, 120, 121, 500};
        RunningMeanStd[] parts = new RunningMeanStd[4];
        for (int p = 0; p < 4; p++) {
            parts[p] = new RunningMeanStd(DIM, 0);
            parts[p].update(Arrays.copyOfRange(x, cuts[p] * DIM, cuts[p + 1] * DIM));
        }
        RunningMeanStd forward = new RunningMeanStd(DIM, 0);
        RunningMeanStd backward = new RunningMeanStd(DIM, 0);
        for (int p = 0; p < 4; p++) {
            forward.merge(parts[p]);
            backward.merge(parts[3 - p]);
        }
        RunningMeanStd left = RunningMeanStd.fromState(parts[0].state());
        left.merge(parts[1]);
        RunningMeanStd right = RunningMeanStd.fromState(parts[2].state());
        right.merge(parts[3]);
        left.merge(right);
        for (RunningMeanStd rms : new RunningMeanStd[] {forward, backward, left}) {
            assertEquals(500.0, rms.count());
            assertClose(expected[0], rms.mean(), "mean");
            assertClose(expected[1], rms.var(), "var");
        }
    }

    @Test
    void gymnasiumPriorWorkedExample() {
        // prior mean 0, var 1, count 1e-4; one sample x = 2:
        //   delta = 2, n' = 1.0001
        //   mean' = 0 + 2 * 1 / 1.0001                              = 1.99980002...
        //   var'  = (1 * 1e-4 + 0 * 1 + 2^2 * 1e-4 * 1 / 1.0001) / 1.0001 = 4.99910013e-4...
        RunningMeanStd rms = new RunningMeanStd(1);
        rms.update(new float[] {2f});
        assertEquals(1.0001, rms.count(), 1e-15);
        assertEquals(2.0 / 1.0001, rms.mean(0), 1e-15);
        assertEquals((1e-4 + 4 * 1e-4 / 1.0001) / 1.0001, rms.var(0), 1e-18);
        assertEquals(4.99910013e-4, rms.var(0), 1e-12);
    }

    @Test
    void floatAndDoubleBatchesAgree() {
        float[] f = {1.5f, -2f, 0.25f, 8f, 3f, 3f};
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        RunningMeanStd a = new RunningMeanStd(2);
        RunningMeanStd b = new RunningMeanStd(2);
        a.update(f);
        b.update(d);
        assertEquals(a.state(), b.state());
    }

    @Test
    void stateRoundTripsAndIsValidated() {
        RunningMeanStd rms = new RunningMeanStd(DIM);
        rms.update(data());
        RunningMeanStd.State state = rms.state();
        RunningMeanStd copy = RunningMeanStd.fromState(state);
        assertEquals(state, copy.state());
        copy.update(new double[] {1, 2, 3});
        rms.update(new double[] {1, 2, 3});
        assertArrayEquals(rms.mean(), copy.mean());
        assertArrayEquals(rms.var(), copy.var());
        assertEquals(rms.count(), copy.count());

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new RunningMeanStd.State(new double[] {0, 0}, new double[] {1, -0.5}, 3));
        assertTrue(negative.getMessage().contains("-0.5"), negative.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> new RunningMeanStd(2).setState(state));
        assertTrue(dim.getMessage().contains("3") && dim.getMessage().contains("2"), dim.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> new RunningMeanStd(DIM).update(new float[4]));
        assertTrue(ragged.getMessage().contains("4") && ragged.getMessage().contains("3"), ragged.getMessage());
    }
}
