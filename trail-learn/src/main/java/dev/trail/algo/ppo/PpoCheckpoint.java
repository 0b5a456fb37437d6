package dev.trail.algo.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSnapshot;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.env.wrappers.RunningMeanStd;
import dev.trail.nn.Parameters;
import dev.trail.policy.PolicyCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint of a PPO run: everything {@link Ppo} needs to continue bit for bit.
 *
 * <p>Files: {@code parameters.bin} (the policy's weights, as {@link PolicyCheckpoint} reads them
 * for evaluation), {@code optimizer.bin} (Adam's first and second moments, {@code m/<name>},
 * {@code v/<name>}), {@code state.bin} (the current normalised observations) and
 * {@code checkpoint.json} with: {@code algorithm}, {@code envId}, the spaces, {@code policy} (network
 * shape), {@code config} (CleanRL names), {@code seed}, {@code totalSteps}, {@code update},
 * {@code globalStep}, {@code optimizer} (Adam's hyperparameters and step count), {@code rng}
 * (the action sampler's and minibatch shuffler's states), {@code envs} (each copy's snapshot:
 * physical state, time-limit counter, random stream), {@code episodes} (returns and lengths of
 * the episodes in progress) and {@code normalizers} (running statistics).
 */
final class PpoCheckpoint {

    private PpoCheckpoint() {
    }

    static void save(Ppo ppo, Path dir) throws IOException {
        ObjectNode meta = PolicyCheckpoint.describe(Ppo.ALGORITHM, ppo.envId(), ppo.policy(),
                ppo.observationNormalizer() == null ? null : ppo.observationNormalizer().state(),
                ppo.config().clipObservations());
        ObjectNode config = meta.putObject("config");
        ppo.config().toMap().forEach(config::putPOJO);
        meta.put("seed", ppo.seed());
        meta.put("totalSteps", ppo.totalSteps());
        meta.put("update", ppo.updatesDone());
        meta.put("numUpdates", ppo.numUpdates());
        meta.put("globalStep", ppo.globalStep());

        ObjectNode opt = meta.putObject("optimizer");
        opt.put("type", "adam");
        opt.put("beta1", 0.9);
        opt.put("beta2", 0.999);
        opt.put("epsilon", ppo.config().adamEpsilon());
        opt.put("step", ppo.optimizer().stepCount());

        ObjectNode rng = meta.putObject("rng");
        putLongs(rng.putArray("actions"), ppo.actionRng().state());
        putLongs(rng.putArray("minibatches"), ppo.shuffleRng().state());

        ArrayNode envs = meta.putArray("envs");
        for (int i = 0; i < ppo.envs().numEnvs(); i++) {
            EnvSnapshot s = ppo.envs().env(i).snapshot();
            ObjectNode e = envs.addObject();
            putDoubles(e.putArray("state"), s.state());
            e.put("elapsedSteps", s.elapsedSteps());
            e.put("needsReset", s.needsReset());
            putLongs(e.putArray("rng"), s.rngState());
        }
        ObjectNode episodes = meta.putObject("episodes");
        putDoubles(episodes.putArray("returns"), ppo.episodeReturns());
        ArrayNode lengths = episodes.putArray("lengths");
        for (int l : ppo.episodeLengths()) {
            lengths.add(l);
        }
        if (ppo.rewardNormalizer() != null) {
            RewardNormalizer.State r = ppo.rewardNormalizer().state();
            ObjectNode rn = meta.with("normalizers").putObject("reward");
            putStats(rn, r.returnStatistics());
            putDoubles(rn.putArray("returns"), r.returns());
        }

        Parameters optimizerTensors = new Parameters();
        Parameters params = ppo.policy().parameters();
        for (int i = 0; i < params.count(); i++) {
            Parameters.Tensor t = params.get(i);
            optimizerTensors.add("m/" + t.name(), t.shape(), ppo.optimizer().firstMoments()[i].clone());
            optimizerTensors.add("v/" + t.name(), t.shape(), ppo.optimizer().secondMoments()[i].clone());
        }
        Parameters state = new Parameters();
        state.add("nextObservations", new int[] {ppo.envs().numEnvs(), ppo.policy().spec().observationSize()},
                ppo.nextObservations().clone());

        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put(PolicyCheckpoint.PARAMETERS, params);
        files.put("optimizer", optimizerTensors);
        files.put("state", state);
        Checkpoint.write(dir, meta, files);
    }

    static Ppo restore(Path dir) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        String algorithm = meta.path("algorithm").asText();
        if (!Ppo.ALGORITHM.equals(algorithm)) {
            throw new IllegalArgumentException(dir + " is a checkpoint of '" + algorithm + "', not of PPO");
        }
        PpoConfig config = PpoConfig.binder().bind(meta.path("config"));
        String envId = meta.path("envId").asText();
        Ppo ppo = new Ppo(config, envId, meta.path("seed").asLong(), meta.path("totalSteps").asLong());
        try {
            PolicyCheckpoint.checkFits(dir, meta, ppo.policy().spec());
            ppo.policy().parameters().copyFrom(cp.tensors(PolicyCheckpoint.PARAMETERS));

            Parameters opt = cp.tensors("optimizer");
            int count = ppo.policy().parameters().count();
            float[][] m = new float[count][];
            float[][] v = new float[count][];
            for (int i = 0; i < count; i++) {
                String name = ppo.policy().parameters().get(i).name();
                m[i] = opt.get("m/" + name).data();
                v[i] = opt.get("v/" + name).data();
            }
            ppo.optimizer().restore(m, v, meta.path("optimizer").path("step").asLong());

            ppo.restoreRngs(longs(meta.path("rng").path("actions")), longs(meta.path("rng").path("minibatches")));
            JsonNode envs = meta.path("envs");
            if (envs.size() != ppo.envs().numEnvs()) {
                throw new IOException(dir + " holds " + envs.size() + " environment states but num_envs is "
                        + ppo.envs().numEnvs());
            }
            for (int i = 0; i < envs.size(); i++) {
                JsonNode e = envs.get(i);
                ArrayEnv<?> env = ppo.envs().env(i);
                env.restore(new EnvSnapshot(doubles(e.path("state")), e.path("elapsedSteps").asInt(),
                        e.path("needsReset").asBoolean(), longs(e.path("rng"))));
            }
            double[] returns = doubles(meta.path("episodes").path("returns"));
            System.arraycopy(returns, 0, ppo.episodeReturns(), 0, returns.length);
            JsonNode lengths = meta.path("episodes").path("lengths");
            for (int i = 0; i < lengths.size(); i++) {
                ppo.episodeLengths()[i] = lengths.get(i).asInt();
            }
            if (ppo.observationNormalizer() != null) {
                ppo.observationNormalizer().setState(PolicyCheckpoint.observationStatistics(meta));
            }
            if (ppo.rewardNormalizer() != null) {
                JsonNode rn = meta.path("normalizers").path("reward");
                ppo.rewardNormalizer().setState(new RewardNormalizer.State(stats(rn), doubles(rn.path("returns"))));
            }
            float[] next = cp.tensors("state").get("nextObservations").data();
            System.arraycopy(next, 0, ppo.nextObservations(), 0, ppo.nextObservations().length);
            ppo.restoreCounters(meta.path("update").asInt(), meta.path("globalStep").asLong());
            return ppo;
        } catch (IOException | RuntimeException e) {
            ppo.close();
            throw e;
        }
    }

    // ---- JSON helpers ---------------------------------------------------------------------------------

    static void putStats(ObjectNode node, RunningMeanStd.State s) {
        putDoubles(node.putArray("mean"), s.mean());
        putDoubles(node.putArray("var"), s.var());
        node.put("count", s.count());
    }

    static RunningMeanStd.State stats(JsonNode node) {
        return new RunningMeanStd.State(doubles(node.path("mean")), doubles(node.path("var")),
                node.path("count").asDouble());
    }

    static void putDoubles(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }

    static void putLongs(ArrayNode a, long[] values) {
        for (long v : values) {
            a.add(v);
        }
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
