package dev.trail.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSnapshot;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.env.wrappers.RunningMeanStd;
import dev.trail.nn.Parameters;
import dev.trail.rollout.StepCollector;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The checkpointed state of a {@link StepCollector}, shared by every trainer that collects through
 * one (PPO, SAC): in {@code checkpoint.json} under {@code collector}: {@code globalStep}, the action
 * stream, each copy's snapshot (physical state, time-limit counter, random stream), the episodes in
 * progress, and the normalisers' running statistics; in the tensor file {@code state} the current
 * (processed) observations.
 */
public final class CollectorState {

    /** The tensor file holding the current observations. */
    public static final String STATE = "state";

    private CollectorState() {
    }

    /** Writes {@code c}'s state into {@code meta.collector} and {@code tensors}. */
    public static void save(StepCollector c, ObjectNode meta, Parameters tensors) {
        ObjectNode node = meta.putObject("collector");
        node.put("globalStep", c.globalStep());
        putLongs(node.putArray("actionRng"), c.actionRng().state());
        ArrayNode envs = node.putArray("envs");
        for (int i = 0; i < c.vectorEnv().numEnvs(); i++) {
            EnvSnapshot s = c.vectorEnv().env(i).snapshot();
            ObjectNode e = envs.addObject();
            putDoubles(e.putArray("state"), s.state());
            e.put("elapsedSteps", s.elapsedSteps());
            e.put("needsReset", s.needsReset());
            putLongs(e.putArray("rng"), s.rngState());
        }
        ObjectNode episodes = node.putObject("episodes");
        putDoubles(episodes.putArray("returns"), c.episodeReturns());
        ArrayNode lengths = episodes.putArray("lengths");
        for (int l : c.episodeLengths()) {
            lengths.add(l);
        }
        if (c.observationNormalizer() != null) {
            putStats(node.with("normalizers").putObject("observation"), c.observationNormalizer().state());
        }
        if (c.rewardNormalizer() != null) {
            RewardNormalizer.State r = c.rewardNormalizer().state();
            ObjectNode rn = node.with("normalizers").putObject("reward");
            putStats(rn, r.returnStatistics());
            putDoubles(rn.putArray("returns"), r.returns());
        }
        float[] current = c.currentObservations();
        tensors.add("observations", new int[] {c.vectorEnv().numEnvs(), current.length / c.vectorEnv().numEnvs()},
                current.clone());
    }

    /**
     * Restores {@code c} (built with the checkpoint's config) from {@code meta.collector} and {@code tensors}.
     *
     * @throws IOException if the checkpoint's shapes do not fit {@code c}, naming {@code dir}
     */
    public static void restore(StepCollector c, JsonNode meta, Parameters tensors, Path dir) throws IOException {
        JsonNode node = meta.path("collector");
        JsonNode envs = node.path("envs");
        if (envs.size() != c.vectorEnv().numEnvs()) {
            throw new IOException(dir + " holds " + envs.size() + " environment states but the run has "
                    + c.vectorEnv().numEnvs() + " copies");
        }
        for (int i = 0; i < envs.size(); i++) {
            JsonNode e = envs.get(i);
            ArrayEnv<?> env = c.vectorEnv().env(i);
            env.restore(new EnvSnapshot(doubles(e.path("state")), e.path("elapsedSteps").asInt(),
                    e.path("needsReset").asBoolean(), longs(e.path("rng"))));
        }
        c.restoreActionRng(Rng.fromState(longs(node.path("actionRng"))));
        c.restoreGlobalStep(node.path("globalStep").asLong());
        double[] returns = doubles(node.path("episodes").path("returns"));
        System.arraycopy(returns, 0, c.episodeReturns(), 0, returns.length);
        JsonNode lengths = node.path("episodes").path("lengths");
        for (int i = 0; i < lengths.size(); i++) {
            c.episodeLengths()[i] = lengths.get(i).asInt();
        }
        if (c.observationNormalizer() != null) {
            c.observationNormalizer().setState(stats(node.path("normalizers").path("observation")));
        }
        if (c.rewardNormalizer() != null) {
            JsonNode rn = node.path("normalizers").path("reward");
            c.rewardNormalizer().setState(new RewardNormalizer.State(stats(rn), doubles(rn.path("returns"))));
        }
        float[] current = tensors.get("observations").data();
        if (current.length != c.currentObservations().length) {
            throw new IOException(dir + " holds " + current.length + " observation values, the run needs "
                    + c.currentObservations().length);
        }
        System.arraycopy(current, 0, c.currentObservations(), 0, current.length);
    }

    // ---- JSON helpers ---------------------------------------------------------------------------------

    /** Writes running statistics as {@code mean}, {@code var}, {@code count}. */
    public static void putStats(ObjectNode node, RunningMeanStd.State s) {
        putDoubles(node.putArray("mean"), s.mean());
        putDoubles(node.putArray("var"), s.var());
        node.put("count", s.count());
    }

    /** Reads what {@link #putStats} wrote. */
    public static RunningMeanStd.State stats(JsonNode node) {
        return new RunningMeanStd.State(doubles(node.path("mean")), doubles(node.path("var")),
                node.path("count").asDouble());
    }

    public static void putDoubles(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }

    public static void putLongs(ArrayNode a, long[] values) {
        for (long v : values) {
            a.add(v);
        }
    }

    public static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    public static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
