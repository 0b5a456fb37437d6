package dev.trail.token;

import dev.trail.trajectory.Trajectory;
import java.util.Arrays;
import java.util.List;

/**
 * A finished, verified response: what a trainer needs to compute a loss on it.
 *
 * <p>Layout: {@code promptTokens} is BOS followed by the prompt; {@code responseTokens} is every
 * token after it in order — policy tokens, tool-output tokens, and the final EOS when the
 * response terminated. {@code trained[i]} is true for policy tokens (EOS included) and false for
 * tool outputs, which the policy did not choose and must not be trained on.
 *
 * @param problemKey the problem's {@link Problem#key()} (a natural group id)
 * @param promptTokens {@code [P]} BOS + prompt
 * @param responseTokens {@code [T]} the response tokens
 * @param trained {@code [T]} whether each response token is a policy token
 * @param responseText the response text, tool outputs included, EOS excluded (what was verified)
 * @param verdict the verifier's judgement of {@code responseText}
 * @param terminated whether the response ended with EOS
 * @param truncated whether it was cut at the length budget
 * @param toolCalls closing tool tags the policy wrote
 * @param turns the policy turns of a {@link MultiTurnTask} episode, in order; empty for a single response
 */
public record Transcript(String problemKey, int[] promptTokens, int[] responseTokens, boolean[] trained,
        String responseText, Verdict verdict, boolean terminated, boolean truncated, int toolCalls,
        List<Turn> turns) implements java.io.Serializable {

    /**
     * One policy turn of a multi-turn episode and the environment's reply: response tokens
     * {@code [start, end)} are the policy's (the last one the end-of-turn token, unless the budget
     * cut the turn), {@code [end, observationEnd)} the observation after it.
     *
     * @param start first response token of the turn
     * @param end one past its last policy token
     * @param observationEnd one past the last observation token ({@code end} when there is none)
     * @param reward the turn's reward (0 for a turn the budget cut)
     * @param stateKey {@link MultiTurnTask.State#key()} of the state the turn was taken in
     * @param complete whether the policy finished the turn (wrote the end-of-turn token)
     */
    public record Turn(int start, int end, int observationEnd, double reward, String stateKey, boolean complete)
            implements java.io.Serializable {
        public Turn {
            if (start < 0 || end <= start || observationEnd < end) {
                throw new IllegalArgumentException("a turn spans response tokens [start, end) then the observation up to "
                        + "observationEnd, with start < end <= observationEnd; got " + start + ", " + end + ", "
                        + observationEnd);
            }
            if (stateKey == null) {
                throw new IllegalArgumentException("turn at token " + start + " has no state key");
            }
        }
    }

    /** A single response (no turns). */
    public Transcript(String problemKey, int[] promptTokens, int[] responseTokens, boolean[] trained,
            String responseText, Verdict verdict, boolean terminated, boolean truncated, int toolCalls) {
        this(problemKey, promptTokens, responseTokens, trained, responseText, verdict, terminated, truncated,
                toolCalls, List.of());
    }

    public Transcript {
        if (responseTokens.length != trained.length) {
            throw new IllegalArgumentException("transcript has " + responseTokens.length + " response tokens but "
                    + trained.length + " mask entries");
        }
        if (terminated == truncated) {
            throw new IllegalArgumentException("a transcript is either terminated (EOS) or truncated, got terminated="
                    + terminated + ", truncated=" + truncated);
        }
        turns = turns == null ? List.of() : List.copyOf(turns);
        int previous = 0;
        for (Turn turn : turns) {
            if (turn.start() < previous || turn.observationEnd() > responseTokens.length) {
                throw new IllegalArgumentException("transcript of " + problemKey + ": turn [" + turn.start() + ", "
                        + turn.observationEnd() + ") overlaps the previous turn or runs past the "
                        + responseTokens.length + " response tokens");
            }
            previous = turn.observationEnd();
        }
        promptTokens = promptTokens.clone();
        responseTokens = responseTokens.clone();
        trained = trained.clone();
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    @Override
    public int[] responseTokens() {
        return responseTokens.clone();
    }

    @Override
    public boolean[] trained() {
        return trained.clone();
    }

    /** The outcome reward. */
    public double reward() {
        return verdict.reward();
    }

    /** The full sequence: prompt tokens then response tokens. */
    public int[] tokens() {
        int[] all = Arrays.copyOf(promptTokens, promptTokens.length + responseTokens.length);
        System.arraycopy(responseTokens, 0, all, promptTokens.length, responseTokens.length);
        return all;
    }

    /**
     * The loss mask over {@link #tokens()}: false for the prompt ({@code P} entries), then
     * {@link #trained()} for the response ({@code T} entries).
     */
    public boolean[] sequenceMask() {
        boolean[] m = new boolean[promptTokens.length + trained.length];
        System.arraycopy(trained, 0, m, promptTokens.length, trained.length);
        return m;
    }

    /** Number of response tokens T. */
    public int responseLength() {
        return responseTokens.length;
    }

    /** Index of the last trained response token (where the outcome reward goes), or -1 if none. */
    public int lastTrainedIndex() {
        for (int i = trained.length - 1; i >= 0; i--) {
            if (trained[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Whether this is a multi-turn episode (it has turns). */
    public boolean multiTurn() {
        return !turns.isEmpty();
    }

    /**
     * The per-token rewards {@code [T]}: for a single response the outcome reward on the last
     * trained token; for a multi-turn episode each turn's reward on its last policy token (the sum
     * is the verdict's reward). 0 elsewhere.
     */
    public double[] rewards() {
        double[] rewards = new double[responseTokens.length];
        if (turns.isEmpty()) {
            int last = lastTrainedIndex();
            if (last >= 0) {
                rewards[last] = verdict.reward();
            }
        } else {
            for (Turn turn : turns) {
                rewards[turn.end() - 1] += turn.reward();
            }
        }
        return rewards;
    }

    /**
     * Per-token values {@code [T]} from per-turn values {@code [turns]}: each turn's value on its
     * policy tokens, 0 on the observations (which are never trained on).
     *
     * @throws IllegalArgumentException if {@code perTurn} does not have one value per turn
     */
    public double[] spreadOverTurns(double[] perTurn) {
        if (perTurn.length != turns.size()) {
            throw new IllegalArgumentException("transcript of " + problemKey + " has " + turns.size()
                    + " turns but " + perTurn.length + " per-turn values were given");
        }
        double[] out = new double[responseTokens.length];
        for (int k = 0; k < perTurn.length; k++) {
            Turn turn = turns.get(k);
            for (int i = turn.start(); i < turn.end(); i++) {
                if (trained[i]) {
                    out[i] = perTurn[k];
                }
            }
        }
        return out;
    }

    /** The text of each turn's policy tokens (end-of-turn token excluded), in order. */
    public String[] turnTexts() {
        String[] out = new String[turns.size()];
        for (int k = 0; k < out.length; k++) {
            Turn turn = turns.get(k);
            int end = turn.complete() ? turn.end() - 1 : turn.end();
            out[k] = Vocabulary.decode(responseTokens, turn.start(), end);
        }
        return out;
    }

    /**
     * The response as a trajectory of {@code T} steps, one per response token: actions are the
     * token ids as floats ({@code actionSize} 1), {@code mask} is {@link #trained()}, the outcome
     * reward sits on the last trained token and 0 elsewhere (tool outputs carry no reward; a
     * multi-turn episode has each turn's reward on its last policy token, see {@link #rewards()}),
     * {@code terminated}/{@code truncated} as the response ended. Observations are not stored:
     * the prompt is in {@link #promptTokens()}.
     */
    public Trajectory toTrajectory(String id, String groupId, long seed) {
        return toTrajectory(id, groupId, seed, null);
    }

    /**
     * As {@link #toTrajectory(String, String, long)}, with the behaviour policy's log-probabilities
     * ({@code [T]}; entries at tool-output positions are ignored by masked losses), or null.
     */
    public Trajectory toTrajectory(String id, String groupId, long seed, double[] logProbs) {
        int t = responseTokens.length;
        int last = lastTrainedIndex();
        if (last < 0) {
            throw new IllegalStateException("transcript of " + problemKey + " has no policy token to carry its reward");
        }
        float[] actions = new float[t];
        for (int i = 0; i < t; i++) {
            actions[i] = responseTokens[i];
        }
        double[] rewards = rewards();
        return new Trajectory(id, groupId, seed, null, 0, actions, 1, rewards,
                logProbs == null ? null : logProbs.clone(), null, trained.clone(), terminated, truncated, Double.NaN,
                null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transcript x && problemKey.equals(x.problemKey) && Arrays.equals(promptTokens, x.promptTokens)
                && Arrays.equals(responseTokens, x.responseTokens) && Arrays.equals(trained, x.trained)
                && responseText.equals(x.responseText) && verdict.equals(x.verdict) && terminated == x.terminated
                && truncated == x.truncated && toolCalls == x.toolCalls
                && turns.equals(x.turns);
    }

    @Override
    public int hashCode() {
        return problemKey.hashCode() * 31 + Arrays.hashCode(responseTokens);
    }

    @Override
    public String toString() {
        return "Transcript[" + problemKey + " -> \"" + responseText + "\"" + (terminated ? " EOS" : " (truncated)")
                + ", reward=" + verdict.reward() + "]";
    }
}
