package dev.trail.envs.token;

import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.Verdict;

/**
 * {@code Calculator-MultiTurn-v0}: {@link CalculatorTask Calculator-v0} as a multi-turn episode, the
 * calculator's reply being an environment turn. Same problems, prompt, calculator and answer check.
 *
 * <h2>Format</h2>
 * Prompt {@code 347*86+512=}. Each policy turn is either a call {@code <calc>EXPR</calc>}, answered
 * by the environment with {@code =VALUE} (or {@code =<err>}; calls beyond
 * {@link CalculatorTask.Config#maxToolCalls()} get {@code =<limit>} and are not run), or the final
 * answer {@code <answer>N</answer>}, which ends the episode; each turn ends with the end-of-turn
 * token (EOS). Any other turn is malformed and gets {@code =<err>}. A reference episode:
 * {@code <calc>347*86+512</calc>[EOS]=30354<answer>30354</answer>[EOS]}.
 *
 * <h2>Reward and end</h2>
 * The answer turn gets 1 when {@code N} is right, the format reward when it is a wrong canonical
 * integer, 0 otherwise, and ends the episode (terminated). Calls get 0. After
 * {@code maxToolCalls + 1} turns without an answer the episode is truncated. The state is the number
 * of calls made and the last value the calculator returned.
 */
public final class CalculatorMultiTurnTask implements MultiTurnTask {

    /** The registry id. */
    public static final String ID = "Calculator-MultiTurn-v0";

    private final CalculatorTask single;

    /** The multi-turn form of a {@link CalculatorTask} with {@code config}. */
    public CalculatorMultiTurnTask(CalculatorTask.Config config) {
        this.single = new CalculatorTask(config);
    }

    public CalculatorMultiTurnTask() {
        this(CalculatorTask.Config.defaults());
    }

    /** Calls made and the last calculator reply. */
    public record Calls(int made, String last, boolean answered) implements State {
        @Override
        public String key() {
            return made + (answered ? "a" : "") + last;
        }
    }

    public CalculatorTask.Config config() {
        return single.config();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Problem sample(Rng rng, Split split) {
        return single.sample(rng, split);
    }

    @Override
    public Split splitOf(Problem problem) {
        return single.splitOf(problem);
    }

    @Override
    public String prompt(Problem problem) {
        return single.prompt(problem);
    }

    /** One call on the whole expression, then the answer (only the answer when no call is allowed). */
    @Override
    public String demonstration(Problem problem) {
        CalculatorTask.Calculation c = (CalculatorTask.Calculation) problem;
        String answer = CalculatorTask.ANSWER_OPEN + c.answer() + CalculatorTask.ANSWER_CLOSE;
        return config().maxToolCalls() == 0 ? answer
                : CalculatorTask.OPEN + c.expression() + CalculatorTask.CLOSE + TURN_SEPARATOR + answer;
    }

    @Override
    public State start(Problem problem) {
        return new Calls(0, "", false);
    }

    @Override
    public Reply reply(Problem problem, State state, String turn) {
        Calls calls = (Calls) state;
        if (turn.startsWith(CalculatorTask.ANSWER_OPEN)) {
            Verdict v = single.verify(problem, turn);
            return new Reply(new Calls(calls.made(), turn, true), "", v.reward(), true, v.formatOk());
        }
        boolean call = turn.startsWith(CalculatorTask.OPEN) && turn.endsWith(CalculatorTask.CLOSE)
                && turn.length() >= CalculatorTask.OPEN.length() + CalculatorTask.CLOSE.length();
        if (!call) {
            return new Reply(new Calls(calls.made(), CalculatorTask.ERROR_OBSERVATION, false),
                    CalculatorTask.ERROR_OBSERVATION, 0.0, false, false);
        }
        if (calls.made() >= config().maxToolCalls()) {
            return new Reply(new Calls(calls.made() + 1, CalculatorTask.LIMIT_OBSERVATION, false),
                    CalculatorTask.LIMIT_OBSERVATION, 0.0, false, true);
        }
        String argument = turn.substring(CalculatorTask.OPEN.length(), turn.length() - CalculatorTask.CLOSE.length());
        String value = CalculatorTask.CALCULATOR.run(argument);
        return new Reply(new Calls(calls.made() + 1, value, false), value, 0.0, false, true);
    }

    @Override
    public Verdict outcome(Problem problem, State last) {
        Calls calls = (Calls) last;
        if (!calls.answered()) {
            return Verdict.malformed("no " + CalculatorTask.ANSWER_OPEN + " turn");
        }
        return single.verify(problem, calls.last());
    }

    @Override
    public int maxTurns() {
        return config().maxToolCalls() + 1;
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config().maxResponseTokens();
    }
}
