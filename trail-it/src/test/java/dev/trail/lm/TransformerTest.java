package dev.trail.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.token.Vocabulary;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

class TransformerTest {

    @Test
    void configValidationNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig(53, 2, 130, 4, 64, 4, false, 0.02));
        assertTrue(e.getMessage().contains("width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransformerConfig(53, 0, 128, 4, 64, 4, false, 0.02));
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
        assertEquals(TransformerConfig.defaults(), TransformerConfig.fromJson(TransformerConfig.defaults().toJson()));
    }

    @Test
    void defaultModelHasAFewHundredThousandParameters() {
        Transformer m = Transformer.initialize(TransformerConfig.defaults(), new Rng(1));
        long n = m.parameters().scalarCount();
        assertTrue(n > 300_000 && n < 1_000_000, "parameters: " + n);
    }

    @Test
    void initialisationIsDeterministic() {
        Transformer a = Transformer.initialize(TransformerConfig.tiny(), new Rng(7));
        Transformer b = Transformer.initialize(TransformerConfig.tiny(), new Rng(7));
        for (int i = 0; i < a.parameters().count(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.parameters().get(i).data(), b.parameters().get(i).data());
        }
    }

    /** Feeding a sequence one token at a time through the cache gives the full forward's logits. */
    @Test
    void kvCacheForwardEqualsFullForward() {
        TransformerConfig c = new TransformerConfig(Vocabulary.size(), 2, 32, 4, 16, 2, true, 0.2);
        Transformer m = Transformer.initialize(c, new Rng(3));
        Rng rng = new Rng(5);
        int b = 3, t = 9;
        long[] tokens = new long[b * t];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + rng.nextInt(Vocabulary.size() - 1);
        }
        try (NDManager manager = Torch.newManager()) {
            Parameters.Bound w = m.parameters().constant(manager);
            float[] full = m.logits(w, Tensors.create(manager, tokens, b, t)).toFloatArray();
            Transformer.KvCache cache = new Transformer.KvCache(manager, c.layers());
            // prefill 4 tokens, then one at a time
            int prefill = 4;
            float[] incremental = new float[full.length];
            int v = c.vocabSize();
            for (int from = 0; from < t;) {
                int n = from == 0 ? prefill : 1;
                long[] tok = new long[b * n];
                long[] pos = new long[b * n];
                float[] bias = new float[b * n * (from + n)];
                for (int r = 0; r < b; r++) {
                    for (int i = 0; i < n; i++) {
                        tok[r * n + i] = tokens[r * t + from + i];
                        pos[r * n + i] = from + i;
                        for (int k = 0; k < from + n; k++) {
                            bias[(r * n + i) * (from + n) + k] = k <= from + i ? 0f : Transformer.MASKED;
                        }
                    }
                }
                NDArray out = m.forward(w, Tensors.create(manager, tok, b, n), Tensors.create(manager, pos, b, n),
                        Tensors.create(manager, bias, b, 1, n, from + n), cache);
                float[] o = out.toFloatArray();
                for (int r = 0; r < b; r++) {
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(o, (r * n + i) * v, incremental, (r * t + from + i) * v, v);
                    }
                }
                from += n;
            }
            assertEquals(t, cache.length());
            for (int i = 0; i < full.length; i++) {
                assertEquals(full[i], incremental[i], 1e-5, "logit " + i);
            }
            cache.close();
        }
    }
}
