package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetStatsAndSplitsTest {

    /** NumPy's default quantile (linear): for [1, 2, 3, 4], q=0.25 gives h = 0.75, 1 + 0.75 * (2 - 1) = 1.75. */
    @Test
    void quantilesInterpolateLikeNumpy() {
        double[] x = {4, 1, 3, 2};
        assertEquals(1.75, DatasetStats.quantile(x, 0.25), 1e-12);
        assertEquals(2.5, DatasetStats.quantile(x, 0.5), 1e-12);
        assertEquals(1, DatasetStats.quantile(x, 0), 0);
        assertEquals(4, DatasetStats.quantile(x, 1), 0);
        assertTrue(Double.isNaN(DatasetStats.quantile(new double[0], 0.5)));
    }

    @Test
    void statsCountAndBreakDownByPolicy() {
        SplittableRandom rng = new SplittableRandom(1);
        DatasetStats s = new DatasetStats();
        s.add(Samples.cartPole(0, 10, rng));
        s.add(Samples.cartPole(1, 30, rng));
        s.add(Samples.full("f", "g", 5, rng));
        assertEquals(3, s.trajectories());
        assertEquals(45, s.steps());
        Map<String, double[]> byPolicy = s.returnsByLabel().get(Labels.POLICY);
        assertArrayEquals(new double[] {10, 30}, byPolicy.get("random"), 0);
        assertEquals(1, byPolicy.get("runs/ppo-1").length);
        assertTrue(s.fields().containsAll(List.of("log_prob", "value", "mask", "cost", "progress")), s.fields().toString());
    }

    @Test
    void splitsAreSeededExactAndKeepGroupsTogether() {
        List<String> keys = new ArrayList<>();
        for (int g = 0; g < 10; g++) {
            for (int k = 0; k < 4; k++) {
                keys.add("g:" + g);
            }
        }
        boolean[] a = Splits.validation(keys, 0.2, 3);
        assertArrayEquals(a, Splits.validation(keys, 0.2, 3), "same seed, same split");
        int valid = 0;
        for (int i = 0; i < a.length; i++) {
            valid += a[i] ? 1 : 0;
            assertEquals(a[i - i % 4], a[i], "a group is never split");
        }
        assertEquals(8, valid, "exactly round(0.2 * 10) groups of 4");
        boolean differs = false;
        for (long seed = 4; seed < 10 && !differs; seed++) {
            differs = !java.util.Arrays.equals(a, Splits.validation(keys, 0.2, seed));
        }
        assertTrue(differs, "another seed gives another split");
        assertThrows(IllegalArgumentException.class, () -> Splits.validation(keys, 1.0, 0));
    }

    @Test
    void aTrajectoryWithoutGroupIsItsOwnUnit() {
        Trajectory t = Samples.cartPole(0, 3, new SplittableRandom(2));
        assertEquals("t:ep-0", Splits.unitKey(t));
        assertEquals("g:x", Splits.unitKey(t.withGroupId("x")));
    }
}
