package dev.trail.token;

/**
 * Which part of a task's problem set a problem belongs to. The split is a pure function of the
 * problem's canonical key ({@link Problem#key()}): a stable 64-bit hash of the key, mapped to
 * {@code [0, 1)}, puts the problem in {@link #HELD_OUT} when it is below the held-out fraction.
 * Training and held-out problems are therefore disjoint by construction, whatever the seeds, and
 * the split of a problem never depends on how it was drawn.
 */
public enum Split {
    /** Problems to train on. */
    TRAIN,
    /** Problems never sampled for training: for evaluation only. */
    HELD_OUT;

    /** The split of the problem with canonical key {@code key}. */
    public static Split of(String key, double heldOutFraction) {
        checkFraction(heldOutFraction);
        return unit(key) < heldOutFraction ? HELD_OUT : TRAIN;
    }

    public static void checkFraction(double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("heldOutFraction must be in [0, 1), got " + heldOutFraction);
        }
    }

    /** A stable hash of {@code key} mapped to {@code [0, 1)} (FNV-1a, then the SplitMix64 finalizer). */
    static double unit(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
