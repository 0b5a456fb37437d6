package dev.trail.seed;

import java.util.random.RandomGenerator;

/**
 * The one shuffle of Trail: Fisher-Yates from the last position down, one draw
 * {@code nextInt(i + 1)} per position {@code i > 0}, so the same stream gives the same order
 * everywhere (minibatches of PPO and GRPO, dataset splits, task generators).
 */
public final class Shuffle {

    private Shuffle() {
    }

    /** Shuffles {@code a} in place with draws from {@code rng}. */
    public static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /** A random permutation of {@code 0 .. n-1} drawn from {@code rng}. */
    public static int[] permutation(int n, RandomGenerator rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rng);
        return p;
    }
}
