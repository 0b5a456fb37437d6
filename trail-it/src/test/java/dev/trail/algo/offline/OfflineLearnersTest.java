package dev.trail.algo.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.offline.TransitionDataset;
import dev.trail.policy.Evaluation;
import dev.trail.trajectory.Trajectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every offline learner on tiny hand-made datasets: CartPole from a θ + 0.5 θ̇ controller (return
 * 500; random ≈ 22) for the discrete ones, Pendulum from a swing-up + PD controller with noise
 * (≈ −220; random ≈ −1300) for the continuous ones. Small networks and a few hundred updates: each
 * loss goes down and each policy beats random clearly; a resumed run is bit-identical.
 */
class OfflineLearnersTest {

    static final EnvSpec CARTPOLE = Envs.spec("CartPole-v1");
    static final EnvSpec PENDULUM = Envs.spec("Pendulum-v1");

    static TransitionDataset cartPole() {
        List<Trajectory> ts = OfflineData.episodes("CartPole-v1", OfflineData.cartPoleExpert(0.05), 6, 1, "expert");
        return OfflineData.dataset("CartPole-v1", ts, 22, 500);
    }

    static TransitionDataset pendulum() {
        List<Trajectory> ts = OfflineData.episodes("Pendulum-v1", OfflineData.pendulumExpert(0.3), 10, 1, "expert");
        return OfflineData.dataset("Pendulum-v1", ts, -1300, -180);
    }

