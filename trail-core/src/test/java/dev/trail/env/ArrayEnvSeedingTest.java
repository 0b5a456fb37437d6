package dev.trail.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import dev.trail.seed.numpy.Generator;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.testenv.RandomWalkEnv;
import org.junit.jupiter.api.Test;

/** {@link ArrayEnv.Seeding}: which stream {@code reset(seed)} seeds, and that snapshots carry it. */
class ArrayEnvSeedingTest {

    /** A one-number environment whose start state and steps draw from NumPy's generator. */
    static final class NumpyCounter extends ArrayEnv<Integer> {
        double value;

        NumpyCounter() {
            super(0, Seeding.NUMPY);
        }

        @Override
        protected void resetState(Generator npRandom) {
            value = npRandom.integers(0, 1000);
        }

        @Override
        protected double advance(int action) {
            value += npRandom().random();
            return value;
        }

        @Override
        protected void observe(float[] out, int offset) {
            out[offset] = (float) value;
        }

        @Override
        public double[] state() {
            return new double[] {value};
        }

        @Override
        protected void loadState(double[] state) {
            value = state[0];
        }

        @Override
        public int observationSize() {
            return 1;
        }

        @Override
        public Space<Integer> actionSpace() {
            return new Discrete(2);
        }

        @Override
        public Space<float[]> observationSpace() {
            return dev.trail.space.Box.uniform(0, 2000, 1);
        }
    }

    @Test
    void numpySeedingDrawsFromDefaultRng() {
        NumpyCounter env = new NumpyCounter();
        env.reset(0L);
        assertEquals(850, env.value); // numpy_rng_vectors.json: default_rng(0).integers(0, 1000) = 850
        Generator g = Generator.seeded(0L);
        g.integers(0, 1000);
        env.step(0);
        assertEquals(850 + g.random(), env.value);
        assertEquals(ArrayEnv.Seeding.NUMPY, env.seeding());
    }

    @Test
    void snapshotsCarryTheNumpyGeneratorMidBuffer() {
        NumpyCounter env = new NumpyCounter();
        env.reset(3L); // one 32-bit half of an output stays buffered
        EnvSnapshot snapshot = env.snapshot();
        assertEquals(6, snapshot.rngState().length);
        double[] original = {env.step(1).reward(), env.step(1).reward(), env.reset()[0]};
        NumpyCounter other = new NumpyCounter();
        other.restore(snapshot);
        assertArrayEquals(original, new double[] {other.step(1).reward(), other.step(1).reward(), other.reset()[0]});
    }

    @Test
    void splitMixSeedingIsUnchanged() {
        var env = new RandomWalkEnv(10) {
            Generator peek() {
                return npRandom();
            }
        };
        assertEquals(ArrayEnv.Seeding.SPLIT_MIX, env.seeding());
        assertEquals(2, env.snapshot().rngState().length);
        env.reset(1L);
        assertThrows(IllegalStateException.class, env::peek);
    }

    @Test
    void anEnvironmentMustOverrideTheHookOfItsSeeding() {
        ArrayEnv<Integer> missing = new ArrayEnv<>(0, ArrayEnv.Seeding.NUMPY) {
            @Override
            protected void resetState(Rng rng) {
            }

            @Override
            protected void observe(float[] out, int offset) {
            }

            @Override
            public double[] state() {
                return new double[0];
            }

            @Override
            protected void loadState(double[] state) {
            }

            @Override
            public int observationSize() {
                return 0;
            }

            @Override
            public Space<Integer> actionSpace() {
                return new Discrete(1);
            }

            @Override
            public Space<float[]> observationSpace() {
                return null;
            }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> missing.reset(0L));
        assertTrue(e.getMessage().contains("NUMPY") && e.getMessage().contains("resetState(Generator)"),
                e.getMessage());
    }
}
