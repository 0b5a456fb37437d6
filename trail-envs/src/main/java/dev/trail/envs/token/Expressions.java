package dev.trail.envs.token;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact evaluation of arithmetic expressions, by recursive descent:
 *
 * <pre>
 *   expression := term (('+' | '-') term)*
 *   term       := factor (('*' | '/') factor)*
 *   factor     := NUMBER | '(' expression ')' | '-' factor      (the last only with unary minus)
 *   NUMBER     := '0' | [1-9][0-9]*                              (no leading zeros, at most 18 digits)
 * </pre>
 *
 * <p>Spaces are ignored between tokens; {@code *} and {@code /} bind tighter than {@code +} and
 * {@code -}; operators of equal precedence associate to the left. Values are exact
 * {@link Rational}s. With {@link Rules#integerDivision()} every division must come out an integer
 * (Countdown's rule); otherwise fractions are kept. Division by zero, overflow of {@code long}
 * and malformed text are reported in {@link Evaluation#error()}, never thrown.
 */
public final class Expressions {

    private Expressions() {
    }

    /**
     * What an expression may contain.
     *
     * @param unaryMinus whether {@code -x} is allowed
     * @param integerDivision whether each division must divide exactly
     */
    public record Rules(boolean unaryMinus, boolean integerDivision) {
        /** Countdown: no unary minus, exact integer division. */
        public static final Rules COUNTDOWN = new Rules(false, true);
        /** A calculator: unary minus, fractions allowed. */
        public static final Rules CALCULATOR = new Rules(true, false);
    }

    /**
     * The outcome of an evaluation.
     *
     * @param value the value, or null on error
     * @param literals the number literals in order of appearance (those read before an error)
     * @param error what was wrong, or null
     */
    public record Evaluation(Rational value, List<Long> literals, String error) {
        public Evaluation {
            literals = List.copyOf(literals);
        }

        /** Whether the expression evaluated. */
        public boolean ok() {
            return error == null;
        }
    }

    /** Evaluates {@code text} under {@code rules}. */
    public static Evaluation evaluate(String text, Rules rules) {
        Parser p = new Parser(text, rules);
        try {
            p.skipSpaces();
            if (p.pos == text.length()) {
                return new Evaluation(null, p.literals, "empty expression");
            }
            Rational v = p.expression();
            p.skipSpaces();
            if (p.pos != text.length()) {
                return new Evaluation(null, p.literals,
                        "unexpected '" + text.charAt(p.pos) + "' at index " + p.pos + " of \"" + text + "\"");
            }
            return new Evaluation(v, p.literals, null);
        } catch (ParseError e) {
            return new Evaluation(null, p.literals, e.getMessage());
        } catch (ArithmeticException e) {
            return new Evaluation(null, p.literals, "overflow in \"" + text + "\"");
        }
    }

    private static final class ParseError extends RuntimeException {
        ParseError(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 200;
        private final String s;
        private final Rules rules;
        private final List<Long> literals = new ArrayList<>();
        private int pos;
        private int depth;

        Parser(String s, Rules rules) {
            this.s = s;
            this.rules = rules;
        }

        void skipSpaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        /** The next non-space character, or 0 at the end. */
        char peek() {
            skipSpaces();
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        Rational expression() {
            Rational v = term();
            while (true) {
                char c = peek();
                if (c == '+') {
                    pos++;
                    v = v.plus(term());
                } else if (c == '-') {
                    pos++;
                    v = v.minus(term());
                } else {
                    return v;
                }
            }
        }

        Rational term() {
            Rational v = factor();
            while (true) {
                char c = peek();
                if (c == '*') {
                    pos++;
                    v = v.times(factor());
                } else if (c == '/') {
                    int at = pos;
                    pos++;
                    Rational d = factor();
                    if (d.numerator() == 0) {
                        throw new ParseError("division by zero at index " + at + " of \"" + s + "\"");
                    }
                    Rational q = v.dividedBy(d);
                    if (rules.integerDivision() && !q.isInteger()) {
                        throw new ParseError(v + "/" + d + " is not an integer (division must be exact)");
                    }
                    v = q;
                } else {
                    return v;
                }
            }
        }

        Rational factor() {
            char c = peek();
            if (c == '(') {
                if (++depth > MAX_DEPTH) {
                    throw new ParseError("parentheses nested deeper than " + MAX_DEPTH);
                }
                pos++;
                Rational v = expression();
                if (peek() != ')') {
                    throw new ParseError(pos < s.length()
                            ? "expected ')' at index " + pos + " of \"" + s + "\", found '" + s.charAt(pos) + "'"
                            : "missing ')' at the end of \"" + s + "\"");
                }
                pos++;
                depth--;
                return v;
            }
            if (c == '-' && rules.unaryMinus()) {
                if (++depth > MAX_DEPTH) {
                    throw new ParseError("unary minus nested deeper than " + MAX_DEPTH);
                }
                pos++;
                Rational v = factor().negate();
                depth--;
                return v;
            }
            if (c >= '0' && c <= '9') {
                return Rational.of(number());
            }
            throw new ParseError(c == 0 ? "expression \"" + s + "\" ends where a number was expected"
                    : "expected a number at index " + pos + " of \"" + s + "\", found '" + c + "'");
        }

        long number() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                throw new ParseError("number " + digits + " has a leading zero");
            }
            if (digits.length() > 18) {
                throw new ParseError("number " + digits + " is too long (at most 18 digits)");
            }
            long n = Long.parseLong(digits);
            literals.add(n);
            return n;
        }
    }
}
