package dev.trail.seed;

import java.util.random.RandomGenerator;

/**
 * A splittable random stream with the exact algorithm of {@link java.util.SplittableRandom}
 * (SplitMix64: the same seed gives the same {@code nextLong()} and {@code split()} sequence),
 * plus what {@code SplittableRandom} lacks: its state can be copied and restored, so an
 * environment snapshot includes its random stream (tree rollouts branch from snapshots) and a
 * checkpoint can resume a run's streams exactly.
 *
 * <p>Not thread-safe: give each thread its own stream with {@link #split()}.
 */
public final class Rng implements RandomGenerator {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private final long gamma;

    /** A stream seeded like {@code new SplittableRandom(seed)}. */
    public Rng(long seed) {
        this(seed, GOLDEN_GAMMA);
    }

    private Rng(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** Restores a stream from {@link #state()}. */
    public static Rng fromState(long[] state) {
        if (state == null || state.length != 2 || (state[1] & 1L) == 0) {
            throw new IllegalArgumentException("an Rng state is two longs with an odd gamma");
        }
        return new Rng(state[0], state[1]);
    }

    /** The full state, {@code [seed, gamma]}, for snapshots and checkpoints. */
    public long[] state() {
        return new long[] {seed, gamma};
    }

    /** An independent copy at the same position: both produce the same future values. */
    public Rng copy() {
        return new Rng(seed, gamma);
    }

    /** A new, statistically independent stream; advances this one. */
    public Rng split() {
        return new Rng(nextLong(), mixGamma(nextSeed()));
    }

    /** {@code n} independent streams split off this one, in order. */
    public Rng[] split(int n) {
        Rng[] out = new Rng[n];
        for (int i = 0; i < n; i++) {
            out[i] = split();
        }
        return out;
    }

    private long nextSeed() {
        return seed += gamma;
    }

    @Override
    public long nextLong() {
        return mix64(nextSeed());
    }

    @Override
    public int nextInt() {
        return mix32(nextSeed());
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return (n < 24) ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
