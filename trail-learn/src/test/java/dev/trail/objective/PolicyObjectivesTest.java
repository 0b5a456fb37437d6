package dev.trail.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.nn.Torch;
import org.junit.jupiter.api.Test;

class PolicyObjectivesTest {

    // ALGORITHMS.md §0.5 test vector: A and ρ per row, PPO (ε = 0.2) and DAPO (0.2 / 0.28) losses.
    private static final float[] A = {1, 1, 1, 1, -1, -1, -1};
    private static final double[] RHO = {0.5, 1.25, 1.5, 5.0, 0.5, 1.5, 5.0};
    private static final float[] PPO = {-0.5f, -1.2f, -1.2f, -1.2f, 0.8f, 1.5f, 5.0f};
    private static final float[] DAPO = {-0.5f, -1.25f, -1.28f, -1.28f, 0.8f, 1.5f, 5.0f};

    @Test
    void clippedSurrogateMatchesSpecTable() {
        float[] logRatio = new float[RHO.length];
        for (int i = 0; i < RHO.length; i++) {
            logRatio[i] = (float) Math.log(RHO[i]);
        }
        try (NDManager m = Torch.newManager()) {
            NDArray lp = m.create(logRatio);
            NDArray old = m.zeros(lp.getShape());
            NDArray adv = m.create(A);
            assertArrayEquals(PPO, PolicyObjectives.clippedSurrogate(lp, old, adv, 0.2, 0.2)[0].toFloatArray(), 1e-6f);
            assertArrayEquals(DAPO, PolicyObjectives.clippedSurrogate(lp, old, adv, 0.2, 0.28)[0].toFloatArray(), 1e-6f);
        }
    }

    @Test
    void clippedValueLossMatchesSpecExample() {
        // §2.1: V_old 0.5, V_new 0.8, Ret 1.0, ε_v 0.2 -> clipped prediction 0.7, max(0.04, 0.09) = 0.09
        try (NDManager m = Torch.newManager()) {
            NDArray v = m.create(new float[] {0.8f});
            NDArray old = m.create(new float[] {0.5f});
            NDArray ret = m.create(new float[] {1.0f});
            assertEquals(0.09, PolicyObjectives.clippedSquaredError(v, old, ret, 0.2).getFloat(0), 1e-6);
            assertEquals(0.04, PolicyObjectives.squaredError(v, ret).getFloat(0), 1e-6);
        }
    }

    @Test
    void diagnostics() {
        // ρ = (1, 1.5, 0.5): k3 = (0, 0.5 - log 1.5, -0.5 - log 0.5) / 3 ; clip fraction at 0.2 = 2/3
        float[] lr = {0f, (float) Math.log(1.5), (float) Math.log(0.5)};
        double k3 = (0.5 - Math.log(1.5) + (-0.5 - Math.log(0.5))) / 3;
        assertEquals(k3, PolicyObjectives.approxKl(lr), 1e-7);
        assertEquals(2.0 / 3, PolicyObjectives.clipFraction(lr, 0.2), 1e-12);
        assertEquals(-(Math.log(1.5) + Math.log(0.5)) / 3, PolicyObjectives.oldApproxKl(lr), 1e-7);
    }
}
