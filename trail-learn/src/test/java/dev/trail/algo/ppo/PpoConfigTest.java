package dev.trail.algo.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PpoConfigTest {

    @Test
    void cleanRlDefaults() {
        PpoConfig c = PpoConfig.defaults();
        assertEquals(512, c.batchSize());
        assertEquals(128, c.minibatchSize());
        assertEquals(976, c.numUpdates(500_000));
        assertEquals(c, PpoConfig.fromSettings(Map.of()));
        assertEquals(c, PpoConfig.fromSettings(c.asSettings()), "settings round-trip");
        assertEquals(false, c.hasTargetKl());
        assertEquals(0.015, PpoConfig.fromSettings(Map.of("target_kl", "0.015")).targetKl(), 0);
    }

    @Test
    void invalidValuesNameTheKeyAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("gamma", "1.5")));
        assertTrue(e.getMessage().contains("gamma") && e.getMessage().contains("[0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PpoConfig.fromSettings(Map.of("num_minibatchs", "2")));
        assertTrue(e.getMessage().contains("num_minibatchs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PpoConfig.fromSettings(Map.of("num_envs", "1", "num_steps", "2", "num_minibatches", "3")));
        assertTrue(e.getMessage().contains("num_minibatches=3"), e.getMessage());
    }
}
