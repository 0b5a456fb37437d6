package dev.trail.seed.numpy;

/**
 * NumPy's {@code np.random.SeedSequence(entropy)} with no spawn key and the default pool size of
 * four 32-bit words ({@code numpy/random/bit_generator.pyx}): the entropy is hashed into a pool
 * with {@code hashmix}/{@code mix}, and {@link #generateState(int)} draws words from the pool
 * with a second hash. Everything is unsigned 32-bit arithmetic, held in Java {@code int}s.
 *
 * <p>An integer seed becomes its little-endian 32-bit words ({@code 0 -> [0]}). A Java
 * {@code long} seed is read as unsigned: a negative {@code s} is NumPy's seed {@code s + 2^64}.
 */
public final class SeedSequence {

    static final int POOL_SIZE = 4;
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;

    private final int[] pool;

    private SeedSequence(int[] pool) {
        this.pool = pool;
    }

    /** {@code SeedSequence(seed)}, with {@code seed} read as an unsigned 64-bit integer. */
    public static SeedSequence of(long seed) {
        int low = (int) seed;
        int high = (int) (seed >>> 32);
        return ofWords(high == 0 ? new int[] {low} : new int[] {low, high});
    }

    /**
     * {@code SeedSequence(entropy)} for an entropy already split into little-endian 32-bit words
     * (the least significant word first), as NumPy's {@code _coerce_to_uint32_array} does.
     */
    public static SeedSequence ofWords(int... entropy) {
        if (entropy == null || entropy.length == 0) {
            throw new IllegalArgumentException("SeedSequence entropy needs at least one 32-bit word, got "
                    + (entropy == null ? "null" : "none"));
        }
        int[] hashConst = {INIT_A};
        int[] mixer = new int[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++) {
            mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
                }
            }
        }
        for (int src = POOL_SIZE; src < entropy.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                mixer[dst] = mix(mixer[dst], hashmix(entropy[src], hashConst));
            }
        }
        return new SeedSequence(mixer);
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        return value ^ (value >>> XSHIFT);
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> XSHIFT);
    }

    /** The entropy pool, four unsigned 32-bit words ({@code SeedSequence.pool}). */
    public int[] pool() {
        return pool.clone();
    }

    /** {@code generate_state(2 * nWords, np.uint32)} read in pairs: {@code generate_state(nWords, np.uint64)}. */
    public long[] generateState(int nWords) {
        if (nWords < 0) {
            throw new IllegalArgumentException("number of 64-bit words must be >= 0, got " + nWords);
        }
        int hashConst = INIT_B;
        int[] words = new int[2 * nWords];
        for (int i = 0; i < words.length; i++) {
            int v = pool[i % POOL_SIZE] ^ hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            words[i] = v ^ (v >>> XSHIFT);
        }
        long[] out = new long[nWords];
        for (int i = 0; i < nWords; i++) {
            out[i] = (words[2 * i] & 0xffffffffL) | ((long) words[2 * i + 1] << 32);
        }
        return out;
    }
}
