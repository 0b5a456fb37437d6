package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Problem;
import dev.trail.token.Verdict;
import dev.trail.token.Tool;
import dev.trail.token.Split;

import dev.trail.seed.Rng;

/**
 * {@code Calculator-v0}: a multi-turn tool task. The problems are too long to do in the head for a
 * small model, and the policy may call a calculator.
 *
 * <h2>Problems</h2>
 * {@code a*b+c} with {@code a} of {@link Config#leftDigits()} digits (default 3), {@code b} of
 * {@link Config#rightDigits()} (default 2) and {@code c} of {@link Config#addendDigits()}
 * (default 3; 0 drops the addend: {@code a*b}). The key sorts {@code a} and {@code b}.
 *
 * <h2>Format</h2>
 * Prompt {@code 347*86+512=}. The policy may write {@code <calc>EXPR</calc>}; when it writes the
 * closing tag, the environment appends the observation {@code =VALUE} (for example
 * {@code <calc>347*86</calc>} is followed by {@code =29842}), as tool-output tokens that are not
 * trained on. {@code EXPR} is evaluated exactly by {@link Expressions} with unary minus, parentheses
 * and fractions ({@code =7/2}). A call the calculator cannot evaluate (bad syntax, division by zero,
 * overflow) or a closing tag without an opening one gets {@code =<err>}; calls beyond
 * {@link Config#maxToolCalls()} get {@code =<limit>} and are not run. The final answer is
 * {@code <answer>N</answer>}, then EOS, with {@code N} a canonical integer. A reference response:
 * {@code <calc>347*86+512</calc><answer>30354</answer>}, which reads
 * {@code <calc>347*86+512</calc>=30354<answer>30354</answer>} once the tool output is in.
 *
 * <h2>Reward</h2>
 * The response (tool outputs included) must end with its only {@code <answer>N</answer>}: 1 when
 * {@code N} is right, {@link Config#formatReward()} when it is a wrong canonical integer, 0
 * otherwise (no answer, several answers, text after the answer, a malformed number). Using the
 * tool is allowed, not required.
 */
public final class CalculatorTask implements TokenTask {

    /** The registry id. */
    public static final String ID = "Calculator-v0";

    /** Tags and observations of the calculator tool. */
    public static final String OPEN = "<calc>";
    public static final String CLOSE = "</calc>";
    public static final String ANSWER_OPEN = "<answer>";
    public static final String ANSWER_CLOSE = "</answer>";
    public static final String ERROR_OBSERVATION = "=<err>";
    public static final String LIMIT_OBSERVATION = "=<limit>";

    /**
     * Options of {@code Calculator-v0}.
     *
     * @param leftDigits digits of {@code a}, 1-9
     * @param rightDigits digits of {@code b}, 1-9
     * @param addendDigits digits of {@code c}, 0-9 (0: no addend)
     * @param maxToolCalls tool calls allowed per episode, at least 0
     * @param formatReward reward of a well-formed wrong answer, in [0, 1)
     * @param heldOutFraction share of problems (by key hash) kept out of training, in [0, 1)
     * @param maxResponseTokens response length budget in tokens (policy tokens, tool outputs, EOS)
     */
    public record Config(int leftDigits, int rightDigits, int addendDigits, int maxToolCalls, double formatReward,
            double heldOutFraction, int maxResponseTokens) {
        public Config {
            Answers.checkDigits("leftDigits", leftDigits);
            Answers.checkDigits("rightDigits", rightDigits);
            if (addendDigits != 0) {
                Answers.checkDigits("addendDigits", addendDigits);
            }
            if (maxToolCalls < 0) {
                throw new IllegalArgumentException("maxToolCalls must be >= 0, got " + maxToolCalls);
            }
            Answers.checkFormatReward(formatReward);
            Split.checkFraction(heldOutFraction);
            TokenTask.checkMaxResponseTokens(maxResponseTokens);
        }

        /** 3-digit times 2-digit plus 3-digit, 3 tool calls, 10% held out, 64 tokens. */
        public static Config defaults() {
            return new Config(3, 2, 3, 3, 0.0, 0.1, 64);
        }

        /**
         * Tokens of the demonstration with the longest operands, EOS included: the call, the
         * tool's {@code =VALUE} and the answer (no call when {@code maxToolCalls} is 0).
         */
        public int longestDemonstration() {
            int expression = leftDigits + 1 + rightDigits + (addendDigits > 0 ? 1 + addendDigits : 0);
            int value = leftDigits + rightDigits + 1;
            int call = maxToolCalls > 0 ? OPEN.length() + expression + CLOSE.length() + 1 + value : 0;
            return call + ANSWER_OPEN.length() + value + ANSWER_CLOSE.length() + 1;
        }

        /** This config with another tool-call budget. */
        public Config withMaxToolCalls(int calls) {
            return new Config(leftDigits, rightDigits, addendDigits, calls, formatReward, heldOutFraction,
                    maxResponseTokens);
        }

        /** This config with another format reward. */
        public Config withFormatReward(double reward) {
            return new Config(leftDigits, rightDigits, addendDigits, maxToolCalls, reward, heldOutFraction,
                    maxResponseTokens);
        }
    }

