package dev.trail.algo.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PpoConfigTest {

    /** CleanRL ppo.py's defaults, written out so that a changed default fails here. */
    @Test
    void defaultsAreCleanRls() {
        PpoConfig c = PpoConfig.defaults();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("num_envs", 4);
        expected.put("num_steps", 128);
        expected.put("learning_rate", 2.5e-4);
        expected.put("anneal_lr", true);
        expected.put("gamma", 0.99);
        expected.put("gae_lambda", 0.95);
        expected.put("num_minibatches", 4);
        expected.put("update_epochs", 4);
        expected.put("norm_adv", true);
        expected.put("clip_coef", 0.2);
        expected.put("clip_vloss", true);
        expected.put("ent_coef", 0.01);
        expected.put("vf_coef", 0.5);
        expected.put("max_grad_norm", 0.5);
        expected.put("target_kl", null);
        expected.put("adam_epsilon", 1e-5);
        expected.put("hidden_sizes", "64,64");
        expected.put("normalize_observations", false);
        expected.put("normalize_rewards", false);
        expected.put("clip_observations", 10.0);
        expected.put("clip_rewards", 10.0);
        expected.put("advantage_estimator", "gae");
        expected.put("backend", "auto");
        expected.put("bc_dataset", "");
        expected.put("bc_pretrain_steps", 0);
        expected.put("bc_coef", 0.0);
        expected.put("bc_batch_size", 256);
        expected.put("bc_learning_rate", 1e-3);
        expected.put("start_states", "");
        expected.put("start_state_fraction", 0.5);
        expected.put("rollout_workers", "local");
        expected.put("spark_master", null);
        expected.put("num_threads", 1);
        assertEquals(expected, c.toMap());
        assertEquals(512, c.batchSize());
        assertEquals(128, c.minibatchSize());
        assertEquals(976, c.numUpdates(500_000));
        assertEquals(c, PpoConfig.fromSettings(Map.of()));
        assertFalse(c.hasTargetKl());
        assertEquals(0.015, PpoConfig.fromSettings(Map.of("target_kl", "0.015")).targetKl(), 0);
        assertNull(PpoConfig.fromSettings(Map.of("target_kl", "none")).targetKl());
    }

    /** ppo_continuous_action.py's defaults. */
    @Test
    void continuousDefaultsAreCleanRls() {
        PpoConfig c = PpoConfig.continuousDefaults();
        Map<String, Object> m = c.toMap();
        assertEquals(1, m.get("num_envs"));
        assertEquals(2048, m.get("num_steps"));
        assertEquals(3e-4, m.get("learning_rate"));
        assertEquals(32, m.get("num_minibatches"));
        assertEquals(10, m.get("update_epochs"));
        assertEquals(0.0, m.get("ent_coef"));
        assertEquals(true, m.get("normalize_observations"));
        assertEquals(true, m.get("normalize_rewards"));
        assertEquals(c, PpoConfig.binder().withDefaults(c).parse(Map.of()));
    }

    @Test
    void roundTripsThroughYaml() throws Exception {
        PpoConfig c = PpoConfig.fromSettings(Map.of("target_kl", "0.02", "hidden_sizes", "32, 16", "learning_rate",
                "1e-3"));
        YAMLMapper yaml = new YAMLMapper();
        assertEquals(c, PpoConfig.binder().bind(yaml.readValue(PpoConfig.binder().toYaml(c), Map.class)));
        PpoConfig d = PpoConfig.defaults();
        assertEquals(d, PpoConfig.binder().bind(yaml.readValue(PpoConfig.binder().toYaml(d), Map.class)));
    }

    @Test
    void invalidValuesNameTheKeyAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("gamma", "1.5")));
        assertTrue(e.getMessage().contains("gamma=1.5") && e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PpoConfig.fromSettings(Map.of("num_minibatchs", "2")));
        assertTrue(e.getMessage().contains("'num_minibatchs'") && e.getMessage().contains("'num_minibatches'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("num_envs", "1", "num_steps", "2", "num_minibatches", "3")));
        assertTrue(e.getMessage().contains("num_minibatches=3"), e.getMessage());
    }

    /** The offline-data keys: BC needs its dataset and the dataset needs a use; BC runs on DJL. */
    @Test
    void offlineDataKeysAreCheckedTogether() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("bc_pretrain_steps", "10")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bc_pretrain_steps=10 needs bc_dataset=FILE"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("bc_dataset", "d.parquet")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bc_dataset=d.parquet is used only with"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("bc_dataset", "d.parquet", "bc_coef", "1", "backend", "java")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("backend=djl"), e.getMessage());
        PpoConfig bc = PpoConfig.fromSettings(Map.of("bc_dataset", "d.parquet", "bc_coef", "0.5"));
        org.junit.jupiter.api.Assertions.assertTrue(bc.usesBc());
        assertFalse(bc.javaBackend(100), "the BC term runs on DJL");
        assertFalse(PpoConfig.defaults().usesStartStates());
        org.junit.jupiter.api.Assertions.assertTrue(PpoConfig.fromSettings(Map.of("start_states", "t.jsonl")).usesStartStates());
    }
}
