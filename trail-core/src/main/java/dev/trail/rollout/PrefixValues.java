package dev.trail.rollout;

import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Monte-Carlo values of response prefixes (SPO-chain, ALGORITHMS.md §3.1 step 2): for a cut point
 * {@code c} of a response, {@code V(c)} = the mean reward of {@code samples} continuations sampled
 * from the prompt and response tokens {@code 0..c} ({@code c = -1}: the prompt alone). The
 * continuations are decoded with a {@link ForkableDecoder}: each distinct prefix is prefilled once
 * and forked {@code samples − 1} times, so a prefix is computed once for all its continuations;
 * identical prefixes (same problem, same tokens) are deduplicated, as in the SPO code. The prefix is
 * rebuilt through a {@link ResponseBuilder} (environment turns and tool calls replayed), so a
 * continuation of a multi-turn episode continues in the environment state the prefix reached. A
 * prefix whose response already ended (cut at its last token) has the value of its own reward, with
 * no rollouts.
 */
public final class PrefixValues {

    /** Decoder rows per batch of prefixes (each prefix takes {@code samples} rows). */
    static final int MAX_ROWS = 256;

    /**
     * One response whose prefixes are valued.
     *
     * @param problem the problem it answers
     * @param responseTokens its response tokens (policy tokens, tool outputs, observations)
     * @param trained which of them the policy wrote (the rest are replayed by the builder)
     * @param cuts cut points: {@code c} = the state after response token {@code c}, {@code -1} = the prompt
     */
    public record Request(Problem problem, int[] responseTokens, boolean[] trained, int[] cuts) {
    }

    /**
     * The values.
     *
     * @param values {@code values[i][k]} = V(cut k of request i)
     * @param tokensSampled tokens the continuations sampled
     * @param tokensComputed tokens the decoder computed
     * @param rollouts continuations decoded
     */
    public record Result(double[][] values, long tokensSampled, long tokensComputed, int rollouts) {
    }

    /**
     * Decoding settings.
     *
     * @param samples continuations per prefix (M)
     * @param temperature sampling temperature
     * @param topP nucleus mass
     * @param contextLength the model's context
     * @param maxResponseTokens the response budget (as for the rollouts)
     */
    public record Settings(int samples, double temperature, double topP, int contextLength, int maxResponseTokens) {
        public Settings {
            if (samples < 1) {
                throw new IllegalArgumentException("Monte-Carlo samples per cut point must be >= 1, got " + samples);
            }
        }
    }

    private PrefixValues() {
    }