    /**
     * A calculator problem {@code a*b+c} ({@code a*b} when {@code hasAddend} is false).
     *
     * @param a left factor
     * @param b right factor
     * @param c addend (0 when absent)
     * @param hasAddend whether the problem has the addend
     */
    public record Calculation(long a, long b, long c, boolean hasAddend) implements Problem {
        /** The exact result. */
        public long answer() {
            return a * b + c;
        }

        /** The expression, e.g. {@code 347*86+512}. */
        public String expression() {
            return a + "*" + b + (hasAddend ? "+" + c : "");
        }

        @Override
        public String key() {
            return Math.min(a, b) + "*" + Math.max(a, b) + (hasAddend ? "+" + c : "");
        }
    }

    /** The calculator: exact evaluation, {@code =VALUE} or {@code =<err>}. */
    public static final Tool CALCULATOR = new Tool() {
        @Override
        public String openTag() {
            return OPEN;
        }

        @Override
        public String closeTag() {
            return CLOSE;
        }

        @Override
        public String run(String argument) {
            Expressions.Evaluation e = Expressions.evaluate(argument, Expressions.Rules.CALCULATOR);
            return e.ok() ? "=" + e.value() : ERROR_OBSERVATION;
        }

        @Override
        public String unopenedObservation() {
            return ERROR_OBSERVATION;
        }

        @Override
        public String limitObservation() {
            return LIMIT_OBSERVATION;
        }

        @Override
        public String toString() {
            return "calculator " + OPEN + "EXPR" + CLOSE;
        }
    };

    private final Config config;

    public CalculatorTask(Config config) {
        if (config.maxResponseTokens() < config.longestDemonstration()) {
            throw new IllegalArgumentException("maxResponseTokens " + config.maxResponseTokens()
                    + " cannot hold the longest demonstration (" + config.longestDemonstration() + " tokens with EOS)");
        }
        this.config = config;
    }

    /** The task with {@link Config#defaults()}. */
    public CalculatorTask() {
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

    private Calculation draw(Rng rng) {
        boolean addend = config.addendDigits() > 0;
        long a = rng.nextLong(Answers.low(config.leftDigits()), Answers.high(config.leftDigits()) + 1);
        long b = rng.nextLong(Answers.low(config.rightDigits()), Answers.high(config.rightDigits()) + 1);
        long c = addend ? rng.nextLong(Answers.low(config.addendDigits()), Answers.high(config.addendDigits()) + 1) : 0;
        return new Calculation(a, b, c, addend);
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), config.heldOutFraction());
    }

    @Override
    public String prompt(Problem problem) {
        return cast(problem).expression() + "=";
    }

    /** One tool call on the whole expression, then the answer (without the tool when the budget is 0). */
    @Override
    public String demonstration(Problem problem) {
        Calculation c = cast(problem);
        String answer = ANSWER_OPEN + c.answer() + ANSWER_CLOSE;
        return config.maxToolCalls() == 0 ? answer : OPEN + c.expression() + CLOSE + answer;
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        long expected = cast(problem).answer();
        int open = response.lastIndexOf(ANSWER_OPEN);
        if (open < 0) {
            return Verdict.malformed("no " + ANSWER_OPEN + " in the response");
        }
        if (response.indexOf(ANSWER_OPEN) != open) {
            return Verdict.malformed("several " + ANSWER_OPEN + " tags in the response");
        }
        if (!response.endsWith(ANSWER_CLOSE) || response.length() - ANSWER_CLOSE.length() < open + ANSWER_OPEN.length()) {
            return Verdict.malformed("the response does not end with " + ANSWER_CLOSE);
        }
        String n = response.substring(open + ANSWER_OPEN.length(), response.length() - ANSWER_CLOSE.length());
        return Answers.judge(n, expected, config.formatReward());
    }

    @Override
    public Tool tool() {
        return CALCULATOR;
    }

    @Override
    public int maxToolCalls() {
        return config.maxToolCalls();
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config.maxResponseTokens();
    }

    private static Calculation cast(Problem problem) {
        if (problem instanceof Calculation c) {
            return c;
        }
        throw new IllegalArgumentException(ID + " expects a Calculation problem, got " + problem);
    }
}
