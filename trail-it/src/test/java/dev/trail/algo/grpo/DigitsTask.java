package dev.trail.algo.grpo;

import dev.trail.env.EnvSpec;
import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenEnv;
import dev.trail.token.TokenTask;
import dev.trail.token.Verdict;

/**
 * A token task small enough to learn in a few GRPO updates from a random tiny model: after the
 * prompt {@code n<k>:} write digits; the reward is the fraction of the {@value #LENGTH} response
 * characters that are digits (a random policy scores about 10/53 per character), correct when all are.
 */
final class DigitsTask implements TokenTask {

    static final int LENGTH = 4;

    record Digits(int k) implements Problem {
        @Override
        public String key() {
            return "n" + k;
        }
    }

    /** The registry entry of the task, as a user would register it. */
    static EnvSpec spec() {
        DigitsTask task = new DigitsTask();
        return new EnvSpec("Digits-v0", LENGTH + 1, Double.NaN, () -> new TokenEnv(task, Split.TRAIN, 64, LENGTH + 1));
    }

    @Override
    public String id() {
        return "Digits-v0";
    }

    @Override
    public Problem sample(Rng rng, Split split) {
        while (true) {
            Digits d = new Digits(rng.nextInt(1000));
            if (splitOf(d) == split) {
                return d;
            }
        }
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), 0.2);
    }

    @Override
    public String prompt(Problem problem) {
        return problem.key() + ":";
    }

    @Override
    public String demonstration(Problem problem) {
        return "1234";
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        int digits = 0;
        for (int i = 0; i < Math.min(LENGTH, response.length()); i++) {
            digits += Character.isDigit(response.charAt(i)) ? 1 : 0;
        }
        return digits == LENGTH ? Verdict.exact() : new Verdict((double) digits / LENGTH, false, true, "");
    }

    @Override
    public int defaultMaxResponseTokens() {
        return LENGTH + 1;
    }
}
