package dev.trail.seed.numpy;

/**
 * NumPy 2.x's {@code np.random.Generator} over {@link Pcg64}, for the methods Gymnasium's and
 * MiniGrid's environments call: {@link #integers(long, long)}, {@link #random()},
 * {@link #uniform(double, double)} and {@link #randomRaw()}. {@link #seeded(long)} is
 * {@code np.random.default_rng(seed)}, which is also what {@code gymnasium.utils.seeding.np_random}
 * builds.
 *
 * <h2>integers(low, high)</h2>
 * int64, {@code high} exclusive ({@code random_bounded_uint64_fill} in NumPy's
 * {@code distributions.c}), with {@code rng = high - 1 - low} (unsigned):
 * <ul>
 *   <li>{@code rng == 0}: {@code low}, and nothing is drawn;
 *   <li>{@code rng < 2^32 - 1}: Lemire's method on 32-bit draws ({@code buffered_bounded_lemire_uint32}):
 *       {@code m = u32 * (rng + 1)}; if {@code (m mod 2^32) < (2^32 - 1 - rng) mod (rng + 1)},
 *       redraw; the result is {@code low + (m >>> 32)};
 *   <li>{@code rng == 2^32 - 1}: {@code low} plus a 32-bit draw;
 *   <li>{@code rng == 2^64 - 1}: {@code low} plus a 64-bit draw;
 *   <li>otherwise Lemire's method on 64-bit draws with a 128-bit product.
 * </ul>
 * The 32-bit draws share the bit generator's buffer, so two {@code integers(0, 10)} calls consume
 * one 64-bit output.
 *
 * <h2>random(), uniform(a, b)</h2>
 * {@code random() = (u64 >>> 11) * 2^-53}, a fresh 64-bit draw that leaves the 32-bit buffer
 * alone; {@code uniform(a, b) = a + (b - a) * random()}.
 *
 * <p>Not thread-safe: one generator per environment copy.
 */
public final class Generator {

    private static final long UINT32_MAX = 0xffffffffL;

    private final Pcg64 bitGenerator;

    /** A generator over {@code bitGenerator} (which it then owns). */
    public Generator(Pcg64 bitGenerator) {
        if (bitGenerator == null) {
            throw new IllegalArgumentException("a Generator needs a bit generator, got null");
        }
        this.bitGenerator = bitGenerator;
    }

    /**
     * {@code np.random.default_rng(seed)}: {@code Generator(PCG64(SeedSequence(seed)))}, with
     * {@code seed} read as an unsigned 64-bit integer (a negative {@code seed} is NumPy's
     * {@code seed + 2^64}).
     */
    public static Generator seeded(long seed) {
        return new Generator(Pcg64.of(SeedSequence.of(seed)));
    }

    /** A generator at the position {@link #state()} returned. */
    public static Generator fromState(long[] state) {
        return new Generator(Pcg64.fromState(state));
    }

    /** The bit generator's full state (6 longs, see {@link Pcg64#state()}). */
    public long[] state() {
        return bitGenerator.state();
    }

    /** An independent copy at the same position. */
    public Generator copy() {
        return new Generator(bitGenerator.copy());
    }

    /** The bit generator. */
    public Pcg64 bitGenerator() {
        return bitGenerator;
    }

    /** {@code bit_generator.random_raw()}: a 64-bit output, to be read as unsigned. */
    public long randomRaw() {
        return bitGenerator.nextLong();
    }

    /**
     * {@code integers(low, high)}: a uniform int64 in {@code [low, high)}; see the class comment.
     *
     * @throws IllegalArgumentException if {@code low >= high}
     */
    public long integers(long low, long high) {
        if (low >= high) {
            throw new IllegalArgumentException("integers(low, high) needs low < high, got low=" + low + ", high=" + high);
        }
        long rng = high - 1 - low; // unsigned
        if (rng == 0) {
            return low;
        }
        if (Long.compareUnsigned(rng, UINT32_MAX) < 0) {
            return low + boundedLemire32(rng);
        }
        if (rng == UINT32_MAX) {
            return low + (bitGenerator.nextInt() & UINT32_MAX);
        }
        if (rng == -1L) {
            return low + bitGenerator.nextLong();
        }
        return low + boundedLemire64(rng);
    }

    /** {@code integers(low, high)} for {@code int} bounds. */
    public int integers(int low, int high) {
        return (int) integers((long) low, (long) high);
    }

    private long boundedLemire32(long rng) {
        long rngExcl = rng + 1; // <= 2^32 - 1, so u32 * rngExcl < 2^64: the product is exact
        long m = (bitGenerator.nextInt() & UINT32_MAX) * rngExcl;
        long leftover = m & UINT32_MAX;
        if (leftover < rngExcl) {
            long threshold = (UINT32_MAX - rng) % rngExcl;
            while (leftover < threshold) {
                m = (bitGenerator.nextInt() & UINT32_MAX) * rngExcl;
                leftover = m & UINT32_MAX;
            }
        }
        return m >>> 32;
    }

    private long boundedLemire64(long rng) {
        long rngExcl = rng + 1;
        long x = bitGenerator.nextLong();
        long leftover = x * rngExcl;
        if (Long.compareUnsigned(leftover, rngExcl) < 0) {
            long threshold = Long.remainderUnsigned(-1L - rng, rngExcl);
            while (Long.compareUnsigned(leftover, threshold) < 0) {
                x = bitGenerator.nextLong();
                leftover = x * rngExcl;
            }
        }
        return Math.unsignedMultiplyHigh(x, rngExcl);
    }

    /** {@code random()}: a double in {@code [0, 1)} with 53 random bits. */
    public double random() {
        return (bitGenerator.nextLong() >>> 11) * 0x1.0p-53;
    }

    /** {@code uniform(low, high)}: {@code low + (high - low) * random()}. */
    public double uniform(double low, double high) {
        return low + (high - low) * random();
    }
}
