package dev.trail.algo.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.envs.Envs;
import dev.trail.nn.Parameters;
import dev.trail.policy.Evaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DqnTest {

    private static DqnConfig config(String... settings) {
        Map<String, String> m = new HashMap<>(Map.of("learning_starts", "200", "batch_size", "32",
                "hidden_sizes", "32,32", "target_network_frequency", "100", "train_frequency", "2"));
        for (String s : settings) {
            String[] kv = s.split("=", 2);
            m.put(kv[0], kv[1]);
        }
        return DqnConfig.fromSettings(m);
    }

    private static final class Recorder implements TrainingListener {
        final List<Map<String, Double>> reports = new ArrayList<>();

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
            Map<String, Double> m = new LinkedHashMap<>(metrics);
            m.keySet().removeIf(Metrics::isTiming);
            m.put("step", (double) globalStep);
            reports.add(m);
        }
    }

    private static List<Map<String, Double>> run(DqnConfig c, long seed, long steps) throws Exception {
        Recorder r = new Recorder();
        Dqn.train(c, Envs.spec("CartPole-v1"), seed, steps, r, null, 0);
        return r.reports;
    }

    @Test
    void lossFallsWhenTheTargetIsFixed() throws Exception {
        // γ = 0 and no target update: every TD target is CartPole's reward 1, a fixed regression
        List<Map<String, Double>> r = run(config("gamma=0", "target_network_frequency=1000000",
                "learning_rate=1e-3", "train_frequency=10"), 1, 3000);
        double first = r.get(0).get(Dqn.TD_LOSS);
        double last = r.get(r.size() - 1).get(Dqn.TD_LOSS);
        assertTrue(first > 0.1, "the fresh network is far from Q = 1: " + first);
        assertTrue(last < first / 10, "TD loss " + first + " -> " + last);
        assertEquals(1.0, r.get(r.size() - 1).get(Dqn.Q_VALUES), 0.1);
    }

    @Test
    void learnsCartPoleBeyondRandomInATinyBudget(@TempDir Path dir) throws Exception {
        DqnConfig c = config("learning_starts=500", "train_frequency=1", "learning_rate=1e-3",
                "exploration_fraction=0.3", "hidden_sizes=64,64", "batch_size=64");
        Dqn.train(c, Envs.spec("CartPole-v1"), 2, 8000, TrainingListener.NONE, dir, 0);
        Evaluation.Result e = Evaluation.evaluate(dir.resolve("step-0008000"), Envs.spec("CartPole-v1"), 5, 0, true);
        // a uniform random policy averages about 22 steps on CartPole
        assertTrue(e.meanReturn() > 100, "greedy return after 8000 steps: " + e.meanReturn());
    }

    @Test
    void epsilonIsReportedFromTheSchedule() throws Exception {
        List<Map<String, Double>> r = run(config(), 1, 1000); // ε from 1 to 0.05 over 500 steps
        // first report at 0-based step 300 (> learning_starts = 200), after 301 environment steps
        assertEquals(301.0, r.get(0).get("step"));
        assertEquals(1 - 0.95 * 300 / 500.0, r.get(0).get(Dqn.EPSILON), 1e-12);
        assertEquals(0.05, r.get(r.size() - 1).get(Dqn.EPSILON), 1e-12);
    }

    @Test
    void targetIsCopiedEveryTargetNetworkFrequencyStepsAfterLearningStarts() {
        try (Dqn dqn = new Dqn(config(), Envs.spec("CartPole-v1"), 5, 1000)) {
            Parameters q = dqn.qNetwork().parameters();
            for (int t = 0; t <= 300; t++) {
                dqn.step(TrainingListener.NONE);
                float[] online = q.get(0).data();
                float[] target = dqn.targetParameters().get(0).data();
                if (t == 300) {
                    assertArrayEquals(online, target, "hard copy at step 300");
                } else if (t > 202 && t < 300) {
                    assertFalse(java.util.Arrays.equals(online, target), "target frozen between copies, step " + t);
                }
            }
        }
        // τ = 0.5: θ' ← ½ θ + ½ θ' at step 300
        try (Dqn dqn = new Dqn(config("tau=0.5"), Envs.spec("CartPole-v1"), 5, 1000)) {
            for (int t = 0; t < 300; t++) {
                dqn.step(TrainingListener.NONE);
            }
            float[] before = dqn.targetParameters().get(0).data().clone();
            dqn.step(TrainingListener.NONE);
            float[] online = dqn.qNetwork().parameters().get(0).data();
            float[] after = dqn.targetParameters().get(0).data();
            for (int i = 0; i < after.length; i++) {
                assertEquals((float) (0.5 * online[i] + 0.5 * before[i]), after[i], 1e-7f);
            }
        }
    }

    @Test
    void javaAndDjlBackendsAgreeAndRunsAreDeterministic() throws Exception {
        List<Map<String, Double>> java = run(config("backend=java"), 3, 600);
        List<Map<String, Double>> again = run(config("backend=java"), 3, 600);
        List<Map<String, Double>> djl = run(config("backend=djl"), 3, 600);
        assertEquals(java, again);
        assertEquals(java.size(), djl.size());
        for (int i = 0; i < java.size(); i++) {
            assertEquals(java.get(i).get(Dqn.TD_LOSS), djl.get(i).get(Dqn.TD_LOSS), 1e-3 * (1 + java.get(i).get(Dqn.TD_LOSS)),
                    "report " + i);
        }
        try (Dqn d = new Dqn(config(), Envs.spec("CartPole-v1"), 1, 10)) {
            assertTrue(d.javaBackend(), "auto picks the plain-Java step for an MLP");
        }
    }

    @Test
    void resumedRunContinuesExactly(@TempDir Path dir) throws Exception {
        List<Map<String, Double>> whole = run(config(), 3, 700);
        float[] finalWeights;
        try (Dqn dqn = new Dqn(config(), Envs.spec("CartPole-v1"), 3, 700)) {
            for (int i = 0; i < 700; i++) {
                dqn.step(TrainingListener.NONE);
            }
            finalWeights = dqn.qNetwork().parameters().get(0).data().clone();
        }
        try (Dqn dqn = new Dqn(config(), Envs.spec("CartPole-v1"), 3, 700)) {
            for (int i = 0; i < 450; i++) {
                dqn.step(TrainingListener.NONE);
            }
            dqn.save(dir.resolve("cp"));
        }
        Recorder rest = new Recorder();
        try (Dqn resumed = Dqn.load(dir.resolve("cp"), Envs.spec("CartPole-v1"))) {
            resumed.run(rest, null, 0);
            assertArrayEquals(finalWeights, resumed.qNetwork().parameters().get(0).data());
        }
        assertEquals(whole.subList(whole.size() - rest.reports.size(), whole.size()), rest.reports);
        assertEquals(2, rest.reports.size(), "reports at 500 and 600");
    }

    @Test
    void gridWorldsTrainWithTheCnnOnDjl(@TempDir Path dir) throws Exception {
        DqnConfig c = config("learning_starts=20", "batch_size=8", "train_frequency=4", "target_network_frequency=50");
        try (Dqn dqn = new Dqn(c, Envs.spec("MiniGrid-Empty-8x8-v0"), 1, 130)) {
            assertFalse(dqn.javaBackend());
            assertTrue(dqn.qNetwork().hasEncoder());
            Recorder r = new Recorder();
            dqn.run(r, dir, 0);
            assertEquals(1, r.reports.size());
            assertTrue(Double.isFinite(r.reports.get(0).get(Dqn.TD_LOSS)));
        }
        Evaluation.Result e = Evaluation.evaluate(dir.resolve("step-0000130"), Envs.spec("MiniGrid-Empty-8x8-v0"), 1, 0,
                true);
        assertEquals(1, e.lengths().length);
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class,
                () -> new Dqn(config("backend=java"), Envs.spec("MiniGrid-Empty-8x8-v0"), 1, 10));
        assertTrue(err.getMessage().contains("backend=java") && err.getMessage().contains("MiniGrid-Empty-8x8-v0"),
                err.getMessage());
    }

    @Test
    void refusesContinuousActions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dqn(config(), Envs.spec("Pendulum-v1"), 0, 10));
        assertTrue(e.getMessage().contains("Pendulum-v1") && e.getMessage().contains("Box"), e.getMessage());
        assertNotEquals(null, e);
    }
}
