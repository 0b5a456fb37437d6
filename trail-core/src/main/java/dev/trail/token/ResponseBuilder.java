package dev.trail.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one response to one problem, a policy token at a time, running the task's tool calls:
 * the state machine shared by {@link TokenEnv} and by batch trainers that sample B prompts × G
 * responses themselves.
 *
 * <p>The context starts as {@code BOS + prompt}. {@link #append(int)} adds a policy token
 * (trained on). If that token completes the tool's closing tag, the tool's observation is
 * appended right after it as tool-output tokens (not trained on) and returned, so a sampler can
 * feed them to its model before sampling the next token. The response ends:
 * <ul>
 *   <li><b>terminated</b> when the policy appends EOS (the EOS token is part of the response and
 *       trained on);</li>
 *   <li><b>truncated</b> when the response reaches its budget of
 *       {@code min(maxResponseTokens, contextLength - promptTokens)} tokens without EOS; a tool
 *       output that does not fit is cut at the budget.</li>
 * </ul>
 * {@link #transcript()} then verifies the response text (tool outputs included, EOS excluded)
 * and returns the token ids, loss mask and verdict.
 *
 * <p><b>Multi-turn tasks</b> ({@link MultiTurnTask}): the policy's end-of-turn token closes a
 * turn; the environment's reply is asked for then, and its observation is appended right after
 * the end-of-turn token as tokens not trained on (and returned, like a tool output). The response
 * is terminated when a reply ends the task, truncated after the task's turn budget or at the
 * token budget. {@link #transcript()} then carries the turns (token spans, rewards, the state each
 * turn saw) and a verdict whose reward is the sum of the turn rewards.
 *
 * <p>Not thread-safe; {@link #copy()} gives an independent builder at the same point (tree
 * rollouts branch this way).
 */
public final class ResponseBuilder {

    private static final int[] NONE = new int[0];

    private final TokenTask task;
    private final Problem problem;
    private final int promptLength;
    private final int budget;
    private final Tool tool;
    private int[] context;
    private boolean[] trained;
    private int length;
    private final StringBuilder text;
    private int toolCalls;
    /** Index in {@link #text} where the search for an opening tag starts (after the last tool output). */
    private int searchFrom;
    private boolean terminated;
    private boolean truncated;
    // multi-turn episodes (multi == null for a single response)
    private final MultiTurnTask multi;
    private MultiTurnTask.State state;
    private int turnStart;
    private StringBuilder turnText;
    private List<Transcript.Turn> turns;
    private double rewardSum;
    private boolean wellFormed = true;
    private double lastReward;

    /**
     * Starts a response to {@code problem}.
     *
     * @param contextLength the longest context (BOS, prompt and response) in tokens
     * @param maxResponseTokens the response budget in tokens (policy tokens, tool outputs, EOS)
     * @throws IllegalArgumentException if BOS and the prompt leave no room for a response token,
     *         naming the prompt length and the context length
     */
    public ResponseBuilder(TokenTask task, Problem problem, int contextLength, int maxResponseTokens) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be >= 2 (BOS and one token), got " + contextLength);
        }
        TokenTask.checkMaxResponseTokens(maxResponseTokens);
        this.task = task;
        this.problem = problem;
        this.tool = task.tool();
        int[] prompt = Vocabulary.encode(task.prompt(problem));
        this.promptLength = prompt.length + 1;
        if (promptLength >= contextLength) {
            throw new IllegalArgumentException("the prompt of " + task.id() + " takes " + promptLength
                    + " tokens (BOS included) but the context holds " + contextLength
                    + " tokens; it needs at least " + (promptLength + 1) + " to leave room for a response: \""
                    + task.prompt(problem) + "\"");
        }
        this.budget = Math.min(maxResponseTokens, contextLength - promptLength);
        this.context = new int[Math.min(contextLength, promptLength + 16)];
        this.trained = new boolean[context.length];
        context[0] = Vocabulary.BOS;
        System.arraycopy(prompt, 0, context, 1, prompt.length);
        this.length = promptLength;
        this.text = new StringBuilder();
        this.multi = task instanceof MultiTurnTask m ? m : null;
        if (multi != null) {
            if (tool != null) {
                throw new IllegalArgumentException(task.id() + " is a multi-turn task with a tool; its environment"
                        + " turns take the tool's place");
            }
            this.state = multi.start(problem);
            this.turnText = new StringBuilder();
            this.turns = new ArrayList<>();
        }
    }

    private ResponseBuilder(ResponseBuilder o) {
        this.task = o.task;
        this.problem = o.problem;
        this.promptLength = o.promptLength;
        this.budget = o.budget;
        this.tool = o.tool;
        this.context = o.context.clone();
        this.trained = o.trained.clone();
        this.length = o.length;
        this.text = new StringBuilder(o.text);
        this.toolCalls = o.toolCalls;
        this.searchFrom = o.searchFrom;
        this.terminated = o.terminated;
        this.truncated = o.truncated;
        this.multi = o.multi;
        this.state = o.state;
        this.turnStart = o.turnStart;
        this.turnText = o.turnText == null ? null : new StringBuilder(o.turnText);
        this.turns = o.turns == null ? null : new ArrayList<>(o.turns);
        this.rewardSum = o.rewardSum;
        this.wellFormed = o.wellFormed;
        this.lastReward = o.lastReward;
    }

    /** An independent builder in the same state. */
    public ResponseBuilder copy() {
        return new ResponseBuilder(this);
    }

    /**
     * Appends the policy token {@code token} and returns the tool-output tokens appended after it
     * (empty when the token did not close a tool call).
     *
     * @throws IllegalArgumentException if {@code token} is not a vocabulary id
     * @throws IllegalStateException if the response already ended
     */
    public int[] append(int token) {
        if (done()) {
            throw new IllegalStateException("the response already ended (" + (terminated ? "EOS" : "length budget "
                    + budget + " reached") + "); start a new one");
        }
        if (token < 0 || token >= Vocabulary.SIZE) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary Discrete("
                    + Vocabulary.SIZE + ")");
        }
        put(token, true);
        lastReward = 0;
        if (multi != null) {
            return appendTurnToken(token);
        }
        if (token == Vocabulary.EOS) {
            terminated = true;
            return NONE;
        }
        Vocabulary.appendToken(text, token);
        int[] out = NONE;
        // the closing tag must be written by the policy, not straddle an earlier tool output
        if (tool != null && text.length() - tool.closeTag().length() >= searchFrom && endsWith(text, tool.closeTag())) {
            out = runTool();
        }
        if (responseLength() >= budget) {
            truncated = true;
        }
        return out;
    }

    /** Appends every token of {@code tokens} until the response ends; the rest are ignored. Returns how many were used. */
    public int appendAll(int[] tokens) {
        int used = 0;
        while (used < tokens.length && !done()) {
            append(tokens[used++]);
        }
        return used;
    }

    private int[] appendTurnToken(int token) {
        if (token != multi.endOfTurn()) {
            Vocabulary.appendToken(text, token);
            Vocabulary.appendToken(turnText, token);
            if (responseLength() >= budget) {
                truncated = true;
            }
            return NONE;
        }
        Vocabulary.appendToken(text, token);
        MultiTurnTask.Reply reply = multi.reply(problem, state, turnText.toString());
        int end = responseLength();
        int[] ids = Vocabulary.encode(reply.observation());
        int fit = Math.min(ids.length, budget - responseLength());
        for (int i = 0; i < fit; i++) {
            put(ids[i], false);
            Vocabulary.appendToken(text, ids[i]);
        }
        turns.add(new Transcript.Turn(turnStart, end, responseLength(), reply.reward(), state.key(), true));
        rewardSum += reply.reward();
        lastReward = reply.reward();
        wellFormed &= reply.wellFormed();
        state = reply.next();
        turnStart = responseLength();
        turnText.setLength(0);
        if (reply.done()) {
            terminated = true;
        } else if (turns.size() >= multi.maxTurns() || responseLength() >= budget) {
            truncated = true;
        }
        return fit == ids.length ? ids : Arrays.copyOf(ids, fit);
    }

    private int[] runTool() {
        String close = tool.closeTag();
        int callEnd = text.length() - close.length();
        String observation;
        toolCalls++;
        if (toolCalls > task.maxToolCalls()) {
            observation = tool.limitObservation();
        } else {
            int open = text.lastIndexOf(tool.openTag(), callEnd - tool.openTag().length());
            if (open < searchFrom) {
                observation = tool.unopenedObservation();
            } else {
                observation = tool.run(text.substring(open + tool.openTag().length(), callEnd));
            }
        }
        int[] ids = Vocabulary.encode(observation);
        int fit = Math.min(ids.length, budget - responseLength());
        for (int i = 0; i < fit; i++) {
            put(ids[i], false);
            Vocabulary.appendToken(text, ids[i]);
        }
        searchFrom = text.length();
        return fit == ids.length ? ids : Arrays.copyOf(ids, fit);
    }

    private void put(int token, boolean isTrained) {
        if (length == context.length) {
            int n = Math.min(promptLength + budget, Math.max(2 * context.length, 16));
            context = Arrays.copyOf(context, n);
            trained = Arrays.copyOf(trained, n);
        }
        context[length] = token;
        trained[length] = isTrained;
        length++;
    }

    private static boolean endsWith(StringBuilder sb, String suffix) {
        int n = sb.length(), k = suffix.length();
        if (n < k) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (sb.charAt(n - k + i) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the response ended (EOS or budget). */
    public boolean done() {
        return terminated || truncated;
    }

    /** Whether the policy ended the response with EOS (multi-turn: whether the environment ended the task). */
    public boolean terminated() {
        return terminated;
    }

    /** Whether the response was cut at its length budget. */
    public boolean truncated() {
        return truncated;
    }

    /** The task. */
    public TokenTask task() {
        return task;
    }

    /** The problem. */
    public Problem problem() {
        return problem;
    }

    /** The context so far: BOS, prompt, response (a copy). */
    public int[] context() {
        return Arrays.copyOf(context, length);
    }

    /** Tokens of BOS and the prompt. */
    public int promptLength() {
        return promptLength;
    }

    /** Tokens of the response so far (policy tokens, tool outputs, EOS). */
    public int responseLength() {
        return length - promptLength;
    }

    /** Response token {@code j}, {@code 0 <= j < responseLength()} (no copy). */
    public int responseToken(int j) {
        if (j < 0 || j >= responseLength()) {
            throw new IndexOutOfBoundsException("response token " + j + " of " + responseLength());
        }
        return context[promptLength + j];
    }

    /** The response budget in tokens: {@code min(maxResponseTokens, contextLength - promptLength)}. */
    public int budget() {
        return budget;
    }

    /** The response text so far, tool outputs included, EOS excluded. */
    public String responseText() {
        return text.toString();
    }

    /** Whether the task is a {@link MultiTurnTask}. */
    public boolean multiTurn() {
        return multi != null;
    }

    /** Policy turns finished so far (0 for a single response). */
    public int turnsTaken() {
        return multi == null ? 0 : turns.size();
    }

    /** The environment's current state (null for a single response). */
    public MultiTurnTask.State state() {
        return state;
    }

    /** The reward earned by the last {@link #append} (a multi-turn turn's reward; 0 otherwise). */
    public double lastReward() {
        return lastReward;
    }

    /** Closing tags written so far (calls run, refused for the budget, or unopened). */
    public int toolCalls() {
        return toolCalls;
    }

    /**
     * The finished response, verified. A response that has not ended yet is treated as cut
     * here (truncated), for samplers that stop on their own length limit.
     */
    public Transcript transcript() {
        boolean cut = !terminated;
        if (multi != null) {
            List<Transcript.Turn> all = new ArrayList<>(turns);
            if (turnStart < responseLength()) {
                all.add(new Transcript.Turn(turnStart, responseLength(), responseLength(), 0.0, state.key(), false));
            }
            Verdict o = multi.outcome(problem, state);
            Verdict verdict = new Verdict(rewardSum, o.correct(), o.formatOk() && (wellFormed || o.correct()),
                    o.note());
            return new Transcript(problem.key(), Arrays.copyOfRange(context, 0, promptLength),
                    Arrays.copyOfRange(context, promptLength, length), Arrays.copyOfRange(trained, promptLength, length),
                    text.toString(), verdict, terminated, cut, toolCalls, all);
        }
        Verdict verdict = task.verify(problem, text.toString());
        return new Transcript(problem.key(), Arrays.copyOfRange(context, 0, promptLength),
                Arrays.copyOfRange(context, promptLength, length), Arrays.copyOfRange(trained, promptLength, length),
                text.toString(), verdict, terminated, cut, toolCalls);
    }

    /**
     * Runs a whole response: appends {@code policyText} then EOS, resolving tool calls (for a
     * {@link MultiTurnTask}: each of its turns, separated by {@value MultiTurnTask#TURN_SEPARATOR},
     * then the end-of-turn token, the environment replying in between), and
     * returns the transcript (truncated if it ran out of budget). Suited to demonstrations:
     * {@code ResponseBuilder.respond(task, p, task.demonstration(p), ctx, max)}.
     */
    public static Transcript respond(TokenTask task, Problem problem, String policyText, int contextLength,
            int maxResponseTokens) {
        ResponseBuilder b = new ResponseBuilder(task, problem, contextLength, maxResponseTokens);
        if (task instanceof MultiTurnTask m) {
            for (String turn : policyText.split(MultiTurnTask.TURN_SEPARATOR, -1)) {
                b.appendAll(Vocabulary.encode(turn));
                if (b.done()) {
                    break;
                }
                b.append(m.endOfTurn());
                if (b.done()) {
                    break;
                }
            }
            return b.transcript();
        }
        int[] ids = Vocabulary.encode(policyText);
        b.appendAll(ids);
        if (!b.done()) {
            b.append(Vocabulary.EOS);
        }
        return b.transcript();
    }

    /**
     * Rebuilds the transcript of a response whose tool outputs are already in place (as sampled
     * by an inference engine that ran the tools itself, or read back from a dataset):
     * {@code responseTokens} holds policy tokens and tool outputs interleaved. The tool calls are
     * replayed, and each tool output must match the tokens that follow its call; they get
     * {@code trained = false}. Tokens after the end of the response (padding after EOS) are ignored.
     *
     * @throws IllegalArgumentException if a tool output in {@code responseTokens} differs from what
     *         the tool returns, or the sequence stops inside one
     */
    public static Transcript replay(TokenTask task, Problem problem, int[] responseTokens, int contextLength,
            int maxResponseTokens) {
        ResponseBuilder b = new ResponseBuilder(task, problem, contextLength, maxResponseTokens);
        int i = 0;
        while (i < responseTokens.length && !b.done()) {
            int[] tool = b.append(responseTokens[i++]);
            for (int k = 0; k < tool.length; k++, i++) {
                if (i >= responseTokens.length) {
                    throw new IllegalArgumentException("the response stops inside the tool output \""
                            + Vocabulary.decode(tool) + "\" at token " + i);
                }
                if (responseTokens[i] != tool[k]) {
                    throw new IllegalArgumentException("response token " + i + " is "
                            + Vocabulary.decode(responseTokens, i, i + 1) + " but the tool output there is \""
                            + Vocabulary.decode(tool) + "\" (token " + k + ": " + Vocabulary.decode(tool, k, k + 1)
                            + ")");
                }
            }
        }
        return b.transcript();
    }
}
