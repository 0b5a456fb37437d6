package dev.trail.rollout;

import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.Transcript;
import dev.trail.token.Verdict;
import dev.trail.token.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * UI-S1's semi-online rollouts (ALGORITHMS.md §8) on a multi-turn token task: the policy's own
 * episodes along an offline expert trajectory ({@link MultiTurnTask#demonstration}). At step
 * {@code t} each of the K rollouts of a problem writes a turn given the history so far; if the turn
 * matches the expert's action (the same text) it stays, otherwise the expert's action is patched in
 * and the rollout continues, until a rollout has made more than {@code patchThreshold} patches (its
 * episode ends at that step) or the expert trajectory ends. The step reward is UI-S1's exact-match
 * reward: 1 for a matching turn, 0 otherwise.
 *
 * <p>With exact matching, the history of every live rollout at step {@code t} is the expert's
 * first {@code t} turns with the environment's observations (a matched turn is the expert's text,
 * and so are its tokens; a patched turn is the expert's by construction). So step {@code t} of
 * every rollout of a problem continues one context, which is prefilled once and forked K times
 * ({@link ForkableDecoder}).
 *
 * <p>Each step of each rollout is one training row ({@link Step}): its transcript's response is the
 * expert history ({@code trained} false: the patched expert tokens and observations are not the
 * policy's and are masked from the loss) followed by the policy's own turn (trained on, with its
 * sampling log-probs). The loss therefore trains every turn the policy wrote, matched or not,
 * never the expert's.
 */
public final class SemiOnlineCollector {

    /**
     * One policy turn of a semi-online rollout.
     *
     * @param rollout which of the K rollouts of its problem (0..K-1)
     * @param step the expert step it was taken at
     * @param response the training row: expert history (masked) then the policy's turn
     * @param match whether the turn matched the expert's action
     * @param reward the step reward (1 for a match)
     */
    public record Step(int rollout, int step, ResponseSampler.Response response, boolean match, double reward) {
    }

    /**
     * The K rollouts of one problem.
     *
     * @param id group id ({@code collection.index})
     * @param problem the problem
     * @param expert the expert's turns
     * @param steps every policy turn, by step then rollout
     */
    public record Episodes(String id, Problem problem, List<String> expert, List<Step> steps) {
    }

    /**
     * Settings.
     *
     * @param groupSize K, rollouts per problem
     * @param problemsPerBatch problems per collection
     * @param patchThreshold patches a rollout may take; the next mismatch ends it
     * @param temperature sampling temperature
     * @param topP nucleus mass
     * @param contextLength the model's context
     * @param maxResponseTokens the episode's response budget (expert history and the turn)
     */
    public record Settings(int groupSize, int problemsPerBatch, int patchThreshold, double temperature, double topP,
            int contextLength, int maxResponseTokens) {
    }

    /** A collection: the episodes and their rows as a {@link GroupRollout} (one group per problem). */
    public record Collection(List<Episodes> episodes, GroupRollout rollout) {
    }

    private final MultiTurnTask task;
    private final Settings settings;
    private final TaskStreams streams;

    public SemiOnlineCollector(MultiTurnTask task, Settings settings, Rng problems, Rng sampling) {
        this.task = task;
        this.settings = settings;
        this.streams = new TaskStreams(problems, sampling);
    }

    /** The expert's turns for {@code problem}. */
    public static List<String> expert(MultiTurnTask task, Problem problem) {
        return List.of(task.demonstration(problem).split(MultiTurnTask.TURN_SEPARATOR, -1));
    }

    /** Samples {@code problemsPerBatch} training problems and their K semi-online rollouts each. */
    public Collection collect(ForkableDecoder.Factory decoders) {
        long start = System.nanoTime();
        int k = settings.groupSize();
        List<Episodes> episodes = new ArrayList<>();
        List<GroupRollout.Group> groups = new ArrayList<>();
        long sampledTokens = 0;
        long computed = 0;
        int matched = 0;
        int rows = 0;
        long responseTokens = 0;
        for (int p = 0; p < settings.problemsPerBatch(); p++) {
            Problem problem = task.sample(streams.problemRng(), Split.TRAIN);
            List<String> expert = expert(task, problem);
            ResponseBuilder history = new ResponseBuilder(task, problem, settings.contextLength(),
                    settings.maxResponseTokens());
            int[] patches = new int[k];
            boolean[] alive = new boolean[k];
            Arrays.fill(alive, true);
            List<Step> steps = new ArrayList<>();
            for (int t = 0; t < expert.size() && !history.done(); t++) {
                int[] live = liveRows(alive);
                if (live.length == 0) {
                    break;
                }
                Rng[] turnStreams = streams.samplingRng().split(live.length);
                Turn[] turns;
                try (ForkableDecoder decoder = decoders.open(List.of(history.context()))) {
                    turns = sampleTurns(decoder, history, live.length, turnStreams);
                    computed += decoder.tokensComputed();
                }
                for (int j = 0; j < live.length; j++) {
                    int r = live[j];
                    boolean match = turns[j].complete && turns[j].text.equals(expert.get(t));
                    if (!match && ++patches[r] > settings.patchThreshold()) {
                        alive[r] = false;
                    }
                    steps.add(new Step(r, t, row(history, turns[j], match), match, match ? 1.0 : 0.0));
                    sampledTokens += turns[j].tokens.length;
                    matched += match ? 1 : 0;
                }
                // the expert's turn (and the environment's reply) extends the history of every live rollout
                int[] expertTurn = Vocabulary.encode(expert.get(t));
                int[] withEnd = Arrays.copyOf(expertTurn, expertTurn.length + 1);
                withEnd[expertTurn.length] = task.endOfTurn();
                history.appendAll(withEnd);
            }
            String id = streams.collections() + "." + p;
            episodes.add(new Episodes(id, problem, expert, steps));
            List<ResponseSampler.Response> responses = new ArrayList<>();
            double[] rewards = new double[steps.size()];
            for (int i = 0; i < steps.size(); i++) {
                responses.add(steps.get(i).response());
                rewards[i] = steps.get(i).reward();
                responseTokens += steps.get(i).response().transcript().responseLength();
            }
            rows += steps.size();
            groups.add(new GroupRollout.Group(id, problem, responses, rewards, Double.NaN));
        }
        streams.nextCollection();
        double seconds = (System.nanoTime() - start) / 1e9;
        GroupRollout.Stats stats = new GroupRollout.Stats(rows, matched, matched, 0, sampledTokens,
                responseTokens, 0, 0, settings.problemsPerBatch(), 1, seconds);
        GroupRollout rollout = new GroupRollout(groups, stats,
                new GroupRollout.Budget(sampledTokens, computed, -1, rows));
        return new Collection(episodes, rollout);
    }

    private static int[] liveRows(boolean[] alive) {
        int n = 0;
        for (boolean a : alive) {
            n += a ? 1 : 0;
        }
        int[] out = new int[n];
        for (int r = 0, j = 0; r < alive.length; r++) {
            if (alive[r]) {
                out[j++] = r;
            }
        }
        return out;
    }

    private record Turn(int[] tokens, double[] logProbs, String text, boolean complete) {
    }

    /**
     * {@code n} turns sampled from the history's context (row 0 of {@code decoder}, forked), each up
     * to the end-of-turn token or the response budget left after the history.
     */
    private Turn[] sampleTurns(ForkableDecoder decoder, ResponseBuilder history, int n, Rng[] streams) {
        int[] rows = new int[n];
        rows[0] = 0;
        if (n > 1) {
            int[] parents = new int[n - 1];
            System.arraycopy(decoder.fork(parents), 0, rows, 1, n - 1);
        }
        int room = history.budget() - history.responseLength();
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<Double>> lps = new ArrayList<>();
        boolean[] ended = new boolean[n];
        for (int i = 0; i < n; i++) {
            tokens.add(new ArrayList<>());
            lps.add(new ArrayList<>());
        }
        while (true) {
            List<Integer> fedRows = new ArrayList<>();
            List<Integer> fedTokens = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (ended[i]) {
                    continue;
                }
                float[] logits = decoder.logits(rows[i]);
                int token = TokenSampling.choose(logits, 0, decoder.vocabSize(), settings.temperature(),
                        settings.topP(), false, streams[i]);
                tokens.get(i).add(token);
                lps.get(i).add(TokenSampling.logProb(logits, 0, decoder.vocabSize(), token, settings.temperature()));
                if (token == task.endOfTurn() || tokens.get(i).size() >= room) {
                    ended[i] = true;
                } else {
                    fedRows.add(rows[i]);
                    fedTokens.add(token);
                }
            }
            if (fedRows.isEmpty()) {
                break;
            }
            decoder.step(fedRows.stream().mapToInt(Integer::intValue).toArray(),
                    fedTokens.stream().mapToInt(Integer::intValue).toArray());
        }
        Turn[] out = new Turn[n];
        for (int i = 0; i < n; i++) {
            int[] t = tokens.get(i).stream().mapToInt(Integer::intValue).toArray();
            double[] lp = lps.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            int len = t.length > 0 && t[t.length - 1] == task.endOfTurn() ? t.length - 1 : t.length;
            out[i] = new Turn(t, lp, Vocabulary.decode(t, 0, len), t.length > len);
        }
        return out;
    }

    /** The training row: the history's response tokens (masked) then the policy's turn (trained on). */
    private ResponseSampler.Response row(ResponseBuilder history, Turn turn, boolean match) {
        Transcript h = history.transcript();
        int hl = h.responseLength();
        int[] response = Arrays.copyOf(h.responseTokens(), hl + turn.tokens.length);
        System.arraycopy(turn.tokens, 0, response, hl, turn.tokens.length);
        boolean[] trained = new boolean[response.length];
        Arrays.fill(trained, hl, response.length, true);
        double[] lp = new double[response.length];
        System.arraycopy(turn.logProbs, 0, lp, hl, turn.logProbs.length);
        String text = h.responseText() + Vocabulary.decode(turn.tokens);
        Verdict v = match ? new Verdict(1.0, true, true, "matches the expert") : Verdict.wrong(0.0, "not the expert's action");
        boolean terminated = turn.tokens.length > 0 && turn.tokens[turn.tokens.length - 1] == task.endOfTurn();
        Transcript t = new Transcript(h.problemKey(), h.promptTokens(), response, trained, text, v,
                terminated, !terminated, 0);
        return new ResponseSampler.Response(t, lp);
    }

    /** The streams and the batch counter, for checkpoints. */
    public TaskStreams streams() {
        return streams;
    }
}
