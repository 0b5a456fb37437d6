package dev.trail.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.envs.Envs;
import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.rollout.EpisodeSink;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.StepCollector;
import dev.trail.scale.RolloutWorkers;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code rollout_workers=spark}: each batch of an on-policy learner (PPO) collected by a Spark
 * executor task while the learner stays on the driver.
 *
 * <p>Per batch the driver broadcasts the actor-critic weights tagged with the policy version (the
 * update number) and releases the previous version's broadcast; the task carries the collector's
 * exact state ({@link CollectorState}: environment states with their RNGs, the action stream,
 * episodes in progress, normaliser statistics, current observations). The task rebuilds the
 * collector and the network, restores the state, collects {@code num_steps} steps of every copy
 * and sends back the buffer, the new state and the episodes that ended. The driver restores that
 * state into its own collector, so the run continues exactly as an in-process run with the same
 * seed (same metrics), and a retried task recomputes the same batch from the same state.
 * Synchronous: one policy version per batch. One task per batch: the collector's copies share one
 * action stream, so splitting a batch across tasks would change the samples.
 */
public final class SparkRolloutWorkers implements RolloutWorkers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JavaSparkContext sc;
    private Broadcast<Weights> current;

    SparkRolloutWorkers(SparkSession spark) {
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** The actor-critic weights of one policy version. */
    record Weights(long version, String[] names, int[][] shapes, float[][] data) implements Serializable {

        static Weights of(long version, Parameters p) {
            int n = p.count();
            String[] names = new String[n];
            int[][] shapes = new int[n][];
            float[][] data = new float[n][];
            for (int i = 0; i < n; i++) {
                Parameters.Tensor t = p.get(i);
                names[i] = t.name();
                shapes[i] = t.shape().clone();
                data[i] = t.data().clone();
            }
            return new Weights(version, names, shapes, data);
        }
    }

    /** What a task sends back. */
    record Batch(float[] observations, float[] finalObservations, int[] discreteActions, float[] continuousActions,
            float[] logProbs, double[] values, double[] rewards, double[] rawRewards, boolean[] terminateds,
            boolean[] truncateds, double[] truncationValues, float[] nextObservations, double[] nextValues,
            String state, float[] currentObservations, long[] episodeSteps, int[] episodeEnvs,
            double[] episodeReturns, int[] episodeLengths) implements Serializable {
    }

    @Override
    public RolloutBuffer collect(CollectorSpec spec, StepCollector collector, Parameters weights, long version,
            EpisodeSink episodes) {
        ObjectNode meta = JSON.createObjectNode();
        Parameters tensors = new Parameters();
        CollectorState.save(collector, meta, tensors);
        Broadcast<Weights> w = sc.broadcast(Weights.of(version, weights));
        if (current != null) {
            current.destroy();
        }
        current = w;
        Batch b;
        try {
            b = sc.parallelize(List.of(0), 1).mapPartitions(new Task(spec, meta.toString(),
                    tensors.get("observations").data(), w)).collect().get(0);
        } catch (Exception e) {
            throw Jobs.failed(e, "");
        }
        RolloutBuffer buf = collector.buffer();
        copy(b.observations(), buf.observations());
        copy(b.finalObservations(), buf.finalObservations());
        copy(b.discreteActions(), buf.discreteActions());
        copy(b.continuousActions(), buf.continuousActions());
        copy(b.logProbs(), buf.logProbs());
        copy(b.values(), buf.values());
        copy(b.rewards(), buf.rewards());
        copy(b.rawRewards(), buf.rawRewards());
        copy(b.terminateds(), buf.terminateds());
        copy(b.truncateds(), buf.truncateds());
        copy(b.truncationValues(), buf.truncationValues());
        copy(b.nextObservations(), buf.nextObservations());
        copy(b.nextValues(), buf.nextValues());
        Parameters state = new Parameters();
        state.add("observations", new int[] {spec.numEnvs(), b.currentObservations().length / spec.numEnvs()},
                b.currentObservations());
        try {
            CollectorState.restore(collector, JSON.readTree(b.state()), state, Path.of("spark-task-state"));
        } catch (IOException e) {
            throw new UncheckedIOException("the rollout worker's collector state does not fit: " + e.getMessage(), e);
        }
        for (int i = 0; i < b.episodeSteps().length; i++) {
            episodes.onEpisode(b.episodeSteps()[i], b.episodeEnvs()[i], b.episodeReturns()[i], b.episodeLengths()[i]);
        }
        return buf;
    }

    private static void copy(Object from, Object to) {
        if (from != null) {
            System.arraycopy(from, 0, to, 0, java.lang.reflect.Array.getLength(from));
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.destroy();
            current = null;
        }
    }

    /** The rollout worker: rebuilds the collector and the policy, restores the state, collects one batch. */
    static final class Task implements FlatMapFunction<Iterator<Integer>, Batch> {
        private final CollectorSpec spec;
        private final String state;
        private final float[] currentObservations;
        private final Broadcast<Weights> weights;

        Task(CollectorSpec spec, String state, float[] currentObservations, Broadcast<Weights> weights) {
            this.spec = spec;
            this.state = state;
            this.currentObservations = currentObservations;
            this.weights = weights;
        }

        @Override
        public Iterator<Batch> call(Iterator<Integer> ignored) throws IOException {
            EnvSpec env = Envs.spec(spec.envId());
            PolicySpec ps;
            try (ArrayEnv<?> probe = env.makeArray()) {
                ps = PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace(), spec.hiddenLayers(),
                        Activation.TANH);
            }
            ActorCritic policy = ActorCritic.create(ps, new Rng(0));
            Weights w = weights.value();
            Parameters p = policy.parameters();
            for (int i = 0; i < w.names().length; i++) {
                Parameters.Tensor t = p.get(w.names()[i]);
                System.arraycopy(w.data()[i], 0, t.data(), 0, t.data().length);
            }
            p.markModified();
            int obsDim = ps.observationSize();
            StepCollector.Processing processing = new StepCollector.Processing(
                    spec.normalizeObservations() ? new ObservationNormalizer(obsDim) : null, spec.clipObservations(),
                    spec.normalizeRewards() ? new RewardNormalizer(spec.numEnvs(), spec.gamma(),
                            RewardNormalizer.DEFAULT_EPSILON, RewardNormalizer.ReturnReset.EPISODE_END) : null,
                    spec.clipRewards());
            List<long[]> ends = new ArrayList<>();
            List<double[]> endReturns = new ArrayList<>();
            EpisodeSink sink = (step, e, ret, len) -> {
                ends.add(new long[] {step, e, len});
                endReturns.add(new double[] {ret});
            };
            try (StepCollector c = new StepCollector(env::makeArray, spec.numEnvs(), spec.numSteps(), 0L, new Rng(0),
                    processing, sink)) {
                Parameters tensors = new Parameters();
                tensors.add("observations", new int[] {spec.numEnvs(), obsDim}, currentObservations.clone());
                CollectorState.restore(c, JSON.readTree(state), tensors, Path.of("spark-task-state"));
                // the normalisers' construction-time reset counted nothing the restore did not overwrite
                ends.clear();
                endReturns.clear();
                RolloutBuffer b = c.collect(policy);
                ObjectNode meta = JSON.createObjectNode();
                Parameters out = new Parameters();
                CollectorState.save(c, meta, out);
                int n = ends.size();
                long[] steps = new long[n];
                int[] envs = new int[n];
                double[] returns = new double[n];
                int[] lengths = new int[n];
                for (int i = 0; i < n; i++) {
                    steps[i] = ends.get(i)[0];
                    envs[i] = (int) ends.get(i)[1];
                    lengths[i] = (int) ends.get(i)[2];
                    returns[i] = endReturns.get(i)[0];
                }
                return List.of(new Batch(b.observations(), b.finalObservations(), b.discreteActions(),
                        b.continuousActions(), b.logProbs(), b.values(), b.rewards(), b.rawRewards(), b.terminateds(),
                        b.truncateds(), b.truncationValues(), b.nextObservations(), b.nextValues(), meta.toString(),
                        out.get("observations").data(), steps, envs, returns, lengths)).iterator();
            }
        }
    }
}
