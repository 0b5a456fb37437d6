package dev.trail.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.config.Param;
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
public record TransformerConfig(
        @Param(value = "number of token ids (the token-task vocabulary)", min = 1, max = 1 << 20) int vocabSize,
        @Param(value = "transformer blocks", min = 1, max = 64) int layers,
        @Param(value = "model width d (divisible by heads)", min = 1, max = 8192) int width,
        @Param(value = "attention heads", min = 1, max = 128) int heads,
        @Param(value = "context length in tokens", min = 2, max = 8192) int contextLength,
        @Param(value = "MLP hidden width over d", min = 1, max = 16) int mlpRatio,
        @Param("output head reuses the token embedding") boolean tiedEmbeddings,
        @Param(value = "std of the normal initialisation", min = Double.MIN_VALUE, max = 1) double initStd) {

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

    /** The binder of this record; no defaults, so that metadata must name every key. */
    private static dev.trail.config.bind.ConfigBinder<TransformerConfig> binder() {
        return dev.trail.config.bind.ConfigBinder.of("transformer", TransformerConfig.class, defaults());
    }

    /** The config as JSON with snake_case keys (for checkpoint metadata). */
    public ObjectNode toJson() {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(binder().toMap(this));
    }

    /**
     * Reads {@link #toJson()}, also the camelCase keys of checkpoints written before the configs
     * went snake_case; a missing key is an error naming it.
     */
    public static TransformerConfig fromJson(JsonNode o) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        o.fields().forEachRemaining(e -> m.put(((com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase)
                com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE).translate(e.getKey()), e.getValue().isNumber() ? e.getValue().numberValue()
                : e.getValue().isBoolean() ? (Object) e.getValue().booleanValue() : e.getValue().asText()));
        for (String key : binder().keys()) {
            if (m.get(key) == null) {
                throw new IllegalArgumentException("transformer config JSON lacks key '" + key + "': " + o);
            }
        }
        return binder().bind(m);
    }

    /** Short text, e.g. {@code layers=2 width=128 heads=4 context=64 vocab=53}. */
    public String describe() {
        return "layers=" + layers + " width=" + width + " heads=" + heads + " context=" + contextLength + " vocab="
                + vocabSize + " mlpRatio=" + mlpRatio + " tied=" + tiedEmbeddings;
    }
}
