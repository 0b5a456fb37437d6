package dev.trail.space;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Token sequences: arrays of 1 to {@code maxLength} token ids, each in {@code [0, vocabSize)}.
 * Used by token-level tasks, where an observation is a prompt and an action a token (or a
 * sequence of tokens).
 *
 * @param vocabSize number of distinct token ids, at least 1
 * @param maxLength the longest sequence allowed, at least 1
 */
public record Tokens(int vocabSize, int maxLength) implements Space<int[]> {

    public Tokens {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("Tokens needs vocabSize >= 1, got " + vocabSize);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("Tokens needs maxLength >= 1, got " + maxLength);
        }
    }

    @Override
    public boolean contains(int[] value) {
        if (value == null || value.length == 0 || value.length > maxLength) {
            return false;
        }
        for (int t : value) {
            if (t < 0 || t >= vocabSize) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int[] sample(RandomGenerator random) {
        int[] out = new int[1 + random.nextInt(maxLength)];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextInt(vocabSize);
        }
        return out;
    }

    @Override
    public int flatSize() {
        return maxLength;
    }

    @Override
    public String format(int[] value) {
        return Arrays.toString(value);
    }

    @Override
    public String toString() {
        return "Tokens(vocab=" + vocabSize + ", maxLength=" + maxLength + ")";
    }
}
