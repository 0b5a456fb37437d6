package dev.trail.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trail.nn.Parameters;
import org.junit.jupiter.api.Test;

class OptimTest {

    @Test
    void adamMatchesHandComputation() {
        Parameters p = new Parameters();
        p.add("w", new int[] {2}, new float[] {1.0f, -2.0f});
        Adam adam = new Adam(p, 0.9, 0.999, 1e-8);
        double lr = 0.1;
        // step 1, g = (0.5, -1):  m = 0.1 g, v = 0.001 g²;  m̂ = g, v̂ = g²  ->  θ -= lr · g/(|g| + ε) ≈ lr · sign(g)
        adam.step(p, new float[][] {{0.5f, -1f}}, lr);
        assertEquals(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), p.get(0).data()[0], 1e-6);
        assertEquals(-2.0 + 0.1, p.get(0).data()[1], 1e-6);
        // step 2, g = (1, 0):  m = (0.9·0.05 + 0.1·1, 0.9·(-0.1)) = (0.145, -0.09)
        //                      v = (0.999·0.00025 + 0.001, 0.999·0.001) = (0.00124975, 0.000999)
        //   step size = lr / (1 - 0.81) = 0.1/0.19;  denom = sqrt(v)/sqrt(1 - 0.998001) + ε
        adam.step(p, new float[][] {{1f, 0f}}, lr);
        double b2 = Math.sqrt(1 - 0.999 * 0.999);
        double w0 = 0.9 - 0.1 / 0.19 * 0.145 / (Math.sqrt(0.00124975) / b2 + 1e-8);
        double w1 = -1.9 - 0.1 / 0.19 * -0.09 / (Math.sqrt(0.000999) / b2 + 1e-8);
        assertEquals(w0, p.get(0).data()[0], 1e-5);
        assertEquals(w1, p.get(0).data()[1], 1e-5);
        assertEquals(2, adam.stepCount());
    }

    @Test
    void adamStateRoundTrips() {
        Parameters p = new Parameters();
        p.add("w", new int[] {1}, new float[] {1f});
        Parameters q = p.copy();
        Adam a = new Adam(p, 1e-5);
        a.step(p, new float[][] {{0.3f}}, 0.01);
        Adam b = new Adam(q, 1e-5);
        q.copyFrom(p);
        b.restore(a.firstMoments(), a.secondMoments(), a.stepCount());
        a.step(p, new float[][] {{-0.7f}}, 0.01);
        b.step(q, new float[][] {{-0.7f}}, 0.01);
        assertArrayEquals(p.get(0).data(), q.get(0).data());
    }

    @Test
    void clipsByGlobalNormLikePyTorch() {
        // norm of (3, 4 | 12) = 13;  max 1.3 -> scale 1.3 / (13 + 1e-6)
        float[][] g = {{3f, 4f}, {12f}};
        double norm = GradientClipping.clipGlobalNorm(g, 1.3);
        assertEquals(13.0, norm, 1e-9);
        double c = 1.3 / (13 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * c), (float) (4 * c)}, g[0], 1e-7f);
        assertEquals(1.3, GradientClipping.globalNorm(g), 1e-6);
        float[][] small = {{0.3f, 0.4f}};
        GradientClipping.clipGlobalNorm(small, 1.0);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small[0], "below the limit nothing changes");
    }

    @Test
    void linearScheduleAnnealsLikeCleanRl() {
        LearningRateSchedule s = LearningRateSchedule.linear(2.5e-4);
        // update i of N = 4: lr · (1 - (i-1)/4)
        assertEquals(2.5e-4, s.at(0.0), 1e-15);
        assertEquals(2.5e-4 * 0.25, s.at(3.0 / 4), 1e-15);
        assertEquals(1e-3, LearningRateSchedule.constant(1e-3).at(0.7), 0);
    }
}
