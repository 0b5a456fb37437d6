package dev.trail.seed.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.numpy.TinyJson.Num;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bit-for-bit parity with NumPy 2.4.6 on the test vectors of
 * {@code shared/testdata/minigrid/numpy_rng_vectors.json} (copied to {@code src/test/resources/numpy/}):
 * for seeds 0-5, 100, 1000 and 1001, the SeedSequence pool and state words, PCG64's initial state and
 * increment, and from a fresh generator each: {@code integers(0, 10)}, {@code integers(0, 1000)},
 * {@code random()}, {@code random_raw()}, 20 {@code integers(0, 7)}, and a mixed sequence that
 * exercises the shared 32-bit buffer, the no-draw case, the raw 32-bit case and the 64-bit Lemire path.
 */
class GeneratorTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> seeds() {
        Map<String, Object> root = (Map<String, Object>) TinyJson.parseResource("/numpy/numpy_rng_vectors.json");
        assertEquals("2.4.6", root.get("numpy_version"));
        List<Map<String, Object>> seeds = (List<Map<String, Object>>) root.get("seeds");
        assertEquals(9, seeds.size());
        return seeds.stream();
    }

    private static long seed(Map<String, Object> rec) {
        return ((Num) rec.get("seed")).asLong();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> rec, String key) {
        return (List<Object>) rec.get(key);
    }

    @ParameterizedTest(name = "seed {index}")
    @MethodSource("seeds")
    void seedSequenceAndInitialPcg64StateMatchNumpy(Map<String, Object> rec) {
        SeedSequence ss = SeedSequence.of(seed(rec));
        List<Object> pool = list(rec, "seed_sequence_pool_uint32");
        for (int k = 0; k < 4; k++) {
            assertEquals(((Num) pool.get(k)).asLong(), ss.pool()[k] & 0xffffffffL, "pool word " + k);
        }
        List<Object> words = list(rec, "generate_state_4_uint64");
        long[] state = ss.generateState(4);
        for (int k = 0; k < 4; k++) {
            assertEquals(((Num) words.get(k)).asUnsignedLong(), state[k], "state word " + k);
        }
        Pcg64 pcg = Pcg64.of(ss);
        assertEquals(rec.get("pcg64_initial_state_hex"), pcg.stateHex());
        assertEquals(rec.get("pcg64_inc_hex"), pcg.incHex());
    }

    @ParameterizedTest(name = "seed {index}")
    @MethodSource("seeds")
    void freshGeneratorDrawsMatchNumpy(Map<String, Object> rec) {
        long seed = seed(rec);
        Generator g = Generator.seeded(seed);
        for (Object v : list(rec, "integers_0_10")) {
            assertEquals(((Num) v).asLong(), g.integers(0L, 10L));
        }
        g = Generator.seeded(seed);
        for (Object v : list(rec, "integers_0_1000")) {
            assertEquals(((Num) v).asLong(), g.integers(0L, 1000L));
        }
        g = Generator.seeded(seed);
        for (Object v : list(rec, "random_repr")) {
            assertEquals(Double.parseDouble((String) v), g.random()); // repr round-trips: exact
        }
        g = Generator.seeded(seed);
        List<Object> rawHex = list(rec, "random_raw_hex");
        for (Object v : list(rec, "random_raw")) {
            long raw = g.randomRaw();
            assertEquals(((Num) v).asUnsignedLong(), raw);
            assertEquals(rawHex.get(list(rec, "random_raw").indexOf(v)), String.format("0x%016x", raw));
        }
        g = Generator.seeded(seed);
        for (Object v : list(rec, "integers_0_7_first20")) {
            assertEquals(((Num) v).asLong(), g.integers(0L, 7L));
        }
    }

    @ParameterizedTest(name = "seed {index}")
    @MethodSource("seeds")
    @SuppressWarnings("unchecked")
    void mixedSequenceSharesThe32BitBufferLikeNumpy(Map<String, Object> rec) {
        Generator g = Generator.seeded(seed(rec));
        for (Object o : list(rec, "mixed_sequence")) {
            List<Object> call = (List<Object>) o;
            String method = (String) call.get(0);
            Num expected = (Num) call.get(call.size() - 1);
            switch (method) {
                case "integers" -> assertEquals(expected.asLong(),
                        g.integers(((Num) call.get(1)).asLong(), ((Num) call.get(2)).asLong()), call.toString());
                case "random" -> assertEquals(expected.asDouble(), g.random(), call.toString());
                case "random_raw" -> assertEquals(expected.asUnsignedLong(), g.randomRaw(), call.toString());
                default -> throw new AssertionError("unknown call " + call);
            }
        }
    }

    /**
     * Seeds of two 32-bit words and the unsigned reading of negative longs, computed with NumPy
     * 2.4.6: {@code g = np.random.default_rng(s); [g.integers(0, 10) for _ in range(4)], g.random(),
     * g.integers(-5, 5), g.integers(0, 2**33 + 7), g.integers(-2**63, 2**63 - 1)}.
     */
    @Test
    void wideAndNegativeSeedsAreReadAsUnsigned64BitIntegers() {
        Generator g = Generator.seeded(-1L); // 2^64 - 1
        assertArrayEquals(new int[] {(int) 4210289908L, (int) 4195322160L, (int) 3925383783L, 237228537},
                SeedSequence.of(-1L).pool());
        assertArrayEquals(new long[] {5, 6, 9, 8}, new long[] {g.integers(0L, 10L), g.integers(0L, 10L),
            g.integers(0L, 10L), g.integers(0L, 10L)});
        assertEquals(0.007403081599260064, g.random());
        assertEquals(-4, g.integers(-5L, 5L));
        assertEquals(1107802930L, g.integers(0L, (1L << 33) + 7));
        assertEquals(-3341839637111308385L, g.integers(Long.MIN_VALUE, Long.MAX_VALUE));

        g = Generator.seeded((1L << 32) + 5);
        assertArrayEquals(new long[] {1, 7, 7, 4}, new long[] {g.integers(0L, 10L), g.integers(0L, 10L),
            g.integers(0L, 10L), g.integers(0L, 10L)});
        assertEquals(0.6958803443421149, g.random());
        assertEquals(3, g.integers(-5L, 5L));
        assertEquals(4620843039L, g.integers(0L, (1L << 33) + 7));
        assertEquals(319058996721522410L, g.integers(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void aSingleValueRangeDrawsNothing() {
        Generator a = Generator.seeded(7);
        Generator b = Generator.seeded(7);
        assertEquals(1, a.integers(1, 2));
        assertEquals(-3, a.integers(-3L, -2L));
        assertArrayEquals(b.state(), a.state());
        assertEquals(b.integers(0, 10), a.integers(0, 10));
    }

    @Test
    void stateRestoresMidBufferAndCopiesAreIndependent() {
        Generator g = Generator.seeded(3);
        g.integers(0, 10); // leaves the high half of an output in the buffer
        long[] state = g.state();
        assertEquals(1, state[4], "a 32-bit half is buffered");
        Generator restored = Generator.fromState(state);
        Generator copy = g.copy();
        for (int k = 0; k < 50; k++) {
            long expected = g.integers(0, 10 + k);
            assertEquals(expected, restored.integers(0, 10 + k));
            assertEquals(expected, copy.integers(0, 10 + k));
        }
        copy.random();
        assertTrue(copy.state()[1] != g.state()[1] || copy.state()[0] != g.state()[0]);
    }

    @Test
    void uniformIsLowPlusRangeTimesRandom() {
        Generator a = Generator.seeded(11);
        Generator b = Generator.seeded(11);
        for (int k = 0; k < 10; k++) {
            double u = b.random();
            assertEquals(-0.05 + (0.05 - -0.05) * u, a.uniform(-0.05, 0.05));
        }
    }

    @Test
    void badArgumentsNameTheValues() {
        Generator g = Generator.seeded(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.integers(5, 5));
        assertTrue(e.getMessage().contains("low=5") && e.getMessage().contains("high=5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Generator.fromState(new long[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("[1, 2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SeedSequence.ofWords());
    }
}
