package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.sft.Sft;
import dev.trail.algo.sft.SftConfig;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.token.ArithmeticTask;
import dev.trail.envs.token.CalculatorTask;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.LmEvaluation;
import dev.trail.lm.TransformerConfig;
import dev.trail.loss.KlEstimators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpoTest {

    private static final TransformerConfig TINY = TransformerConfig.tiny();
    private static final EnvSpec ARITHMETIC = Envs.spec(ArithmeticTask.ID);
    private static final EnvSpec DIGITS = DigitsTask.spec();

    private static GrpoConfig tiny(String estimator) {
        return GrpoConfig.defaults().withEstimator(estimator).withModel(TINY).withBatch(4, 2, 2).withBudget(2, 0)
                .withEval(0, 4, 2);
    }

    private static final class Recorder implements TrainingListener {
        final List<Map<String, Double>> updates = new ArrayList<>();

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
            Map<String, Double> m = new LinkedHashMap<>(metrics);
            m.keySet().removeIf(Metrics::isTiming);
            updates.add(m);
        }
    }

    @Test
    void tinyEndToEndRunHasFiniteMetricsAndAnEvaluableCheckpoint(@TempDir Path dir) throws IOException {
        Recorder r = new Recorder();
        Grpo.Result result = Grpo.train(tiny("grpo"), ARITHMETIC, 1, null, r, dir.resolve("checkpoints"), 0);
        assertEquals(2, result.updates());
        assertEquals(3, r.updates.size()); // evaluation before + 2 updates
        for (String key : List.of("losses/policy_loss", "losses/kl", "losses/clipfrac", "charts/reward_mean",
                "charts/response_length")) {
            double v = r.updates.get(2).get(key);
            assertTrue(Double.isFinite(v), key + " = " + v);
        }
        double passAt2 = r.updates.get(2).get("eval/pass@2"); // the held-out evaluation after the last update
        // pass@2 over the same two samples per problem can never be below their pass@1, nor above 1
        double sampled = r.updates.get(2).get("eval/pass@1_sampled");
        assertTrue(passAt2 >= sampled && passAt2 <= 1, "pass@2 = " + passAt2 + ", sampled pass@1 = " + sampled);
        assertTrue(result.checkpoint().endsWith("update-000002"), String.valueOf(result.checkpoint()));
        // a run folder resolves to its latest checkpoint for evaluation and --init
        assertEquals(TINY, LmCheckpoint.load(dir).model().config());
    }

    /** GRPO learns: on a task a random tiny model already scores on, the reward rises within a few updates. */
    @Test
    void rewardRisesOnATinyTask() throws IOException {
        GrpoConfig c = GrpoConfig.defaults().withModel(TINY).withBatch(8, 8, 2).withBudget(25, 0).withEval(0, 4, 0)
                .withLearningRate(3e-3).withKl(KlEstimators.Kind.K3, 0.0, false);
        Recorder r = new Recorder();
        Grpo.train(c, DIGITS, 3, null, r, null, 0);
        double first = (r.updates.get(1).get("charts/reward_mean") + r.updates.get(2).get("charts/reward_mean")) / 2;
        double last = (r.updates.get(24).get("charts/reward_mean") + r.updates.get(25).get("charts/reward_mean")) / 2;
        assertTrue(first < 0.45, "a random tiny model writes few digits: " + first);
        assertTrue(last > first + 0.25, "reward rose from " + first + " to " + last);
    }

    @Test
    void sameSeedSameRun() throws IOException {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Grpo.train(tiny("rloo").withBudget(1, 0), ARITHMETIC, 5, null, a, null, 0);
        Grpo.train(tiny("rloo").withBudget(1, 0), ARITHMETIC, 5, null, b, null, 0);
        assertEquals(a.updates, b.updates);
    }

    @Test
    void resumedRunContinuesExactly(@TempDir Path dir) throws IOException {
        GrpoConfig c = tiny("grpo").withBudget(3, 0).withKl(KlEstimators.Kind.K3, 0.05, false);
        Recorder whole = new Recorder();
        Grpo.train(c, DIGITS, 4, null, whole, null, 0);
        Recorder first = new Recorder();
        Grpo.train(c, DIGITS, 4, null, first, dir, 1);
        assertTrue(Files.isDirectory(dir.resolve("update-000001")));
        Recorder rest = new Recorder();
        Grpo.Result r = Grpo.resume(dir.resolve("update-000001"), DIGITS, rest, null, 0);
        assertEquals(3, r.updates());
        assertEquals(whole.updates.subList(2, 4), rest.updates, "updates 2 and 3 after resuming from update 1");
    }

    @Test
    void theChosenEstimatorChangesTheAdvantages() throws IOException {
        Recorder grpo = new Recorder();
        Recorder drGrpo = new Recorder();
        Grpo.train(tiny("grpo").withBudget(1, 0), DIGITS, 6, null, grpo, null, 0);
        Grpo.train(tiny("dr-grpo").withBudget(1, 0), DIGITS, 6, null, drGrpo, null, 0);
        // same samples (same seed, same model), different credit
        assertEquals(grpo.updates.get(1).get("charts/reward_mean"), drGrpo.updates.get(1).get("charts/reward_mean"));
        assertNotEquals(grpo.updates.get(1).get("charts/advantage_abs_mean"),
                drGrpo.updates.get(1).get("charts/advantage_abs_mean"));
    }

    @Test
    void klInTheRewardChangesTheRewards() throws IOException {
        Recorder plain = new Recorder();
        Recorder shaped = new Recorder();
        GrpoConfig base = tiny("grpo").withBudget(2, 0).withLearningRate(3e-3);
        Grpo.train(base.withKl(KlEstimators.Kind.K1, 0.0, false), DIGITS, 7, null, plain, null, 0);
        Grpo.train(base.withKl(KlEstimators.Kind.K1, 0.5, true), DIGITS, 7, null, shaped, null, 0);
        // update 1 is identical up to the shaping (the policy still equals the reference); by update 2 they differ
        double penalty = shaped.updates.get(2).get("charts/kl_reward_penalty");
        assertTrue(penalty != 0 && Double.isFinite(penalty), "KL penalty in the rewards: " + penalty);
        assertTrue(!plain.updates.get(2).containsKey("charts/kl_reward_penalty"));
        assertNotEquals(plain.updates.get(2).get("charts/advantage_abs_mean"),
                shaped.updates.get(2).get("charts/advantage_abs_mean"));
    }

    @Test
    void everyFamilyEstimatorAndDapoRun() throws IOException {
        for (String name : GrpoConfig.ESTIMATORS) {
            GrpoConfig c = tiny(name).withBudget(1, 0).withEval(0, 2, 0);
            if (name.equals("reinforce++") || name.equals("remax")) {
                c = c.withKl(KlEstimators.Kind.K1, 0.05, true);
            }
            if (name.equals("dr-grpo")) {
                c = c.withDapo();
            }
            Recorder r = new Recorder();
            Grpo.train(c, DIGITS, 2, null, r, null, 0);
            assertEquals(2, r.updates.size(), name);
            assertTrue(Double.isFinite(r.updates.get(1).get("charts/advantage_abs_mean")), name);
        }
    }

    @Test
    void stepLevelEstimatorsWhoseInputsGrpoSuppliesRunToo() throws IOException {
        for (String name : List.of("salt", "ui-s1")) {
            Recorder r = new Recorder();
            Grpo.train(tiny(name).withBudget(1, 0).withEval(0, 2, 0), DIGITS, 2, null, r, null, 0);
            assertTrue(Double.isFinite(r.updates.get(1).get("charts/advantage_abs_mean")), name);
        }
    }

    @Test
    void estimatorsNeedingWhatGrpoCannotSupplyAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Grpo.create(tiny("gae"), DIGITS, 1, null));
        assertTrue(e.getMessage().contains("critic values") && e.getMessage().contains("rloo"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Grpo.create(tiny("spo-tree"), DIGITS, 1, null));
        assertTrue(e.getMessage().contains("tree rollouts"), e.getMessage());
    }

    @Test
    void calculatorRunsWithToolCalls() throws IOException {
        Recorder r = new Recorder();
        Grpo.train(tiny("grpo").withBudget(1, 0).withEval(0, 2, 0), Envs.spec(CalculatorTask.ID), 3, null, r, null, 0);
        assertTrue(r.updates.get(1).containsKey("charts/tool_call_rate"));
    }

    @Test
    void sftThenGrpoFromInitAndMismatchedInitIsRefused(@TempDir Path dir) throws IOException {
        SftConfig sft = new SftConfig(TINY, 3, 8, 1e-3, 1, 1.0, 0, 4, 1);
        Sft.Result base = Sft.run(sft, ARITHMETIC, 1, dir.resolve("sft"), TrainingListener.NONE);
        assertTrue(Double.isFinite(base.evaluation().passAt1()));
        Grpo.Result rl = Grpo.train(tiny("grpo").withModel(null).withBudget(1, 0), ARITHMETIC, 1, dir.resolve("sft"),
                TrainingListener.NONE, dir.resolve("rl/checkpoints"), 0);
        assertEquals(TINY, rl.model().config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Grpo.create(tiny("grpo").withModel(TransformerConfig.defaults()), ARITHMETIC, 1,
                        dir.resolve("sft")));
        assertTrue(e.getMessage().contains("width=32") && e.getMessage().contains("width=128"), e.getMessage());
        LmEvaluation.Result ev = LmEvaluation.evaluate(dir.resolve("rl"), ARITHMETIC, 4, 2, 1);
        assertTrue(ev.passAtK() >= ev.passAt1Sampled());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoConfig.defaults().withBatch(0, 4, 1));
        assertTrue(e.getMessage().contains("group_size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withLearningRate(-1));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withEstimator("nope"));
        assertTrue(e.getMessage().contains("grpo"), e.getMessage());
    }
}
