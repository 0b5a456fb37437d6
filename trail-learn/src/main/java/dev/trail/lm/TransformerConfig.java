package dev.trail.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.token.Vocabulary;

/**
 * The shape of a decoder-only {@link Transformer}.
 *
 * <p>Defaults ({@link #defaults()}): the token-task vocabulary ({@link Vocabulary#size()} = 53 ids),
 * 2 layers, width 128, 4 heads, context 64, MLP ratio 4, untied output head: about 0.41 M
 * parameters, small enough for a few hundred SFT steps and an RL run of minutes on 2 CPU cores,
 * and long enough for the longest {@code Calculator-v0} demonstration (12 prompt + 52 response
 * tokens). The architecture is GPT-2's (pre-LN); only the sizes are small.
 *
 * @param vocabSize number of token ids
 * @param layers number of transformer blocks, ≥ 1
 * @param width model width d, divisible by {@code heads}
 * @param heads attention heads, ≥ 1
 * @param contextLength longest sequence (BOS, prompt, response), the number of learned positions
 * @param mlpRatio hidden width of the MLP over d, ≥ 1
 * @param tiedEmbeddings whether the output head reuses the token embedding (no separate head)
 * @param initStd standard deviation of the normal initialisation (GPT-2: 0.02)
 */
public record TransformerConfig(int vocabSize, int layers, int width, int heads, int contextLength, int mlpRatio,
        boolean tiedEmbeddings, double initStd) {

    public TransformerConfig {
        positive("vocabSize", vocabSize);
        positive("layers", layers);
        positive("width", width);
        positive("heads", heads);
        positive("mlpRatio", mlpRatio);
        if (contextLength < 2) {
            throw new IllegalArgumentException("transformer contextLength must be >= 2, got " + contextLength);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("transformer width (" + width + ") must be divisible by heads ("
                    + heads + ")");
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("transformer initStd must be positive and finite, got " + initStd);
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("transformer " + key + " must be >= 1, got " + value);
        }
    }

    /** 53-id vocabulary, 2 layers, width 128, 4 heads, context 64, MLP ×4, untied head, init std 0.02. */
    public static TransformerConfig defaults() {
        return new TransformerConfig(Vocabulary.size(), 2, 128, 4, 64, 4, false, 0.02);
    }

    /** A tiny model for unit tests: 1 layer, width 32, 2 heads, context 64. */
    public static TransformerConfig tiny() {
        return new TransformerConfig(Vocabulary.size(), 1, 32, 2, 64, 2, false, 0.02);
    }

    /** Width of one head. */
    public int headWidth() {
        return width / heads;
    }

    /** Hidden width of the MLP. */
    public int mlpWidth() {
        return width * mlpRatio;
    }

    /** This config with other sizes. */
    public TransformerConfig withSizes(int layers, int width, int heads) {
        return new TransformerConfig(vocabSize, layers, width, heads, contextLength, mlpRatio, tiedEmbeddings,
                initStd);
    }

    /** This config with another context length. */
    public TransformerConfig withContextLength(int contextLength) {
        return new TransformerConfig(vocabSize, layers, width, heads, contextLength, mlpRatio, tiedEmbeddings,
                initStd);
    }

    /** The config as JSON (for checkpoint metadata). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("vocabSize", vocabSize);
        o.put("layers", layers);
        o.put("width", width);
        o.put("heads", heads);
        o.put("contextLength", contextLength);
        o.put("mlpRatio", mlpRatio);
        o.put("tiedEmbeddings", tiedEmbeddings);
        o.put("initStd", initStd);
        return o;
    }

    /** Reads {@link #toJson()}; a missing key is an error naming it. */
    public static TransformerConfig fromJson(JsonNode o) {
        return new TransformerConfig(intKey(o, "vocabSize"), intKey(o, "layers"), intKey(o, "width"),
                intKey(o, "heads"), intKey(o, "contextLength"), intKey(o, "mlpRatio"),
                required(o, "tiedEmbeddings").asBoolean(), required(o, "initStd").asDouble());
    }

    private static int intKey(JsonNode o, String key) {
        return required(o, key).asInt();
    }

    private static JsonNode required(JsonNode o, String key) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("transformer config JSON lacks key '" + key + "': " + o);
        }
        return n;
    }

    /** Short text, e.g. {@code layers=2 width=128 heads=4 context=64 vocab=53}. */
    public String describe() {
        return "layers=" + layers + " width=" + width + " heads=" + heads + " context=" + contextLength + " vocab="
                + vocabSize + " mlpRatio=" + mlpRatio + " tied=" + tiedEmbeddings;
    }
}
