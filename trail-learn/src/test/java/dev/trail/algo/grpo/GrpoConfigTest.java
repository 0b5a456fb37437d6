package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trail.config.Option;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.lm.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpoConfigTest {

    private static final ConfigBinder<GrpoConfig> GRPO = GrpoConfig.binder("grpo");

    /** The defaults of before the binder (GrpoOptions), written out so that a changed default fails here. */
    @Test
    void defaults() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("estimator", "grpo");
        expected.put("group_size", 8);
        expected.put("prompts_per_batch", 64);
        expected.put("clip_epsilon_low", 0.2);
        expected.put("clip_epsilon_high", 0.2);
        expected.put("dual_clip_c", Double.POSITIVE_INFINITY);
        expected.put("loss_aggregation", "token-mean");
        expected.put("kl_estimator", "k3");
        expected.put("kl_coef", 0.01);
        expected.put("kl_in_reward", false);
        expected.put("ent_coef", 0.0);
        expected.put("update_epochs", 2);
        expected.put("num_minibatches", 2);
        expected.put("learning_rate", 5e-5);
        expected.put("max_grad_norm", 1.0);
        expected.put("temperature", 1.0);
        expected.put("top_p", 1.0);
        expected.put("max_new_tokens", 0);
        expected.put("dynamic_sampling", false);
        expected.put("max_gen_batches", 3);
        expected.put("overlong_shaping", false);
        expected.put("overlong_cache", 4);
        expected.put("iterations", 200);
        expected.put("max_minutes", 0.0);
        expected.put("eval_every", 20);
        expected.put("eval_problems", 200);
        expected.put("eval_k", 4);
        expected.put("model", null);
        expected.put("dapo", false);
        expected.put("estimator_options", "");
        expected.put("rollout", "iid");
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("branching", "2x2x2");
        tree.put("segment_tokens", 4);
        tree.put("latr_eta", "0:1,10:0.75,20:0.5,80:0.25,200:0");
        tree.put("latr_tau_abs", 0.25);
        tree.put("latr_tau_rel", 0.15);
        tree.put("latr_tau_ed", 0.4);
        tree.put("latr_filter_steps", "4x6x8");
        tree.put("latr_keep_math_symbols", true);
        tree.put("latr_threshold_decay", 0.05);
        tree.put("latr_force_return_step", 512);
        tree.put("arpo_initial_rollouts", 0);
        tree.put("arpo_beam_size", 2);
        tree.put("arpo_branch_probability", 0.5);
        tree.put("arpo_entropy_weight", 0.2);
        expected.put("tree", tree);
        expected.put("max_sampled_tokens", 0L);
        Map<String, Object> stepCredit = new LinkedHashMap<>();
        stepCredit.put("mc_samples", 9);
        stepCredit.put("progress_steps", 100);
        stepCredit.put("progress_learning_rate", 0.01);
        stepCredit.put("patch_threshold", 2);
        expected.put("step_credit", stepCredit);
        expected.put("rollout_workers", "local");
        expected.put("spark_master", null);
        expected.put("rollout_shards", 1);
        assertEquals(expected, GrpoConfig.defaults().toMap());
        assertEquals(GrpoConfig.defaults(), GRPO.parse(Map.of()));
        assertEquals("rloo", GrpoConfig.binder("rloo").parse(Map.of()).estimator());
    }

    @Test
    void dapoGivesDaposValuesUnlessSetExplicitly() {
        GrpoConfig dapo = GRPO.parse(Map.of("dapo", "true"));
        assertEquals(GrpoConfig.defaults().withDapo(), dapo);
        assertTrue(dapo.dapo() && dapo.dynamicSampling() && dapo.overlongShaping());
        assertEquals(0.28, dapo.epsilonHigh());
        assertEquals(0.0, dapo.klCoef());
        GrpoConfig mine = GRPO.parse(Map.of("dapo", "true", "clip_epsilon_high", "0.3", "dynamic_sampling", "false"));
        assertEquals(0.3, mine.epsilonHigh());
        assertFalse(mine.dynamicSampling());
        assertTrue(mine.overlongShaping(), "the other DAPO values stay");
        assertEquals(mine, GRPO.bind(mine.toMap()), "the resolved map reproduces the run");
        assertEquals(GrpoConfig.defaults(), GRPO.parse(Map.of("dapo", "false")));
    }

    @Test
    void oneSpellingPerConcept() {
        List<String> keys = GRPO.options().stream().map(Option::name).toList();
        assertTrue(keys.containsAll(List.of("ent_coef", "num_minibatches", "learning_rate", "max_grad_norm",
                "update_epochs", "kl_coef")), keys.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GRPO.parse(Map.of("entropy_coef", "0.01")));
        assertTrue(e.getMessage().contains("'entropy_coef'") && e.getMessage().contains("'ent_coef'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GRPO.parse(Map.of("minibatches", "1")));
        assertTrue(e.getMessage().contains("'num_minibatches'"), e.getMessage());
    }

    @Test
    void valuesAreCheckedAndNoneTurnsTheDualClipOff() {
        assertEquals(3.0, GRPO.parse(Map.of("dual_clip_c", "3")).dualClipC());
        assertEquals(Double.POSITIVE_INFINITY, GRPO.parse(Map.of("dual_clip_c", "none")).dualClipC());
        assertEquals(dev.trail.loss.Aggregation.SEQ_MEAN_TOKEN_SUM_NORM,
                GRPO.parse(Map.of("loss_aggregation", "seq-mean-token-sum-norm")).aggregation());
        assertEquals(dev.trail.loss.KlEstimators.Kind.K1, GRPO.parse(Map.of("kl_estimator", "k1")).klKind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GRPO.parse(Map.of("group_size", "4294967296")));
        assertTrue(e.getMessage().contains("group_size=4294967296 is outside the allowed range [1, 4096]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GRPO.parse(Map.of("kl_in_reward", "yes")));
        assertTrue(e.getMessage().contains("kl_in_reward=yes must be true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GRPO.parse(Map.of("num_minibatches", "1000")));
        assertTrue(e.getMessage().contains("num_minibatches"), e.getMessage());
    }

    @Test
    void modelSectionAndRoundTrip() throws Exception {
        Map<String, String> sets = new LinkedHashMap<>();
        TransformerConfig tiny = TransformerConfig.tiny();
        tiny.toJson().fields().forEachRemaining(f -> sets.put("model." + f.getKey(), f.getValue().asText()));
        GrpoConfig c = GRPO.parse(sets);
        assertEquals(tiny, c.model());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GRPO.parse(Map.of("model.layers", "1")));
        assertTrue(e.getMessage().contains("model.vocab_size") && e.getMessage().contains("required"), e.getMessage());
        @SuppressWarnings("unchecked")
        Map<String, Object> back = new YAMLMapper().readValue(GRPO.toYaml(c), Map.class);
        assertEquals(c, GRPO.bind(back));
    }

    @Test
    void sparkRolloutWorkersTakeIidRolloutsOnly() {
        assertEquals("spark", GRPO.parse(Map.of("rollout_workers", "spark")).rolloutWorkers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GRPO.parse(Map.of("rollout_workers", "ray")));
        assertTrue(e.getMessage().contains("rollout_workers=ray must be local or spark"), e.getMessage());
        GrpoConfig trees = GRPO.parse(Map.of("rollout", "tree-spo", "estimator", "spo-tree", "rollout_workers", "spark"));
        e = assertThrows(IllegalArgumentException.class, () -> Grpo.checkRollout(trees));
        assertTrue(e.getMessage().contains("rollout_workers=spark") && e.getMessage().contains("rollout=tree-spo"),
                e.getMessage());
    }
}
