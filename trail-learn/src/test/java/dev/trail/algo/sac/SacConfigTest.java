package dev.trail.algo.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SacConfigTest {

    /** CleanRL sac_continuous_action.py's defaults, written out so that a changed default fails here. */
    @Test
    void defaultsAreCleanRls() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("buffer_size", 1_000_000);
        expected.put("gamma", 0.99);
        expected.put("tau", 0.005);
        expected.put("batch_size", 256);
        expected.put("learning_starts", 5000);
        expected.put("policy_lr", 3e-4);
        expected.put("q_lr", 1e-3);
        expected.put("policy_frequency", 2);
        expected.put("target_network_frequency", 1);
        expected.put("alpha", 0.2);
        expected.put("autotune", true);
        expected.put("hidden_sizes", "256,256");
        // RLPD options, off by default: plain CleanRL SAC
        expected.put("offline_dataset", "");
        expected.put("offline_ratio", 0.5);
        expected.put("utd_ratio", 1);
        expected.put("layer_norm_critics", false);
        expected.put("num_threads", 1);
        assertEquals(expected, SacConfig.defaults().toMap());
        assertEquals(SacConfig.defaults(), SacConfig.fromSettings(Map.of()));
    }

    @Test
    void roundTripAndRefusals() throws Exception {
        SacConfig c = SacConfig.fromSettings(Map.of("q_lr", "3e-4", "autotune", "false", "hidden_sizes", "64,64"));
        @SuppressWarnings("unchecked")
        Map<String, Object> back = new YAMLMapper().readValue(SacConfig.binder().toYaml(c), Map.class);
        assertEquals(c, SacConfig.binder().bind(back));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SacConfig.fromSettings(Map.of("buffer_size", "1e300")));
        assertTrue(e.getMessage().contains("buffer_size=1e300 is outside the allowed range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SacConfig.fromSettings(Map.of("batch_size", "512",
                "buffer_size", "100")));
        assertTrue(e.getMessage().contains("batch_size=512"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SacConfig.fromSettings(Map.of("learning_rate", "1")));
        assertTrue(e.getMessage().contains("'learning_rate'") && e.getMessage().contains("closest known key"),
                e.getMessage());
    }
}
