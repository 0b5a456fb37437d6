package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.space.Box;
import dev.trail.testenv.RandomWalkEnv;
import dev.trail.testenv.ScriptedEnv;
import dev.trail.vector.VectorEnv;
import org.junit.jupiter.api.Test;

class NormalizeObservationTest {

    @Test
    void workedExampleWithGymnasiumPrior() {
        NormalizeObservation<Integer> env = new NormalizeObservation<>(
                new ScriptedEnv(new float[][] {{2}, {4}}, new double[] {0}));
        // reset observation 2 updates the prior (mean 0, var 1, count 1e-4) first:
        //   mean1 = 2 / 1.0001 = 1.99980002, var1 = (1e-4 + 4e-4 / 1.0001) / 1.0001 = 4.99910013e-4
        //   (2 - 1.99980002) / sqrt(4.99910013e-4 + 1e-8) = 1.9998e-4 / 0.0223589 = 0.0089441
        double mean1 = 2 / 1.0001;
        double var1 = (1e-4 + 4e-4 / 1.0001) / 1.0001;
        float first = env.reset(0)[0];
        assertEquals((float) ((2 - mean1) / Math.sqrt(var1 + 1e-8)), first);
        assertEquals(0.0089441, first, 1e-6);
        // step observation 4: delta = 4 - mean1, count 2.0001
        double delta = 4 - mean1;
        double mean2 = mean1 + delta * 1 / 2.0001;
        double var2 = (var1 * 1.0001 + 0 + delta * delta * 1.0001 * 1 / 2.0001) / 2.0001;
        float second = env.step(0).observation()[0];
        assertEquals((float) ((4 - mean2) / Math.sqrt(var2 + 1e-8)), second);
        assertEquals(1.0, second, 1e-3, "the newest of two samples sits about one std above their mean");
        assertEquals(2.0001, env.normalizer().statistics().count(), 1e-12);
    }

    @Test
    void frozenStatisticsAreUsedButNotUpdated() {
        NormalizeObservation<Integer> env = new NormalizeObservation<>(
                new ScriptedEnv(new float[][] {{5}, {9}}, new double[] {0}));
        RunningMeanStd.State known = new RunningMeanStd.State(new double[] {1}, new double[] {4}, 1e6);
        env.normalizer().setState(known);
        env.setFrozen(true);
        // (5 - 1) / sqrt(4 + 1e-8) = 2, (9 - 1) / 2 = 4 (to float precision)
        assertEquals(2f, env.reset(0)[0]);
        assertEquals(4f, env.step(1).observation()[0]);
        assertEquals(known, env.normalizer().state(), "frozen statistics do not move");
        env.setFrozen(false);
        env.reset(0);
        assertEquals(1e6 + 1, env.normalizer().statistics().count());
    }

    @Test
    void observationSpaceBecomesUnbounded() {
        NormalizeObservation<Integer> env = new NormalizeObservation<>(new RandomWalkEnv(5));
        Box box = (Box) env.observationSpace();
        assertArrayEquals(new int[] {2}, box.shape());
        assertEquals(Float.NEGATIVE_INFINITY, box.low(0));
        assertEquals(Float.POSITIVE_INFINITY, box.high(1));
    }

    @Test
    void restoredStateContinuesIdentically() {
        ObservationNormalizer a = new ObservationNormalizer(2);
        a.normalize(new float[] {1, 2, 3, 4, 5, 7}, new float[6]);
        ObservationNormalizer b = new ObservationNormalizer(2);
        b.setState(a.state());
        float[] batch = {0.5f, -1f, 9f, 2f};
        float[] outA = new float[4];
        float[] outB = new float[4];
        a.normalize(batch, outA);
        b.normalize(batch, outB);
        assertArrayEquals(outA, outB);
        assertEquals(a.state(), b.state());
    }

    @Test
    void vectorBatchesAreOneUpdateAndCanBeNormalizedInPlace() {
        ObservationNormalizer normalizer = new ObservationNormalizer(2);
        RunningMeanStd reference = new RunningMeanStd(2);
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(6), 4)) {
            float[] obs = vec.reset(3).clone();
            reference.update(obs);
            normalizer.normalize(obs, obs);
            for (int step = 0; step < 10; step++) {
                vec.step(new int[] {1, 0, 1, 0});
                reference.update(vec.observations());
                float[] inPlace = vec.observations().clone();
                normalizer.normalize(inPlace, inPlace);
                float[] again = new float[inPlace.length];
                normalizer.transform(vec.observations(), again);
                assertArrayEquals(inPlace, again, "transform uses the same statistics without updating");
            }
        }
        assertEquals(reference.state(), normalizer.state());
        assertEquals(1e-4 + 4 * 11, normalizer.statistics().count(), 1e-9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> normalizer.normalize(new float[5], new float[5]));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("2"), e.getMessage());
    }
}
