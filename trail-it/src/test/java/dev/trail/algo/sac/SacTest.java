package dev.trail.algo.sac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.policy.SquashedGaussianActor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SacTest {

    private static SacConfig tiny() {
        return SacConfig.defaults().withLearningStarts(100).withNetwork("32,32", 32);
    }

    private static List<Map<String, Double>> run(long seed, float[][] weightsOut) {
        List<Map<String, Double>> reports = new ArrayList<>();
        SquashedGaussianActor actor = Sac.train(tiny(), dev.trail.envs.Envs.spec("Pendulum-v1"), seed, 300, new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                Map<String, Double> m = new LinkedHashMap<>(metrics);
                m.keySet().removeIf(Metrics::isTiming);
                reports.add(m);
            }
        });
        weightsOut[0] = actor.parameters().get(0).data().clone();
        return reports;
    }

    @Test
    void tinyRunIsFiniteAndDeterministic() {
        float[][] wa = new float[1][];
        float[][] wb = new float[1][];
        List<Map<String, Double>> a = run(3, wa);
        List<Map<String, Double>> b = run(3, wb);
        assertEquals(2, a.size(), "reports at steps 200 and 300");
        assertEquals(a, b);
        assertArrayEquals(wa[0], wb[0]);
        for (String k : List.of(Metrics.QF_LOSS, Metrics.ACTOR_LOSS, Metrics.ALPHA, Metrics.QF_VALUES)) {
            assertTrue(Double.isFinite(a.get(1).get(k)), k + " " + a.get(1));
        }
        assertTrue(a.get(1).get(Metrics.ALPHA) < 1.0, "the temperature is tuned down from 1");
    }

    @Test
    void policyCheckpointEvaluates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Sac.train(tiny(), dev.trail.envs.Envs.spec("Pendulum-v1"), 1, 200, TrainingListener.NONE, dir);
        java.nio.file.Path cp = dir.resolve("step-0000200");
        dev.trail.policy.Evaluation.Result r = dev.trail.policy.Evaluation.evaluate(cp, dev.trail.envs.Envs.spec("Pendulum-v1"), 2, 0, true);
        assertEquals(200, r.lengths()[0]);
        assertTrue(r.meanReturn() < 0, "Pendulum returns are negative");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.trail.policy.Evaluation.evaluate(cp, dev.trail.envs.Envs.spec("MountainCarContinuous-v0"), 1, 0, true));
        assertTrue(e.getMessage().contains("obs 3") && e.getMessage().contains("obs 2"), e.getMessage());
    }

    @Test
    void resumedRunContinuesExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        float[][] w = new float[1][];
        List<Map<String, Double>> whole = run(3, w);
        List<Map<String, Double>> rest = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                Map<String, Double> m = new LinkedHashMap<>(metrics);
                m.keySet().removeIf(Metrics::isTiming);
                rest.add(m);
            }
        };
        try (Sac sac = new Sac(tiny(), dev.trail.envs.Envs.spec("Pendulum-v1"), 3, 300)) {
            for (int i = 0; i < 150; i++) {
                sac.step(TrainingListener.NONE);
            }
            sac.save(dir.resolve("cp"));
        }
        SquashedGaussianActor resumed = Sac.resume(dir.resolve("cp"), dev.trail.envs.Envs.spec("Pendulum-v1"), recorder, null, 0);
        assertEquals(whole, rest, "reports at steps 200 and 300");
        assertArrayEquals(w[0], resumed.parameters().get(0).data());
    }

    /** A checkpoint at a reporting step that is also an episode end (Pendulum: 200 steps) resumes exactly. */
    @Test
    void resumeFromACheckpointAtAnEpisodeEnd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        List<Map<String, Double>> whole = new ArrayList<>();
        TrainingListener all = new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                Map<String, Double> m = new LinkedHashMap<>(metrics);
                m.keySet().removeIf(Metrics::isTiming);
                whole.add(m);
            }
        };
        Sac.train(tiny(), dev.trail.envs.Envs.spec("Pendulum-v1"), 4, 800, all, dir, 100);
        List<Map<String, Double>> rest = new ArrayList<>();
        Sac.resume(dir.resolve("step-0000600"), dev.trail.envs.Envs.spec("Pendulum-v1"), new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                Map<String, Double> m = new LinkedHashMap<>(metrics);
                m.keySet().removeIf(Metrics::isTiming);
                rest.add(m);
            }
        }, null, 0);
        assertEquals(whole.subList(whole.size() - 2, whole.size()), rest, "reports at 700 and 800");
    }

    @Test
    void refusesDiscreteActions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sac(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 0, 10));
        assertTrue(e.getMessage().contains("Discrete"), e.getMessage());
    }
}
