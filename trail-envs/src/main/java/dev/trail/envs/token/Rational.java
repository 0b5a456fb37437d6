package dev.trail.envs.token;

/**
 * An exact rational number {@code numerator / denominator} in lowest terms with a positive
 * denominator. Arithmetic is exact; a result outside {@code long} is an {@link ArithmeticException}.
 *
 * @param numerator the numerator
 * @param denominator the denominator, positive
 */
public record Rational(long numerator, long denominator) {

    public Rational {
        if (denominator == 0) {
            throw new ArithmeticException("zero denominator");
        }
        if (denominator < 0) {
            numerator = Math.negateExact(numerator);
            denominator = Math.negateExact(denominator);
        }
        long g = gcd(Math.absExact(numerator), denominator);
        if (g > 1) {
            numerator /= g;
            denominator /= g;
        }
    }

    /** The integer {@code n}. */
    public static Rational of(long n) {
        return new Rational(n, 1);
    }

    public Rational plus(Rational o) {
        return new Rational(Math.addExact(Math.multiplyExact(numerator, o.denominator),
                Math.multiplyExact(o.numerator, denominator)), Math.multiplyExact(denominator, o.denominator));
    }

    public Rational minus(Rational o) {
        return plus(new Rational(Math.negateExact(o.numerator), o.denominator));
    }

    public Rational times(Rational o) {
        return new Rational(Math.multiplyExact(numerator, o.numerator), Math.multiplyExact(denominator, o.denominator));
    }

    /** {@code this / o}; division by zero is an {@link ArithmeticException}. */
    public Rational dividedBy(Rational o) {
        if (o.numerator == 0) {
            throw new ArithmeticException("division by zero");
        }
        return new Rational(Math.multiplyExact(numerator, o.denominator), Math.multiplyExact(denominator, o.numerator));
    }

    public Rational negate() {
        return new Rational(Math.negateExact(numerator), denominator);
    }

    /** Whether the value is an integer. */
    public boolean isInteger() {
        return denominator == 1;
    }

    /** Whether the value equals the integer {@code n}. */
    public boolean equalsInteger(long n) {
        return denominator == 1 && numerator == n;
    }

    /** {@code 7}, {@code -3}, or {@code 7/2}. */
    @Override
    public String toString() {
        return denominator == 1 ? Long.toString(numerator) : numerator + "/" + denominator;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
