package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.advantage.SpoChain;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingListener;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.token.CountdownTask;
import dev.trail.envs.token.GuessTask;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.rollout.GroupRollout;
import dev.trail.rollout.ResponseSampler;
import dev.trail.seed.Rng;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inputs the GRPO trainer produces for spo-chain (Monte-Carlo segment values) and spa (progress
 * estimator, grounding), and that the advantages it feeds the loss are the estimator's pure function
 * of those inputs on the same rollouts.
 */
class StepCreditWiringTest {

    private static final TransformerConfig TINY = TransformerConfig.tiny().withContextLength(64);

    /** Guess-v0 over 0-1 (no held-out split: these tests never evaluate). */
    private static final EnvSpec COIN = dev.trail.envs.token.TokenTasks.spec(GuessTask.ID,
            Map.of("max", "1", "held_out_fraction", "0"));

    /** Guess-v0 over 0-7 with half of the numbers held out: short episodes, a non-empty evaluation split. */
    private static final EnvSpec GUESS = dev.trail.envs.token.TokenTasks.spec(GuessTask.ID,
            Map.of("max", "7", "held_out_fraction", "0.5"));

    /** '0', '1' or EOS with probability about 1/3 each: episodes succeed at different turns or fail. */
    private static Transformer coinPolicy() {
        Transformer model = Transformer.initialize(TINY, new Rng(5));
        Arrays.fill(model.parameters().get("lnf.weight").data(), 0f);
        Arrays.fill(model.parameters().get("lnf.bias").data(), 1f);
        float[] head = model.parameters().get("head.weight").data();
        Arrays.fill(head, 0f);
        int d = TINY.width();
        for (int id : new int[] {Vocabulary.id('0'), Vocabulary.id('1'), Vocabulary.EOS}) {
            Arrays.fill(head, id * d, (id + 1) * d, 6f / d);
        }
        return model;
    }

    private static GrpoConfig tiny(String estimator) {
        return GrpoConfig.defaults().withEstimator(estimator).withModel(TINY).withBatch(4, 3, 2).withBudget(1, 0)
                .withEval(0, 4, 0).withStepCredit(new StepCreditConfig(4, 100, 1e-2, 2));
    }

