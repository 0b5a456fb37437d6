package dev.trail.space;

import java.util.random.RandomGenerator;

/**
 * A set of values an environment accepts as actions or produces as observations.
 *
 * <p>The four kinds are fixed: {@link Discrete}, {@link Box}, {@link MultiDiscrete} and
 * {@link Tokens}. Validation throws {@link IllegalArgumentException} naming the space and the
 * offending value, so a bad action never reaches an environment's dynamics.
 *
 * @param <T> the Java type of one element ({@code Integer}, {@code float[]}, {@code int[]})
 */
public sealed interface Space<T> permits Discrete, Box, MultiDiscrete, Tokens {

    /** Whether {@code value} is an element of this space. */
    boolean contains(T value);

    /**
     * Throws if {@code value} is not an element of this space.
     *
     * @throws IllegalArgumentException naming this space and the value
     */
    default void validate(T value) {
        if (value == null) {
            throw new IllegalArgumentException("null is not an element of " + this);
        }
        if (!contains(value)) {
            throw new IllegalArgumentException(
                    "value " + format(value) + " is outside the space " + this);
        }
    }

    /** A uniformly random element (for Box: uniform on bounded dimensions). */
    T sample(RandomGenerator random);

    /**
     * Number of scalars an element occupies when laid out flat in a primitive array (1 for
     * {@link Discrete}, the product of the shape for {@link Box}, ...).
     */
    int flatSize();

    /** Renders a value for error messages. */
    String format(T value);
}
