package dev.trail.seed;

/** Derives the per-component seeds of a run from its root seed. */
public final class Seeds {

    private Seeds() {
    }

    /**
     * {@code n} seeds for {@code n} copies of a component (environment copies, workers), derived
     * from {@code rootSeed} by splitting: seed {@code i} is the first value of the {@code i}-th
     * stream split off {@code new Rng(rootSeed)}. The same root always gives the same seeds, and
     * the first {@code k} seeds do not depend on {@code n}.
     */
    public static long[] split(long rootSeed, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of seeds must be >= 0, got " + n);
        }
        Rng root = new Rng(rootSeed);
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = root.split().nextLong();
        }
        return seeds;
    }

    /** A named child stream of the root seed: the same (root, name) always gives the same stream. */
    public static Rng stream(long rootSeed, String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return new Rng(rootSeed ^ h).split();
    }
}
