package dev.trail.token;

import dev.trail.trajectory.Trajectory;
import java.util.Arrays;

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
 */
public record Transcript(String problemKey, int[] promptTokens, int[] responseTokens, boolean[] trained,
        String responseText, Verdict verdict, boolean terminated, boolean truncated, int toolCalls) {

    public Transcript {
        if (responseTokens.length != trained.length) {
            throw new IllegalArgumentException("transcript has " + responseTokens.length + " response tokens but "
                    + trained.length + " mask entries");
        }
        if (terminated == truncated) {
            throw new IllegalArgumentException("a transcript is either terminated (EOS) or truncated, got terminated="
                    + terminated + ", truncated=" + truncated);
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

    /**
     * The response as a trajectory of {@code T} steps, one per response token: actions are the
     * token ids as floats ({@code actionSize} 1), {@code mask} is {@link #trained()}, the outcome
     * reward sits on the last trained token and 0 elsewhere (tool outputs carry no reward),
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
        double[] rewards = new double[t];
        rewards[last] = verdict.reward();
        return new Trajectory(id, groupId, seed, null, 0, actions, 1, rewards,
                logProbs == null ? null : logProbs.clone(), null, trained.clone(), terminated, truncated, Double.NaN,
                null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transcript x && problemKey.equals(x.problemKey) && Arrays.equals(promptTokens, x.promptTokens)
                && Arrays.equals(responseTokens, x.responseTokens) && Arrays.equals(trained, x.trained)
                && responseText.equals(x.responseText) && verdict.equals(x.verdict) && terminated == x.terminated
                && truncated == x.truncated && toolCalls == x.toolCalls;
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
