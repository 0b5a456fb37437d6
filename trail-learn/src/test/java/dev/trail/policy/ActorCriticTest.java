package dev.trail.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import org.junit.jupiter.api.Test;

class ActorCriticTest {

    private static float[] observations(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextGaussian());
        }
        return x;
    }

    /** Randomises all weights (the fresh heads are tiny, which would make the comparison too easy). */
    private static void perturb(Parameters p, long seed) {
        Rng rng = new Rng(seed);
        for (Parameters.Tensor t : p.tensors()) {
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] += (float) (0.3 * rng.nextGaussian());
            }
        }
        p.markModified();
    }

    @Test
    void javaActorMatchesDjlNetworkDiscrete() {
        PolicySpec spec = PolicySpec.forSpaces(Box.uniform(-5, 5, 4), new Discrete(3));
        ActorCritic ac = ActorCritic.create(spec, new Rng(1));
        perturb(ac.parameters(), 2);
        int n = 16;
        float[] obs = observations(n, 4, 3);
        ActorCritic.Acted acted = ac.act(obs, n, new Rng(4));
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound b = ac.parameters().constant(m);
            NDArray x = m.create(obs, new Shape(n, 4));
            assertArrayEquals(ac.actorOutputs(obs, n), ac.actor().forward(b, x).toFloatArray(), 1e-5f);
            ActorCritic.Evaluated ev = ac.evaluate(b, x, m.create(acted.discreteActions()));
            assertArrayEquals(acted.logProbs(), ev.logProbs().toFloatArray(), 1e-5f);
            assertArrayEquals(acted.values(), ev.values().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void javaActorMatchesDjlNetworkContinuous() {
        PolicySpec spec = PolicySpec.forSpaces(Box.uniform(-5, 5, 3), Box.uniform(-2, 2, 2));
        ActorCritic ac = ActorCritic.create(spec, new Rng(1));
        perturb(ac.parameters(), 5);
        int n = 8;
        float[] obs = observations(n, 3, 6);
        ActorCritic.Acted acted = ac.act(obs, n, new Rng(7));
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound b = ac.parameters().constant(m);
            NDArray x = m.create(obs, new Shape(n, 3));
            ActorCritic.Evaluated ev = ac.evaluate(b, x, m.create(acted.continuousActions(), new Shape(n, 2)));
            assertArrayEquals(acted.logProbs(), ev.logProbs().toFloatArray(), 1e-4f);
            assertArrayEquals(acted.values(), ev.values().toFloatArray(), 1e-5f);
            float[] logStd = ac.parameters().get(ActorCritic.LOG_STD).data();
            assertEquals(dev.trail.dist.DiagGaussian.entropy(logStd, 2), ev.entropy().getFloat(0), 1e-5);
        }
    }

    @Test
    void cleanRlInitialisation() {
        PolicySpec spec = PolicySpec.forSpaces(Box.uniform(-5, 5, 4), new Discrete(2));
        ActorCritic ac = ActorCritic.create(spec, new Rng(1));
        Parameters p = ac.parameters();
        assertEquals("critic.0.weight[64, 4], critic.0.bias[64], critic.1.weight[64, 64], critic.1.bias[64], "
                + "critic.2.weight[1, 64], critic.2.bias[1], actor.0.weight[64, 4], actor.0.bias[64], "
                + "actor.1.weight[64, 64], actor.1.bias[64], actor.2.weight[2, 64], actor.2.bias[2]", p.layout());
        // policy head gain 0.01: each row has norm 0.01; value head gain 1
        float[] head = p.get("actor.2.weight").data();
        double norm = 0;
        for (int i = 0; i < 64; i++) {
            norm += head[i] * head[i];
        }
        assertEquals(1e-4, norm, 1e-8);
        assertArrayEquals(new float[64], p.get("actor.0.bias").data());
        assertArrayEquals(p.get("critic.0.weight").data(),
                ActorCritic.create(spec, new Rng(1)).parameters().get("critic.0.weight").data(), "seeded init");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        PolicySpec spec = new PolicySpec(3, true, 2, new int[] {5}, Activation.TANH, null, null);
        ActorCritic ac = ActorCritic.create(spec, new Rng(9));
        perturb(ac.parameters(), 10);
        int n = 4;
        float[] obs = observations(n, 3, 11);
        int[] actions = {0, 1, 1, 0};
        float[][] grads;
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound b = ac.parameters().bind(m);
            try (GradientCollector gc = Engine.getEngine(Torch.ENGINE).newGradientCollector()) {
                ActorCritic.Evaluated ev = ac.evaluate(b, m.create(obs, new Shape(n, 3)), m.create(actions));
                NDArray loss = ev.logProbs().mean().neg().add(ev.values().square().mean());
                gc.backward(loss);
            }
            grads = b.gradients();
        }
        // central differences in double on the Java forward pass
        Parameters p = ac.parameters();
        int checked = 0;
        for (int t = 0; t < p.count(); t++) {
            float[] w = p.get(t).data();
            for (int i = 0; i < w.length; i += 3) {
                float orig = w[i];
                float h = 1e-2f;
                w[i] = orig + h;
                p.markModified();
                double up = javaLoss(ac, obs, n, actions);
                w[i] = orig - h;
                p.markModified();
                double down = javaLoss(ac, obs, n, actions);
                w[i] = orig;
                p.markModified();
                assertEquals((up - down) / (2 * h), grads[t][i], 2e-3, p.get(t).name() + "[" + i + "]");
                checked++;
            }
        }
        assertEquals(true, checked > 10);
    }

    private static double javaLoss(ActorCritic ac, float[] obs, int n, int[] actions) {
        float[] logits = ac.actorOutputs(obs, n);
        float[] values = ac.values(obs, n);
        double s = 0;
        for (int r = 0; r < n; r++) {
            s -= dev.trail.dist.Categorical.logProb(logits, r * 2, 2, actions[r]) / n;
            s += (double) values[r] * values[r] / n;
        }
        return s;
    }

    @Test
    void attachRefusesOtherShapes() {
        PolicySpec four = PolicySpec.forSpaces(Box.uniform(-5, 5, 4), new Discrete(2));
        PolicySpec three = PolicySpec.forSpaces(Box.uniform(-5, 5, 3), new Discrete(2));
        Parameters p = ActorCritic.create(four, new Rng(1)).parameters();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActorCritic.attach(three, p));
        assertEquals(true, e.getMessage().contains("[64, 3]") && e.getMessage().contains("[64, 4]"), e.getMessage());
    }
}
