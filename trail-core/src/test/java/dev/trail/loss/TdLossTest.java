package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TdLossTest {

    @Test
    void targetsBootstrapUnlessTerminated() {
        // y = r + 0.99 · max Q' · notDone: 1 + 0.99·2 = 2.98; terminated: 1
        float[] y = TdLoss.targets(new float[] {1, 1}, new float[] {1, 0}, new float[] {2, 2}, 0.99);
        assertArrayEquals(new float[] {2.98f, 1f}, y, 1e-6f);
    }

    @Test
    void workedExampleMseAndHuber() {
        float[] q = {3.98f, 2.98f, 0.98f};
        float[] y = {2.98f, 2.98f, 2.98f};
        // d = 1, 0, -2: MSE (1 + 0 + 4) / 3; Huber (½ + 0 + 1.5) / 3 (|d| = 1 is linear: 1 - ½ = ½)
        assertEquals(5.0 / 3, TdLoss.loss(q, y, TdLoss.Kind.MSE), 1e-6);
        assertEquals(2.0 / 3, TdLoss.loss(q, y, TdLoss.Kind.HUBER), 1e-6);
        assertArrayEquals(new float[] {2f / 3, 0f, -4f / 3}, TdLoss.gradient(q, y, TdLoss.Kind.MSE), 1e-6f);
        assertArrayEquals(new float[] {1f / 3, 0f, -1f / 3}, TdLoss.gradient(q, y, TdLoss.Kind.HUBER), 1e-6f);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        float[] q = {0.3f, -1.7f, 2.2f, 0.05f};
        float[] y = {0.1f, 0.4f, -0.5f, 0.0f};
        for (TdLoss.Kind kind : TdLoss.Kind.values()) {
            float[] g = TdLoss.gradient(q, y, kind);
            for (int i = 0; i < q.length; i++) {
                float[] up = q.clone();
                float[] down = q.clone();
                up[i] += 1e-3f;
                down[i] -= 1e-3f;
                double numeric = (TdLoss.loss(up, y, kind) - TdLoss.loss(down, y, kind)) / (up[i] - down[i]);
                assertEquals(numeric, g[i], 1e-3, kind + " component " + i);
            }
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TdLoss.Kind.parse("l1"));
        assertTrue(e.getMessage().contains("loss=l1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TdLoss.loss(new float[2], new float[3], TdLoss.Kind.MSE));
        assertTrue(e.getMessage().contains("length 2") && e.getMessage().contains("length 3"), e.getMessage());
    }
}
