package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingListener;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.token.CountdownTask;
import dev.trail.envs.token.GuessTask;
import dev.trail.lm.TokenBatch;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.rollout.SemiOnlineCollector;
import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.TokenEnv;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GRPO with UI-S1's semi-online rollouts (ALGORITHMS.md §8): patch rule, token exactness, loss mask, credit. */
class SemiOnlineGrpoTest {

    private static final TransformerConfig TINY = TransformerConfig.tiny().withContextLength(64);

    /** Guess-v0 over 0-3: the expert's binary search takes 2-3 turns. */
    private static final EnvSpec GUESS4 = dev.trail.envs.token.TokenTasks.spec(GuessTask.ID,
            Map.of("max", "3", "held_out_fraction", "0"));

    /** '0'-'3' or EOS with probability about 1/5 each: turns match the expert's sometimes. */
    private static Transformer guessPolicy() {
        Transformer model = Transformer.initialize(TINY, new Rng(5));
        Arrays.fill(model.parameters().get("lnf.weight").data(), 0f);
        Arrays.fill(model.parameters().get("lnf.bias").data(), 1f);
        float[] head = model.parameters().get("head.weight").data();
        Arrays.fill(head, 0f);
        int d = TINY.width();
        for (int id : new int[] {Vocabulary.id('0'), Vocabulary.id('1'), Vocabulary.id('2'), Vocabulary.id('3'),
                Vocabulary.EOS}) {
            Arrays.fill(head, id * d, (id + 1) * d, 6f / d);
        }
        // small random rows elsewhere so that the log-probs depend on the position (exactness is not trivial)
        Rng rng = new Rng(9);
        for (int i = 0; i < head.length; i++) {
            head[i] += (float) (0.02 * (rng.nextDouble() - 0.5));
        }
        Arrays.fill(model.parameters().get("lnf.weight").data(), 0.05f);
        return model;
    }

    private static GrpoConfig semiOnline(String estimator, int patches) {
        return GrpoConfig.defaults().withEstimator(estimator).withModel(TINY).withBatch(6, 4, 2).withBudget(1, 0)
                .withEval(0, 4, 0).withRollout(TreeRolloutConfig.Kind.SEMI_ONLINE)
                .withStepCredit(new StepCreditConfig(4, 100, 1e-2, patches));
    }

    @Test
    void patchedStepsAreTheExpertsAndEachRowTrainsOnlyThePolicysOwnTurn() throws IOException {
        MultiTurnTask task = (MultiTurnTask) TokenEnv.taskOf(GUESS4);
        try (Grpo g = new Grpo(semiOnline("ui-s1", 1), GUESS4, 3, guessPolicy())) {
            var rollout = g.collect(TrainingListener.NONE);
            SemiOnlineCollector.Collection c = g.lastSemiOnlineForTests();
            int mismatches = 0;
            int matches = 0;
            for (SemiOnlineCollector.Episodes e : c.episodes()) {
                // the expert's episode, as tokens: every row's history is a prefix of it
                Transcript expert = ResponseBuilder.respond(task, e.problem(), task.demonstration(e.problem()),
                        TINY.contextLength(), task.defaultMaxResponseTokens());
                int[] patchesOf = new int[6];
                boolean[] ended = new boolean[6];
                for (SemiOnlineCollector.Step s : e.steps()) {
                    assertTrue(!ended[s.rollout()], "a rollout went on after its mismatch beyond the threshold");
                    Transcript row = s.response().transcript();
                    int history = 0;
                    while (history < row.responseLength() && !row.trained()[history]) {
                        history++;
                    }
                    // the masked history is the expert's first s.step() turns with the environment's replies
                    int expectedHistory = s.step() == 0 ? 0 : expert.turns().get(s.step() - 1).observationEnd();
                    assertEquals(expectedHistory, history, "history length at step " + s.step());
                    assertArrayEquals(Arrays.copyOf(expert.responseTokens(), history),
                            Arrays.copyOf(row.responseTokens(), history), "history tokens at step " + s.step());
                    for (int j = history; j < row.responseLength(); j++) {
                        assertTrue(row.trained()[j], "the policy's turn is trained on");
                    }
                    // match iff the policy's turn is the expert's turn, EOS included
                    int[] own = Arrays.copyOfRange(row.responseTokens(), history, row.responseLength());
                    Transcript.Turn et = expert.turns().get(s.step());
                    int[] expertTurn = Arrays.copyOfRange(expert.responseTokens(), et.start(), et.end());
                    assertEquals(Arrays.equals(own, expertTurn), s.match(), "match flag at step " + s.step());
                    assertEquals(s.match() ? 1.0 : 0.0, s.reward());
                    if (!s.match() && ++patchesOf[s.rollout()] > 1) {
                        ended[s.rollout()] = true;
                    }
                    mismatches += s.match() ? 0 : 1;
                    matches += s.match() ? 1 : 0;
                }
            }
            assertTrue(mismatches > 0 && matches > 0, "matches " + matches + ", mismatches " + mismatches);

            // the advantages the loss gets: ui-s1's pure function of the turn steps, on the policy's tokens only
            AdvantageResult fed = g.credit(rollout);
            List<TrajectoryGroup> input = g.lastEstimatorInput;
            AdvantageResult pure = AdvantageEstimators.create("ui-s1").estimate(input);
            int member = 0;
            double nonZero = 0;
            int rowBase = 0;
            for (int gi = 0; gi < input.size(); gi++) {
                SemiOnlineCollector.Episodes e = c.episodes().get(gi);
                for (Trajectory t : input.get(gi).trajectories()) {
                    int r = member % 6;
                    int k = 0;
                    for (int i = 0; i < e.steps().size(); i++) {
                        if (e.steps().get(i).rollout() != r) {
                            continue;
                        }
                        assertEquals(e.steps().get(i).match() ? 1.0 : 0.0, t.extra("match")[k]);
                        Transcript row = e.steps().get(i).response().transcript();
                        for (int j = 0; j < row.responseLength(); j++) {
                            double expected = row.trained()[j] ? pure.advantages()[member][k] : 0.0;
                            assertEquals(expected, fed.advantages()[rowBase + i][j], 1e-12);
                            nonZero = Math.max(nonZero, Math.abs(expected));
                        }
                        k++;
                    }
                    assertEquals(t.length(), k);
                    member++;
                }
                rowBase += e.steps().size();
            }
            assertTrue(nonZero > 0.1, "ui-s1 advantages all ~0");
        }
    }

