package dev.trail.algo.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.trail.loss.TdLoss;
import dev.trail.nn.Torch;
import dev.trail.objective.Losses;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DqnConfigTest {

    @Test
    void defaultsAreCleanRls() {
        DqnConfig c = DqnConfig.defaults();
        assertEquals(2.5e-4, c.learningRate());
        assertEquals(10_000, c.bufferSize());
        assertEquals(1.0, c.tau());
        assertEquals(500, c.targetNetworkFrequency());
        assertEquals(128, c.batchSize());
        assertEquals(10_000, c.learningStarts());
        assertEquals(10, c.trainFrequency());
        assertArrayEquals(new int[] {120, 84}, c.hiddenLayers());
        assertEquals(TdLoss.Kind.MSE, c.lossKind());
    }

    @Test
    void epsilonFallsLinearlyOverTheExplorationFraction() {
        DqnConfig c = DqnConfig.defaults(); // 1 -> 0.05 over 0.5 · 500000 = 250000 steps
        long total = 500_000;
        assertEquals(1.0, c.epsilon(0, total), 1e-12);
        assertEquals(1 - 0.95 * 0.5, c.epsilon(125_000, total), 1e-12);
        assertEquals(1 - 0.95 * 0.1, c.epsilon(25_000, total), 1e-12);
        assertEquals(0.05, c.epsilon(250_000, total), 1e-12);
        assertEquals(0.05, c.epsilon(499_999, total), 1e-12);
        // duration 10 steps: step 3 is 1 - 0.3·0.95
        assertEquals(0.715, DqnConfig.linearSchedule(1, 0.05, 10, 3), 1e-12);
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DqnConfig.fromSettings(Map.of("loss", "l1")));
        assertTrue(e.getMessage().contains("l1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DqnConfig.fromSettings(Map.of("backend", "gpu")));
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DqnConfig.fromSettings(Map.of("epsilon", "0.1")));
        assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
        assertEquals("huber", DqnConfig.fromSettings(Map.of("loss", "huber")).loss());
    }

    @Test
    void tensorTdLossMatchesTheReference() {
        float[] q = {3.98f, 2.98f, 0.98f, -0.4f};
        float[] y = {2.98f, 2.5f, 2.98f, 0.2f};
        try (NDManager m = Torch.newManager()) {
            for (TdLoss.Kind kind : TdLoss.Kind.values()) {
                float got = Losses.tdLoss(m.create(q), m.create(y), kind).getFloat();
                assertEquals(TdLoss.loss(q, y, kind), got, 1e-6, kind.toString());
            }
        }
    }
}
