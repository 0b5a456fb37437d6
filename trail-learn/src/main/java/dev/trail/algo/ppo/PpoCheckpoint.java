package dev.trail.algo.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Parameters;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint of a PPO run: everything {@link Ppo} needs to continue bit for bit.
 *
 * <p>Files: {@code parameters.bin} (the policy's weights, as {@link PolicyCheckpoint} reads them
 * for evaluation), {@code optimizer.bin} (Adam's first and second moments, {@code m/<name>},
 * {@code v/<name>}), {@code state.bin} (the collector's current observations) and
 * {@code checkpoint.json} with: {@code algorithm}, {@code envId}, the spaces, {@code policy} (network
 * shape), {@code config}, {@code seed}, {@code totalSteps}, {@code update}, {@code optimizer}
 * (Adam's hyperparameters and step count), {@code rng.minibatches}, and {@code collector}
 * ({@link CollectorState}: environment snapshots, action stream, episodes in progress, normalisers).
 */
final class PpoCheckpoint {

    private PpoCheckpoint() {
    }

    static void save(Ppo ppo, Path dir) throws IOException {
        ObjectNode meta = PolicyCheckpoint.describe(Ppo.ALGORITHM, ppo.env(), ppo.policy(),
                ppo.collector().observationNormalizer() == null ? null : ppo.collector().observationNormalizer().state(),
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
        ObjectNode rngs = meta.putObject("rng");
        CollectorState.putLongs(rngs.putArray("minibatches"), ppo.shuffleRng().state());
        CollectorState.putLongs(rngs.putArray("bc"), ppo.bcRng().state());

        Parameters optimizerTensors = new Parameters();
        Parameters params = ppo.policy().parameters();
        for (int i = 0; i < params.count(); i++) {
            Parameters.Tensor t = params.get(i);
            optimizerTensors.add("m/" + t.name(), t.shape(), ppo.optimizer().firstMoments()[i].clone());
            optimizerTensors.add("v/" + t.name(), t.shape(), ppo.optimizer().secondMoments()[i].clone());
        }
        Parameters state = new Parameters();
        CollectorState.save(ppo.collector(), meta, state);

        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put(PolicyCheckpoint.PARAMETERS, params);
        files.put("optimizer", optimizerTensors);
        files.put(CollectorState.STATE, state);
        Checkpoint.write(dir, meta, files);
    }

    static Ppo restore(Path dir, EnvSpec env) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        String algorithm = meta.path("algorithm").asText();
        if (!Ppo.ALGORITHM.equals(algorithm)) {
            throw new IllegalArgumentException(dir + " is a checkpoint of '" + algorithm + "', not of PPO");
        }
        String envId = meta.path("envId").asText();
        if (!envId.equals(env.id())) {
            throw new IllegalArgumentException(dir + " was trained on " + envId + ", not on " + env.id());
        }
        PpoConfig config = PpoConfig.binder().bind(meta.path("config"));
        Ppo ppo = new Ppo(config, env, meta.path("seed").asLong(), meta.path("totalSteps").asLong());
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
            ppo.restoreShuffleRng(Rng.fromState(CollectorState.longs(meta.path("rng").path("minibatches"))));
            if (meta.path("rng").has("bc")) {
                ppo.restoreBcRng(Rng.fromState(CollectorState.longs(meta.path("rng").path("bc"))));
            }
            CollectorState.restore(ppo.collector(), meta, cp.tensors(CollectorState.STATE), dir);
            ppo.restoreCounters(meta.path("update").asInt(), meta.path("globalStep").asLong());
            return ppo;
        } catch (IOException | RuntimeException e) {
            ppo.close();
            throw e;
        }
    }
}
