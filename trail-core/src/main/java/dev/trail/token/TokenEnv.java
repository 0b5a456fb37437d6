package dev.trail.token;

import dev.trail.env.Env;
import dev.trail.env.Snapshottable;
import dev.trail.env.StepResult;
import dev.trail.seed.Rng;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.space.Tokens;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link TokenTask} as an environment that takes one token per step.
 *
 * <h2>Spaces</h2>
 * Action: the next token id, {@code Discrete(}{@value Vocabulary#SIZE}{@code )}. Observation: the
 * whole context so far as token ids — BOS, prompt, response tokens, tool outputs —
 * {@code Tokens(}{@value Vocabulary#SIZE}{@code , contextLength)}.
 *
 * <h2>Start</h2>
 * {@link #reset(long)} reseeds the environment's stream and draws a problem of the configured
 * {@link Split}; the first observation is BOS + prompt. A prompt that leaves no room for a response
 * in the context is an {@link IllegalArgumentException} naming both lengths.
 *
 * <h2>Rewards</h2>
 * 0 on every step but the last, which carries the verifier's reward for the response text
 * (outcome reward), also when the response was cut.
 *
 * <p>A {@link MultiTurnTask} pays each turn's reward on the step of its end-of-turn token instead
 * (the environment's observation is appended in that step, like a tool output).
 *
 * <h2>Episode end</h2>
 * Terminated when the policy emits EOS. Truncated when the response (policy tokens and tool
 * outputs) reaches {@code min(maxResponseTokens, contextLength - promptLength)} tokens without EOS.
 *
 * <h2>Tools</h2>
 * When an action completes the task's closing tool tag, the tool's observation is appended to the
 * context in the same step. The step's info carries {@code toolTokens} (how many tool-output
 * tokens were appended, 0 on most steps) and {@code toolOutput} (their text); the final step's info
 * carries {@code correct}, {@code formatOk}, {@code note} and {@code responseText}. Tool-output
 * tokens are not actions, so they are never trained on; {@link #transcript()} gives the per-token
 * view with the loss mask.
 *
 * <p>Snapshots hold the problem, the context, the counters and the random stream: restoring one
 * and replaying the same actions reproduces the continuation exactly.
 */
public final class TokenEnv implements Env<int[], Integer>, Snapshottable<TokenEnv.Snapshot> {

    /**
     * The task behind a registry entry whose environments are token environments.
     *
     * @throws IllegalArgumentException if {@code spec}'s environments are not {@link TokenEnv}s, naming the id
     */
    public static TokenTask taskOf(dev.trail.env.EnvSpec spec) {
        try (dev.trail.env.Env<?, ?> e = spec.make()) {
            if (e instanceof TokenEnv tokens) {
                return tokens.task();
            }
            throw new IllegalArgumentException(spec.id() + " is not a token task (its environments are "
                    + e.getClass().getSimpleName() + "s); token-level training and evaluation need one");
        }
    }


    private final TokenTask task;
    private final Split split;
    private final int contextLength;
    private final int maxResponseTokens;
    private final Tokens observationSpace;
    private final Discrete actionSpace = new Discrete(Vocabulary.SIZE);
    private Rng rng = new Rng(0);
    private ResponseBuilder builder;
    private long seed;

    /**
     * @param task the task
     * @param split the split problems are drawn from
     * @param contextLength the longest context in tokens (BOS, prompt, response)
     * @param maxResponseTokens the response budget in tokens
     */
    public TokenEnv(TokenTask task, Split split, int contextLength, int maxResponseTokens) {
        if (task == null || split == null) {
            throw new IllegalArgumentException("a TokenEnv needs a task and a split");
        }
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be >= 2, got " + contextLength);
        }
        TokenTask.checkMaxResponseTokens(maxResponseTokens);
        this.task = task;
        this.split = split;
        this.contextLength = contextLength;
        this.maxResponseTokens = maxResponseTokens;
        this.observationSpace = new Tokens(Vocabulary.SIZE, contextLength);
    }

    @Override
    public Space<int[]> observationSpace() {
        return observationSpace;
    }

    @Override
    public Space<Integer> actionSpace() {
        return actionSpace;
    }

    @Override
    public int[] reset(long seed) {
        rng = new Rng(seed);
        this.seed = seed;
        return reset();
    }

    @Override
    public int[] reset() {
        Problem problem = task.sample(rng, split);
        builder = new ResponseBuilder(task, problem, contextLength, maxResponseTokens);
        return builder.context();
    }

    /**
     * Starts an episode on a given problem (evaluation on a fixed list, replaying a dataset); the
     * random stream is left as it is.
     */
    public int[] reset(Problem problem) {
        builder = new ResponseBuilder(task, problem, contextLength, maxResponseTokens);
        return builder.context();
    }

    @Override
    public StepResult<int[]> step(Integer action) {
        if (builder == null || builder.done()) {
            throw new IllegalStateException("step() called " + (builder == null ? "before reset()"
                    : "after the episode ended") + "; call reset() first");
        }
        actionSpace.validate(action);
        int[] toolTokens = builder.append(action);
        Map<String, Object> info = new HashMap<>();
        info.put("toolTokens", toolTokens.length);
        if (toolTokens.length > 0) {
            info.put("toolOutput", Vocabulary.decode(toolTokens));
        }
        double reward = builder.multiTurn() ? builder.lastReward() : 0;
        if (builder.done()) {
            Verdict v = builder.transcript().verdict();
            if (!builder.multiTurn()) {
                reward = v.reward();
            }
            info.put("correct", v.correct());
            info.put("formatOk", v.formatOk());
            info.put("note", v.note());
            info.put("responseText", builder.responseText());
        }
        return new StepResult<>(builder.context(), reward, builder.terminated(), builder.truncated(), info);
    }

    /** The task. */
    public TokenTask task() {
        return task;
    }

    /** The split problems are drawn from. */
    public Split split() {
        return split;
    }

    /** The longest context in tokens. */
    public int contextLength() {
        return contextLength;
    }

    /** The response budget in tokens. */
    public int maxResponseTokens() {
        return maxResponseTokens;
    }

    /** The seed of the last seeded reset. */
    public long seed() {
        return seed;
    }

    /** The current problem. */
    public Problem problem() {
        requireEpisode();
        return builder.problem();
    }

    /**
     * The current episode as a verified transcript, with the per-token loss mask; before the end
     * it describes the response so far as cut.
     */
    public Transcript transcript() {
        requireEpisode();
        return builder.transcript();
    }

    private void requireEpisode() {
        if (builder == null) {
            throw new IllegalStateException("no episode yet: call reset() first");
        }
    }

    /**
     * The full state of a {@link TokenEnv}: the response in progress (problem, context, counters)
     * and the random stream. Immutable: it may be restored any number of times.
     */
    public static final class Snapshot {
        private final ResponseBuilder builder;
        private final long[] rngState;
        private final long seed;

        private Snapshot(ResponseBuilder builder, long[] rngState, long seed) {
            this.builder = builder;
            this.rngState = rngState;
            this.seed = seed;
        }

        /** The problem of the saved episode, or null before the first reset. */
        public Problem problem() {
            return builder == null ? null : builder.problem();
        }

        /** The saved context (a copy), or an empty array before the first reset. */
        public int[] context() {
            return builder == null ? new int[0] : builder.context();
        }
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(builder == null ? null : builder.copy(), rng.state(), seed);
    }

    @Override
    public void restore(Snapshot snapshot) {
        builder = snapshot.builder == null ? null : snapshot.builder.copy();
        rng = Rng.fromState(snapshot.rngState);
        seed = snapshot.seed;
    }

    @Override
    public String toString() {
        return "TokenEnv[" + task.id() + ", " + split + ", context " + contextLength + ", response "
                + maxResponseTokens + "]";
    }
}
