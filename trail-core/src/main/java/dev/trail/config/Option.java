package dev.trail.config;

import java.util.List;

/**
 * The declaration of one option: its name, type, default, one-line meaning, and for
 * {@link Type#CHOICE} options the allowed values; numeric options may carry a range.
 *
 * @param name the key, e.g. {@code gamma}
 * @param type the value type
 * @param defaultValue the default as a string, parsed like user input
 * @param description one-line meaning
 * @param choices allowed values of a {@code CHOICE} option (empty otherwise)
 * @param min smallest allowed numeric value (inclusive), or -infinity
 * @param max largest allowed numeric value (inclusive), or +infinity
 */
public record Option(String name, Type type, String defaultValue, String description, List<String> choices,
        double min, double max) {

    /** Option value types. */
    public enum Type { DOUBLE, INT, BOOLEAN, CHOICE, STRING }

    public Option {
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (type == Type.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice option " + name + " needs choices");
        }
    }

    /** A real-valued option within {@code [min, max]}. */
    public static Option real(String name, double defaultValue, double min, double max, String description) {
        return new Option(name, Type.DOUBLE, Double.toString(defaultValue), description, List.of(), min, max);
    }

    /** An integer option within {@code [min, max]}. */
    public static Option integer(String name, int defaultValue, int min, int max, String description) {
        return new Option(name, Type.INT, Integer.toString(defaultValue), description, List.of(), min, max);
    }

    /** A boolean option. */
    public static Option flag(String name, boolean defaultValue, String description) {
        return new Option(name, Type.BOOLEAN, Boolean.toString(defaultValue), description, List.of(),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** An option that takes one of {@code choices}. */
    public static Option choice(String name, String defaultValue, List<String> choices, String description) {
        return new Option(name, Type.CHOICE, defaultValue, description, choices,
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** A free-text option. */
    public static Option text(String name, String defaultValue, String description) {
        return new Option(name, Type.STRING, defaultValue, description, List.of(),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** Parses and validates {@code raw}; throws naming the option, the value and what is allowed. */
    public Object parse(String raw) {
        String v = raw == null ? "" : raw.trim();
        switch (type) {
            case DOUBLE -> {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + name + "=" + raw + " is not a number");
                }
                checkRange(d, raw);
                return d;
            }
            case INT -> {
                int i;
                try {
                    i = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("option " + name + "=" + raw + " is not an integer");
                }
                checkRange(i, raw);
                return i;
            }
            case BOOLEAN -> {
                if (v.equalsIgnoreCase("true")) {
                    return true;
                }
                if (v.equalsIgnoreCase("false")) {
                    return false;
                }
                throw new IllegalArgumentException("option " + name + "=" + raw + " must be true or false");
            }
            case CHOICE -> {
                if (!choices.contains(v)) {
                    throw new IllegalArgumentException("option " + name + "=" + raw + " must be one of " + choices);
                }
                return v;
            }
            default -> {
                return v;
            }
        }
    }

    private void checkRange(double d, String raw) {
        if (Double.isNaN(d) || d < min || d > max) {
            throw new IllegalArgumentException("option " + name + "=" + raw + " is outside the allowed range "
                    + rangeText());
        }
    }

    /** The allowed values, for help texts: {@code [0, 1]}, {@code one of [a, b]}, ... */
    public String rangeText() {
        return switch (type) {
            case CHOICE -> "one of " + choices;
            case BOOLEAN -> "true or false";
            case STRING -> "text";
            default -> (min == Double.MIN_VALUE ? "(0" : "[" + fmt(min)) + ", " + fmt(max) + "]";
        };
    }

    private String fmt(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (type == Type.INT || d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
