package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trail.trajectory.Trajectory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small builders and assertions shared by the step-level estimator tests. */
final class Fixtures {

    static final double TOL = 1e-6;

    private Fixtures() {
    }

    static void assertVector(double[] expected, double[] actual) {
        assertVector(expected, actual, TOL);
    }

    static void assertVector(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "index " + i);
        }
    }

    /** A trajectory with one scalar action per step, no observations, and the given extras. */
    static Trajectory withActions(String id, String group, double[] actions, double[] rewards,
            Map<String, double[]> extras) {
        float[] a = new float[actions.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) actions[i];
        }
        return new Trajectory(id, group, 0, null, 0, a, 1, rewards, null, null, null, true, false, Double.NaN,
                extras);
    }

    /** An outcome reward on the last of {@code length} steps. */
    static double[] outcome(double reward, int length) {
        double[] r = new double[length];
        r[length - 1] = reward;
        return r;
    }

    static Map<String, double[]> extras(Object... nameThenColumn) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenColumn.length; i += 2) {
            m.put((String) nameThenColumn[i], (double[]) nameThenColumn[i + 1]);
        }
        return m;
    }

    static double[] logs(double[] probs) {
        double[] l = new double[probs.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.log(probs[i]);
        }
        return l;
    }

    static double[] constant(double v, int length) {
        double[] c = new double[length];
        java.util.Arrays.fill(c, v);
        return c;
    }
}
