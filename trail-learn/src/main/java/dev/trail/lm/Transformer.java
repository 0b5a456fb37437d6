package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.seed.Rng;

/**
 * A decoder-only transformer (GPT-2 layout, pre-LN) over token ids, as DJL tensor operations on
 * weights held in {@link Parameters}:
 * <pre>
 *   x  = E_tok[token] + E_pos[position]                                  [B, T, d]
 *   for each block:
 *     x = x + W_o · MultiHeadAttention(LN1(x))      causal, softmax(q·kᵀ/√d_h + bias)
 *     x = x + W_2 · GELU(W_1 · LN2(x) + b_1) + b_2
 *   logits = LN_f(x) · W_headᵀ                        W_head = E_tok when tied   [B, T, V]
 * </pre>
 *
 * <p>Two entry points share one code path, {@link #forward}: the full forward of a right-padded
 * {@code [B, T]} batch (training, with positions {@code 0..T-1} and a causal mask), and the
 * incremental forward for sampling, which takes per-sequence positions and an additive attention
 * bias (so left-padded prompts are handled) and appends keys and values to a {@link KvCache}.
 * Both give the same logits for the same tokens up to float rounding (tested to 1e-5).
 *
 * <p>Weights are initialised in Java from an {@link Rng} (so the start depends only on the seed):
 * every matrix and embedding ~ N(0, initStd²), the residual output projections ~
 * N(0, (initStd/√(2·layers))²) as GPT-2, biases 0, layer-norm gains 1.
 *
 * <p>Parameter names: {@code wte [V, d]}, {@code wpe [C, d]}, per block {@code l}:
 * {@code h.l.ln1.weight/bias}, {@code h.l.attn.qkv.weight [3d, d]/bias}, {@code h.l.attn.proj.weight
 * [d, d]/bias}, {@code h.l.ln2.weight/bias}, {@code h.l.mlp.fc.weight [m, d]/bias},
 * {@code h.l.mlp.proj.weight [d, m]/bias}; {@code lnf.weight/bias}; {@code head.weight [V, d]} when untied.
 */
public final class Transformer {

    /** Added to the attention score of a key a query must not see (finite, so a row never becomes NaN). */
    public static final float MASKED = -1e9f;
    private static final float LN_EPSILON = 1e-5f;

    private final TransformerConfig config;
    private final Parameters parameters;

    /** A model over existing weights, which must have this config's layout. */
    public Transformer(TransformerConfig config, Parameters parameters) {
        this.config = config;
        this.parameters = parameters;
        Parameters expected = layout(config);
        if (!expected.layout().equals(parameters.layout())) {
            throw new IllegalArgumentException("weights do not fit transformer " + config.describe() + ": expected "
                    + expected.layout() + " but got " + parameters.layout());
        }
    }

