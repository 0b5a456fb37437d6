package dev.trail.token;

import dev.trail.seed.Rng;

/**
 * A token-level task with a verifiable reward: it generates problems from a random stream, writes
 * their prompts and a correct reference response, and verifies responses exactly.
 *
 * <p>Texts are in the {@link Vocabulary}. A prompt is encoded after a BOS token; a response ends
 * with an EOS token, which is not part of the text passed to {@link #verify}. For tasks with a
 * {@link #tool()}, the response text passed to {@link #verify} includes the tool outputs the
 * environment appended (as a {@link ResponseBuilder} produces it), while
 * {@link #demonstration} returns only what the policy writes.
 *
 * <p>Implementations are immutable and thread-safe: one task may serve many samplers, each with
 * its own {@link Rng}.
 */
public interface TokenTask {

    /** The registry id, e.g. {@code Arithmetic-v0}. */
    String id();

    /**
     * Draws a problem of {@code split} from {@code rng}. The same stream state gives the same
     * problem; {@link #splitOf} of the result is {@code split}.
     *
     * @throws IllegalArgumentException if the split is empty (held-out fraction 0)
     */
    Problem sample(Rng rng, Split split);

    /** The split {@code problem} belongs to (a function of {@link Problem#key()}). */
    Split splitOf(Problem problem);

    /** The prompt text, without BOS. */
    String prompt(Problem problem);

    /**
     * A correct response as the policy would write it (without EOS; tool outputs not included,
     * the environment appends them), for supervised warm starts. For a task with a tool it uses
     * the tool.
     */
    String demonstration(Problem problem);

    /**
     * Judges {@code response}: the response text without EOS, tool outputs included.
     * Never throws on malformed text.
     */
    Verdict verify(Problem problem, String response);

    /** The tool the policy may call, or null when the task has none. */
    default Tool tool() {
        return null;
    }

    /** How many tool calls an episode may make (0 when the task has no tool). */
    default int maxToolCalls() {
        return 0;
    }

    /** The default length budget for a response, in tokens (policy tokens, tool outputs and EOS). */
    int defaultMaxResponseTokens();

    /** Refuses a response budget below one token, naming it. */
    static void checkMaxResponseTokens(int maxResponseTokens) {
        if (maxResponseTokens < 1) {
            throw new IllegalArgumentException("maxResponseTokens must be >= 1, got " + maxResponseTokens);
        }
    }
}
