package dev.trail.envs.token;

import dev.trail.token.Problem;
import dev.trail.token.Verdict;
import dev.trail.token.Split;

/** Parsing of integer answers in their one canonical form, shared by the verifiers. */
final class Answers {

    private Answers() {
    }

    /** How many random draws a sampler makes before concluding that a split holds no problem. */
    static final int MAX_SAMPLING_ATTEMPTS = 100_000;

    /**
     * Draws problems until one falls in {@code split} (the split is a property of the problem, so
     * train and held-out never share one); {@code draw} may return null for a rejected draw.
     *
     * @throws IllegalArgumentException if the held-out split is empty by configuration
     * @throws IllegalStateException if no problem of the split turns up in {@link #MAX_SAMPLING_ATTEMPTS} draws
     */
    static <P extends Problem> P sampleInSplit(String id, double heldOutFraction, Split split,
            java.util.function.Supplier<P> draw, java.util.function.Function<P, Split> splitOf, Object config) {
        if (split == Split.HELD_OUT && heldOutFraction == 0) {
            throw new IllegalArgumentException("the held-out split of " + id + " is empty (heldOutFraction = 0)");
        }
        for (int attempt = 0; attempt < MAX_SAMPLING_ATTEMPTS; attempt++) {
            P p = draw.get();
            if (p != null && splitOf.apply(p) == split) {
                return p;
            }
        }
        throw new IllegalStateException("found no " + split + " problem of " + id + " in " + MAX_SAMPLING_ATTEMPTS
                + " draws; the problem space is too small for heldOutFraction " + heldOutFraction + " with " + config);
    }

    /**
     * The value of {@code text} if it is a canonical integer: an optional {@code -} followed by
     * {@code 0} or a digit string without leading zero, at most 18 digits, and not {@code -0};
     * otherwise null. No spaces, no {@code +}.
     */
    static Long parseCanonical(String text) {
        return problem(text) == null ? Long.parseLong(text) : null;
    }

    /** Why {@code text} is not a canonical integer, or null when it is one. */
    static String problem(String text) {
        if (text.isEmpty()) {
            return "empty answer";
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        String digits = text.substring(start);
        if (digits.isEmpty()) {
            return "answer \"" + text + "\" has no digits";
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return "answer \"" + text + "\" is not an integer (found '" + c + "')";
            }
        }
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            return "answer \"" + text + "\" has a leading zero";
        }
        if (digits.length() > 18) {
            return "answer \"" + text + "\" is too long";
        }
        if (start == 1 && digits.equals("0")) {
            return "answer \"-0\" is not canonical (write 0)";
        }
        return null;
    }

    /** Verdict for a canonical-integer answer {@code text} against {@code expected}. */
    static Verdict judge(String text, long expected, double formatReward) {
        String why = problem(text);
        if (why != null) {
            return Verdict.malformed(why);
        }
        long got = Long.parseLong(text);
        return got == expected ? Verdict.exact()
                : Verdict.wrong(formatReward, "answered " + got + ", expected " + expected);
    }

    static void checkFormatReward(double formatReward) {
        if (!(formatReward >= 0 && formatReward < 1)) {
            throw new IllegalArgumentException("formatReward must be in [0, 1), got " + formatReward);
        }
    }

    /** The smallest and largest integers with exactly {@code digits} decimal digits (0..9 for one digit). */
    static long low(int digits) {
        return digits == 1 ? 0 : pow10(digits - 1);
    }

    static long high(int digits) {
        return pow10(digits) - 1;
    }

    static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    static void checkDigits(String name, int digits) {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException(name + " must be in [1, 9] digits, got " + digits);
        }
    }
}
