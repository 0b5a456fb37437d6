package dev.trail.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import org.junit.jupiter.api.Test;

class GridCnnTest {

    /** Random valid MiniGrid observations: codes in range, a direction in 0..3. */
    static float[] observations(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * GridCnn.OBSERVATION_SIZE];
        for (int r = 0; r < n; r++) {
            for (int cell = 0; cell < 49; cell++) {
                x[r * 148 + cell * 3] = rng.nextInt(11);
                x[r * 148 + cell * 3 + 1] = rng.nextInt(6);
                x[r * 148 + cell * 3 + 2] = rng.nextInt(3);
            }
            x[r * 148 + 147] = rng.nextInt(4);
        }
        return x;
    }

    @Test
    void parameterShapesAreThoseOfTheThreeConvolutions() {
        Parameters p = new Parameters();
        GridCnn.create("encoder", new Rng(1), p);
        assertEquals("encoder.conv0.weight", p.get(0).name());
        assertArrayEquals(new int[] {16, 20, 2, 2}, p.get(0).shape());
        assertArrayEquals(new int[] {32, 16, 2, 2}, p.get("encoder.conv1.weight").shape());
        assertArrayEquals(new int[] {64, 32, 2, 2}, p.get("encoder.conv2.weight").shape());
        assertArrayEquals(new int[] {64}, p.get("encoder.conv2.bias").shape());
        // 16·20·4+16 + 32·16·4+32 + 64·32·4+64
        assertEquals(1296 + 2080 + 8256, p.scalarCount());
    }

    @Test
    void onePlanePerCodeAndDirectionOneHot() {
        float[] obs = new float[148];
        // cell (vx=1, vy=2): a red (0) closed (1) door (4); every other cell "unseen" [0, 0, 0]
        int cell = 1 * 7 + 2;
        obs[cell * 3] = 4;
        obs[cell * 3 + 1] = 0;
        obs[cell * 3 + 2] = 1;
        obs[147] = 3;
        float[] p = GridCnn.planes(obs, 1);
        assertEquals(20 * 49, p.length);
        assertEquals(1f, p[4 * 49 + cell]);          // object plane 4
        assertEquals(0f, p[0 * 49 + cell]);          // not "unseen"
        assertEquals(1f, p[(11 + 0) * 49 + cell]);   // colour plane 0
        assertEquals(1f, p[(17 + 1) * 49 + cell]);   // state plane 1
        assertEquals(1f, p[0 * 49 + 0]);             // cell (0, 0) is unseen: object 0
        float sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertEquals(3 * 49, sum); // three ones per cell
        assertArrayEquals(new float[] {0, 0, 0, 1}, GridCnn.directions(obs, 1));
    }

    @Test
    void javaPassMatchesDjl() {
        Parameters p = new Parameters();
        GridCnn cnn = GridCnn.create("encoder", new Rng(2), p);
        int n = 9;
        float[] obs = observations(n, 3);
        float[] javaOut = java.util.Arrays.copyOf(cnn.forward(obs, n), n * GridCnn.FEATURES);
        try (NDManager m = Torch.newManager()) {
            NDArray out = cnn.forward(p.constant(m), m.create(obs, new Shape(n, 148)));
            assertEquals(new Shape(n, GridCnn.FEATURES), out.getShape());
            assertArrayEquals(out.toFloatArray(), javaOut, 1e-5f);
        }
        boolean someActive = false;
        for (int i = 0; i < n * GridCnn.FEATURES; i++) {
            someActive |= i % GridCnn.FEATURES < 64 && javaOut[i] > 0;
        }
        assertTrue(someActive, "relu features all zero: the comparison would be vacuous");
    }

    @Test
    void outOfRangeCodesAreNamed() {
        float[] obs = observations(2, 4);
        obs[148 + 5 * 3 + 1] = 6; // colour 6 in row 1, cell 5 = (0, 5)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridCnn.planes(obs, 2));
        assertTrue(e.getMessage().contains("grid observation 1: cell (0, 5) channel 1 has value 6.0"), e.getMessage());
        float[] dir = observations(1, 5);
        dir[147] = 4;
        Parameters p = new Parameters();
        GridCnn cnn = GridCnn.create("encoder", new Rng(2), p);
        e = assertThrows(IllegalArgumentException.class, () -> cnn.forward(dir, 1));
        assertTrue(e.getMessage().contains("direction 4.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cnn.forward(new float[10], 1));
    }

    @Test
    void actorCriticOnTheEncoderActsAsItLearnsAndGradientsReachTheConvolutions() {
        PolicySpec spec = PolicySpec.forSpaces(Box.uniform(0, 255, 148), new Discrete(7))
                .withEncoder(PolicySpec.Encoder.GRID_CNN);
        assertArrayEquals(new int[] {68, 64, 64, 7}, spec.actorSizes());
        ActorCritic ac = ActorCritic.create(spec, new Rng(1));
        int n = 5;
        float[] obs = observations(n, 6);
        ActorCritic.Acted acted = ac.act(obs, n, new Rng(7));
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound b = ac.parameters().bind(m);
            NDArray x = m.create(obs, new Shape(n, 148));
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                ActorCritic.Evaluated ev = ac.evaluate(b, x, m.create(acted.discreteActions()));
                assertArrayEquals(acted.logProbs(), ev.logProbs().toFloatArray(), 1e-5f);
                assertArrayEquals(acted.values(), ev.values().toFloatArray(), 1e-5f);
                gc.backward(ev.logProbs().sum().add(ev.values().sum()));
            }
            float[][] g = b.gradients();
            int conv0 = ac.parameters().indexOf("encoder.conv0.weight");
            double norm = 0;
            for (float v : g[conv0]) {
                norm += v * v;
            }
            assertTrue(norm > 0, "no gradient reached the first convolution");
        }
        // the checkpoint round trip keeps the encoder
        ActorCritic again = ActorCritic.attach(spec, ac.parameters());
        assertArrayEquals(ac.values(obs, n), again.values(obs, n));
    }
}