    /** Small-network settings shared by the tests. */
    static Map<String, String> small(String... more) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("batch_size", "64");
        s.put("hidden_sizes", "64,64");
        s.put("eval_every", "1000000");
        s.put("eval_episodes", "3");
        s.put("log_every", "50");
        for (int i = 0; i < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    record Outcome(List<Map<String, Double>> reports, double evalReturn) {
        /** After the first update. */
        double first(String metric) {
            return reports.get(0).get(metric);
        }

        /** The mean of the last three reports. */
        double last(String metric) {
            int n = reports.size();
            return (reports.get(n - 1).get(metric) + reports.get(n - 2).get(metric) + reports.get(n - 3).get(metric)) / 3;
        }
    }

    static Outcome train(OfflineLearner learner) throws Exception {
        List<Map<String, Double>> reports = new ArrayList<>();
        try (learner) {
            learner.run(recorder(reports), null, 0);
        }
        return new Outcome(reports, reports.get(reports.size() - 1).get("eval/mean_return"));
    }

    static TrainingListener recorder(List<Map<String, Double>> reports) {
        return new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                Map<String, Double> m = new LinkedHashMap<>(metrics);
                m.keySet().removeIf(Metrics::isTiming);
                reports.add(m);
            }
        };
    }

    @Test
    void discreteLearnersImitateCartPoleExpert() throws Exception {
        TransitionDataset data = cartPole();
        Outcome bc = train(new Bc(BcConfig.fromSettings(small()), data, CARTPOLE, 1, 400));
        assertTrue(bc.last("losses/bc_loss") < 0.8 * bc.first("losses/bc_loss"), bc.reports().toString());
        assertTrue(bc.evalReturn() > 150, "bc " + bc.evalReturn());

        Outcome iql = train(new Iql(IqlConfig.fromSettings(small()), data, CARTPOLE, 1, 400));
        assertTrue(iql.last("losses/q_loss") < 0.2 * iql.first("losses/q_loss"), iql.reports().toString());
        assertTrue(iql.evalReturn() > 150, "iql " + iql.evalReturn());

        Outcome cql = train(new Cql(CqlConfig.binderFor(CARTPOLE).parse(small()), data, CARTPOLE, 1, 400));
        assertTrue(cql.last("losses/loss") < cql.first("losses/loss"), cql.reports().toString());
        assertTrue(cql.evalReturn() > 150, "cql " + cql.evalReturn());
        // the normalised score follows the dataset's references: 100 (R − 22) / (500 − 22)
        Map<String, Double> last = cql.reports().get(cql.reports().size() - 1);
        assertEquals(100 * (cql.evalReturn() - 22) / 478, last.get("eval/normalized_score"), 1e-9);
        assertTrue(last.get("eval/best_normalized_score") >= last.get("eval/normalized_score"));
    }

    /** BC's plain-Java update and its libtorch one follow the same losses: equal to float rounding after 50 updates. */
    @Test
    void bcJavaBackendMatchesLibtorch() throws Exception {
        for (boolean discrete : new boolean[] {true, false}) {
            TransitionDataset data = discrete ? cartPole() : pendulum();
            EnvSpec env = discrete ? CARTPOLE : PENDULUM;
            Outcome java = train(new Bc(BcConfig.fromSettings(small("backend", "java", "log_every", "10")), data, env, 3,
                    50));
            Outcome djl = train(new Bc(BcConfig.fromSettings(small("backend", "djl", "log_every", "10")), data, env, 3,
                    50));
            assertEquals(djl.reports().size(), java.reports().size());
            for (int i = 0; i < java.reports().size(); i++) {
                double a = java.reports().get(i).get("losses/bc_loss");
                double b = djl.reports().get(i).get("losses/bc_loss");
                assertEquals(b, a, 1e-4 * Math.max(1, Math.abs(b)), (discrete ? "discrete" : "mse") + " report " + i);
            }
            assertTrue(java.last("losses/bc_loss") < 0.9 * java.first("losses/bc_loss"), java.reports().toString());
        }
        assertThrows(IllegalArgumentException.class,
                () -> BcConfig.fromSettings(small("backend", "java", "continuous_loss", "gaussian-nll")));
    }

    @Test
    void continuousLearnersBeatRandomOnPendulum() throws Exception {
        TransitionDataset data = pendulum();
        String[] fast = {"policy_lr", "1e-3", "q_lr", "1e-3", "eval_episodes", "5"};
        Outcome td3 = train(new Td3Bc(Td3BcConfig.fromSettings(small(fast)), data, PENDULUM, 1, 1000));
        assertTrue(td3.last("losses/critic_loss") < 0.5 * td3.first("losses/critic_loss"), td3.reports().toString());
        // random torques: about -1300 (the dataset's controller: about -220)
        assertTrue(td3.evalReturn() > -1000, "td3bc " + td3.evalReturn());

        Outcome iql = train(new Iql(IqlConfig.fromSettings(small(fast)), data, PENDULUM, 1, 1000));
        assertTrue(iql.last("losses/q_loss") < 0.5 * iql.first("losses/q_loss"), iql.reports().toString());
        assertTrue(iql.evalReturn() > -1000, "iql " + iql.evalReturn());

        Outcome cql = train(new Cql(CqlConfig.fromSettingsFor(PENDULUM, small(fast)), data, PENDULUM, 1, 1000));
        assertTrue(cql.last("losses/q_loss") < 0.5 * cql.first("losses/q_loss"), cql.reports().toString());
        assertTrue(cql.last("losses/cql_gap") < cql.first("losses/cql_gap"), cql.reports().toString());
        assertTrue(cql.evalReturn() > -1000, "cql " + cql.evalReturn());

        Outcome bc = train(new Bc(BcConfig.fromSettings(small("continuous_loss", "gaussian-nll", "eval_episodes", "5")),
                data, PENDULUM, 1, 1000));
        assertTrue(bc.last("losses/bc_loss") < bc.first("losses/bc_loss"), bc.reports().toString());
        assertTrue(bc.evalReturn() > -1000, "bc " + bc.evalReturn());
    }

    @Test
    void resumedRunsContinueExactly(@TempDir Path dir) throws Exception {
        TransitionDataset data = pendulum();
        for (String algo : List.of("td3bc", "iql", "cql")) {
            Map<String, String> s = small("log_every", "10", "eval_every", "30", "eval_episodes", "1",
                    "sampler", "return-weighted");
            List<Map<String, Double>> whole = new ArrayList<>();
            float[] wholeWeights;
            try (OfflineLearner l = learner(algo, s, data, 60)) {
                l.run(recorder(whole), null, 0);
                wholeWeights = l.policyParameters().get(0).data().clone();
            }
            List<Map<String, Double>> parts = new ArrayList<>();
            Path cp;
            try (OfflineLearner l = learner(algo, s, data, 60)) {
                TrainingListener rec = recorder(parts);
                for (int i = 0; i < 35; i++) {
                    l.iterate(rec);
                }
                cp = dir.resolve(algo);
                l.save(cp);
            }
            float[] resumedWeights;
            try (OfflineLearner l = restore(algo, cp, data)) {
                l.run(recorder(parts), null, 0);
                resumedWeights = l.policyParameters().get(0).data().clone();
            }
            assertEquals(whole, parts, algo);
            assertArrayEquals(wholeWeights, resumedWeights, algo);
            Evaluation.Result r = Evaluation.evaluate(cp, PENDULUM, 1, 0, true);
            assertEquals(200, r.lengths()[0], algo + ": the checkpoint's policy evaluates");
        }
    }

    /**
     * Offline → online: IQL with {@code online_steps} steps Pendulum after its offline updates,
     * appending each transition to the batches' pool; fine-tuning from the offline run's checkpoint
     * ({@link Iql#fineTune}) continues exactly as that single run, and a checkpoint in the online
     * phase resumes exactly.
     */
    @Test
    void iqlFineTunesOnlineFromItsOfflineCheckpoint(@TempDir Path dir) throws Exception {
        TransitionDataset data = pendulum();
        Map<String, String> s = small("log_every", "20", "eval_every", "1000", "eval_episodes", "1");
        Map<String, String> online = new LinkedHashMap<>(s);
        online.put("online_steps", "250");
        List<Map<String, Double>> whole = new ArrayList<>();
        List<Double> episodes = new ArrayList<>();
        float[] wholeWeights;
        try (OfflineLearner l = new Iql(IqlConfig.fromSettings(online), data, PENDULUM, 5, 60)) {
            TrainingListener rec = recorder(whole);
            l.run(new TrainingListener() {
                @Override
                public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                    rec.onUpdate(update, globalStep, metrics);
                }

                @Override
                public void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
                    episodes.add(episodicReturn);
                    assertEquals(200, length);
                    assertEquals(60 + 200, globalStep, "an online episode is logged at the update it ended before");
                }
            }, null, 0);
            assertEquals(310, l.globalStep());
            wholeWeights = l.policyParameters().get(0).data().clone();
        }
        assertEquals(1, episodes.size(), "250 online steps hold one whole 200-step Pendulum episode");
        Map<String, Double> lastReport = whole.get(whole.size() - 1);
        assertEquals(250.0, lastReport.get("charts/online_steps"));
        assertTrue(whole.stream().anyMatch(m -> m.containsKey("charts/online_steps") && m.get("charts/online_steps") == 0
                && m.containsKey("eval/mean_return")), "the offline phase ends with an evaluation: " + whole);

        // the offline run alone, then fine-tuning from its last checkpoint
        Path offlineCp = dir.resolve("offline");
        List<Map<String, Double>> offlineReports = new ArrayList<>();
        try (OfflineLearner l = new Iql(IqlConfig.fromSettings(s), data, PENDULUM, 5, 60)) {
            l.run(recorder(offlineReports), null, 0);
            l.save(offlineCp);
        }
        List<Map<String, Double>> tuned = new ArrayList<>();
        Path midway = dir.resolve("midway");
        try (OfflineLearner l = Iql.fineTune(offlineCp, 250, data, PENDULUM, 5)) {
            assertEquals(60, l.globalStep());
            TrainingListener rec = recorder(tuned);
            for (int i = 0; i < 120; i++) {
                l.iterate(rec);
            }
            l.save(midway);
        }
        try (OfflineLearner l = Iql.load(midway, data, PENDULUM)) {
            l.run(recorder(tuned), null, 0);
            assertArrayEquals(wholeWeights, l.policyParameters().get(0).data(),
                    "offline run + fine-tuning (resumed midway) = one run with online_steps");
        }
        List<Map<String, Double>> wholeOnline = whole.subList(whole.size() - tuned.size(), whole.size());
        assertEquals(wholeOnline, tuned);
        assertThrows(IllegalArgumentException.class, () -> Iql.fineTune(midway, 10, data, PENDULUM, 5),
                "a fine-tuning checkpoint is resumed, not fine-tuned again");
    }

    static OfflineLearner learner(String algo, Map<String, String> s, TransitionDataset data, long total) {
        return switch (algo) {
            case "td3bc" -> new Td3Bc(Td3BcConfig.fromSettings(s), data, PENDULUM, 5, total);
            case "iql" -> new Iql(IqlConfig.fromSettings(s), data, PENDULUM, 5, total);
            default -> new Cql(CqlConfig.fromSettingsFor(PENDULUM, s), data, PENDULUM, 5, total);
        };
    }

    static OfflineLearner restore(String algo, Path cp, TransitionDataset data) throws Exception {
        return switch (algo) {
            case "td3bc" -> Td3Bc.load(cp, data, PENDULUM);
            case "iql" -> Iql.load(cp, data, PENDULUM);
            default -> Cql.load(cp, data, PENDULUM);
        };
    }

    @Test
    void datasetsTheConfigCannotUseAreRefusedNamingFileAndField(@TempDir Path dir) throws Exception {
        TransitionDataset discrete = cartPole();
        String cql = assertThrows(IllegalArgumentException.class, () -> new Cql(
                CqlConfig.binderFor(CARTPOLE).parse(small("variant", "continuous")), discrete, CARTPOLE, 1, 10))
                .getMessage();
        assertTrue(cql.startsWith("CartPole-v1-test.jsonl: field actions holds discrete actions"), cql);
        String td3 = assertThrows(IllegalArgumentException.class,
                () -> new Td3Bc(Td3BcConfig.defaults(), discrete, CARTPOLE, 1, 10)).getMessage();
        assertTrue(td3.startsWith("CartPole-v1-test.jsonl: field actions"), td3);
        // a checkpoint refuses a dataset with other content
        Path cp = dir.resolve("bc");
        try (Bc bc = new Bc(BcConfig.fromSettings(small()), discrete, CARTPOLE, 1, 2)) {
            bc.run(TrainingListener.NONE, null, 0);
            bc.save(cp);
        }
        TransitionDataset other = new TransitionDataset(discrete.source(), "sha256:other", discrete.observationSize(),
                discrete.actionSize(), discrete.actionCategories(), discrete.observations(), discrete.actions(),
                discrete.rewards(), discrete.nextObservations(), discrete.terminals(), discrete.timeouts(),
                discrete.episodeStarts(), discrete.episodeReturns(), Double.NaN, Double.NaN, Map.of());
        String hash = assertThrows(IllegalArgumentException.class, () -> Bc.load(cp, other, CARTPOLE)).getMessage();
        assertTrue(hash.contains("content hash sha256:other"), hash);
    }
}