    private static void assertRowsEqual(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], 1e-12, what + " row " + i + " token " + j);
            }
        }
    }

    @Test
    void spoChainGetsMonteCarloValuesAtItsCutPointsAndItsOwnAdvantages() throws IOException {
        GrpoConfig c = tiny("spo-chain").withEstimatorOptions("cutpoint_interval=1,whiten=false");
        try (Grpo g = new Grpo(c, COIN, 3, coinPolicy())) {
            GroupRollout rollout = g.collect(TrainingListener.NONE);
            AdvantageResult fed = g.credit(rollout);
            List<TrajectoryGroup> input = g.lastEstimatorInput;
            AdvantageResult pure = AdvantageEstimators.create("spo-chain",
                    Map.of("cutpoint_interval", "1", "whiten", "false")).estimate(input);
            assertRowsEqual(pure.advantages(), fed.advantages(), "spo-chain");
            List<ResponseSampler.Response> all = rollout.responses();
            int valued = 0;
            double nonZero = 0;
            int row = 0;
            for (TrajectoryGroup group : input) {
                for (Trajectory t : group.trajectories()) {
                    Transcript tr = all.get(row).transcript();
                    double[] lp = all.get(row).logProbs();
                    boolean[] low = new boolean[lp.length];
                    for (int j = 0; j < lp.length; j++) {
                        low[j] = tr.trained()[j] && Math.exp(lp[j]) < SpoChain.DEFAULT_THRESHOLD;
                    }
                    int[] cuts = SpoChain.cutPoints(low, 1);
                    double[] v = t.extra("segmentValue");
                    for (int j = 0; j < v.length; j++) {
                        boolean isCut = false;
                        for (int cut : cuts) {
                            isCut |= cut + 1 == j;
                        }
                        assertEquals(isCut, !Double.isNaN(v[j]), "a value exactly at each cut + 1, row " + row);
                        if (isCut) {
                            // the mean of M = 4 rewards in {0, 1}
                            assertEquals(0, Math.abs(v[j] * 4 - Math.rint(v[j] * 4)), 1e-9, "V = k/4: " + v[j]);
                            assertTrue(v[j] >= 0 && v[j] <= 1, "V = " + v[j]);
                            valued++;
                        }
                    }
                    for (double a : fed.advantages()[row]) {
                        nonZero = Math.max(nonZero, Math.abs(a));
                    }
                    row++;
                }
            }
            assertTrue(valued > 4, "few cut points valued: " + valued);
            assertTrue(nonZero > 0.05, "spo-chain advantages all ~0");
        }
    }

    @Test
    void spaGetsTrainedProgressAndGroundingPerTurnAndItsOwnAdvantages() throws IOException {
        try (Grpo g = new Grpo(tiny("spa"), COIN, 2, coinPolicy())) {
            GroupRollout rollout = g.collect(TrainingListener.NONE);
            AdvantageResult fed = g.credit(rollout);
            List<TrajectoryGroup> input = g.lastEstimatorInput;
            AdvantageResult pure = AdvantageEstimators.create("spa").estimate(input);
            List<ResponseSampler.Response> all = rollout.responses();
            double[][] spread = new double[all.size()][];
            for (int i = 0; i < spread.length; i++) {
                spread[i] = all.get(i).transcript().spreadOverTurns(pure.advantages()[i]);
            }
            assertRowsEqual(spread, fed.advantages(), "spa");
            int row = 0;
            List<Double> sums = new ArrayList<>();
            List<Double> outcomes = new ArrayList<>();
            for (TrajectoryGroup group : input) {
                for (Trajectory t : group.trajectories()) {
                    Transcript tr = all.get(row).transcript();
                    String[] texts = tr.turnTexts();
                    double[] grounding = t.extra("grounding");
                    double[] progress = t.extra("progress");
                    assertEquals(tr.turns().size(), progress.length);
                    double s = 0;
                    for (int k = 0; k < texts.length; k++) {
                        boolean valid = tr.turns().get(k).complete() && (texts[k].equals("0") || texts[k].equals("1"));
                        assertEquals(valid ? 1.0 : 0.0, grounding[k], "grounding of turn '" + texts[k] + "'");
                        s += progress[k];
                    }
                    sums.add(s);
                    outcomes.add(tr.reward());
                    row++;
                }
            }
            // after 100 Adam steps the contributions of an episode sum closer to its outcome than zero does (the
            // coin policy's logits are the same at every position, so the fit is a per-turn constant)
            double mse = 0;
            double zero = 0;
            for (int i = 0; i < sums.size(); i++) {
                mse += Math.pow(sums.get(i) - outcomes.get(i), 2);
                zero += Math.pow(outcomes.get(i), 2);
            }
            assertTrue(mse < 0.95 * zero, "progress estimator did not fit: " + mse + " vs " + zero);
        }
    }

    @Test
    void spoChainAndSpaTrainAndResumeFromTheirCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        for (String name : List.of("spa", "spo-chain")) {
            Map<Integer, Map<String, Double>> straight = new HashMap<>();
            TrainingListener l1 = recorder(straight);
            try (Grpo g = new Grpo(tiny(name).withBatch(3, 2, 1).withBudget(2, 0), GUESS, 6, coinPolicy())) {
                g.run(l1, dir.resolve(name), 1);
            }
            Map<Integer, Map<String, Double>> resumed = new HashMap<>();
            TrainingListener l2 = recorder(resumed);
            Grpo.resume(dir.resolve(name).resolve("update-000001"), GUESS, l2, dir.resolve(name + "-r"), 0);
            for (String key : List.of("losses/policy_loss", "charts/advantage_abs_mean")) {
                assertEquals(straight.get(2).get(key), resumed.get(2).get(key), 1e-9, name + " " + key);
            }
        }
    }

    private static TrainingListener recorder(Map<Integer, Map<String, Double>> into) {
        return new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                into.put(update, new HashMap<>(metrics));
            }
        };
    }

    @Test
    void spaOnASingleResponseTaskIsRefusedNamingWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Algorithms.get("grpo").validate(tiny("spa"), Envs.spec(CountdownTask.ID)));
        assertTrue(e.getMessage().contains("spa") && e.getMessage().contains("progress"), e.getMessage());
        Algorithms.get("grpo").validate(tiny("spa"), Envs.spec(GuessTask.ID));
        Algorithms.get("grpo").validate(tiny("spo-chain"), Envs.spec(CountdownTask.ID));
    }
}
