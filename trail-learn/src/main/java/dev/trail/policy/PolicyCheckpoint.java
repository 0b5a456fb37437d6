package dev.trail.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.env.ArrayEnv;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RunningMeanStd;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The policy part of any actor-critic checkpoint: what every algorithm's checkpoint records so
 * that a policy can be evaluated without knowing how it was trained. Metadata keys:
 * {@code algorithm}, {@code envId}, {@code observationSpace}, {@code actionSpace} (as text),
 * {@code policy} ({@code observationSize}, {@code discrete}, {@code actionSize}, {@code hidden},
 * {@code activation}, {@code actionLow}, {@code actionHigh}, and {@code encoder} when there is one), and when observations were normalised
 * {@code normalizers.observation} ({@code mean}, {@code var}, {@code count}, {@code clip}); the
 * weights are in {@code parameters.bin}.
 */
public final class PolicyCheckpoint {

    /** The tensor file holding the policy's weights. */
    public static final String PARAMETERS = "parameters";
    /** {@code policy.type} of an {@link ActorCritic} (PPO). */
    public static final String ACTOR_CRITIC = "actor-critic";
    /** {@code policy.type} of a {@link SquashedGaussianActor} (SAC). */
    public static final String SQUASHED_GAUSSIAN = "squashed-gaussian";
    /** {@code policy.type} of a {@link QNetwork} (DQN; greedy actions). */
    public static final String Q_NETWORK = "q-network";

    private PolicyCheckpoint() {
    }

    /**
     * A loaded policy.
     *
     * @param algorithm the algorithm that trained it
     * @param envId the environment it was trained on
     * @param policy the network
     * @param spec its shape
     * @param observationNormalizer frozen observation statistics, or null if observations were not normalised
     * @param clipObservations bound applied after normalisation
     * @param metadata the whole metadata
     */
    public record Loaded(String algorithm, String envId, Actor policy, PolicySpec spec,
            ObservationNormalizer observationNormalizer, double clipObservations, JsonNode metadata) {

        /** A loaded-policy view of a PPO policy in memory (no normalisation). */
        public static Loaded of(String envId, ActorCritic policy) {
            return new Loaded("ppo", envId, policy, policy.spec(), null, Double.POSITIVE_INFINITY, null);
        }

        /** Normalises (frozen statistics) and clips a batch of raw observations in place, if this policy needs it. */
        public void prepareObservations(float[] observations) {
            if (observationNormalizer == null) {
                return;
            }
            observationNormalizer.transform(observations, observations);
            float bound = (float) clipObservations;
            for (int i = 0; i < observations.length; i++) {
                observations[i] = Math.max(-bound, Math.min(bound, observations[i]));
            }
        }
    }

    /** The metadata describing {@code policy} trained by {@code algorithm} on {@code envId}. */
    public static ObjectNode describe(String algorithm, EnvSpec env, ActorCritic policy,
            RunningMeanStd.State observationStatistics, double clipObservations) {
        return describe(algorithm, env, ACTOR_CRITIC, policy.spec(), policy.parameters(), observationStatistics,
                clipObservations);
    }

