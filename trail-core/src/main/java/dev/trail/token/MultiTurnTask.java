package dev.trail.token;

/**
 * A token task played over several turns: the policy writes a turn, ending it with
 * {@link #endOfTurn()}; the environment answers with observation tokens (never trained on) and a
 * per-turn reward, until it ends the episode or a budget runs out.
 *
 * <h2>Episode</h2>
 * The context starts as {@code BOS + prompt(problem)}, which shows the first observation; the
 * environment's state starts at {@link #start}. Each time the policy writes the end-of-turn
 * token, {@link #reply} is given the state and the turn's text (without the end-of-turn token) and
 * returns the next state, the observation text appended after the turn, the turn's reward and
 * whether the task ended. The episode is
 * <ul>
 *   <li><b>terminated</b> when a reply says {@code done} (the goal was reached, the answer given);</li>
 *   <li><b>truncated</b> after {@link #maxTurns()} turns without {@code done}, or when the response
 *       budget in tokens runs out (an observation that does not fit is cut there).</li>
 * </ul>
 * Everything is kept as token ids from start to end: the observation is encoded once, appended to
 * the context and fed to the model as it is; nothing is decoded and encoded again.
 *
 * <h2>Text and verification</h2>
 * The episode's response text (what {@link #verify} judges) is the decoded response: the policy's
 * turns each followed by {@code [EOS]} (the rendering of the end-of-turn token, whose brackets are
 * not in the {@link Vocabulary}) and then the environment's observation. {@link #verify} replays it
 * turn by turn against {@link #reply}, so the judgement is a pure function of the text. The verdict's
 * reward is the sum of the turn rewards; {@link #outcome} says whether the final state solves the
 * task.
 *
 * <h2>Demonstrations</h2>
 * {@link #demonstration} returns the policy's turns of a correct episode joined by
 * {@value #TURN_SEPARATOR} (a character outside the vocabulary); {@link ResponseBuilder#respond}
 * writes each with its end-of-turn token and lets the environment reply in between.
 *
 * <p>Implementations are immutable and thread-safe, and so are their states.
 */
public interface MultiTurnTask extends TokenTask {

    /** Separates the turns of a {@link #demonstration}. */
    String TURN_SEPARATOR = "\n";

    /**
     * An environment state: immutable, with a canonical key. Equal keys mean the same state of the
     * same problem (GiGPO's anchor states are grouped by it).
     */
    interface State {
        /** The canonical identity of the state within its problem, e.g. {@code 2,3} for a grid cell. */
        String key();
    }

    /**
     * The environment's answer to one policy turn.
     *
     * @param next the state after the turn
     * @param observation the text appended after the turn (empty when {@code done})
     * @param reward the turn's reward
     * @param done whether the task ended with this turn
     * @param wellFormed whether the turn was a valid move or call of the task
     */
    record Reply(State next, String observation, double reward, boolean done, boolean wellFormed) {
        public Reply {
            if (next == null || observation == null) {
                throw new IllegalArgumentException("a reply needs a next state and an observation (may be empty)");
            }
            if (!Double.isFinite(reward)) {
                throw new IllegalArgumentException("a turn reward must be finite, got " + reward);
            }
        }
    }

    /** The state before the first turn. */
    State start(Problem problem);

    /** The environment's reply to {@code turn} (the turn's text, end-of-turn excluded) in {@code state}. */
    Reply reply(Problem problem, State state, String turn);

    /**
     * The judgement of the episode that ended in {@code last}; {@code reward} is replaced by the
     * sum of the turn rewards, and {@code formatOk} is and-ed with every turn's {@code wellFormed}.
     */
    Verdict outcome(Problem problem, State last);

    /** The most turns the policy may take. */
    int maxTurns();

    /**
     * The token that ends a policy turn ({@link Vocabulary#EOS} unless a task says otherwise; the
     * default {@link #verify} looks for EOS's rendering {@code [EOS]}, so a task with another
     * end-of-turn token overrides it too).
     */
    default int endOfTurn() {
        return Vocabulary.EOS;
    }

    /** The most tool calls: none, the environment's turns take their place. */
    @Override
    default int maxToolCalls() {
        return 0;
    }

    /** No tool: the environment answers every turn. */
    @Override
    default Tool tool() {
        return null;
    }

    /**
     * Replays {@code response} (turns each followed by {@code [EOS]} and the observation) against the
     * environment; a turn whose observation differs from the text after it, or text after the
     * episode ended, is malformed.
     */
    @Override
    default Verdict verify(Problem problem, String response) {
        String eot = "[EOS]";
        State state = start(problem);
        double reward = 0;
        boolean wellFormed = true;
        int pos = 0;
        int turns = 0;
        while (pos < response.length()) {
            int end = response.indexOf(eot, pos);
            if (end < 0 || turns >= maxTurns()) {
                // an unfinished last turn (cut by the budget) or text beyond the turn budget
                break;
            }
            Reply r = reply(problem, state, response.substring(pos, end));
            turns++;
            reward += r.reward();
            wellFormed &= r.wellFormed();
            state = r.next();
            pos = end + eot.length();
            String rest = response.substring(pos);
            if (!r.observation().startsWith(rest.substring(0, Math.min(rest.length(), r.observation().length())))) {
                return Verdict.malformed("turn " + turns + ": the text after it is not the environment's reply \""
                        + r.observation() + "\"");
            }
            pos += Math.min(rest.length(), r.observation().length());
            if (r.done()) {
                if (pos < response.length()) {
                    return Verdict.malformed("text after the episode ended at turn " + turns);
                }
                break;
            }
        }
        Verdict o = outcome(problem, state);
        return new Verdict(reward, o.correct(), o.formatOk() && (wellFormed || o.correct()), o.note());
    }
}
