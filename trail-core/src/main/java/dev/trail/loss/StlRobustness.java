package dev.trail.loss;

/**
 * Quantitative semantics of Signal Temporal Logic in discrete time (ALGORITHMS.md §11.2; Donzé &amp;
 * Maler 2010; used by TGPO for dense rewards). A formula is evaluated on signals of N samples;
 * its robustness ρ(φ, t) is positive iff φ holds at t (0 is borderline):
 * <pre>
 *   predicate h(s) ≥ 0        ρ = h(s_t)
 *   ¬φ                         ρ = −ρ(φ, t)
 *   φ1 ∧ φ2 / φ1 ∨ φ2          min / max of ρ1(t), ρ2(t)
 *   G_[a,b] φ                  min_{t' ∈ [t+a, t+b]} ρ(φ, t')
 *   F_[a,b] φ                  max_{t' ∈ [t+a, t+b]} ρ(φ, t')
 *   φ1 U_[a,b] φ2              max_{t' ∈ [t+a, t+b]} min(ρ(φ2, t'), min_{t'' ∈ [t, t']} ρ(φ1, t''))
 *                              (right-open variant: t'' ∈ [t, t'), an empty min being +∞)
 * </pre>
 * <b>Horizon.</b> When {@code t + b ≥ N} the window runs past the signal. {@link Horizon#TRUNCATE}
 * cuts it at N−1 (common in RL); an empty window then gives the identity of the operator (max of
 * nothing = −∞, min of nothing = +∞). {@link Horizon#STRICT} calls the value undefined:
 * {@link #trace} holds NaN there and {@link #robustness} throws.
 *
 * <p>Predicates carry their robustness trace {@code h(s_0..s_{N−1})} directly; build them with
 * {@link #greaterThan}, {@link #lessThan} or {@link #predicate}. All predicates of a formula must
 * have the same N.
 */
public final class StlRobustness {

    private StlRobustness() {
    }

    /** What a window past the end of the signal means. */
    public enum Horizon {
        /** Cut the window at N−1; empty windows give −∞ (max) or +∞ (min). */
        TRUNCATE,
        /** The value is undefined (NaN in traces; an exception from {@link #robustness}). */
        STRICT
    }

    /** Which instants {@code t''} the left operand of Until must hold on. */
    public enum UntilVariant {
        /** {@code t'' ∈ [t, t']}: φ1 must hold up to and including the instant φ2 holds. */
        CLOSED,
        /** {@code t'' ∈ [t, t')}: φ1 must hold strictly before that instant. */
        RIGHT_OPEN
    }

    /** An STL formula. */
    public sealed interface Formula permits Predicate, Not, And, Or, Always, Eventually, Until {
    }

    /** A predicate {@code h(s) ≥ 0} given by its trace {@code h(s_t)}, t = 0..N−1 (copied). */
    public record Predicate(double[] values) implements Formula {
        public Predicate {
            Checks.notNull("predicate values", values);
            if (values.length == 0) {
                throw new IllegalArgumentException("a predicate needs a signal of at least one sample");
            }
            for (int t = 0; t < values.length; t++) {
                if (Double.isNaN(values[t])) {
                    throw new IllegalArgumentException("predicate value at t=" + t + " is NaN");
                }
            }
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /** ¬φ. */
    public record Not(Formula operand) implements Formula {
        public Not {
            Checks.notNull("operand", operand);
        }
    }

    /** φ1 ∧ φ2. */
    public record And(Formula left, Formula right) implements Formula {
        public And {
            Checks.notNull("left", left);
            Checks.notNull("right", right);
        }
    }

    /** φ1 ∨ φ2. */
    public record Or(Formula left, Formula right) implements Formula {
        public Or {
            Checks.notNull("left", left);
            Checks.notNull("right", right);
        }
    }

    /** G_[from, to] φ. */
    public record Always(int from, int to, Formula operand) implements Formula {
        public Always {
            checkWindow(from, to);
            Checks.notNull("operand", operand);
        }
    }

    /** F_[from, to] φ. */
    public record Eventually(int from, int to, Formula operand) implements Formula {
        public Eventually {
            checkWindow(from, to);
            Checks.notNull("operand", operand);
        }
    }

    /** φ1 U_[from, to] φ2. */
    public record Until(int from, int to, Formula left, Formula right, UntilVariant variant) implements Formula {
        public Until {
            checkWindow(from, to);
            Checks.notNull("left", left);
            Checks.notNull("right", right);
            Checks.notNull("variant", variant);
        }
    }

    private static void checkWindow(int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("a time window needs 0 <= from <= to, got [" + from + ", " + to + "]");
        }
    }

    // ---- builders --------------------------------------------------------------------------------

    /** The predicate with trace {@code h}. */
    public static Formula predicate(double[] h) {
        return new Predicate(h);
    }

    /** {@code x > c}: h = x − c. */
    public static Formula greaterThan(double[] signal, double threshold) {
        Checks.notNull("signal", signal);
        double[] h = new double[signal.length];
        for (int t = 0; t < h.length; t++) {
            h[t] = signal[t] - threshold;
        }
        return new Predicate(h);
    }

    /** {@code x < c}: h = c − x. */
    public static Formula lessThan(double[] signal, double threshold) {
        Checks.notNull("signal", signal);
        double[] h = new double[signal.length];
        for (int t = 0; t < h.length; t++) {
            h[t] = threshold - signal[t];
        }
        return new Predicate(h);
    }

