package dev.trail.space;

import java.util.random.RandomGenerator;

/**
 * The integers {@code start, start + 1, ..., start + n - 1}, as Gymnasium's {@code Discrete(n, start)}.
 *
 * @param n number of elements, at least 1
 * @param start the smallest element (usually 0)
 */
public record Discrete(int n, int start) implements Space<Integer> {

    public Discrete {
        if (n < 1) {
            throw new IllegalArgumentException("Discrete space needs n >= 1, got " + n);
        }
    }

    /** {@code Discrete(n)} starting at 0. */
    public Discrete(int n) {
        this(n, 0);
    }

    /** Whether the primitive {@code value} is an element (no boxing on hot paths). */
    public boolean contains(int value) {
        return value >= start && value - start < n;
    }

    @Override
    public boolean contains(Integer value) {
        return value != null && contains(value.intValue());
    }

    /** Primitive {@link #validate}: throws naming the space and the value. */
    public void validate(int value) {
        if (!contains(value)) {
            throw new IllegalArgumentException("action " + value + " is outside the space " + this);
        }
    }

    @Override
    public Integer sample(RandomGenerator random) {
        return start + random.nextInt(n);
    }

    @Override
    public int flatSize() {
        return 1;
    }

    @Override
    public String format(Integer value) {
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
    }
}
