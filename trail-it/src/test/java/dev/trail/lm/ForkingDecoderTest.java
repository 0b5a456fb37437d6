package dev.trail.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.trail.envs.token.ArithmeticTask;
import dev.trail.envs.token.CalculatorTask;
import dev.trail.envs.token.TokenTasks;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.rollout.ArpoStrategy;
import dev.trail.rollout.GroupRollout;
import dev.trail.rollout.LatrStrategy;
import dev.trail.rollout.SpoTreeStrategy;
import dev.trail.rollout.TreeBranch;
import dev.trail.rollout.TreeCollector;
import dev.trail.rollout.TreeStrategy;
import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transformer's forkable decoding state: forks equal recomputation, and tree rollouts equal the batch sampler. */
class ForkingDecoderTest {

    private static float[] fromScratch(NDManager m, Transformer model, int[] sequence) {
        Parameters.Bound w = model.parameters().constant(m);
        long[] t = new long[sequence.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = sequence[i];
        }
        float[] all = model.logits(w, Tensors.create(m, t, 1, t.length)).toFloatArray();
        int v = model.config().vocabSize();
        return java.util.Arrays.copyOfRange(all, (t.length - 1) * v, t.length * v);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, what + " logit " + i);
        }
    }

    @Test
    void forkedRowsGiveTheLogitsOfARecomputationFromScratch() {
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(5));
        try (NDManager m = Torch.newManager()) {
            int[] a = {1, 10, 14, 11, 30};
            int[] b = {1, 12, 13};
            List<int[]> seqs = new ArrayList<>(List.of(a.clone(), b.clone()));
            try (ForkingDecoder d = ForkingDecoder.open(m, model, List.of(a, b))) {
                assertClose(fromScratch(m, model, a), d.logits(0), "prefill left-padded row");
                assertClose(fromScratch(m, model, b), d.logits(1), "prefill");
                // fork row 1 twice, feed the three copies different tokens, only two of them in one step
                int[] forks = d.fork(new int[] {1, 1});
                assertArrayEquals(new int[] {2, 3}, forks);
                seqs.add(b.clone());
                seqs.add(b.clone());
                d.step(new int[] {1, 2, 0}, new int[] {20, 21, 22});
                seqs.set(1, append(seqs.get(1), 20));
                seqs.set(2, append(seqs.get(2), 21));
                seqs.set(0, append(seqs.get(0), 22));
                // row 3 was not fed: its logits are still the fork point's
                assertClose(fromScratch(m, model, b), d.logits(3), "unfed fork");
                d.step(new int[] {3, 2}, new int[] {23, 24});
                seqs.set(3, append(seqs.get(3), 23));
                seqs.set(2, append(seqs.get(2), 24));
                for (int r = 0; r < 4; r++) {
                    assertClose(fromScratch(m, model, seqs.get(r)), d.logits(r), "row " + r);
                }
                // a fork of a fork, then enough releases to compact rows and columns
                int deep = d.fork(new int[] {2})[0];
                seqs.add(seqs.get(2).clone());
                int[] extra = d.fork(new int[] {0, 0, 0, 0, 0, 0, 0, 0});
                d.release(new int[] {1, 3});
                d.release(extra);
                assertEquals(3, d.cacheRows(), "compacted to the live rows, got " + d.cacheRows());
                d.step(new int[] {deep, 0}, new int[] {25, 26});
                seqs.set(deep, append(seqs.get(deep), 25));
                seqs.set(0, append(seqs.get(0), 26));
                for (int r : new int[] {0, 2, deep}) {
                    assertClose(fromScratch(m, model, seqs.get(r)), d.logits(r), "after compaction row " + r);
                }
                assertThrows(IllegalArgumentException.class, () -> d.logits(1), "a released row");
                // prompt 5 + 3 once each, then one token per row fed
                assertEquals(5 + 3 + 3 + 2 + 2, d.tokensComputed());
            }
        }
    }

    private static int[] append(int[] s, int t) {
        int[] n = java.util.Arrays.copyOf(s, s.length + 1);
        n[s.length] = t;
        return n;
    }

    private static List<Problem> problems(TokenTask task, int n, long seed) {
        Rng rng = new Rng(seed);
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(task.sample(rng, Split.TRAIN));
        }
        return out;
    }

    /** G independent branches per problem, forking only at a given length with a copy of the stream (when set). */
    private static TreeStrategy independent(int g, int forkAt) {
        return new TreeStrategy() {
            @Override
            public List<Start> start(int p) {
                List<Start> s = new ArrayList<>();
                for (int k = 0; k < g; k++) {
                    s.add(new Start(0));
                }
                return s;
            }

            @Override
            public List<Draw> decide(TreeBranch b, float[] logits, Batch batch) {
                return b.parent() == null && b.responseLength() == forkAt ? List.of(Draw.sample(), Draw.sample())
                        : List.of(Draw.sample());
            }

            @Override
            public Rng childStream(TreeBranch parent) {
                return parent.rng().copy();
            }

            @Override
            public int groupSize() {
                return g;
            }
        };
    }

    /**
     * The tree engine without forks reproduces the batch sampler exactly (same streams, same
     * tokens and log-probs), tool calls and multi-turn environment replies included (the environment
     * state is part of the forked response state); a branch forked with a copy of its stream then
     * continues exactly as the unforked run with that stream.
     */
    @Test
    void treeBranchesContinueExactlyAsTheBatchSamplerWithTheSameStreams() {
        for (String id : new String[] {ArithmeticTask.ID, CalculatorTask.ID, "Guess-v0", "GridNav-v0"}) {
            TokenTask task = TokenTasks.task(id);
            Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(7));
            List<Problem> ps = problems(task, 3, 9);
            int g = 2;
            int maxNew = 12;
            List<Problem> rows = new ArrayList<>();
            for (Problem p : ps) {
                for (int k = 0; k < g; k++) {
                    rows.add(p);
                }
            }
            try (NDManager m = Torch.newManager()) {
                List<Sampler.Sample> iid = new Sampler(model).sample(m, task, rows, new Rng(3).split(rows.size()),
                        new SamplingConfig(1.0, 1.0, false, maxNew, true));
                for (int forkAt : new int[] {-1, 4}) {
                    TreeCollector c = new TreeCollector(task, independent(g, forkAt),
                            new TreeCollector.Settings(1.0, 1.0, maxNew, model.config().contextLength(), ps.size()),
                            Transcript::reward, new Rng(0), new Rng(3));
                    GroupRollout r = c.grow(ForkingDecoder.factory(m, model), ps, "g");
                    for (int p = 0; p < ps.size(); p++) {
                        GroupRollout.Group group = r.kept().get(p);
                        int members = 0;
                        for (int j = 0; j < group.responses().size(); j++) {
                            var resp = group.responses().get(j);
                            // a fork continues as its parent, i.e. as the i.i.d. row of the parent's stream
                            int source = group.parents()[j] >= 0 ? group.parents()[j] : members++;
                            Sampler.Sample expected = iid.get(p * g + source);
                            assertEquals(expected.transcript(), resp.transcript(), id + " fork " + forkAt + " problem " + p
                                    + " member " + j);
                            double[] lp = resp.logProbs();
                            for (int k = 0; k < lp.length; k++) {
                                assertEquals(expected.logProbs()[k], lp[k], 1e-5, id + " log-prob " + k);
                            }
                        }
                        assertEquals(g, members);
                    }
                }
            }
        }
    }

    /**
     * ARPO's {@code M − N} rollouts that no clone replaces are stand-by branches decoded beside the
     * first N: each is exactly the batch sampler's row with the same stream (streams: the initial
     * rollouts problem by problem, then the stand-by ones problem by problem), tool calls included.
     */
    @Test
    void standByRolloutsAreTheBatchSamplersRowsWithTheirStreams() {
        for (String id : new String[] {ArithmeticTask.ID, CalculatorTask.ID}) {
            TokenTask task = TokenTasks.task(id);
            Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(7));
            List<Problem> ps = problems(task, 3, 9);
            int g = 3;
            int n = 1;
            int maxNew = 12;
            // stream i of new Rng(3).split(...) belongs to: the initial rollout of problem i (i < 3), then
            // problem (i - 3) / (g - n)'s stand-by rollouts
            List<Problem> rows = new ArrayList<>();
            rows.addAll(ps);
            for (Problem p : ps) {
                for (int k = n; k < g; k++) {
                    rows.add(p);
                }
            }
            try (NDManager m = Torch.newManager()) {
                List<Sampler.Sample> iid = new Sampler(model).sample(m, task, rows, new Rng(3).split(rows.size()),
                        new SamplingConfig(1.0, 1.0, false, maxNew, true));
                // tau = 0, beta = 0: no clone, so every stand-by rollout is kept
                TreeCollector c = new TreeCollector(task, new ArpoStrategy(new ArpoStrategy.Settings(g, n, 2, 0.0, 0.0)),
                        new TreeCollector.Settings(1.0, 1.0, maxNew, model.config().contextLength(), ps.size()),
                        Transcript::reward, new Rng(0), new Rng(3));
                GroupRollout r = c.grow(ForkingDecoder.factory(m, model), ps, "g");
                for (int p = 0; p < ps.size(); p++) {
                    GroupRollout.Group group = r.kept().get(p);
                    assertEquals(g, group.responses().size());
                    for (int j = 0; j < g; j++) {
                        int stream = j == 0 ? p : ps.size() + p * (g - n) + (j - 1);
                        Sampler.Sample expected = iid.get(stream);
                        var resp = group.responses().get(j);
                        assertEquals(expected.transcript(), resp.transcript(), id + " problem " + p + " member " + j);
                        for (int k = 0; k < resp.logProbs().length; k++) {
                            assertEquals(expected.logProbs()[k], resp.logProbs()[k], 1e-5, id + " log-prob " + k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void treeStrategiesOnTheTransformerComputeSharedPrefixesOnce() {
        TokenTask task = TokenTasks.task(ArithmeticTask.ID);
        Transformer model = Transformer.initialize(TransformerConfig.tiny(), new Rng(8));
        List<Problem> ps = problems(task, 4, 2);
        try (NDManager m = Torch.newManager()) {
            TreeCollector spo = new TreeCollector(task, new SpoTreeStrategy(new int[] {2, 2, 2}, 2),
                    new TreeCollector.Settings(1.0, 1.0, 8, 64, ps.size()), Transcript::reward, new Rng(0), new Rng(1));
            GroupRollout r = spo.grow(ForkingDecoder.factory(m, model), ps, "g");
            long iidComputed = 0;
            for (GroupRollout.Group g : r.kept()) {
                for (var resp : g.responses()) {
                    iidComputed += resp.transcript().promptTokens().length + resp.transcript().responseLength() - 1;
                }
                assertTrue(g.responses().size() <= 8);
                r.groups(); // lineage is consistent (fromBranches validates)
            }
            assertTrue(r.budget().tokensComputed() < iidComputed, r.budget() + " vs i.i.d. " + iidComputed);
            LatrStrategy latr = new LatrStrategy(new LatrStrategy.Settings(8, 1.0, 0.02, 0.5, 0.4, new int[] {2}, false,
                    0.05, 512, 8));
            GroupRollout l = new TreeCollector(task, latr, new TreeCollector.Settings(1.0, 1.0, 8, 64, ps.size()),
                    Transcript::reward, new Rng(0), new Rng(1)).grow(ForkingDecoder.factory(m, model), ps, "g");
            for (GroupRollout.Group g : l.kept()) {
                assertEquals(8, g.responses().size(), "tree leaves plus fills make G");
            }
            l.groups();
        }
    }
}
