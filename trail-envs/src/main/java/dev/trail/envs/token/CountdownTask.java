package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Problem;
import dev.trail.token.Verdict;
import dev.trail.token.Split;

import dev.trail.seed.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Countdown-v0}: reach a target from given numbers with {@code + - * /} and parentheses.
 *
 * <h2>Problems</h2>
 * {@link Config#numbers()} numbers drawn uniformly from {@code [1, maxNumber]}. The target is the
 * value of a random expression over a random subset of at least {@link Config#minUsed()} of them,
 * built by combining two random sub-expressions at a time with a random operator, keeping every
 * intermediate value a positive integer; it is redrawn until the target lies in
 * {@code [minTarget, maxTarget]}. So every problem is solvable, and the generating expression is
 * its {@link #demonstration}. The key is the sorted numbers and the target ({@code 3,5,7,8=24}).
 *
 * <h2>Format</h2>
 * Prompt {@code make 24 from 3 5 7 8:}; response an expression, then EOS: {@code (8-5)*7+3}.
 * Spaces between tokens are allowed.
 *
 * <h2>Rules checked by the verifier</h2>
 * The expression is parsed by {@link Expressions} (precedence, parentheses, exact rationals, no
 * unary minus, no leading zeros). Each number literal must be one of the given numbers, and each
 * given number is used at most once (numbers need not all be used). With
 * {@link Config#integerDivision()} (the default, as in the game show) every division must be exact;
 * without it, fractional intermediate values are allowed (the "24 game" rule). Intermediate values
 * may be zero or negative. Division by zero is an error.
 *
 * <h2>Reward</h2>
 * 1 when the expression is valid and equals the target; {@link Config#formatReward()} when valid
 * but off target; 0 when it does not parse or breaks a rule.
 */
public final class CountdownTask implements TokenTask {

    /** The registry id. */
    public static final String ID = "Countdown-v0";

    /**
     * Options of {@code Countdown-v0}.
     *
     * @param numbers how many numbers a problem gives, 2-6
     * @param maxNumber the largest given number (the smallest is 1), 2-999
     * @param minTarget the smallest target, at least 1
     * @param maxTarget the largest target
     * @param minUsed the fewest numbers the generating expression combines, 2..numbers
     * @param integerDivision whether divisions must be exact
     * @param formatReward reward of a valid expression that misses the target, in [0, 1)
     * @param heldOutFraction share of problems (by key hash) kept out of training, in [0, 1)
     * @param maxResponseTokens response length budget in tokens (EOS included)
     */
    public record Config(int numbers, int maxNumber, int minTarget, int maxTarget, int minUsed,
            boolean integerDivision, double formatReward, double heldOutFraction, int maxResponseTokens) {
        public Config {
            if (numbers < 2 || numbers > 6) {
                throw new IllegalArgumentException("Countdown numbers must be in [2, 6], got " + numbers);
            }
            if (maxNumber < 2 || maxNumber > 999) {
                throw new IllegalArgumentException("Countdown maxNumber must be in [2, 999], got " + maxNumber);
            }
            if (minTarget < 1 || maxTarget < minTarget) {
                throw new IllegalArgumentException("Countdown targets need 1 <= minTarget <= maxTarget, got ["
                        + minTarget + ", " + maxTarget + "]");
            }
            if (minUsed < 2 || minUsed > numbers) {
                throw new IllegalArgumentException("Countdown minUsed must be in [2, numbers=" + numbers + "], got "
                        + minUsed);
            }
            Answers.checkFormatReward(formatReward);
            Split.checkFraction(heldOutFraction);
            TokenTask.checkMaxResponseTokens(maxResponseTokens);
        }

        /** 4 numbers in [1, 50], targets in [10, 999] from at least 3 numbers, exact division, 10% held out, 32 tokens. */
        public static Config defaults() {
            return new Config(4, 50, 10, 999, 3, true, 0.0, 0.1, 32);
        }

        /**
         * Tokens of the longest demonstration, EOS included: {@code numbers} literals of up to
         * {@code digits(maxNumber)} digits, {@code numbers - 1} operators, and at most one pair of
         * parentheses around each of the {@code numbers - 2} inner operations.
         */
        public int longestDemonstration() {
            return numbers * Integer.toString(maxNumber).length() + (numbers - 1) + 2 * (numbers - 2) + 1;
        }

        /** This config with another format reward. */
        public Config withFormatReward(double reward) {
            return new Config(numbers, maxNumber, minTarget, maxTarget, minUsed, integerDivision, reward,
                    heldOutFraction, maxResponseTokens);
        }

        /** This config with or without the exact-division rule. */
        public Config withIntegerDivision(boolean exact) {
            return new Config(numbers, maxNumber, minTarget, maxTarget, minUsed, exact, formatReward,
                    heldOutFraction, maxResponseTokens);
        }
    }

    /**
     * A Countdown problem.
     *
     * @param numbers the given numbers, in prompt order
     * @param target the value to reach
     * @param solution an expression reaching the target (the generating one)
     */
    public record Countdown(List<Integer> numbers, long target, String solution) implements Problem {
        public Countdown {
            numbers = List.copyOf(numbers);
        }

        @Override
        public String key() {
            int[] sorted = numbers.stream().mapToInt(Integer::intValue).sorted().toArray();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < sorted.length; i++) {
                sb.append(i == 0 ? "" : ",").append(sorted[i]);
            }
            return sb.append('=').append(target).toString();
        }
    }

    private final Config config;
    private final Expressions.Rules rules;

    public CountdownTask(Config config) {
        if (config.maxResponseTokens() < config.longestDemonstration()) {
            throw new IllegalArgumentException("maxResponseTokens " + config.maxResponseTokens()
                    + " cannot hold the longest solution of " + config.numbers() + " numbers up to " + config.maxNumber()
                    + " (" + config.longestDemonstration() + " tokens with EOS)");
        }
        this.config = config;
        this.rules = new Expressions.Rules(false, config.integerDivision());
    }

    /** The task with {@link Config#defaults()}. */
    public CountdownTask() {
        this(Config.defaults());
    }

    public Config config() {
        return config;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Problem sample(Rng rng, Split split) {
        return Answers.sampleInSplit(ID, config.heldOutFraction(), split, () -> draw(rng), this::splitOf, config);
    }

    /** A sub-expression being built: its value, its text and the precedence of its top operator. */
    private record Node(long value, String text, int precedence) {
    }

    private static final char[] OPS = {'+', '-', '*', '/'};

    /** One attempt at a problem, or null when the random expression missed the target range. */
    private Countdown draw(Rng rng) {
        List<Integer> numbers = new ArrayList<>(config.numbers());
        for (int i = 0; i < config.numbers(); i++) {
            numbers.add(1 + rng.nextInt(config.maxNumber()));
        }
        int used = config.minUsed() + rng.nextInt(config.numbers() - config.minUsed() + 1);
        int[] order = permutation(rng, config.numbers());
        List<Node> pool = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            int n = numbers.get(order[i]);
            pool.add(new Node(n, Integer.toString(n), 3));
        }
        while (pool.size() > 1) {
            Node a = pool.remove(rng.nextInt(pool.size()));
            Node b = pool.remove(rng.nextInt(pool.size()));
            pool.add(combine(rng, a, b));
        }
        long target = pool.get(0).value();
        if (target < config.minTarget() || target > config.maxTarget()) {
            return null;
        }
        return new Countdown(numbers, target, pool.get(0).text());
    }

    /** A random valid combination of {@code a} and {@code b}: positive integer result; {@code a+b} always is. */
    private static Node combine(Rng rng, Node a, Node b) {
        int first = rng.nextInt(OPS.length);
        for (int k = 0; k < OPS.length; k++) {
            char op = OPS[(first + k) % OPS.length];
            Node hi = a.value() >= b.value() ? a : b;
            Node lo = hi == a ? b : a;
            switch (op) {
                case '+' -> {
                    return join(a, '+', b, a.value() + b.value());
                }
                case '-' -> {
                    if (hi.value() > lo.value()) {
                        return join(hi, '-', lo, hi.value() - lo.value());
                    }
                }
                case '*' -> {
                    if (a.value() > 1 && b.value() > 1 && a.value() * b.value() <= 1_000_000) {
                        return join(a, '*', b, a.value() * b.value());
                    }
                }
                default -> {
                    if (lo.value() > 1 && hi.value() % lo.value() == 0) {
                        return join(hi, '/', lo, hi.value() / lo.value());
                    }
                }
            }
        }
        throw new AssertionError("unreachable: + is always valid");
    }

    /** {@code left op right} with the fewest parentheses that keep the evaluation order. */
    private static Node join(Node left, char op, Node right, long value) {
        int prec = op == '+' || op == '-' ? 1 : 2;
        String l = left.precedence() < prec ? "(" + left.text() + ")" : left.text();
        boolean rightParens = right.precedence() < prec || right.precedence() == prec && (op == '-' || op == '/');
        String r = rightParens ? "(" + right.text() + ")" : right.text();
        return new Node(value, l + op + r, prec);
    }

    private static int[] permutation(Rng rng, int n) {
        return dev.trail.seed.Shuffle.permutation(n, rng);
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), config.heldOutFraction());
    }

    @Override
    public String prompt(Problem problem) {
        Countdown c = cast(problem);
        StringBuilder sb = new StringBuilder("make ").append(c.target()).append(" from");
        for (int n : c.numbers()) {
            sb.append(' ').append(n);
        }
        return sb.append(':').toString();
    }

    @Override
    public String demonstration(Problem problem) {
        return cast(problem).solution();
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        Countdown c = cast(problem);
        Expressions.Evaluation e = Expressions.evaluate(response, rules);
        if (!e.ok()) {
            return Verdict.malformed(e.error());
        }
        Map<Long, Integer> available = new HashMap<>();
        for (int n : c.numbers()) {
            available.merge((long) n, 1, Integer::sum);
        }
        Map<Long, Integer> usedCount = new HashMap<>();
        for (long n : e.literals()) {
            int uses = usedCount.merge(n, 1, Integer::sum);
            int given = available.getOrDefault(n, 0);
            if (given == 0) {
                return Verdict.malformed("number " + n + " is not among the given numbers " + c.numbers());
            }
            if (uses > given) {
                return Verdict.malformed("number " + n + " is used " + uses + " times but given " + given
                        + (given == 1 ? " time" : " times"));
            }
        }
        if (e.value().equalsInteger(c.target())) {
            return Verdict.exact();
        }
        return Verdict.wrong(config.formatReward(), "expression equals " + e.value() + ", target " + c.target());
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config.maxResponseTokens();
    }

    private static Countdown cast(Problem problem) {
        if (problem instanceof Countdown c) {
            return c;
        }
        throw new IllegalArgumentException(ID + " expects a Countdown problem, got " + problem);
    }

    @Override
    public String toString() {
        return ID + " " + config;
    }
}