    /** A freshly initialised model (see the class comment), deterministic in {@code rng}. */
    public static Transformer initialize(TransformerConfig config, Rng rng) {
        Parameters p = layout(config);
        double std = config.initStd();
        double residualStd = std / Math.sqrt(2.0 * config.layers());
        for (Parameters.Tensor t : p.tensors()) {
            String n = t.name();
            float[] d = t.data();
            if (n.endsWith(".bias")) {
                continue;
            }
            if (n.contains("ln")) {
                java.util.Arrays.fill(d, 1f);
                continue;
            }
            double s = n.endsWith("attn.proj.weight") || n.endsWith("mlp.proj.weight") ? residualStd : std;
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (s * rng.nextGaussian());
            }
        }
        return new Transformer(config, p);
    }

    /** Zero-filled parameters with this config's names and shapes. */
    static Parameters layout(TransformerConfig c) {
        int v = c.vocabSize(), d = c.width(), m = c.mlpWidth();
        Parameters p = new Parameters();
        p.add("wte", new int[] {v, d}, new float[v * d]);
        p.add("wpe", new int[] {c.contextLength(), d}, new float[c.contextLength() * d]);
        for (int l = 0; l < c.layers(); l++) {
            String h = "h." + l + ".";
            p.add(h + "ln1.weight", new int[] {d}, new float[d]);
            p.add(h + "ln1.bias", new int[] {d}, new float[d]);
            p.add(h + "attn.qkv.weight", new int[] {3 * d, d}, new float[3 * d * d]);
            p.add(h + "attn.qkv.bias", new int[] {3 * d}, new float[3 * d]);
            p.add(h + "attn.proj.weight", new int[] {d, d}, new float[d * d]);
            p.add(h + "attn.proj.bias", new int[] {d}, new float[d]);
            p.add(h + "ln2.weight", new int[] {d}, new float[d]);
            p.add(h + "ln2.bias", new int[] {d}, new float[d]);
            p.add(h + "mlp.fc.weight", new int[] {m, d}, new float[m * d]);
            p.add(h + "mlp.fc.bias", new int[] {m}, new float[m]);
            p.add(h + "mlp.proj.weight", new int[] {d, m}, new float[d * m]);
            p.add(h + "mlp.proj.bias", new int[] {d}, new float[d]);
        }
        p.add("lnf.weight", new int[] {d}, new float[d]);
        p.add("lnf.bias", new int[] {d}, new float[d]);
        if (!c.tiedEmbeddings()) {
            p.add("head.weight", new int[] {v, d}, new float[v * d]);
        }
        return p;
    }

    /** The shape. */
    public TransformerConfig config() {
        return config;
    }

    /** The live weights (the optimizer updates them in place). */
    public Parameters parameters() {
        return parameters;
    }

    /** A model with a deep copy of the weights (a frozen reference model). */
    public Transformer copy() {
        return new Transformer(config, parameters.copy());
    }

    /**
     * Keys and values of every layer for the tokens fed so far, {@code [B, heads, S, headWidth]}
     * each, owned by the manager given at construction. Close it (or that manager) when done.
     */
    public static final class KvCache implements AutoCloseable {
        private final NDManager manager;
        private final NDArray[] keys;
        private final NDArray[] values;

        /** An empty cache whose arrays will live on {@code manager}. */
        public KvCache(NDManager manager, int layers) {
            this.manager = manager;
            this.keys = new NDArray[layers];
            this.values = new NDArray[layers];
        }

        /** Number of cached positions S (0 when empty). */
        public long length() {
            return keys[0] == null ? 0 : keys[0].getShape().get(2);
        }

        /**
         * Keeps the rows {@code rows} (int64 {@code [R']}, repeats allowed: a repeated row is a fork,
         * a copy of that row's keys and values) of every layer, in that order.
         */
        public void selectRows(NDArray rows) {
            select(rows, 0);
        }

        /** Keeps the key columns {@code columns} (int64 {@code [S']}) of every layer, in that order. */
        public void selectColumns(NDArray columns) {
            select(columns, 2);
        }

        /**
         * Like {@link #selectRows}, but leaves the arrays it replaces to the manager instead of closing
         * them, so a gradient can flow through the gathered keys and values into the positions that
         * made them (a training forward over a shared prefix).
         */
        void gatherRows(NDArray rows) {
            for (int l = 0; l < keys.length; l++) {
                if (keys[l] != null) {
                    keys[l] = keys[l].get(new NDIndex("{}", rows));
                    values[l] = values[l].get(new NDIndex("{}", rows));
                }
            }
        }

        private void select(NDArray index, int axis) {
            for (int l = 0; l < keys.length; l++) {
                if (keys[l] == null) {
                    continue;
                }
                keys[l] = replace(keys[l], keys[l].get(axis == 0 ? new NDIndex("{}", index)
                        : new NDIndex(":, :, {}", index)));
                values[l] = replace(values[l], values[l].get(axis == 0 ? new NDIndex("{}", index)
                        : new NDIndex(":, :, {}", index)));
            }
        }

        private NDArray replace(NDArray old, NDArray fresh) {
            fresh.attach(manager);
            old.close();
            return fresh;
        }

        NDArray append(NDArray[] slots, int layer, NDArray fresh) {
            NDArray old = slots[layer];
            NDArray all = old == null ? fresh : old.concat(fresh, 2);
            all.attach(manager);
            if (old != null) {
                old.close();
            }
            slots[layer] = all;
            return all;
        }

        @Override
        public void close() {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != null) {
                    keys[i].close();
                    values[i].close();
                    keys[i] = null;
                    values[i] = null;
                }
            }
        }
    }

    /**
     * The transformer on a block of tokens.
     *
     * @param w the weights bound on the current manager ({@link Parameters#bind} or {@link Parameters#constant})
     * @param tokens int64 {@code [B, T]} token ids
     * @param positions int64 {@code [B, T]} or {@code [1, T]} position of each token in its own sequence, in
     *        {@code [0, contextLength)}
     * @param attentionBias float {@code [B or 1, 1, T, S + T]}: 0 where a query may attend a key and
     *        {@link #MASKED} where not; keys are the {@code S} cached positions followed by the {@code T} new ones
     * @param cache the cache to read and extend, or null for a stand-alone forward ({@code S = 0})
     * @return logits {@code [B, T, V]}
     */
    public NDArray forward(Parameters.Bound w, NDArray tokens, NDArray positions, NDArray attentionBias,
            KvCache cache) {
        TransformerConfig c = config;
        NDArray x = tokens.oneHot(c.vocabSize()).matMul(w.get("wte"))
                .add(positions.oneHot(c.contextLength()).matMul(w.get("wpe")));
        NDArray f = hidden(w, x, attentionBias, cache);
        NDArray head = c.tiedEmbeddings() ? w.get("wte") : w.get("head.weight");
        return Linear.linear(f, head).singletonOrThrow();
    }

    /**
     * The blocks and the final LayerNorm on already embedded inputs (a Decision Transformer embeds
     * returns, states and actions itself and never uses {@code wte}/{@code wpe}).
     *
     * @param x float {@code [B, T, d]} input embeddings
     * @param attentionBias as in {@link #forward}
     * @param cache as in {@link #forward}
     * @return the final hidden states {@code [B, T, d]}
     */
    public NDArray hidden(Parameters.Bound w, NDArray x, NDArray attentionBias, KvCache cache) {
        TransformerConfig c = config;
        Shape ts = x.getShape();
        long b = ts.get(0), t = ts.get(1);
        int d = c.width(), h = c.heads(), dh = c.headWidth();
        Shape norm = new Shape(d);
        float scale = (float) (1.0 / Math.sqrt(dh));
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            NDArray a = LayerNorm.layerNorm(x, norm, w.get(p + "ln1.weight"), w.get(p + "ln1.bias"), LN_EPSILON)
                    .singletonOrThrow();
            NDArray qkv = Linear.linear(a, w.get(p + "attn.qkv.weight"), w.get(p + "attn.qkv.bias")).singletonOrThrow();
            NDList parts = qkv.split(3, 2);
            NDArray q = heads(parts.get(0), b, t, h, dh);
            NDArray k = heads(parts.get(1), b, t, h, dh);
            NDArray v = heads(parts.get(2), b, t, h, dh);
            if (cache != null) {
                k = cache.append(cache.keys, l, k);
                v = cache.append(cache.values, l, v);
            }
            NDArray scores = Tensors.mul(q.matMul(k.transpose(0, 1, 3, 2)), scale).add(attentionBias);
            NDArray y = scores.softmax(3).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            x = x.add(Linear.linear(y, w.get(p + "attn.proj.weight"), w.get(p + "attn.proj.bias")).singletonOrThrow());
            NDArray m = LayerNorm.layerNorm(x, norm, w.get(p + "ln2.weight"), w.get(p + "ln2.bias"), LN_EPSILON)
                    .singletonOrThrow();
            NDArray hidden = Activation.gelu(Linear.linear(m, w.get(p + "mlp.fc.weight"), w.get(p + "mlp.fc.bias"))
                    .singletonOrThrow());
            x = x.add(Linear.linear(hidden, w.get(p + "mlp.proj.weight"), w.get(p + "mlp.proj.bias")).singletonOrThrow());
        }
        return LayerNorm.layerNorm(x, norm, w.get("lnf.weight"), w.get("lnf.bias"), LN_EPSILON).singletonOrThrow();
    }

    private static NDArray heads(NDArray x, long b, long t, int h, int dh) {
        return x.reshape(b, t, h, dh).transpose(0, 2, 1, 3);
    }

    /**
     * The full causal forward of a right-padded batch: positions {@code 0..T-1}. Padding at the end
     * of a row never influences earlier positions.
     *
     * @param tokens int64 {@code [B, T]}, {@code T ≤ contextLength}
     * @return logits {@code [B, T, V]}
     */
    public NDArray logits(Parameters.Bound w, NDArray tokens) {
        int t = Math.toIntExact(tokens.getShape().get(1));
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("a batch of " + t + " positions does not fit the context of "
                    + config.contextLength() + " tokens");
        }
        NDManager m = tokens.getManager();
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) {
            pos[i] = i;
        }
        return forward(w, tokens, Tensors.create(m, pos, 1, t), causalBias(m, t), null);
    }

    /** The additive causal mask {@code [1, 1, T, T]}: 0 on and below the diagonal, {@link #MASKED} above. */
    public static NDArray causalBias(NDManager manager, int t) {
        float[] bias = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                bias[i * t + j] = MASKED;
            }
        }
        return Tensors.create(manager, bias, 1, 1, t, t);
    }

    /**
     * Per-token log-probabilities of {@code targets} under the tempered model, and the entropy of
     * each tempered distribution: {@code log softmax(logits / temperature)[target]}.
     *
     * @param inputs int64 {@code [B, T]} (position {@code t} predicts {@code targets[t]})
     * @param targets int64 {@code [B, T]}
     * @param temperature τ &gt; 0, as at sampling time
     */
    public TokenLogProbs tokenLogProbs(Parameters.Bound w, NDArray inputs, NDArray targets, double temperature,
            boolean withEntropy) {
        NDArray logits = logits(w, inputs);
        if (temperature != 1.0) {
            logits = Tensors.div(logits, (float) temperature);
        }
        NDArray logp = logits.logSoftmax(2);
        NDArray chosen = logp.gather(targets.expandDims(2), 2).squeeze(2);
        NDArray entropy = withEntropy ? logp.exp().mul(logp).sum(new int[] {2}).neg() : null;
        return new TokenLogProbs(chosen, entropy);
    }

    /**
     * {@link #tokenLogProbs} of every response token of {@code batch}, with each distinct prompt
     * computed once ({@link PrefixBatch}): the {@code U} prompts go through the model as one
     * left-padded block whose keys and values are cached, then the {@code N} responses (all but
     * their last token) go through it after the cache rows of their prompts. The first response
     * token is predicted by the prompt's last position. Same values as the full forward of each
     * row up to float rounding, and the gradient flows into the prompt positions through the
     * gathered keys and values; the work is {@code U·P + N·(W−1)} positions instead of
     * {@code N·(P+W−1)}.
     *
     * @return log-probabilities and entropies in the response-major layout {@code [N, W]}
     */
    public TokenLogProbs responseLogProbs(Parameters.Bound w, PrefixBatch batch, double temperature,
            boolean withEntropy) {
        NDManager m = w.get(0).getManager();
        int u = batch.prompts().size(), p = batch.promptWidth(), n = batch.rows(), s = batch.width() - 1;
        int maxPosition = config.contextLength() - 1;
        if (p + s > config.contextLength()) {
            throw new IllegalArgumentException("a batch of " + (p + s) + " positions does not fit the context of "
                    + config.contextLength() + " tokens");
        }
        long[] tokens = new long[u * p];
        long[] positions = new long[u * p];
        float[] bias = new float[u * p * p];
        int[] pads = new int[u];
        for (int r = 0; r < u; r++) {
            int[] prompt = batch.prompts().get(r);
            int pad = p - prompt.length;
            pads[r] = pad;
            for (int col = 0; col < p; col++) {
                tokens[r * p + col] = col < pad ? dev.trail.token.Vocabulary.PAD : prompt[col - pad];
                positions[r * p + col] = Math.max(0, col - pad);
                for (int k = 0; k < p; k++) {
                    boolean visible = k == col || (k < col && k >= pad);
                    bias[(r * p + col) * p + k] = visible ? 0f : MASKED;
                }
            }
        }
        KvCache cache = new KvCache(m, config.layers());
        NDArray prefixLogits = forward(w, Tensors.create(m, tokens, u, p), Tensors.create(m, positions, u, p),
                Tensors.create(m, bias, u, 1, p, p), cache).get(":, -1, :"); // [U, V]
        long[] rowPrompt = new long[n];
        for (int i = 0; i < n; i++) {
            rowPrompt[i] = batch.promptOf()[i];
        }
        NDArray rowIndex = Tensors.create(m, rowPrompt, n);
        NDArray logits = prefixLogits.get(new ai.djl.ndarray.index.NDIndex("{}", rowIndex)).expandDims(1); // [N, 1, V]
        if (s > 0) {
            cache.gatherRows(rowIndex);
            long[] next = new long[n * s];
            long[] nextPositions = new long[n * s];
            float[] nextBias = new float[n * s * (p + s)];
            for (int i = 0; i < n; i++) {
                int[] response = batch.responses()[i];
                int prompt = batch.prompts().get(batch.promptOf()[i]).length;
                int pad = pads[batch.promptOf()[i]];
                for (int j = 0; j < s; j++) {
                    next[i * s + j] = j < response.length - 1 ? response[j] : dev.trail.token.Vocabulary.PAD;
                    nextPositions[i * s + j] = Math.min(maxPosition, prompt + j);
                    int row = (i * s + j) * (p + s);
                    for (int k = 0; k < p + s; k++) {
                        boolean visible = k < p ? k >= pad : k - p <= j;
                        nextBias[row + k] = visible ? 0f : MASKED;
                    }
                }
            }
            NDArray suffixLogits = forward(w, Tensors.create(m, next, n, s), Tensors.create(m, nextPositions, n, s),
                    Tensors.create(m, nextBias, n, 1, s, p + s), cache);
            logits = logits.concat(suffixLogits, 1); // [N, W, V]
        }
        if (temperature != 1.0) {
            logits = Tensors.div(logits, (float) temperature);
        }
        NDArray logp = logits.logSoftmax(2);
        NDArray chosen = logp.gather(batch.targetsTensor(m).expandDims(2), 2).squeeze(2);
        NDArray entropy = withEntropy ? logp.exp().mul(logp).sum(new int[] {2}).neg() : null;
        return new TokenLogProbs(chosen, entropy);
    }

    /**
     * @param logProbs {@code [B, T]} log-probabilities of the targets
     * @param entropy {@code [B, T]} entropies, or null when not asked for
     */
    public record TokenLogProbs(NDArray logProbs, NDArray entropy) {
    }
}
