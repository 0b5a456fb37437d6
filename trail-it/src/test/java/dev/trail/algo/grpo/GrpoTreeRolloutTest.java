package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.TrainingListener;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.token.ArithmeticTask;
import dev.trail.lm.TransformerConfig;
import dev.trail.algo.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRPO with tree rollouts: spo-tree credit from the trees, exact resume, and the refused combinations. */
class GrpoTreeRolloutTest {

    private static final EnvSpec ARITHMETIC = Envs.spec(ArithmeticTask.ID);

    private static GrpoConfig config(Map<String, String> sets) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("group_size", "4", "prompts_per_batch", "2",
                "num_minibatches", "2", "iterations", "2", "eval_every", "0", "eval_problems", "4", "eval_k", "2"));
        all.putAll(sets);
        return GrpoConfig.binder("grpo").bind(null, all).withModel(TransformerConfig.tiny());
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
    void spoTreeCreditTrainsFromTreesAndResumesExactly(@TempDir Path dir) throws IOException {
        GrpoConfig c = config(Map.of("rollout", "tree-spo", "estimator", "spo-tree", "tree.branching", "2x2",
                "tree.segment_tokens", "2"));
        Recorder full = new Recorder();
        Grpo.train(c, DigitsTask.spec(), 4, null, full, dir.resolve("a"), 1);
        assertEquals(3, full.updates.size());
        Map<String, Double> last = full.updates.get(2);
        for (String key : List.of("losses/policy_loss", "charts/advantage_abs_mean", "charts/tokens_computed_per_trajectory")) {
            assertTrue(Double.isFinite(last.get(key)), key + " = " + last.get(key));
        }
        assertTrue(last.get("charts/advantage_abs_mean") > 0, "spo-tree edges carry credit (Digits pays partial rewards)");
        // shared prefixes: fewer tokens computed than the responses' own prompt + response tokens would need
        assertTrue(last.get("charts/tokens_computed") < last.get("charts/trajectories")
                * (last.get("charts/response_length") + 9), String.valueOf(last));
        Recorder resumed = new Recorder();
        Grpo.resume(dir.resolve("a").resolve("update-000001"), DigitsTask.spec(), resumed, dir.resolve("b"), 0);
        assertEquals(1, resumed.updates.size());
        Map<String, Double> a = new LinkedHashMap<>(last);
        Map<String, Double> b = new LinkedHashMap<>(resumed.updates.get(0));
        a.remove("losses/skipped_steps");
        b.remove("losses/skipped_steps");
        assertEquals(a, b, "the resumed run continues exactly");
    }

    @Test
    void latrAndArpoRolloutsTrainWithGrpoCredit() throws IOException {
        for (String rollout : new String[] {"tree-latr", "tree-arpo"}) {
            Recorder r = new Recorder();
            Grpo.train(config(Map.of("rollout", rollout, "iterations", "1")), ARITHMETIC, 5, null, r, null, 0);
            assertEquals(8.0, r.updates.get(1).get("charts/trajectories"), rollout + ": G per prompt");
        }
    }

    @Test
    void optionsThatDoNotFitTheRolloutAreRefusedNamingBoth() {
        IllegalArgumentException iid = assertThrows(IllegalArgumentException.class,
                () -> Grpo.checkCredit(config(Map.of("estimator", "spo-tree"))));
        assertTrue(iid.getMessage().contains("estimator=spo-tree") && iid.getMessage().contains("rollout=iid"),
                iid.getMessage());
        IllegalArgumentException remax = assertThrows(IllegalArgumentException.class,
                () -> Grpo.checkCredit(config(Map.of("estimator", "remax", "rollout", "tree-latr"))));
        assertTrue(remax.getMessage().contains("estimator=remax") && remax.getMessage().contains("rollout=tree-latr"),
                remax.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Grpo.checkCredit(config(Map.of("rollout", "tree-spo", "tree.branching", "2x3"))));
        assertTrue(shape.getMessage().contains("2x3") && shape.getMessage().contains("group_size is 4"),
                shape.getMessage());
        IllegalArgumentException dynamic = assertThrows(IllegalArgumentException.class,
                () -> Grpo.checkCredit(config(Map.of("rollout", "tree-arpo", "dynamic_sampling", "true"))));
        assertTrue(dynamic.getMessage().contains("dynamic_sampling") && dynamic.getMessage().contains("tree-arpo"));
        Grpo.checkCredit(config(Map.of("rollout", "tree-spo", "tree.branching", "2x2", "estimator", "spo-tree")));
    }
}
