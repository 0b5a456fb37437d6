package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.TrainingListener;
import dev.trail.algo.sft.Sft;
import dev.trail.algo.sft.SftConfig;
import dev.trail.envs.token.ArithmeticTask;
import dev.trail.envs.token.CalculatorTask;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.LmEvaluation;
import dev.trail.lm.TransformerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpoTest {

    private static final TransformerConfig TINY = TransformerConfig.tiny();

    private static GrpoConfig tiny(String estimator) {
        return GrpoConfig.defaults().withEstimator(estimator).withModel(TINY).withBatch(4, 2, 2).withBudget(2, 0)
                .withEval(0, 4, 2);
    }

    private static final class Recorder implements TrainingListener {
        final List<Map<String, Double>> updates = new ArrayList<>();

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
            updates.add(metrics);
        }
    }

    @Test
    void tinyEndToEndGrpoRunHasFiniteMetricsAndACheckpoint(@TempDir Path dir) throws IOException {
        Recorder r = new Recorder();
        Grpo.Result result = Grpo.run(tiny("grpo"), ArithmeticTask.ID, 1, null, dir, r);
        assertEquals(2, result.updates());
        assertEquals(3, r.updates.size()); // evaluation before + 2 updates
        for (String key : List.of("losses/policy_loss", "losses/kl", "losses/clipfrac", "charts/reward_mean",
                "time/sample_tokens_per_second", "time/update_tokens_per_second", "charts/response_length")) {
            double v = r.updates.get(2).get(key);
            assertTrue(Double.isFinite(v), key + " = " + v);
        }
        assertTrue(r.updates.get(2).containsKey("eval/pass@1"));
        assertTrue(r.updates.get(2).containsKey("eval/pass@2"));
        assertEquals(TINY, LmCheckpoint.load(dir).model().config());
    }

    @Test
    void sameSeedSameRun(@TempDir Path dir) throws IOException {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Grpo.run(tiny("rloo").withBudget(1, 0), ArithmeticTask.ID, 5, null, dir.resolve("a"), a);
        Grpo.run(tiny("rloo").withBudget(1, 0), ArithmeticTask.ID, 5, null, dir.resolve("b"), b);
        for (String key : a.updates.get(1).keySet()) {
            if (!key.startsWith("time/")) {
                assertEquals(a.updates.get(1).get(key), b.updates.get(1).get(key), key);
            }
        }
    }

    @Test
    void everyEstimatorAndDapoOptionsRun(@TempDir Path dir) throws IOException {
        for (String name : GrpoConfig.ESTIMATORS) {
            GrpoConfig c = tiny(name).withBudget(1, 0).withEval(0, 2, 0);
            if (name.equals("reinforce++") || name.equals("remax")) {
                c = c.withKl(dev.trail.loss.KlEstimators.Kind.K1, 0.05, true);
            }
            if (name.equals("dr-grpo")) {
                c = c.withDapo();
            }
            Recorder r = new Recorder();
            Grpo.run(c, ArithmeticTask.ID, 2, null, dir.resolve(name), r);
            assertEquals(2, r.updates.size(), name);
        }
    }

    @Test
    void calculatorRunsWithToolCalls(@TempDir Path dir) throws IOException {
        Recorder r = new Recorder();
        Grpo.run(tiny("grpo").withBudget(1, 0).withEval(0, 2, 0), CalculatorTask.ID, 3, null, dir, r);
        assertTrue(r.updates.get(1).containsKey("charts/tool_call_rate"));
    }

    @Test
    void sftThenGrpoFromInitAndMismatchedInitIsRefused(@TempDir Path dir) throws IOException {
        SftConfig sft = new SftConfig(TINY, 3, 8, 1e-3, 1, 1.0, 0, 4, 1);
        Sft.Result base = Sft.run(sft, ArithmeticTask.ID, 1, dir.resolve("sft"), TrainingListener.NONE);
        assertTrue(base.evaluation().passAt1() >= 0);
        Grpo.Result rl = Grpo.run(tiny("grpo").withModel(null).withBudget(1, 0), ArithmeticTask.ID, 1,
                dir.resolve("sft"), dir.resolve("rl"), TrainingListener.NONE);
        assertEquals(TINY, rl.model().config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Grpo.run(tiny("grpo").withModel(TransformerConfig.defaults()), ArithmeticTask.ID, 1,
                        dir.resolve("sft"), dir.resolve("rl2"), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("width=32") && e.getMessage().contains("width=128"), e.getMessage());
        LmEvaluation.Result ev = LmEvaluation.evaluate(dir.resolve("rl"), ArithmeticTask.ID, 4, 2, 1);
        assertTrue(ev.passAtK() >= ev.passAt1Sampled());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoConfig.defaults().withBatch(0, 4, 1));
        assertTrue(e.getMessage().contains("group_size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withLearningRate(-1));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withSampling(0, 1, 0));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void unknownEstimatorIsRefusedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoConfig.defaults().withEstimator("nope"));
        assertTrue(e.getMessage().contains("grpo"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withEstimator("gae"));
        assertTrue(e.getMessage().contains("critic-free"), e.getMessage());
    }
}
