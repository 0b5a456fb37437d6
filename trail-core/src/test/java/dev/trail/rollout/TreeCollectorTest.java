package dev.trail.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.SpoTree;
import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.token.Tool;
import dev.trail.token.Verdict;
import dev.trail.token.Vocabulary;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The tree engine and the three strategies on a fake model whose next-token distribution is a function of the sequence. */
class TreeCollectorTest {

    static final int V = Vocabulary.SIZE;

    /** Prompt {@code q<k>:}; reward 1 when the response starts with '1'; optional tool {@code <...>} answering {@code =1}. */
    record Task(boolean withTool) implements TokenTask {
        record P(int k) implements Problem {
            @Override
            public String key() {
                return "q" + k;
            }
        }

        @Override
        public String id() {
            return "Fake-v0";
        }

        @Override
        public Problem sample(Rng rng, Split split) {
            return new P(rng.nextInt(10));
        }

        @Override
        public Split splitOf(Problem problem) {
            return Split.TRAIN;
        }

        @Override
        public String prompt(Problem problem) {
            return problem.key() + ":";
        }

        @Override
        public String demonstration(Problem problem) {
            return "1";
        }

        @Override
        public Verdict verify(Problem problem, String response) {
            return response.startsWith("1") ? Verdict.exact() : new Verdict(0, false, true, "");
        }

        @Override
        public int defaultMaxResponseTokens() {
            return 6;
        }

        @Override
        public int maxToolCalls() {
            return 2;
        }

        @Override
        public Tool tool() {
            return !withTool ? null : new Tool() {
                @Override
                public String openTag() {
                    return "<";
                }

                @Override
                public String closeTag() {
                    return ">";
                }

                @Override
                public String run(String argument) {
                    return "=1";
                }

                @Override
                public String unopenedObservation() {
                    return "?";
                }

                @Override
                public String limitObservation() {
                    return "?";
                }
            };
        }
    }

    /** A decoder whose logits are {@code model.apply(sequence so far)}. */
    static final class FakeDecoder implements ForkableDecoder {
        final Function<int[], float[]> model;
        final List<int[]> rows = new ArrayList<>();
        final List<Boolean> released = new ArrayList<>();
        long computed;
        long positions;
        int forks;
        /** Calls of {@link #step}: the sequential decoding steps (batched forwards). */
        int steps;

        FakeDecoder(Function<int[], float[]> model, List<int[]> contexts) {
            this.model = model;
            for (int[] c : contexts) {
                rows.add(c.clone());
                released.add(false);
                computed += c.length;
                positions += c.length;
            }
        }

        @Override
        public int vocabSize() {
            return V;
        }

        @Override
        public int[] fork(int[] parents) {
            int[] out = new int[parents.length];
            for (int i = 0; i < parents.length; i++) {
                check(parents[i]);
                out[i] = rows.size();
                rows.add(rows.get(parents[i]).clone());
                released.add(false);
                forks++;
            }
            return out;
        }

        @Override
        public void step(int[] r, int[] tokens) {
            steps++;
            for (int i = 0; i < r.length; i++) {
                check(r[i]);
                int[] s = rows.get(r[i]);
                int[] n = Arrays.copyOf(s, s.length + 1);
                n[s.length] = tokens[i];
                rows.set(r[i], n);
                computed++;
            }
            positions += live();
        }

        long live() {
            return released.stream().filter(b -> !b).count();
        }

        @Override
        public float[] logits(int row) {
            check(row);
            return model.apply(rows.get(row));
        }

        @Override
        public void release(int[] r) {
            for (int x : r) {
                check(x);
                released.set(x, true);
            }
        }

        void check(int row) {
            if (released.get(row)) {
                throw new IllegalStateException("row " + row + " was released");
            }
        }

        @Override
        public long tokensComputed() {
            return computed;
        }

        @Override
        public long positionsEvaluated() {
            return positions;
        }

        @Override
        public void close() {
        }
    }

    static int id(char c) {
        return Vocabulary.id(c);
    }

    /** Logits putting probability mass {@code probs[i]} on {@code tokens[i]} and the rest spread evenly. */
    static float[] distribution(int[] tokens, double[] probs) {
        double rest = 1;
        for (double p : probs) {
            rest -= p;
        }
        double other = Math.max(rest, 1e-9) / (V - tokens.length);
        float[] logits = new float[V];
        Arrays.fill(logits, (float) Math.log(other));
        for (int i = 0; i < tokens.length; i++) {
            logits[tokens[i]] = (float) Math.log(probs[i]);
        }
        return logits;
    }

