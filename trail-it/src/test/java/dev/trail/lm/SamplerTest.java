package dev.trail.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.trail.envs.token.ArithmeticTask;
import dev.trail.envs.token.CalculatorTask;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.envs.token.TokenTasks;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static List<Problem> problems(TokenTask task, int n, long seed) {
        Rng rng = new Rng(seed);
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(task.sample(rng, Split.TRAIN));
        }
        return out;
    }

    private static Rng[] streams(int n, long seed) {
        return new Rng(seed).split(n);
    }

    /**
     * Sampling-time log-probs equal the learner's recomputed log-probs for the same weights (left vs
     * right padding); repeated prompts (as in a group) are prefilled once and copied to their rows.
     */
    @Test
    void samplingTimeLogProbsEqualRecomputedOnes() {
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(11));
        TokenTask task = TokenTasks.task(ArithmeticTask.ID); // mixed prompt lengths: + and *
        List<Problem> distinct = problems(task, 4, 1);
        List<Problem> ps = List.of(distinct.get(0), distinct.get(1), distinct.get(0), distinct.get(2),
                distinct.get(1), distinct.get(3));
        for (boolean cache : new boolean[] {true, false}) {
            try (NDManager manager = Torch.newManager()) {
                SamplingConfig sc = new SamplingConfig(0.8, 1.0, false, 8, cache);
                List<Sampler.Sample> samples = new Sampler(model).sample(manager, task, ps, streams(6, 2), sc);
                List<Transcript> ts = samples.stream().map(Sampler.Sample::transcript).toList();
                TokenBatch batch = TokenBatch.of(ts);
                Parameters.Bound w = model.parameters().constant(manager);
                double[] lp = toDouble(model.tokenLogProbs(w, batch.inputsTensor(manager), batch.targetsTensor(manager),
                        0.8, false).logProbs().toFloatArray());
                double[][] recomputed = batch.gather(lp);
                for (int i = 0; i < samples.size(); i++) {
                    double[] sampled = samples.get(i).logProbs();
                    assertEquals(ts.get(i).responseLength(), sampled.length);
                    for (int j = 0; j < sampled.length; j++) {
                        assertEquals(recomputed[i][j], sampled[j], 1e-5, "row " + i + " token " + j + " cache " + cache);
                    }
                }
            }
        }
    }

    @Test
    void sameSeedSameSamplesAndCacheDoesNotChangeThem() {
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(12));
        TokenTask task = TokenTasks.task(ArithmeticTask.ID);
        List<Problem> ps = problems(task, 5, 3);
        try (NDManager manager = Torch.newManager()) {
            Sampler s = new Sampler(model);
            SamplingConfig sc = new SamplingConfig(1.0, 0.9, false, 8, true);
            List<Sampler.Sample> a = s.sample(manager, task, ps, streams(5, 4), sc);
            List<Sampler.Sample> b = s.sample(manager, task, ps, streams(5, 4), sc);
            List<Sampler.Sample> c = s.sample(manager, task, ps, streams(5, 4), sc.withCache(false));
            for (int i = 0; i < 5; i++) {
                assertEquals(a.get(i).transcript(), b.get(i).transcript());
                assertEquals(a.get(i).transcript(), c.get(i).transcript());
            }
        }
    }

    @Test
    void responseThatNeverEndsIsCutAndMarkedTruncated() {
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(13));
        // a model that always writes '7': final features all 1 (zero gain, unit bias), head row of '7' all 1
        java.util.Arrays.fill(model.parameters().get("lnf.weight").data(), 0f);
        java.util.Arrays.fill(model.parameters().get("lnf.bias").data(), 1f);
        float[] head = model.parameters().get("head.weight").data();
        java.util.Arrays.fill(head, 0f);
        int d = TransformerConfig.tiny().width();
        int seven = Vocabulary.id('7');
        java.util.Arrays.fill(head, seven * d, (seven + 1) * d, 1f);
        TokenTask task = TokenTasks.task(ArithmeticTask.ID);
        try (NDManager manager = Torch.newManager()) {
            List<Sampler.Sample> out = new Sampler(model).sample(manager, task, problems(task, 3, 5), streams(3, 6),
                    SamplingConfig.greedy(5));
            for (Sampler.Sample s : out) {
                assertFalse(s.transcript().terminated());
                assertTrue(s.transcript().truncated());
                assertEquals("77777", s.transcript().responseText());
                assertEquals(5, s.logProbs().length);
            }
        }
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        TransformerConfig small = TransformerConfig.tiny().withContextLength(6);
        Transformer model = Transformer.initialize(small, new Rng(1));
        TokenTask task = TokenTasks.task(ArithmeticTask.ID);
        try (NDManager manager = Torch.newManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sampler(model)
                    .sample(manager, task, problems(task, 2, 1), streams(2, 1), SamplingConfig.greedy(4)));
            assertTrue(e.getMessage().contains("context"), e.getMessage());
        }
    }

    /** Tool calls are resolved between decoding steps; the tool output is masked and its log-probs are 0. */
    @Test
    void toolOutputsAreAppendedMaskedAndNotSampled() {
        TokenTask task = TokenTasks.task(CalculatorTask.ID, Map.of("addend_digits", "0"));
        // Force the policy to write the demonstration: a model whose logits we cannot set easily, so
        // instead check the sampler against a replay of whatever it produced, and force one tool call
        // by sampling many rows from a random model and looking at rows with a call.
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(2));
        List<Problem> ps = problems(task, 4, 9);
        try (NDManager manager = Torch.newManager()) {
            List<Sampler.Sample> out = new Sampler(model).sample(manager, task, ps, streams(4, 3),
                    SamplingConfig.sampled(1.0, 40));
            for (Sampler.Sample s : out) {
                Transcript t = s.transcript();
                Transcript replay = dev.trail.token.ResponseBuilder.replay(task, s.problem(), t.responseTokens(),
                        model.config().contextLength(), 40);
                assertEquals(replay, t);
                boolean[] trained = t.trained();
                for (int j = 0; j < trained.length; j++) {
                    if (!trained[j]) {
                        assertEquals(0.0, s.logProbs()[j]);
                    } else {
                        assertTrue(s.logProbs()[j] < 0);
                    }
                }
            }
        }
        assertFalse(task.tool() == null);
    }

    /**
     * Multi-turn episodes are token-exact: the environment's observations are fed as they were
     * appended (never re-tokenised), masked, with log-prob 0; the sampling-time log-probs of the
     * policy tokens equal the learner's recomputed ones, and replaying the tokens gives the same transcript.
     */
    @Test
    void multiTurnEpisodesAreTokenExact() {
        Transformer model = Transformer.initialize(TransformerConfig.tiny().withContextLength(128), new Rng(21));
        for (String id : new String[] {dev.trail.envs.token.GridNavTask.ID, dev.trail.envs.token.GuessTask.ID}) {
            TokenTask task = TokenTasks.task(id);
            List<Problem> ps = problems(task, 6, 4);
            try (NDManager manager = Torch.newManager()) {
                int max = task.defaultMaxResponseTokens();
                List<Sampler.Sample> samples = new Sampler(model).sample(manager, task, ps, streams(6, 5),
                        SamplingConfig.sampled(1.0, max));
                List<Transcript> ts = samples.stream().map(Sampler.Sample::transcript).toList();
                TokenBatch batch = TokenBatch.of(ts);
                Parameters.Bound w = model.parameters().constant(manager);
                double[][] recomputed = batch.gather(toDouble(model.tokenLogProbs(w, batch.inputsTensor(manager),
                        batch.targetsTensor(manager), 1.0, false).logProbs().toFloatArray()));
                int turns = 0, observations = 0;
                for (int i = 0; i < samples.size(); i++) {
                    Transcript t = ts.get(i);
                    assertTrue(t.multiTurn());
                    turns += t.turns().size();
                    assertEquals(t, dev.trail.token.ResponseBuilder.replay(task, ps.get(i), t.responseTokens(), 128, max));
                    boolean[] trained = t.trained();
                    double[] sampled = samples.get(i).logProbs();
                    for (int j = 0; j < sampled.length; j++) {
                        if (trained[j]) {
                            assertEquals(recomputed[i][j], sampled[j], 1e-5, id + " row " + i + " token " + j);
                        } else {
                            assertEquals(0.0, sampled[j]);
                            observations++;
                        }
                    }
                }
                assertTrue(turns > samples.size(), id + ": a random policy should take several turns, took " + turns);
                assertTrue(observations > 0);
            }
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
