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

    /**
     * The shared-prefix forward ({@link Transformer#responseLogProbs}) gives the full forward's
     * log-probabilities of every response token, entropies and gradients, on groups of different
     * prompt lengths, response lengths (one of a single token) and tool-output tokens.
     */
    @Test
    void sharedPrefixLogProbsAndGradientsEqualFullForward() {
        TransformerConfig c = new TransformerConfig(Vocabulary.size(), 2, 32, 4, 24, 2, false, 0.2);
        Transformer m = Transformer.initialize(c, new Rng(3));
        Rng rng = new Rng(11);
        java.util.List<dev.trail.token.Transcript> batch = new java.util.ArrayList<>();
        int[][] prompts = {{1, 5, 6, 7}, {1, 8, 9, 10, 11, 12, 13}, {1, 4}};
        int[] lengths = {3, 1, 6, 2, 5, 4, 7};
        for (int i = 0; i < lengths.length; i++) {
            int[] prompt = prompts[(i * 2) % prompts.length]; // groups interleaved, as after a shuffle
            int[] response = new int[lengths[i]];
            boolean[] trained = new boolean[lengths[i]];
            for (int j = 0; j < response.length; j++) {
                response[j] = 3 + rng.nextInt(Vocabulary.size() - 3);
                trained[j] = !(i == 4 && j == 2); // a tool-output token
            }
            batch.add(new dev.trail.token.Transcript("k" + i, prompt, response, trained, "", 
                    dev.trail.token.Verdict.malformed("x"), false, true, 0));
        }
        TokenBatch full = TokenBatch.of(batch);
        PrefixBatch shared = PrefixBatch.of(batch);
        assertEquals(3, shared.prompts().size());
        assertEquals(full.maskedTokens(), shared.maskedTokens());
        double[][] fullLp;
        double[][] fullEntropy;
        float[][] fullGrad;
        double[][] sharedLp;
        double[][] sharedEntropy;
        float[][] sharedGrad;
        try (NDManager manager = Torch.newManager()) {
            try (NDManager sub = manager.newSubManager();
                    ai.djl.training.GradientCollector g = Torch.engine().newGradientCollector()) {
                Parameters.Bound w = m.parameters().bind(sub);
                Transformer.TokenLogProbs lp = m.tokenLogProbs(w, full.inputsTensor(sub), full.targetsTensor(sub), 0.7,
                        true);
                g.backward(lp.logProbs().mul(full.tensor(sub, full.mask())).sum()
                        .add(lp.entropy().mul(full.tensor(sub, full.mask())).sum().mul(0.3f)));
                fullLp = full.gather(toDouble(lp.logProbs().toFloatArray()));
                fullEntropy = full.gather(toDouble(lp.entropy().toFloatArray()));
                fullGrad = w.gradients();
            }
            try (NDManager sub = manager.newSubManager();
                    ai.djl.training.GradientCollector g = Torch.engine().newGradientCollector()) {
                Parameters.Bound w = m.parameters().bind(sub);
                Transformer.TokenLogProbs lp = m.responseLogProbs(w, shared, 0.7, true);
                g.backward(lp.logProbs().mul(shared.tensor(sub, shared.mask())).sum()
                        .add(lp.entropy().mul(shared.tensor(sub, shared.mask())).sum().mul(0.3f)));
                sharedLp = shared.gather(toDouble(lp.logProbs().toFloatArray()));
                sharedEntropy = shared.gather(toDouble(lp.entropy().toFloatArray()));
                sharedGrad = w.gradients();
            }
        }
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                assertEquals(fullLp[i][j], sharedLp[i][j], 1e-5, "log-prob of row " + i + " token " + j);
                assertEquals(fullEntropy[i][j], sharedEntropy[i][j], 1e-5, "entropy of row " + i + " token " + j);
            }
        }
        double maxRelative = 0;
        for (int t = 0; t < fullGrad.length; t++) {
            double scale = 0;
            for (float x : fullGrad[t]) {
                scale = Math.max(scale, Math.abs(x));
            }
            assertTrue(scale > 0, "gradient of " + m.parameters().get(t).name() + " is zero");
            for (int k = 0; k < fullGrad[t].length; k++) {
                maxRelative = Math.max(maxRelative, Math.abs(fullGrad[t][k] - sharedGrad[t][k]) / scale);
            }
        }
        assertTrue(maxRelative < 1e-4, "largest gradient difference relative to the tensor's largest entry: "
                + maxRelative);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
