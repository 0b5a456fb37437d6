package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Problem;
import dev.trail.token.Verdict;
import dev.trail.token.Split;

import dev.trail.seed.Rng;
import java.util.List;

/**
 * {@code Arithmetic-v0}: integer addition, subtraction and multiplication.
 *
 * <h2>Problems</h2>
 * An operation is drawn with probability proportional to its weight, then each operand uniformly
 * among the integers with exactly its digit count (0-9 for one digit). Default mix: 3-digit
 * addition and 2-digit multiplication, equally often; subtraction (whose results may be negative)
 * is available. The problem key is {@code a+b}, {@code a-b} or {@code a*b}, with the operands of
 * {@code +} and {@code *} sorted so that {@code 37*89} and {@code 89*37} share a split.
 *
 * <h2>Format</h2>
 * Prompt {@code 37*89=}; response the answer in canonical decimal form, then EOS:
 * {@code 3293}, {@code -41}, {@code 0}. Canonical means an optional {@code -}, no leading zeros,
 * no {@code +}, no spaces, not {@code -0}.
 *
 * <h2>Reward</h2>
 * 1 for the exact answer; {@link Config#formatReward()} for a canonical integer that is wrong;
 * 0 for anything else (leading zeros, spaces, text, an empty response).
 */
public final class ArithmeticTask implements TokenTask {

    /** The registry id. */
    public static final String ID = "Arithmetic-v0";

    /** The operators. */
    public enum Operator {
        ADD('+'), SUB('-'), MUL('*');

        private final char symbol;

        Operator(char symbol) {
            this.symbol = symbol;
        }

        /** The symbol in prompts. */
        public char symbol() {
            return symbol;
        }

        /** {@code a op b}. */
        public long apply(long a, long b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
            };
        }

        boolean commutative() {
            return this != SUB;
        }
    }

    /**
     * One kind of problem in the mix.
     *
     * @param operator the operator
     * @param leftDigits digits of the left operand, 1-9
     * @param rightDigits digits of the right operand, 1-9
     * @param weight relative frequency, positive
     */
    public record Operation(Operator operator, int leftDigits, int rightDigits, double weight) {
        public Operation {
            if (operator == null) {
                throw new IllegalArgumentException("an Operation needs an operator");
            }
            Answers.checkDigits("leftDigits", leftDigits);
            Answers.checkDigits("rightDigits", rightDigits);
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("operation weight must be positive and finite, got " + weight);
            }
        }

        /** {@code digits}-digit operands on both sides, weight 1. */
        public static Operation of(Operator operator, int digits) {
            return new Operation(operator, digits, digits, 1.0);
        }

        /** Characters of the longest answer (sign included). */
        int maxAnswerLength() {
            return switch (operator) {
                case ADD -> Math.max(leftDigits, rightDigits) + 1;
                case SUB -> Math.max(leftDigits, rightDigits) + 1;
                case MUL -> leftDigits + rightDigits;
            };
        }
    }

    /**
     * Options of {@code Arithmetic-v0}.
     *
     * @param operations the problem mix, at least one
     * @param formatReward reward of a well-formed wrong answer, in [0, 1)
     * @param heldOutFraction share of problems (by key hash) kept out of training, in [0, 1)
     * @param maxResponseTokens response length budget in tokens (EOS included)
     */
    public record Config(List<Operation> operations, double formatReward, double heldOutFraction,
            int maxResponseTokens) {
        public Config {
            if (operations == null || operations.isEmpty()) {
                throw new IllegalArgumentException("Arithmetic needs at least one operation");
            }
            operations = List.copyOf(operations);
            Answers.checkFormatReward(formatReward);
            Split.checkFraction(heldOutFraction);
            TokenTask.checkMaxResponseTokens(maxResponseTokens);
        }

        /** 3-digit addition and 2-digit multiplication, no format reward, 10% held out, 16 tokens. */
        public static Config defaults() {
            return new Config(List.of(Operation.of(Operator.ADD, 3), Operation.of(Operator.MUL, 2)), 0.0, 0.1, 16);
        }

        /** This config with another problem mix. */
        public Config withOperations(List<Operation> ops) {
            return new Config(ops, formatReward, heldOutFraction, maxResponseTokens);
        }

        /** This config with another format reward. */
        public Config withFormatReward(double reward) {
            return new Config(operations, reward, heldOutFraction, maxResponseTokens);
        }
    }

    /**
     * An arithmetic problem {@code left operator right}.
     *
     * @param operator the operator
     * @param left the left operand
     * @param right the right operand
     */
    public record Arithmetic(Operator operator, long left, long right) implements Problem {
        /** The exact result. */
        public long answer() {
            return operator.apply(left, right);
        }

        /** The expression, e.g. {@code 37*89}. */
        public String expression() {
            return Long.toString(left) + operator.symbol() + right;
        }

        @Override
        public String key() {
            if (operator.commutative() && left > right) {
                return Long.toString(right) + operator.symbol() + left;
            }
            return expression();
        }
    }

    private final Config config;
    private final double totalWeight;

    public ArithmeticTask(Config config) {
        this.config = config;
        double w = 0;
        for (Operation op : config.operations()) {
            w += op.weight();
        }
        this.totalWeight = w;
        int longest = config.operations().stream().mapToInt(Operation::maxAnswerLength).max().orElseThrow();
        if (config.maxResponseTokens() < longest + 1) {
            throw new IllegalArgumentException("maxResponseTokens " + config.maxResponseTokens()
                    + " cannot hold the longest answer (" + longest + " characters + EOS)");
        }
    }

    /** The task with {@link Config#defaults()}. */
    public ArithmeticTask() {
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

    private Arithmetic draw(Rng rng) {
        Operation op = pick(rng);
        long a = rng.nextLong(Answers.low(op.leftDigits()), Answers.high(op.leftDigits()) + 1);
        long b = rng.nextLong(Answers.low(op.rightDigits()), Answers.high(op.rightDigits()) + 1);
        return new Arithmetic(op.operator(), a, b);
    }

    private Operation pick(Rng rng) {
        List<Operation> ops = config.operations();
        if (ops.size() == 1) {
            return ops.get(0);
        }
        double u = rng.nextDouble() * totalWeight;
        for (Operation op : ops) {
            u -= op.weight();
            if (u < 0) {
                return op;
            }
        }
        return ops.get(ops.size() - 1);
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), config.heldOutFraction());
    }

    @Override
    public String prompt(Problem problem) {
        return cast(problem).expression() + "=";
    }

    @Override
    public String demonstration(Problem problem) {
        return Long.toString(cast(problem).answer());
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        return Answers.judge(response, cast(problem).answer(), config.formatReward());
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config.maxResponseTokens();
    }

    private static Arithmetic cast(Problem problem) {
        if (problem instanceof Arithmetic a) {
            return a;
        }
        throw new IllegalArgumentException(ID + " expects an Arithmetic problem, got " + problem);
    }
}
