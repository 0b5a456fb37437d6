package dev.trail.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The documentation and range of one component of a config record, read at run time by the
 * config binder (for {@code --list}, and to refuse out-of-range values before any work starts).
 * The record's compact constructor stays the authority on validity; the range here is what the
 * binder checks first, in the component's declared type, so that the message can name the key.
 *
 * <pre>{@code
 * public record MyConfig(
 *         @Param(value = "discount factor", min = 0, max = 1) double gamma,
 *         @Param(value = "steps per rollout", min = 1, max = 1 << 20) int numSteps) { ... }
 * }</pre>
 *
 * <p>The key is the component name in snake_case ({@code numSteps} is {@code num_steps}) unless
 * {@link #name()} says otherwise.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {

    /** One-line meaning, shown by {@code --list}. */
    String value();

    /**
     * Smallest allowed value (inclusive); {@link Double#MIN_VALUE} means "greater than 0". Integer
     * components are also bounded by their type.
     */
    double min() default Double.NEGATIVE_INFINITY;

    /** Largest allowed value (inclusive). */
    double max() default Double.POSITIVE_INFINITY;

    /** The key, when it is not the component name in snake_case (one spelling per concept across configs). */
    String name() default "";

    /**
     * For a primitive {@code double}: the value the word {@code none} stands for (e.g.
     * {@code "Infinity"} for "no dual clip"); empty when {@code none} is not accepted. A nullable
     * component (e.g. {@code Double}) always takes {@code none} or {@code null} as null.
     */
    String none() default "";
}
