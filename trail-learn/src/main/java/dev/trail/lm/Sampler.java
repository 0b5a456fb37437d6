package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.rollout.TokenSampling;
import dev.trail.seed.Rng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched decoding of many responses at once (B prompts × G responses are just B·G rows), with
 * per-row random streams, the task's tool calls resolved between decoding steps, and the
 * log-probability of every policy token recorded at sampling time.
 *
 * <h2>Layout</h2>
 * Prompts (BOS + prompt) are left-padded to the longest one so that every row feeds its next token
 * in the same column. Each row carries its own positions ({@code 0} at its BOS) and an attention
 * bias that hides its padding, so a row's logits do not depend on the other rows. After the
 * prompt, every decoding step feeds one token per row: a sampled policy token, or the next
 * pending tool-output token (a {@link ResponseBuilder} appends the tool's observation when a
 * policy token closes a call; those tokens are fed to the model one per step and never sampled).
 * Rows that ended feed padding until every row has ended.
 *
 * <h2>Log-probabilities</h2>
 * {@code logProbs[j]} of response token {@code j} is {@code log softmax(logits / τ)[token]} with
 * τ = {@link SamplingConfig#logProbTemperature()}, computed in double from the float logits; top-p
 * changes which tokens can be drawn, not the recorded value (as verl). Tool-output tokens get 0
 * (they are masked out of every loss). The learner recomputes the same quantity with
 * {@link Transformer#tokenLogProbs}; the two agree to float rounding for the same weights.
 *
 * <h2>Determinism</h2>
 * Row {@code i} draws only from {@code streams[i]}, and the model is evaluated with one libtorch
 * thread, so the same weights, prompts and streams give the same responses.
 */
public final class Sampler {

    /**
     * One finished response.
     *
     * @param problem the problem it answers
     * @param transcript tokens, loss mask, verdict, termination
     * @param logProbs {@code [T]} sampling-time log-probabilities of the response tokens (0 at tool outputs)
     */
    public record Sample(Problem problem, Transcript transcript, double[] logProbs) {
    }

    /**
     * What a call produced besides the samples, for throughput figures.
     *
     * @param positionsEvaluated (row, position) pairs the model evaluated, padding included
     */
    public record Stats(long tokensGenerated, long decodingSteps, long nanos, long positionsEvaluated) {
        /** Response tokens (all rows) per second of wall time. */
        public double tokensPerSecond() {
            return nanos == 0 ? 0 : tokensGenerated * 1e9 / nanos;
        }
    }

    private final Transformer model;
    private Stats lastStats = new Stats(0, 0, 0, 0);
    private int prefillRows;

    /** A sampler reading {@code model}'s current weights at every call. */
    public Sampler(Transformer model) {
        this.model = model;
    }

    /** Throughput of the last call. */
    public Stats lastStats() {
        return lastStats;
    }

    /**
     * Samples one response per problem.
     *
     * @param task the task (tool, verifier)
     * @param problems one per row (repeat a problem G times for a group)
     * @param streams one random stream per row (unused when greedy)
     * @throws IllegalArgumentException if a prompt does not fit the model's context, naming both lengths
     */
    public List<Sample> sample(NDManager manager, TokenTask task, List<? extends Problem> problems, Rng[] streams,
            SamplingConfig config) {
        int rows = problems.size();
        if (streams.length != rows) {
            throw new IllegalArgumentException("need one random stream per row: " + rows + " problems, "
                    + streams.length + " streams");
        }
        long start = System.nanoTime();
        int contextLength = model.config().contextLength();
        ResponseBuilder[] builders = new ResponseBuilder[rows];
        List<List<Double>> lps = new ArrayList<>();
        List<ArrayDeque<Integer>> pending = new ArrayList<>();
        int promptWidth = 0;
        for (int r = 0; r < rows; r++) {
            builders[r] = new ResponseBuilder(task, problems.get(r), contextLength, config.maxNewTokens());
            promptWidth = Math.max(promptWidth, builders[r].promptLength());
            lps.add(new ArrayList<>());
            pending.add(new ArrayDeque<>());
        }
        int maxSteps = 0;
        for (ResponseBuilder b : builders) {
            maxSteps = Math.max(maxSteps, b.budget());
        }
        int width = promptWidth + maxSteps;
        int[][] fed = new int[rows][width];
        int[] pad = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] prompt = builders[r].context();
            pad[r] = promptWidth - prompt.length;
            System.arraycopy(prompt, 0, fed[r], pad[r], prompt.length);
        }
        double temperature = config.logProbTemperature();
        long generated = 0;
        long steps = 0;
        try (NDManager sampling = manager.newSubManager()) {
            Parameters.Bound w = model.parameters().constant(sampling);
            Transformer.KvCache cache = config.useCache() ? new Transformer.KvCache(sampling, model.config().layers())
                    : null;
            int columns = promptWidth; // tokens fed so far per row
            int vocab = model.config().vocabSize();
            float[] logits = config.useCache()
                    ? prefill(sampling, w, fed, pad, columns, cache, vocab)
                    : run(sampling, w, fed, pad, 0, columns, null);
            while (true) {
                boolean any = false;
                int[] next = new int[rows];
                for (int r = 0; r < rows; r++) {
                    ResponseBuilder b = builders[r];
                    ArrayDeque<Integer> queue = pending.get(r);
                    if (!queue.isEmpty()) {
                        next[r] = queue.poll();
                        lps.get(r).add(0.0);
                        any = true;
                        continue;
                    }
                    if (b.done()) {
                        next[r] = Vocabulary.PAD;
                        continue;
                    }
                    int token = choose(logits, r * vocab, vocab, config, streams[r]);
                    lps.get(r).add(logProb(logits, r * vocab, vocab, token, temperature));
                    for (int toolToken : b.append(token)) {
                        queue.add(toolToken);
                    }
                    next[r] = token;
                    generated++;
                    any = true;
                }
                if (!any || columns >= width) {
                    break;
                }
                boolean needMore = false;
                for (int r = 0; r < rows; r++) {
                    fed[r][columns] = next[r];
                    if (!builders[r].done() || !pending.get(r).isEmpty()) {
                        needMore = true;
                    }
                }
                columns++;
                steps++;
                if (!needMore) {
                    break;
                }
                logits = config.useCache()
                        ? run(sampling, w, fed, pad, columns - 1, columns, cache)
                        : run(sampling, w, fed, pad, 0, columns, null);
            }
            if (cache != null) {
                cache.close();
            }
        }
        List<Sample> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Transcript t = builders[r].transcript();
            double[] lp = new double[t.responseLength()];
            List<Double> rowLps = lps.get(r);
            for (int j = 0; j < lp.length; j++) {
                lp[j] = rowLps.get(j);
            }
            out.add(new Sample(problems.get(r), t, lp));
        }
        // the prefill evaluates every distinct prompt's promptWidth columns; each decoding step one column per row
        // (without the cache, every step re-evaluates all columns fed so far)
        long positions = config.useCache() ? (long) prefillRows * promptWidth + (long) rows * steps
                : (long) rows * promptWidth + (long) rows * (steps * (2L * promptWidth + steps + 1) / 2);
        lastStats = new Stats(generated, steps, System.nanoTime() - start, positions);
        return out;
    }

    /**
     * Feeds the prompts (columns {@code [0, columns)}) into an empty cache, each distinct prompt once
     * (the G rows of a group repeat theirs): the distinct rows are run, then the cache rows and the
     * last-column logits are copied to every row with that prompt.
     */
    private float[] prefill(NDManager sampling, Parameters.Bound w, int[][] fed, int[] pad, int columns,
            Transformer.KvCache cache, int vocab) {
        int rows = fed.length;
        java.util.Map<String, Integer> distinct = new java.util.HashMap<>();
        long[] rowOf = new long[rows];
        List<int[]> uniqueFed = new ArrayList<>();
        List<Integer> uniquePad = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String key = java.util.Arrays.toString(java.util.Arrays.copyOf(fed[r], columns));
            Integer u = distinct.get(key);
            if (u == null) {
                u = uniqueFed.size();
                distinct.put(key, u);
                uniqueFed.add(fed[r]);
                uniquePad.add(pad[r]);
            }
            rowOf[r] = u;
        }
        int u = uniqueFed.size();
        prefillRows = u;
        if (u == rows) {
            return run(sampling, w, fed, pad, 0, columns, cache);
        }
        int[] padU = new int[u];
        for (int i = 0; i < u; i++) {
            padU[i] = uniquePad.get(i);
        }
        float[] unique = run(sampling, w, uniqueFed.toArray(new int[0][]), padU, 0, columns, cache);
        cache.selectRows(Tensors.create(sampling, rowOf, rows));
        float[] logits = new float[rows * vocab];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(unique, (int) rowOf[r] * vocab, logits, r * vocab, vocab);
        }
        return logits;
    }

    /**
     * Feeds columns {@code [from, to)} of every row (all of them without a cache) and returns the
     * logits of the last column, {@code [rows * V]}.
     */
    private float[] run(NDManager sampling, Parameters.Bound w, int[][] fed, int[] pad, int from, int to,
            Transformer.KvCache cache) {
        int rows = fed.length;
        int t = to - from;
        int keys = to; // cached (from) + new (t) key columns
        int maxPosition = model.config().contextLength() - 1;
        long[] tokens = new long[rows * t];
        long[] positions = new long[rows * t];
        float[] bias = new float[rows * t * keys];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < t; i++) {
                int col = from + i;
                tokens[r * t + i] = fed[r][col];
                // finished rows keep feeding padding past their own length: clamp (their outputs are unused)
                positions[r * t + i] = Math.min(maxPosition, Math.max(0, col - pad[r]));
                for (int k = 0; k < keys; k++) {
                    boolean visible = k == col || (k < col && k >= pad[r]);
                    bias[(r * t + i) * keys + k] = visible ? 0f : Transformer.MASKED;
                }
            }
        }
        try (NDManager step = sampling.newSubManager()) {
            NDArray logits = model.forward(w, Tensors.create(step, tokens, rows, t),
                    Tensors.create(step, positions, rows, t), Tensors.create(step, bias, rows, 1, t, keys), cache);
            NDArray last = t == 1 ? logits : logits.get(":, -1:, :");
            return last.toFloatArray();
        }
    }

    private static int choose(float[] logits, int offset, int vocab, SamplingConfig config, Rng rng) {
        return TokenSampling.choose(logits, offset, vocab, config.temperature(), config.topP(), config.greedy(), rng);
    }

    /** {@code log softmax(logits / τ)[token]} in double. */
    static double logProb(float[] logits, int offset, int vocab, int token, double temperature) {
        return TokenSampling.logProb(logits, offset, vocab, token, temperature);
    }
}