    /**
     * The metadata describing a policy of {@code type} ({@link #ACTOR_CRITIC} or
     * {@link #SQUASHED_GAUSSIAN}) shaped {@code s} with weights {@code parameters}.
     */
    public static ObjectNode describe(String algorithm, EnvSpec envSpec, String type, PolicySpec s,
            Parameters parameters, RunningMeanStd.State observationStatistics, double clipObservations) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("algorithm", algorithm);
        meta.put("envId", envSpec.id());
        try (ArrayEnv<?> env = envSpec.makeArray()) {
            meta.put("observationSpace", env.observationSpace().toString());
            meta.put("actionSpace", env.actionSpace().toString());
        }
        ObjectNode p = meta.putObject("policy");
        p.put("type", type);
        p.put("observationSize", s.observationSize());
        p.put("discrete", s.discrete());
        p.put("actionSize", s.actionSize());
        ArrayNode hidden = p.putArray("hidden");
        for (int h : s.hidden()) {
            hidden.add(h);
        }
        p.put("activation", s.activation().name());
        if (s.encoder() != PolicySpec.Encoder.NONE) {
            p.put("encoder", s.encoder().name());
        }
        ArrayNode low = p.putArray("actionLow");
        for (float v : s.actionLow()) {
            low.add(v);
        }
        ArrayNode high = p.putArray("actionHigh");
        for (float v : s.actionHigh()) {
            high.add(v);
        }
        p.put("parameterLayout", parameters.layout());
        if (observationStatistics != null) {
            ObjectNode o = meta.putObject("normalizers").putObject("observation");
            for (double v : observationStatistics.mean()) {
                o.withArray("mean").add(v);
            }
            for (double v : observationStatistics.var()) {
                o.withArray("var").add(v);
            }
            o.put("count", observationStatistics.count());
            o.put("clip", clipObservations);
        }
        return meta;
    }

    /** The network shape recorded in {@code meta}. */
    public static PolicySpec spec(JsonNode meta) {
        JsonNode p = meta.path("policy");
        int[] hidden = new int[p.path("hidden").size()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = p.path("hidden").get(i).asInt();
        }
        return new PolicySpec(p.path("observationSize").asInt(), p.path("discrete").asBoolean(),
                p.path("actionSize").asInt(), hidden, Activation.valueOf(p.path("activation").asText("TANH")),
                floats(p.path("actionLow")), floats(p.path("actionHigh")),
                PolicySpec.Encoder.valueOf(p.path("encoder").asText(PolicySpec.Encoder.NONE.name())));
    }

    /** Throws, naming both shapes, unless the checkpoint's network is {@code expected}. */
    public static void checkFits(Path dir, JsonNode meta, PolicySpec expected) {
        PolicySpec actual = spec(meta);
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("checkpoint " + dir + " holds a policy for " + meta.path("envId").asText()
                    + " shaped " + actual.describe() + ", which does not fit the expected " + expected.describe());
        }
    }

    /** The observation statistics recorded in {@code meta}, or null. */
    public static RunningMeanStd.State observationStatistics(JsonNode meta) {
        JsonNode o = meta.path("normalizers").path("observation");
        if (o.isMissingNode()) {
            return null;
        }
        double[] mean = new double[o.path("mean").size()];
        double[] var = new double[mean.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = o.path("mean").get(i).asDouble();
            var[i] = o.path("var").get(i).asDouble();
        }
        return new RunningMeanStd.State(mean, var, o.path("count").asDouble());
    }

    /** Loads the policy of a checkpoint (any actor-critic algorithm). */
    public static Loaded load(Path dir) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        String type = meta.path("policy").path("type").asText();
        PolicySpec spec = spec(meta);
        Parameters params = cp.tensors(PARAMETERS);
        Actor policy;
        if (ACTOR_CRITIC.equals(type)) {
            policy = ActorCritic.attach(spec, params);
        } else if (Q_NETWORK.equals(type)) {
            policy = QNetwork.attach(spec, params);
        } else if (SQUASHED_GAUSSIAN.equals(type)) {
            policy = SquashedGaussianActor.attach(spec.observationSize(), spec.actionLow(), spec.actionHigh(),
                    spec.hidden(), params);
        } else {
            throw new IllegalArgumentException(dir + " holds a policy of unknown type '" + type + "'; known: "
                    + ACTOR_CRITIC + ", " + SQUASHED_GAUSSIAN + ", " + Q_NETWORK);
        }
        RunningMeanStd.State stats = observationStatistics(meta);
        ObservationNormalizer normalizer = null;
        double clip = Double.POSITIVE_INFINITY;
        if (stats != null) {
            normalizer = new ObservationNormalizer(spec.observationSize());
            normalizer.setState(stats);
            normalizer.setFrozen(true);
            clip = meta.path("normalizers").path("observation").path("clip").asDouble(10);
        }
        return new Loaded(meta.path("algorithm").asText(), meta.path("envId").asText(), policy, spec, normalizer, clip,
                meta);
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }
}