    public static Formula not(Formula operand) {
        return new Not(operand);
    }

    public static Formula and(Formula left, Formula right) {
        return new And(left, right);
    }

    public static Formula or(Formula left, Formula right) {
        return new Or(left, right);
    }

    public static Formula always(int from, int to, Formula operand) {
        return new Always(from, to, operand);
    }

    public static Formula eventually(int from, int to, Formula operand) {
        return new Eventually(from, to, operand);
    }

    /** Until with the closed variant {@code t'' ∈ [t, t']}. */
    public static Formula until(int from, int to, Formula left, Formula right) {
        return new Until(from, to, left, right, UntilVariant.CLOSED);
    }

    public static Formula until(int from, int to, Formula left, Formula right, UntilVariant variant) {
        return new Until(from, to, left, right, variant);
    }

    // ---- evaluation ------------------------------------------------------------------------------

    /**
     * ρ(φ, t).
     *
     * @throws IllegalArgumentException if t is outside [0, N), or under {@link Horizon#STRICT} the
     *     value needs samples past N−1
     */
    public static double robustness(Formula formula, int t, Horizon horizon) {
        double[] trace = trace(formula, horizon);
        if (t < 0 || t >= trace.length) {
            throw new IllegalArgumentException("t=" + t + " is outside the signal [0, " + trace.length + ")");
        }
        double rho = trace[t];
        if (Double.isNaN(rho)) {
            throw new IllegalArgumentException("robustness at t=" + t + " is undefined under STRICT horizon: a window"
                    + " runs past the last sample " + (trace.length - 1) + "; use Horizon.TRUNCATE or a longer signal");
        }
        return rho;
    }

    /** ρ(φ, 0) with truncated windows. */
    public static double robustness(Formula formula) {
        return robustness(formula, 0, Horizon.TRUNCATE);
    }

    /** The robustness trace ρ(φ, t) for t = 0..N−1 (NaN where undefined under STRICT). */
    public static double[] trace(Formula formula, Horizon horizon) {
        Checks.notNull("formula", formula);
        Checks.notNull("horizon", horizon);
        return eval(formula, horizon, signalLength(formula));
    }

    private static int signalLength(Formula f) {
        return switch (f) {
            case Predicate p -> p.values.length;
            case Not n -> signalLength(n.operand());
            case And a -> sameN(signalLength(a.left()), signalLength(a.right()));
            case Or o -> sameN(signalLength(o.left()), signalLength(o.right()));
            case Always g -> signalLength(g.operand());
            case Eventually e -> signalLength(e.operand());
            case Until u -> sameN(signalLength(u.left()), signalLength(u.right()));
        };
    }

    private static int sameN(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("predicates have signals of length " + a + " and " + b
                    + "; all predicates of a formula need the same length");
        }
        return a;
    }

    private static double[] eval(Formula f, Horizon horizon, int n) {
        return switch (f) {
            case Predicate p -> p.values.clone();
            case Not not -> {
                double[] x = eval(not.operand(), horizon, n);
                for (int t = 0; t < n; t++) {
                    x[t] = -x[t];
                }
                yield x;
            }
            case And and -> combine(eval(and.left(), horizon, n), eval(and.right(), horizon, n), true);
            case Or or -> combine(eval(or.left(), horizon, n), eval(or.right(), horizon, n), false);
            case Always g -> window(eval(g.operand(), horizon, n), g.from(), g.to(), true, horizon);
            case Eventually e -> window(eval(e.operand(), horizon, n), e.from(), e.to(), false, horizon);
            case Until u -> until(eval(u.left(), horizon, n), eval(u.right(), horizon, n), u, horizon);
        };
    }

    // Math.min/max propagate NaN, which is how STRICT's "undefined" travels up the formula.
    private static double[] combine(double[] a, double[] b, boolean min) {
        double[] out = new double[a.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = min ? Math.min(a[t], b[t]) : Math.max(a[t], b[t]);
        }
        return out;
    }

    private static double[] window(double[] x, int from, int to, boolean min, Horizon horizon) {
        int n = x.length;
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            if (horizon == Horizon.STRICT && (long) t + to >= n) {
                out[t] = Double.NaN;
                continue;
            }
            double acc = min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            long last = Math.min((long) t + to, n - 1);
            for (long s = (long) t + from; s <= last; s++) {
                acc = min ? Math.min(acc, x[(int) s]) : Math.max(acc, x[(int) s]);
            }
            out[t] = acc;
        }
        return out;
    }

    private static double[] until(double[] left, double[] right, Until u, Horizon horizon) {
        int n = left.length;
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            if (horizon == Horizon.STRICT && (long) t + u.to() >= n) {
                out[t] = Double.NaN;
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            double leftMin = Double.POSITIVE_INFINITY; // min of left over [t, t'), grown as t' advances
            long last = Math.min((long) t + u.to(), n - 1);
            for (int s = t; s <= last; s++) {
                double leftUpTo = u.variant() == UntilVariant.CLOSED ? Math.min(leftMin, left[s]) : leftMin;
                if (s >= (long) t + u.from()) {
                    best = Math.max(best, Math.min(right[s], leftUpTo));
                }
                leftMin = Math.min(leftMin, left[s]);
            }
            out[t] = best;
        }
        return out;
    }
}
