package dev.trail.envs.token;

import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Guess-v0}: find a hidden number from higher/lower feedback, one guess per turn.
 *
 * <h2>Problems</h2>
 * A hidden integer in {@code [0, max]} ({@link Config#max()}, default 99); the key is
 * {@code max:n}, the held-out split is by key, so held-out numbers are never trained on.
 *
 * <h2>Format</h2>
 * Prompt {@code guess 0-99:}. Each policy turn is a canonical integer then the end-of-turn token
 * (EOS); the environment answers {@code >} when the hidden number is greater, {@code <} when it is
 * smaller, and ends the episode when it is equal. A turn that is not a canonical integer in range
 * is malformed and gets {@code ?}.
 *
 * <h2>Reward and end</h2>
 * The turn that names the number gets 1 and ends the episode (terminated); every other turn gets 0.
 * After {@link Config#maxTurns()} turns (default 8; binary search needs at most 7 for 0-99) the
 * episode is truncated. The state is the interval the feedback so far leaves open
 * ({@code lo-hi}): trajectories asking the same questions, in any order, share states.
 */
public final class GuessTask implements MultiTurnTask {

    /** The registry id. */
    public static final String ID = "Guess-v0";

    /**
     * Options of {@code Guess-v0}.
     *
     * @param max the largest hidden number, 1-9999
     * @param maxTurns guesses per episode, at least 1
     * @param heldOutFraction share of numbers (by key hash) kept out of training
     */
    public record Config(int max, int maxTurns, double heldOutFraction) {
        public Config {
            if (max < 1 || max > 9999) {
                throw new IllegalArgumentException("max must be in [1, 9999], got " + max);
            }
            if (maxTurns < 1) {
                throw new IllegalArgumentException("maxTurns must be >= 1, got " + maxTurns);
            }
            Split.checkFraction(heldOutFraction);
        }

        /** 0-99, 8 guesses, 10% held out. */
        public static Config defaults() {
            return new Config(99, 8, 0.1);
        }

        /** Tokens of an episode of {@code maxTurns} turns: digits, EOS and one feedback token each. */
        public int maxResponseTokens() {
            return maxTurns * (String.valueOf(max).length() + 2);
        }
    }

    /** The hidden number. */
    public record Secret(int max, int number) implements Problem {
        @Override
        public String key() {
            return max + ":" + number;
        }
    }

    /** The interval {@code [lo, hi]} the feedback so far leaves open, or the number once it was named. */
    public record Interval(int lo, int hi, boolean found) implements State {
        @Override
        public String key() {
            return found ? "=" + lo : lo + "-" + hi;
        }
    }

    private final Config config;

    public GuessTask(Config config) {
        this.config = config;
    }

    public GuessTask() {
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
        return Answers.sampleInSplit(ID, config.heldOutFraction(), split,
                () -> new Secret(config.max(), rng.nextInt(config.max() + 1)), this::splitOf, config);
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), config.heldOutFraction());
    }

    @Override
    public String prompt(Problem problem) {
        return "guess 0-" + cast(problem).max() + ":";
    }

    /** Binary search: the middle of the open interval each turn. */
    @Override
    public String demonstration(Problem problem) {
        Secret s = cast(problem);
        List<String> turns = new ArrayList<>();
        int lo = 0, hi = s.max();
        while (true) {
            int g = (lo + hi) / 2;
            turns.add(Integer.toString(g));
            if (g == s.number()) {
                break;
            }
            if (g < s.number()) {
                lo = g + 1;
            } else {
                hi = g - 1;
            }
        }
        return String.join(TURN_SEPARATOR, turns);
    }

    @Override
    public State start(Problem problem) {
        return new Interval(0, cast(problem).max(), false);
    }

    @Override
    public Reply reply(Problem problem, State state, String turn) {
        Secret s = cast(problem);
        Interval open = (Interval) state;
        Long parsed = Answers.problem(turn) == null && turn.length() <= 5 ? Long.parseLong(turn) : null;
        if (parsed == null || parsed < 0 || parsed > s.max()) {
            return new Reply(state, "?", 0.0, false, false);
        }
        int g = (int) (long) parsed;
        if (g == s.number()) {
            return new Reply(new Interval(g, g, true), "", 1.0, true, true);
        }
        if (g < s.number()) {
            return new Reply(new Interval(Math.max(open.lo(), g + 1), open.hi(), false), ">", 0.0, false, true);
        }
        return new Reply(new Interval(open.lo(), Math.min(open.hi(), g - 1), false), "<", 0.0, false, true);
    }

    @Override
    public Verdict outcome(Problem problem, State last) {
        Interval i = (Interval) last;
        return i.found() ? Verdict.exact()
                : Verdict.wrong(0.0, "the number was not found (still open: " + i.key() + ")");
    }

    @Override
    public int maxTurns() {
        return config.maxTurns();
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config.maxResponseTokens();
    }

    private static Secret cast(Problem problem) {
        if (problem instanceof Secret s) {
            return s;
        }
        throw new IllegalArgumentException(ID + " expects a Secret problem, got " + problem);
    }
}
