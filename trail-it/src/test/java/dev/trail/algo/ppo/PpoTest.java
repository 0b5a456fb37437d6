package dev.trail.algo.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.nn.Parameters;
import dev.trail.policy.Evaluation;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpoTest {

    /** A tiny CartPole config: 2 copies x 32 steps, 2 minibatches, 2 epochs. */
    private static PpoConfig tiny() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("num_envs", "2");
        s.put("num_steps", "32");
        s.put("num_minibatches", "2");
        s.put("update_epochs", "2");
        return PpoConfig.fromSettings(s);
    }

    /** Collects each update's metrics without the wall-clock ones. */
    private static final class Recorder implements TrainingListener {
        final List<Map<String, Double>> updates = new ArrayList<>();
        final List<Double> episodeReturns = new ArrayList<>();

        @Override
        public void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
            episodeReturns.add(episodicReturn);
        }

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
            Map<String, Double> m = new LinkedHashMap<>(metrics);
            m.keySet().removeIf(Metrics::isTiming);
            m.put("update", (double) update);
            m.put("global_step", (double) globalStep);
            updates.add(m);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalMetrics() throws IOException {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Ppo.Result ra = Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 42, 192, a, null);
        Ppo.Result rb = Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 42, 192, b, null);
        assertEquals(3, a.updates.size());
        assertEquals(a.updates, b.updates);
        assertEquals(a.episodeReturns, b.episodeReturns);
        Parameters pa = ra.policy().parameters();
        Parameters pb = rb.policy().parameters();
        for (int i = 0; i < pa.count(); i++) {
            assertArrayEquals(pa.get(i).data(), pb.get(i).data(), pa.get(i).name());
        }
        // after the updates, the Java actor and the DJL network still agree (they share the master weights)
        float[] obs = {0.01f, -0.2f, 0.03f, 0.25f, -0.04f, 0.5f, 0.1f, -0.6f};
        dev.trail.rollout.VectorPolicy.Acted acted = ra.policy().act(obs, 2, new dev.trail.seed.Rng(0));
        try (ai.djl.ndarray.NDManager m = dev.trail.nn.Torch.newManager()) {
            dev.trail.policy.ActorCritic.Evaluated ev = ra.policy().evaluate(ra.policy().parameters().constant(m),
                    m.create(obs, new ai.djl.ndarray.types.Shape(2, 4)), m.create(acted.discreteActions()));
            assertArrayEquals(acted.logProbs(), ev.logProbs().toFloatArray(), 1e-5f);
            assertArrayEquals(acted.values(), ev.values().toFloatArray(), 1e-5f);
        }
        Recorder c = new Recorder();
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 43, 192, c, null);
        assertTrue(!a.updates.equals(c.updates), "another seed, another run");
    }

    @Test
    void learnsCartPoleWithinAFewThousandSteps() throws IOException {
        // CleanRL's config with a higher constant learning rate, 8 updates of 4 x 128 steps
        PpoConfig config = PpoConfig.fromSettings(Map.of("learning_rate", "1e-3", "anneal_lr", "false"));
        Recorder r = new Recorder();
        Ppo.Result result = Ppo.train(config, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 4096, r, null);
        List<Double> returns = r.episodeReturns;
        double first = returns.subList(0, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = returns.subList(returns.size() - 10, returns.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        assertTrue(first < 30, "a fresh policy is near random (about 22): " + first);
        assertTrue(last > 60, "after 4096 steps the last episodes are much longer: " + last);
        Evaluation.Result greedy = Evaluation.evaluate(dev.trail.policy.PolicyCheckpoint.Loaded.of("CartPole-v1",
                result.policy()), dev.trail.envs.Envs.spec("CartPole-v1"), 5, 99, true);
        assertTrue(greedy.meanReturn() > 100, "greedy policy: " + greedy.meanReturn());
    }

    @Test
    void metricsAreNamespacedAndFinite() throws IOException {
        Recorder r = new Recorder();
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 1, 64, r, null);
        Map<String, Double> m = r.updates.get(0);
        for (String key : List.of(Metrics.POLICY_LOSS, Metrics.VALUE_LOSS, Metrics.ENTROPY, Metrics.APPROX_KL,
                Metrics.CLIP_FRACTION, Metrics.LEARNING_RATE, Metrics.EPISODIC_RETURN, Metrics.EPISODIC_LENGTH)) {
            assertTrue(m.containsKey(key) && Double.isFinite(m.get(key)), key + " in " + m);
        }
        assertEquals(2.5e-4, m.get(Metrics.LEARNING_RATE), 1e-15, "first update uses the full rate");
        // the entropy of a near-uniform 2-way policy is about log 2
        assertEquals(Math.log(2), m.get(Metrics.ENTROPY), 0.01);
    }

    @Test
    void resumedRunContinuesExactly(@TempDir Path dir) throws IOException {
        Recorder whole = new Recorder();
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 7, 256, whole, null);
        assertEquals(4, whole.updates.size());

        Recorder first = new Recorder();
        try (Ppo ppo = Ppo.create(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 7, 256)) {
            ppo.iterate(first);
            ppo.iterate(first);
            ppo.save(dir.resolve("cp"));
        }
        Recorder rest = new Recorder();
        Ppo.Result r = Ppo.resume(dir.resolve("cp"), dev.trail.envs.Envs.spec("CartPole-v1"), rest, dir.resolve("more"), 1);
        assertEquals(4, r.updates());
        assertEquals(whole.updates.subList(0, 2), first.updates);
        assertEquals(whole.updates.subList(2, 4), rest.updates);
        assertTrue(Files.isDirectory(dir.resolve("more/update-000004")));
    }

    @Test
    void resumeWithNormalizationAndContinuousActions(@TempDir Path dir) throws IOException {
        Map<String, String> s = new LinkedHashMap<>(Map.of("num_envs", "2", "num_steps", "32", "num_minibatches", "2", "update_epochs", "2"));
        s.put("normalize_observations", "true");
        s.put("normalize_rewards", "true");
        PpoConfig config = PpoConfig.fromSettings(s);
        Recorder whole = new Recorder();
        Ppo.train(config, dev.trail.envs.Envs.spec("Pendulum-v1"), 3, 192, whole, null);
        Recorder rest = new Recorder();
        try (Ppo ppo = Ppo.create(config, dev.trail.envs.Envs.spec("Pendulum-v1"), 3, 192)) {
            ppo.iterate(TrainingListener.NONE);
            ppo.save(dir.resolve("cp"));
        }
        Ppo.resume(dir.resolve("cp"), dev.trail.envs.Envs.spec("Pendulum-v1"), rest, null, 0);
        assertEquals(whole.updates.subList(1, 3), rest.updates);

        // the checkpoint carries the observation statistics, which evaluation applies frozen
        dev.trail.policy.PolicyCheckpoint.Loaded loaded = dev.trail.policy.PolicyCheckpoint.load(dir.resolve("cp"));
        assertTrue(loaded.observationNormalizer() != null && loaded.observationNormalizer().frozen());
        assertEquals(10.0, loaded.clipObservations());
        Evaluation.Result e = Evaluation.evaluate(loaded, dev.trail.envs.Envs.spec("Pendulum-v1"), 2, 0, false);
        assertEquals(200, e.lengths()[1]);
    }

    @Test
    void interruptStopsWithACheckpointThatResumes(@TempDir Path dir) throws IOException {
        Recorder whole = new Recorder();
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 8, 256, whole, null);
        TrainingListener interruptAfterTwo = new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                if (update == 2) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Ppo.Result stopped;
        try {
            stopped = Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 8, 256, interruptAfterTwo, dir, 0);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt flag is kept (and cleared here)");
        }
        assertEquals(2, stopped.updates());
        assertTrue(stopped.lastCheckpoint().endsWith("update-000002"));
        Recorder rest = new Recorder();
        Ppo.resume(stopped.lastCheckpoint(), dev.trail.envs.Envs.spec("CartPole-v1"), rest, null, 0);
        assertEquals(whole.updates.subList(2, 4), rest.updates);
    }

    @Test
    void corruptOrForeignCheckpointsAreRefused(@TempDir Path dir) throws IOException {
        Path cp = dir.resolve("cp");
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 5, 64, TrainingListener.NONE, dir, 0);
        Files.move(dir.resolve("update-000001"), cp);
        // intact: loads and evaluates
        Evaluation.Result ok = Evaluation.evaluate(cp, dev.trail.envs.Envs.spec("CartPole-v1"), 2, 0, true);
        assertEquals(2, ok.returns().length);
        // a policy for CartPole does not fit Pendulum
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.evaluate(cp, dev.trail.envs.Envs.spec("Pendulum-v1"), 1, 0, true));
        assertTrue(shape.getMessage().contains("obs 4") && shape.getMessage().contains("obs 3"), shape.getMessage());
        // one flipped byte in the weights
        Path params = cp.resolve("parameters.bin");
        try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 1);
        }
        IOException flipped = assertThrows(IOException.class, () -> Ppo.load(cp, dev.trail.envs.Envs.spec("CartPole-v1")));
        assertTrue(flipped.getMessage().contains("SHA-256") && flipped.getMessage().contains("parameters.bin"),
                flipped.getMessage());
        // truncated metadata
        Path meta = cp.resolve("checkpoint.json");
        byte[] bytes = Files.readAllBytes(meta);
        Files.write(meta, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException truncated = assertThrows(IOException.class, () -> Evaluation.evaluate(cp, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 0, true));
        assertTrue(truncated.getMessage().contains("checkpoint.json"), truncated.getMessage());
    }

    @Test
    void truncatedEpisodesBootstrapFromTheFinalObservation() {
        // Pendulum is cut at 200 steps and never terminates: with 1 copy x 256 steps, step 199 is truncated
        Map<String, String> s = Map.of("num_envs", "1", "num_steps", "256", "num_minibatches", "2", "update_epochs", "1");
        try (Ppo ppo = Ppo.create(PpoConfig.fromSettings(s), dev.trail.envs.Envs.spec("Pendulum-v1"), 4, 256)) {
            ppo.iterate(TrainingListener.NONE);
            for (int t = 0; t < 256; t++) {
                assertEquals(t == 199, ppo.rollout().truncateds()[t], "truncated at step " + t);
                assertEquals(false, ppo.rollout().terminateds()[t]);
            }
            double bootstrap = ppo.rollout().truncationValues()[199];
            assertTrue(Double.isFinite(bootstrap) && bootstrap != 0, "V(final observation) = " + bootstrap);
            assertTrue(bootstrap != ppo.rollout().values()[200], "not the value of the reset observation");
        }
    }

    @Test
    void targetKlStopsTheEpochsAndTheRateAnneals() throws IOException {
        Map<String, String> s = new LinkedHashMap<>(Map.of("num_envs", "2", "num_steps", "32", "num_minibatches", "2", "update_epochs", "2"));
        s.put("target_kl", "1e-12");
        s.put("update_epochs", "4");
        Recorder r = new Recorder();
        Ppo.train(PpoConfig.fromSettings(s), dev.trail.envs.Envs.spec("CartPole-v1"), 2, 128, r, null);
        assertEquals(1.0, r.updates.get(0).get(Metrics.EPOCHS), "stopped after the first epoch");
        // 2 updates: lr · (1 - 1/2) on the second
        assertEquals(2.5e-4 / 2, r.updates.get(1).get(Metrics.LEARNING_RATE), 1e-15);
        Recorder full = new Recorder();
        Ppo.train(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 2, 128, full, null);
        assertEquals(2.0, full.updates.get(0).get(Metrics.EPOCHS));
    }

    @Test
    void nonFiniteLossStopsNamingTermAndUpdate() {
        try (Ppo ppo = Ppo.create(tiny(), dev.trail.envs.Envs.spec("CartPole-v1"), 1, 128)) {
            ppo.iterate(TrainingListener.NONE);
            ppo.policy().parameters().get("critic.2.bias").data()[0] = Float.NaN;
            ppo.policy().parameters().markModified();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> ppo.iterate(TrainingListener.NONE));
            assertEquals(2, e.update());
            assertTrue(e.getMessage().contains("update 2") && e.getMessage().contains(e.term()), e.getMessage());
        }
    }

    /** backend=java: the plain-Java gradient step learns, is bit-reproducible, resumes exactly, and stays close to DJL. */
    @Test
    void javaBackendLearnsReproducesAndResumes(@TempDir Path dir) throws IOException {
        Map<String, String> s = new LinkedHashMap<>(PpoConfig.defaults().toMap().entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
        s.put("backend", "java");
        s.put("target_kl", "none");
        s.put("learning_rate", "1e-3"); // as learnsCartPoleWithinAFewThousandSteps
        s.put("anneal_lr", "false");
        PpoConfig java = PpoConfig.fromSettings(s);
        Recorder a = new Recorder();
        Ppo.Result r = Ppo.train(java, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 4096, a, null);
        double last = a.episodeReturns.subList(a.episodeReturns.size() - 10, a.episodeReturns.size()).stream()
                .mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last > 60, "after 4096 steps the last episodes are much longer: " + last);

        Recorder b = new Recorder();
        Ppo.train(java, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 4096, b, null);
        assertEquals(a.updates, b.updates, "same seed, same run, bit for bit");

        Recorder first = new Recorder();
        try (Ppo ppo = Ppo.create(java, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 4096)) {
            ppo.iterate(first);
            ppo.iterate(first);
            ppo.save(dir.resolve("cp"));
        }
        Recorder rest = new Recorder();
        Ppo.resume(dir.resolve("cp"), dev.trail.envs.Envs.spec("CartPole-v1"), rest, null, 0);
        assertEquals(a.updates.subList(2, a.updates.size()), rest.updates);

        // the first update of the two backends from the same weights and batch agree to float rounding
        Recorder djl = new Recorder();
        Ppo.train(PpoConfig.fromSettings(Map.of("learning_rate", "1e-3", "anneal_lr", "false", "backend", "djl")),
                dev.trail.envs.Envs.spec("CartPole-v1"), 1, 512, djl, null);
        double pj = a.updates.get(0).get(Metrics.POLICY_LOSS);
        double pd = djl.updates.get(0).get(Metrics.POLICY_LOSS);
        assertEquals(pd, pj, 1e-4 + 1e-3 * Math.abs(pd), "policy loss of update 1");
        assertEquals(djl.updates.get(0).get(Metrics.VALUE_LOSS), a.updates.get(0).get(Metrics.VALUE_LOSS),
                1e-3 * Math.abs(djl.updates.get(0).get(Metrics.VALUE_LOSS)));
        assertTrue(r.globalStep() == 4096);
    }
}