    static List<Problem> problems(int n) {
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Task.P(i));
        }
        return out;
    }

    static FakeDecoder[] last = new FakeDecoder[1];

    static ForkableDecoder.Factory factory(Function<int[], float[]> model) {
        return contexts -> last[0] = new FakeDecoder(model, contexts);
    }

    static TreeCollector collector(TokenTask task, TreeStrategy strategy, int maxNew) {
        return new TreeCollector(task, strategy, new TreeCollector.Settings(1.0, 1.0, maxNew, 64, 2),
                t -> t.reward(), new Rng(1), new Rng(2));
    }

    /** Uniform over the digits 0-9 (never EOS): responses run to the budget. */
    static float[] digits(int[] sequence) {
        int[] ds = new int[10];
        double[] ps = new double[10];
        for (int i = 0; i < 10; i++) {
            ds[i] = id((char) ('0' + i));
            ps[i] = 0.0999999;
        }
        return distribution(ds, ps);
    }

    @Test
    void spoTreeHasTheFixedShapeAndCountsSharedPrefixesOnce() {
        // 2x2 tree, M = 2, budget 5: two root children of 2 tokens, each with two leaves of 3 tokens
        TreeCollector c = collector(new Task(false), new SpoTreeStrategy(new int[] {2, 2}, 2), 5);
        List<Problem> ps = problems(1);
        GroupRollout r = c.grow(factory(TreeCollectorTest::digits), ps, "g");
        GroupRollout.Group g = r.kept().get(0);
        assertEquals(4, g.responses().size());
        // creation order: the two initial branches, then the fork of each at 2 tokens
        assertArrayEquals(new int[] {-1, -1, 0, 1}, g.parents());
        assertArrayEquals(new int[] {0, 0, 2, 2}, g.branchSteps());
        TrajectoryTree tree = r.groups().get(0).tree();
        // root, two depth-0 nodes of 2 tokens, four leaves of 3 tokens
        assertEquals(7, tree.size());
        assertEquals(2, tree.children(0).length);
        for (int n : tree.children(0)) {
            assertEquals(2, tree.node(n).segment().length());
            assertEquals(2, tree.children(n).length);
            for (int leaf : tree.children(n)) {
                assertEquals(3, tree.node(leaf).segment().length());
            }
        }
        int prompt = "q0:".length() + 1;
        GroupRollout.Budget b = r.budget();
        assertEquals(2 * 2 + 4 * 3, b.tokensSampled());
        // prompt once; every sampled token fed once except each response's last
        assertEquals(prompt + 16 - 4, b.tokensComputed());
        assertEquals(4, b.trajectories());
        // i.i.d. responses of the same length would compute 4 * (prompt + 5 - 1)
        assertTrue(b.tokensComputed() < 4 * (prompt + 4));
    }

    @Test
    void spoTreeChildEndingEarlyIsAShallowLeaf() {
        // EOS as soon as the response has 1 token: no level is ever complete
        Function<int[], float[]> model = s -> s[s.length - 1] == id(':') ? digits(s)
                : distribution(new int[] {Vocabulary.EOS}, new double[] {0.999999});
        GroupRollout r = collector(new Task(false), new SpoTreeStrategy(new int[] {2, 3}, 2), 6)
                .grow(factory(model), problems(1), "g");
        assertEquals(2, r.kept().get(0).responses().size(), "two root children, no forks");
        assertArrayEquals(new int[] {-1, -1}, r.kept().get(0).parents());
    }

    @Test
    void latrBranchesAtCloseTop2ThenFillsWithSamples() {
        // after ':' the top-2 are '1' 0.45 and '2' 0.40 (branch); afterwards '3' with 0.9 (no branch) until 4 tokens, then EOS
        Function<int[], float[]> model = s -> {
            int last = s[s.length - 1];
            if (last == id(':')) {
                return distribution(new int[] {id('1'), id('2')}, new double[] {0.45, 0.40});
            }
            int response = 0;
            for (int i = s.length - 1; s[i] != id(':'); i--) {
                response++;
            }
            return response >= 3 ? distribution(new int[] {Vocabulary.EOS}, new double[] {0.999999})
                    : distribution(new int[] {id('3'), id('4')}, new double[] {0.9, 0.05});
        };
        LatrStrategy latr = new LatrStrategy(new LatrStrategy.Settings(4, 0.75, 0.25, 0.15, 0.4, new int[] {2}, false,
                0.05, 512, 8));
        GroupRollout r = collector(new Task(false), latr, 8).grow(factory(model), problems(1), "g");
        GroupRollout.Group g = r.kept().get(0);
        // n_kt = 3 tree slots: the root and its top-2 child; 1 ordinary sample; 1 fill for the missing slot
        assertEquals(4, g.responses().size());
        String root = g.responses().get(0).transcript().responseText();
        assertEquals("133", root, "greedy between branch points");
        assertEquals(-1, g.parents()[1], "the ordinary sample starts at the prompt");
        assertEquals("233", g.responses().get(2).transcript().responseText(), "the child took the top-2 token");
        assertEquals(0, g.parents()[2]);
        assertEquals(0, g.branchSteps()[2]);
        assertEquals(-1, g.parents()[3], "the under-full root is filled from the prompt");
        // the fill decodes beside the tree (a stand-by branch from the first step), not after it:
        // every response has 4 tokens, so 3 batched steps feed them all (the 4th, EOS, is not fed)
        assertEquals(3, last[0].steps, "one wave of decoding steps");
        for (ResponseSampler.Response resp : g.responses()) {
            assertEquals(4, resp.transcript().responseLength());
        }
        // the second stand-by branch was dropped once the child could no longer be pruned (age 2):
        // its 2 tokens are sampled, not members
        assertEquals(4 * 4 + 2, r.budget().tokensSampled());
        assertEquals(4, r.budget().trajectories());
    }

    @Test
    void latrPrunesAChildThatStaysLikeItsParent() {
        // branch at the first token ('5' vs '7'), then both continue with '9' greedily; r = 3 compares
        // [5,9,9] with [7,9,9]: ED 1 / 3 < 0.4 -> pruned (no math-symbol exemption)
        Function<int[], float[]> model = s -> {
            int response = 0;
            for (int i = s.length - 1; s[i] != id(':'); i--) {
                response++;
            }
            if (response == 0) {
                return distribution(new int[] {id('5'), id('7')}, new double[] {0.45, 0.40});
            }
            return response >= 5 ? distribution(new int[] {Vocabulary.EOS}, new double[] {0.999999})
                    : distribution(new int[] {id('9')}, new double[] {0.95});
        };
        LatrStrategy keep = new LatrStrategy(new LatrStrategy.Settings(2, 1.0, 0.25, 0.15, 0.4, new int[] {3}, true,
                0.05, 512, 8));
        GroupRollout kept = collector(new Task(false), keep, 8).grow(factory(model), problems(1), "g");
        assertEquals(2, kept.kept().get(0).responses().size(), "digits are math symbols: exempt");
        assertArrayEquals(new int[] {-1, 0}, kept.kept().get(0).parents(), "root and child, no fill");
        // the stand-by sample decoded beside them until the child passed its last comparison age (3): then
        // it could no longer be pruned, the root was full, and the stand-by was dropped after 3 tokens
        assertEquals(6 + 6 + 3, kept.budget().tokensSampled());
        LatrStrategy prune = new LatrStrategy(new LatrStrategy.Settings(2, 1.0, 0.25, 0.15, 0.4, new int[] {3}, false,
                0.05, 512, 8));
        GroupRollout pruned = collector(new Task(false), prune, 8).grow(factory(model), problems(1), "g");
        GroupRollout.Group g = pruned.kept().get(0);
        assertEquals(2, g.responses().size(), "the pruned child's slot is filled by an ordinary sample");
        assertEquals("59999", g.responses().get(0).transcript().responseText());
        assertEquals(-1, g.parents()[1]);
        // the stand-by sample was kept while the child could still be pruned, so it fills the slot in
        // the same wave of steps (6 tokens, the last not fed)
        assertEquals(5, last[0].steps);
        // the pruned child's 3 tokens are still sampled tokens
        assertEquals(6 + 3 + 6, pruned.budget().tokensSampled());
    }

    @Test
    void latrRules() {
        assertFalse(LatrStrategy.branches(0.55, 0.35, 0.25, 0.15));
        assertTrue(LatrStrategy.branches(0.45, 0.40, 0.25, 0.15));
        assertFalse(LatrStrategy.branches(0.60, 0.20, 0.25, 0.15));
        assertTrue(LatrStrategy.branches(0.50, 0.36, 0.25, 0.15));
        assertTrue(LatrStrategy.branches(0.55, 0.35, 0.15, 0.25), "math thresholds");
        int[] nines = new int[20];
        Arrays.fill(nines, 9);
        int[] child = nines.clone();
        child[0] = 5;
        int[] parent = nines.clone();
        parent[0] = 7;
        assertEquals(1, LatrStrategy.editDistance(child, parent));
        assertTrue(LatrStrategy.tooSimilar(child, parent, 0.4), "0.05 < 0.4");
        int[] counting = new int[20];
        counting[0] = 5;
        for (int i = 1; i < 20; i++) {
            counting[i] = i;
        }
        assertEquals(19, LatrStrategy.editDistance(counting, parent));
        assertFalse(LatrStrategy.tooSimilar(counting, parent, 0.4), "0.95");
        assertEquals(0.98, LatrStrategy.exitThreshold(0.05, 0, 4096), 1e-12);
        assertEquals(0.976875, LatrStrategy.exitThreshold(0.05, 256, 4096), 1e-12);
        String schedule = "0:1,10:0.75,20:0.5,80:0.25,200:0";
        long[] steps = {0, 10, 50, 150, 250};
        int[] tree = {8, 6, 4, 2, 0};
        for (int i = 0; i < steps.length; i++) {
            double eta = LatrStrategy.scheduledEta(schedule, steps[i]);
            assertEquals(tree[i], new LatrStrategy.Settings(8, eta, 0.25, 0.15, 0.4, new int[] {20}, true, 0.05, 512,
                    4096).treeResponses(), "step " + steps[i]);
        }
        assertTrue(LatrStrategy.isMathSymbol(id('7')));
        assertTrue(LatrStrategy.isMathSymbol(id('=')));
        assertFalse(LatrStrategy.isMathSymbol(id('a')));
        assertFalse(LatrStrategy.isMathSymbol(Vocabulary.EOS));
        assertThrows(IllegalArgumentException.class,
                () -> new LatrStrategy.Settings(1, 1, 0.25, 0.15, 0.4, new int[] {20}, true, 0.05, 512, 64));
    }

    @Test
    void arpoRules() {
        // ALGORITHMS.md §6.1: two tokens with top-3 [0.6, 0.3, 0.05] and [0.9, 0.05, 0.02]
        double h = ArpoStrategy.pooledEntropy(List.of(new double[] {0.6, 0.3, 0.05}, new double[] {0.9, 0.05, 0.02}),
                2);
        assertEquals(1.140325, h * Math.log(2), 1e-6);
        double normalised = ArpoStrategy.pooledEntropy(
                List.of(new double[] {0.6, 0.3, 0.05}, new double[] {0.9, 0.05, 0.02}), 151665);
        assertEquals(0.095589, normalised, 1e-6);
        assertEquals(0.49, ArpoStrategy.branchProbability(0.5, 0.2, -0.05), 1e-12);
        assertEquals(0.5, ArpoStrategy.branchProbability(0.5, 0.2, 0), 1e-12);
        assertEquals(0.52, ArpoStrategy.branchProbability(0.5, 0.2, 0.1), 1e-12);
        assertEquals(0.56, ArpoStrategy.branchProbability(0.5, 0.2, 0.3), 1e-12);
        assertTrue(ArpoStrategy.clones(0.55, 0.5, 0.2, 0.3));
        assertFalse(ArpoStrategy.clones(0.57, 0.5, 0.2, 0.3));
    }

    @Test
    void arpoClonesOnlyAfterToolRepliesAndRefillsToTheBudget() {
        // the policy writes "<>" (a tool call; reply "=1"), then "5", then EOS
        Function<int[], float[]> model = s -> {
            int response = 0;
            for (int i = s.length - 1; s[i] != id(':'); i--) {
                response++;
            }
            int next = switch (response) {
                case 0 -> id('<');
                case 1 -> id('>');
                case 4 -> id('5');
                default -> Vocabulary.EOS;
            };
            return distribution(new int[] {next}, new double[] {0.999999});
        };
        // tau = 1: every slot clones while the budget allows
        ArpoStrategy always = new ArpoStrategy(new ArpoStrategy.Settings(4, 2, 2, 1.0, 0.0));
        GroupRollout r = collector(new Task(true), always, 8).grow(factory(model), problems(1), "g");
        GroupRollout.Group g = r.kept().get(0);
        assertEquals(4, g.responses().size());
        // two initial rollouts; each clones once right after the tool reply "=1" (4 response tokens)
        assertArrayEquals(new int[] {-1, -1, 0, 1}, g.parents());
        assertArrayEquals(new int[] {0, 0, 4, 4}, g.branchSteps());
        for (ResponseSampler.Response resp : g.responses()) {
            assertEquals("<>=15", resp.transcript().responseText());
        }
        // policy tokens: 4 per initial rollout ("<>", "5", EOS), 2 per clone ("5", EOS); the M - N stand-by
        // rollouts decoded beside the first two and were dropped after the step that made the clones took
        // their places, having sampled 3 each ("<>", "5")
        assertEquals(2 * 4 + 2 * 2 + 2 * 3, r.budget().tokensSampled());
        assertEquals(5, last[0].steps, "6 response tokens, the last (EOS) not fed: one wave");
        // tau = 0 (and beta = 0): no clone; the missing two are the stand-by rollouts from the prompt,
        // decoded in the same steps as the first two
        ArpoStrategy never = new ArpoStrategy(new ArpoStrategy.Settings(4, 2, 2, 0.0, 0.0));
        GroupRollout n = collector(new Task(true), never, 8).grow(factory(model), problems(1), "g");
        assertArrayEquals(new int[] {-1, -1, -1, -1}, n.kept().get(0).parents());
        assertEquals(5, last[0].steps, "one wave, not two");
        assertEquals(4 * 4, n.budget().tokensSampled());
        for (ResponseSampler.Response resp : n.kept().get(0).responses()) {
            assertEquals("<>=15", resp.transcript().responseText());
        }
    }

    @Test
    void forkWithACopiedStreamContinuesExactlyAsTheUnforkedBranch() {
        // one branch; at 3 tokens it forks with a copy of its own stream: both must draw the same tokens
        TreeStrategy forkOnce = new TreeStrategy() {
            @Override
            public List<Start> start(int p) {
                return List.of(new Start(0));
            }

            @Override
            public List<Draw> decide(TreeBranch branch, float[] logits, Batch batch) {
                return branch.parent() == null && branch.responseLength() == 3 ? List.of(Draw.sample(), Draw.sample())
                        : List.of(Draw.sample());
            }

            @Override
            public Rng childStream(TreeBranch parent) {
                return parent.rng().copy();
            }

            @Override
            public int groupSize() {
                return 2;
            }
        };
        GroupRollout r = collector(new Task(false), forkOnce, 6).grow(factory(TreeCollectorTest::digits), problems(2),
                "g");
        for (GroupRollout.Group g : r.kept()) {
            assertEquals(g.responses().get(0).transcript(), g.responses().get(1).transcript());
            assertArrayEquals(g.responses().get(0).logProbs(), g.responses().get(1).logProbs());
        }
    }

    @Test
    void treeGroupsCarryLineageAndSpoTreeCreditReadsThem() {
        GroupRollout r = collector(new Task(false), new SpoTreeStrategy(new int[] {2, 2}, 2), 5)
                .grow(factory(TreeCollectorTest::digits), problems(2), "g");
        List<TrajectoryGroup> groups = r.groups();
        assertEquals(2, groups.size());
        TrajectoryGroup g = groups.get(0);
        Trajectory fork = g.get(2);
        assertEquals(g.get(0).id(), fork.parentId());
        assertEquals(2, fork.branchStep());
        assertNull(g.get(0).parentId());
        double[] edge = SpoTree.edgeAdvantages(g.tree(), SpoTree.Method.RLOO);
        assertEquals(g.tree().size(), edge.length);
        // i.i.d. groups have no tree
        GroupRollout.Group plain = new GroupRollout.Group("x", r.kept().get(0).problem(), r.kept().get(0).responses(),
                r.kept().get(0).rewards(), Double.NaN);
        assertNull(new GroupRollout(List.of(plain), r.stats()).groups().get(0).tree());
    }
}