    /**
     * Estimates every cut of every request. Continuation {@code m} of the {@code u}-th distinct prefix
     * draws from stream {@code streams.split()} taken in prefix order, so the result is a function
     * of {@code rng}'s state and the requests.
     */
    public static Result estimate(TokenTask task, List<Request> requests, ForkableDecoder.Factory decoders,
            Settings settings, ToDoubleFunction<Transcript> reward, Rng rng) {
        Map<String, Integer> unitOf = new LinkedHashMap<>();
        List<ResponseBuilder> units = new ArrayList<>();
        int[][] unitIndex = new int[requests.size()][];
        for (int i = 0; i < requests.size(); i++) {
            Request q = requests.get(i);
            unitIndex[i] = new int[q.cuts().length];
            for (int k = 0; k < q.cuts().length; k++) {
                int c = q.cuts()[k];
                String key = q.problem().key() + "|" + Arrays.toString(Arrays.copyOf(q.responseTokens(), c + 1));
                Integer u = unitOf.get(key);
                if (u == null) {
                    u = units.size();
                    unitOf.put(key, u);
                    units.add(prefix(task, q, c, settings));
                }
                unitIndex[i][k] = u;
            }
        }
        double[] unitValue = new double[units.size()];
        long sampled = 0;
        long computed = 0;
        int rollouts = 0;
        List<Integer> open = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            if (units.get(u).done()) {
                unitValue[u] = reward.applyAsDouble(units.get(u).transcript());
            } else {
                open.add(u);
            }
        }
        int perBatch = Math.max(1, MAX_ROWS / settings.samples());
        for (int from = 0; from < open.size(); from += perBatch) {
            List<Integer> chunk = open.subList(from, Math.min(open.size(), from + perBatch));
            Rng[] streams = new Rng[chunk.size() * settings.samples()];
            for (int s = 0; s < streams.length; s++) {
                streams[s] = rng.split();
            }
            Chunk c = decode(chunk, units, decoders, settings, reward, streams);
            for (int j = 0; j < chunk.size(); j++) {
                unitValue[chunk.get(j)] = c.values[j];
            }
            sampled += c.sampled;
            computed += c.computed;
            rollouts += streams.length;
        }
        double[][] values = new double[requests.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new double[unitIndex[i].length];
            for (int k = 0; k < values[i].length; k++) {
                values[i][k] = unitValue[unitIndex[i][k]];
            }
        }
        return new Result(values, sampled, computed, rollouts);
    }

    /** A builder holding the prompt and response tokens {@code 0..c} of {@code q}. */
    private static ResponseBuilder prefix(TokenTask task, Request q, int c, Settings settings) {
        if (c < -1 || c >= q.responseTokens().length) {
            throw new IllegalArgumentException("cut point " + c + " outside the response of " + q.responseTokens().length
                    + " tokens");
        }
        ResponseBuilder b = new ResponseBuilder(task, q.problem(), settings.contextLength(), settings.maxResponseTokens());
        for (int j = 0; j <= c; j++) {
            if (q.trained()[j]) {
                b.append(q.responseTokens()[j]);
            }
        }
        if (b.responseLength() != c + 1) {
            throw new IllegalStateException("replaying " + (c + 1) + " response tokens gave " + b.responseLength()
                    + " (the response's environment replies differ from the task's)");
        }
        return b;
    }

    private record Chunk(double[] values, long sampled, long computed) {
    }

    private static Chunk decode(List<Integer> chunk, List<ResponseBuilder> units, ForkableDecoder.Factory decoders,
            Settings settings, ToDoubleFunction<Transcript> reward, Rng[] streams) {
        int m = settings.samples();
        List<int[]> contexts = new ArrayList<>();
        for (int u : chunk) {
            contexts.add(units.get(u).context());
        }
        int rows = chunk.size() * m;
        ResponseBuilder[] builders = new ResponseBuilder[rows];
        int[] row = new int[rows];
        List<ArrayDeque<Integer>> pending = new ArrayList<>();
        long sampled = 0;
        try (ForkableDecoder decoder = decoders.open(contexts)) {
            int[] parents = new int[chunk.size() * (m - 1)];
            for (int j = 0; j < chunk.size(); j++) {
                for (int s = 1; s < m; s++) {
                    parents[j * (m - 1) + s - 1] = j;
                }
            }
            int[] forks = decoder.fork(parents);
            for (int j = 0; j < chunk.size(); j++) {
                for (int s = 0; s < m; s++) {
                    int r = j * m + s;
                    builders[r] = units.get(chunk.get(j)).copy();
                    row[r] = s == 0 ? j : forks[j * (m - 1) + s - 1];
                    pending.add(new ArrayDeque<>());
                }
            }
            boolean[] finished = new boolean[rows];
            while (true) {
                List<Integer> fedRows = new ArrayList<>();
                List<Integer> fedTokens = new ArrayList<>();
                List<Integer> ended = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    if (finished[r]) {
                        continue;
                    }
                    ArrayDeque<Integer> queue = pending.get(r);
                    int token;
                    if (!queue.isEmpty()) {
                        token = queue.poll();
                    } else {
                        float[] logits = decoder.logits(row[r]);
                        token = TokenSampling.choose(logits, 0, decoder.vocabSize(), settings.temperature(),
                                settings.topP(), false, streams[r]);
                        sampled++;
                        for (int obs : builders[r].append(token)) {
                            queue.add(obs);
                        }
                    }
                    if (builders[r].done()) {
                        finished[r] = true;
                        ended.add(row[r]);
                    } else {
                        fedRows.add(row[r]);
                        fedTokens.add(token);
                    }
                }
                if (!ended.isEmpty()) {
                    decoder.release(ended.stream().mapToInt(Integer::intValue).toArray());
                }
                if (fedRows.isEmpty()) {
                    break;
                }
                decoder.step(fedRows.stream().mapToInt(Integer::intValue).toArray(),
                        fedTokens.stream().mapToInt(Integer::intValue).toArray());
            }
            double[] values = new double[chunk.size()];
            for (int j = 0; j < chunk.size(); j++) {
                double sum = 0;
                for (int s = 0; s < m; s++) {
                    sum += reward.applyAsDouble(builders[j * m + s].transcript());
                }
                values[j] = sum / m;
            }
            return new Chunk(values, sampled, decoder.tokensComputed());
        }
    }
}
