package dev.trail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordConfigsTest {

    enum Mode { TOKEN_MEAN, SEQ_MEAN }

    record Demo(int numEnvs, long totalSteps, double learningRate, boolean annealLr, Double targetKl, Mode mode,
            String name) {
        Demo {
            if (numEnvs < 1) {
                throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
            }
        }
    }

    static final Demo DEFAULTS = new Demo(4, 500_000, 2.5e-4, true, null, Mode.TOKEN_MEAN, "x");

    @Test
    void bindsCamelAndSnakeCaseKeysOverDefaults() {
        Demo d = RecordConfigs.bind("demo", DEFAULTS, Map.of("num_envs", "8", "learningRate", "1e-3",
                "anneal-lr", "false", "target_kl", "0.015", "mode", "seq-mean", "total_steps", "1e6"));
        assertEquals(new Demo(8, 1_000_000, 1e-3, false, 0.015, Mode.SEQ_MEAN, "x"), d);
        assertEquals(DEFAULTS, RecordConfigs.bind("demo", DEFAULTS, Map.of()));
        assertNull(RecordConfigs.bind("demo", new Demo(4, 1, 1, true, 0.1, Mode.SEQ_MEAN, "x"),
                Map.of("target_kl", "none")).targetKl());
    }

    @Test
    void unknownKeyIsRefusedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordConfigs.bind("demo", DEFAULTS, Map.of("num_env", "8")));
        assertTrue(e.getMessage().contains("num_env") && e.getMessage().contains("numEnvs"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        for (Map<String, String> bad : List.of(Map.of("num_envs", "four"), Map.of("anneal_lr", "yes"),
                Map.of("mode", "sum"), Map.of("total_steps", "1.5"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RecordConfigs.bind("demo", DEFAULTS, bad));
            String key = bad.keySet().iterator().next().replace("_", "");
            assertTrue(e.getMessage().toLowerCase().contains(key.toLowerCase()) && e.getMessage().contains(bad.values().iterator().next()),
                    e.getMessage());
        }
    }

    @Test
    void constructorValidationIsReportedWithTheOwner() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecordConfigs.bind("demo", DEFAULTS, Map.of("num_envs", "0")));
        assertTrue(e.getMessage().startsWith("demo config: numEnvs must be >= 1"), e.getMessage());
    }

    @Test
    void toMapListsComponentsInOrderWithEnumsInCliSpelling() {
        Map<String, Object> m = RecordConfigs.toMap(DEFAULTS);
        assertEquals(List.of("numEnvs", "totalSteps", "learningRate", "annealLr", "targetKl", "mode", "name"),
                List.copyOf(m.keySet()));
        assertEquals("token-mean", m.get("mode"));
    }
}