    @Test
    void sampledLogProbsOfTheRowsEqualTheLearnersRecomputation() throws IOException {
        Transformer policy = guessPolicy();
        try (Grpo g = new Grpo(semiOnline("ui-s1", 2), GUESS4, 4, policy); NDManager m = Torch.newManager()) {
            var rollout = g.collect(TrainingListener.NONE);
            List<Transcript> rows = new ArrayList<>();
            List<double[]> sampled = new ArrayList<>();
            for (var r : rollout.responses()) {
                rows.add(r.transcript());
                sampled.add(r.logProbs());
            }
            TokenBatch b = TokenBatch.of(rows);
            Parameters.Bound w = policy.parameters().constant(m);
            float[] lp = policy.tokenLogProbs(w, b.inputsTensor(m), b.targetsTensor(m), 1.0, false).logProbs()
                    .toFloatArray();
            double[] flat = new double[lp.length];
            for (int i = 0; i < lp.length; i++) {
                flat[i] = lp[i];
            }
            double[][] recomputed = b.gather(flat);
            int checked = 0;
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < rows.get(i).responseLength(); j++) {
                    if (rows.get(i).trained()[j]) {
                        assertEquals(recomputed[i][j], sampled.get(i)[j], 1e-4, "row " + i + " token " + j);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 20, "checked " + checked);
        }
    }

    @Test
    void semiOnlineTrainsAndResumesAndIsRefusedWhereItCannotWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        // Guess-v0 over 0-7 with half of the numbers held out: short episodes, a non-empty evaluation split
        EnvSpec guess = dev.trail.envs.token.TokenTasks.spec(GuessTask.ID, Map.of("max", "7", "held_out_fraction", "0.5"));
        java.util.Map<Integer, java.util.Map<String, Double>> straight = new java.util.HashMap<>();
        java.util.Map<Integer, java.util.Map<String, Double>> resumed = new java.util.HashMap<>();
        try (Grpo g = new Grpo(semiOnline("ui-s1", 2).withBatch(3, 2, 1).withBudget(2, 0), guess, 6, guessPolicy())) {
            g.run(recorder(straight), dir.resolve("a"), 1);
        }
        Grpo.resume(dir.resolve("a").resolve("update-000001"), guess, recorder(resumed), dir.resolve("b"), 0);
        for (String key : List.of("losses/policy_loss", "charts/advantage_abs_mean", "charts/accuracy")) {
            assertEquals(straight.get(2).get(key), resumed.get(2).get(key), 1e-9, key);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Algorithms.get("grpo").validate(semiOnline("ui-s1", 2), Envs.spec(CountdownTask.ID)));
        assertTrue(e.getMessage().contains("semi-online") || e.getMessage().contains("multi-turn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Grpo.create(semiOnline("spo-chain", 2), guess, 1, null));
        assertTrue(e.getMessage().contains("spo-chain"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Grpo.create(
                semiOnline("ui-s1", 2).withKl(dev.trail.loss.KlEstimators.Kind.K3, 0.01, true), guess, 1, null));
        assertTrue(e.getMessage().contains("semi-online") && e.getMessage().contains("kl_in_reward"), e.getMessage());
    }

    private static TrainingListener recorder(java.util.Map<Integer, java.util.Map<String, Double>> into) {
        return new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, java.util.Map<String, Double> metrics) {
                into.put(update, new java.util.HashMap<>(metrics));
            }
        };
    }
}
