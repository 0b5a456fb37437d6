package dev.trail.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSnapshot;
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
import dev.trail.rollout.VectorPolicy;
import dev.trail.scale.RolloutWorkers;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code rollout_workers=spark}: each batch of an on-policy learner (PPO) collected by Spark
 * executor tasks while the learner stays on the driver. Synchronous: one policy version per batch.
 *
 * <p>Per batch the driver broadcasts the actor-critic weights tagged with the policy version (the
 * update number) and releases the previous version's broadcast.
 *
 * <p><b>Sharded</b> (without observation normalisation): the environment copies are cut into
 * {@code min(num_envs, spark.default.parallelism)} contiguous shards, one task each. The driver
 * draws the whole batch's action noise from the collector's action stream first, step by step and
 * in row order ({@link dev.trail.rollout.VectorPolicy.Split#drawNoise}, exactly what the local
 * collector draws); a task gets its copies' environment states, current observations and noise
 * columns, collects {@code num_steps} steps of them ({@link StepCollector#collect(
 * dev.trail.rollout.VectorPolicy, double[])}) and sends back its slice of the buffer (raw rewards)
 * and its copies' new states. The driver then replays, step by step over all copies, what couples
 * the copies in a local collector: the episode bookkeeping (returns, lengths, the episode sink in
 * the collector's order) and the reward normaliser (its running statistics see every copy's
 * reward at each step). Acting does not depend on rewards, and a row's forward pass does not
 * depend on the other rows, so the batch equals the local collector's bit for bit for any number
 * of shards. Running observation normalisation couples the copies' actions within a step (each
 * step's statistics count every copy's observation before any copy acts), so with it a batch is
 * <b>one task</b>: the task carries the collector's exact state ({@link CollectorState}), collects
 * and returns the new state, which the driver restores. A retried task recomputes the same shard
 * or batch from the same input.
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
        Broadcast<Weights> w = sc.broadcast(Weights.of(version, weights));
        if (current != null) {
            current.destroy();
        }
        current = w;
        int shards = Math.min(spec.numEnvs(), Math.max(1, sc.defaultParallelism()));
        if (spec.normalizeObservations()) {
            return whole(spec, collector, w, episodes);
        }
        return sharded(spec, collector, w, shards, episodes);
    }

    // ---- sharded: the copies split across tasks ----------------------------------------------------------

    /** A task's input: copies {@code [from, to)}, their states, current observations and noise. */
    record Shard(int index, int from, int to, double[][] states, int[] elapsedSteps, boolean[] needsReset,
            long[][] rngs, float[] currentObservations, double[] noise) implements Serializable {
    }

    /** A task's output: its rows of the buffer ({@code [copy, step]}, raw rewards) and its copies' new states. */
    record ShardBatch(int from, float[] observations, float[] finalObservations, int[] discreteActions,
            float[] continuousActions, float[] logProbs, double[] values, double[] rawRewards, boolean[] terminateds,
            boolean[] truncateds, double[] truncationValues, float[] nextObservations, double[] nextValues,
            double[][] states, int[] elapsedSteps, boolean[] needsReset, long[][] rngs) implements Serializable {
    }

    private VectorPolicy.Split noiseDrawer;

    private RolloutBuffer sharded(CollectorSpec spec, StepCollector collector, Broadcast<Weights> w, int shards,
            EpisodeSink episodes) {
        int n = spec.numEnvs();
        int h = spec.numSteps();
        if (noiseDrawer == null) {
            noiseDrawer = policy(spec).split();
        }
        int k = noiseDrawer.noisePerRow();
        // the whole batch's noise, drawn as the local collector draws it: step by step, in row order
        double[] step = new double[n * k];
        double[][] noise = new double[h][];
        for (int t = 0; t < h; t++) {
            noiseDrawer.drawNoise(collector.actionRng(), n, step);
            noise[t] = step.clone();
        }
        int obsDim = collector.currentObservations().length / n;
        List<Shard> input = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            int from = (int) ((long) n * s / shards);
            int to = (int) ((long) n * (s + 1) / shards);
            int m = to - from;
            double[][] states = new double[m][];
            int[] elapsed = new int[m];
            boolean[] needsReset = new boolean[m];
            long[][] rngs = new long[m][];
            for (int e = 0; e < m; e++) {
                EnvSnapshot snap = collector.vectorEnv().env(from + e).snapshot();
                states[e] = snap.state();
                elapsed[e] = snap.elapsedSteps();
                needsReset[e] = snap.needsReset();
                rngs[e] = snap.rngState();
            }
            double[] mine = new double[h * m * k];
            for (int t = 0; t < h; t++) {
                System.arraycopy(noise[t], from * k, mine, t * m * k, m * k);
            }
            float[] obs = new float[m * obsDim];
            System.arraycopy(collector.currentObservations(), from * obsDim, obs, 0, obs.length);
            input.add(new Shard(s, from, to, states, elapsed, needsReset, rngs, obs, mine));
        }
        List<ShardBatch> out;
        try {
            out = sc.parallelize(input, shards).mapPartitions(new ShardTask(spec, w)).collect();
        } catch (Exception e) {
            throw Jobs.failed(e, "");
        }
        RolloutBuffer buf = collector.buffer();
        int actDim = buf.discrete() ? 1 : buf.actionSize();
        for (ShardBatch b : out) {
            int r = b.from() * h; // the shard's first row in the buffer's [copy, step] layout
            copy(b.observations(), buf.observations(), r * obsDim);
            copy(b.finalObservations(), buf.finalObservations(), r * obsDim);
            copy(b.discreteActions(), buf.discreteActions(), r);
            copy(b.continuousActions(), buf.continuousActions(), r * actDim);
            copy(b.logProbs(), buf.logProbs(), r);
            copy(b.values(), buf.values(), r);
            copy(b.rawRewards(), buf.rawRewards(), r);
            copy(b.terminateds(), buf.terminateds(), r);
            copy(b.truncateds(), buf.truncateds(), r);
            copy(b.truncationValues(), buf.truncationValues(), r);
            copy(b.nextObservations(), buf.nextObservations(), b.from() * obsDim);
            copy(b.nextValues(), buf.nextValues(), b.from());
            copy(b.nextObservations(), collector.currentObservations(), b.from() * obsDim);
            for (int e = 0; e < b.states().length; e++) {
                collector.vectorEnv().env(b.from() + e).restore(new EnvSnapshot(b.states()[e], b.elapsedSteps()[e],
                        b.needsReset()[e], b.rngs()[e]));
            }
        }
        replay(spec, collector, buf, episodes);
        return buf;
    }

    /**
     * What couples the copies in a local collector, replayed step by step over the collected rows:
     * each copy's running episode return and length, the episode sink (at the collector's global
     * step, copies in order), and the reward normaliser with its clip.
     */
    private static void replay(CollectorSpec spec, StepCollector collector, RolloutBuffer buf, EpisodeSink episodes) {
        int n = spec.numEnvs();
        int h = spec.numSteps();
        RewardNormalizer normalizer = collector.rewardNormalizer();
        double clip = spec.clipRewards();
        double[] raw = new double[n];
        boolean[] term = new boolean[n];
        boolean[] trunc = new boolean[n];
        double[] scaled = new double[n];
        double[] returns = collector.episodeReturns();
        int[] lengths = collector.episodeLengths();
        long globalStep = collector.globalStep();
        for (int t = 0; t < h; t++) {
            globalStep += n;
            for (int e = 0; e < n; e++) {
                int i = e * h + t;
                raw[e] = buf.rawRewards()[i];
                term[e] = buf.terminateds()[i];
                // the buffer keeps "truncated and not terminated"; every use below reads term || trunc or term alone
                trunc[e] = buf.truncateds()[i];
                returns[e] += raw[e];
                lengths[e]++;
                if (term[e] || trunc[e]) {
                    episodes.onEpisode(globalStep, e, returns[e], lengths[e]);
                    returns[e] = 0;
                    lengths[e] = 0;
                }
            }
            if (normalizer != null) {
                normalizer.normalize(raw, term, trunc, scaled);
                for (int e = 0; e < n; e++) {
                    buf.rewards()[e * h + t] = Math.max(-clip, Math.min(clip, scaled[e]));
                }
            } else {
                for (int e = 0; e < n; e++) {
                    buf.rewards()[e * h + t] = raw[e];
                }
            }
        }
        collector.restoreGlobalStep(globalStep);
    }

    /** The actor-critic for {@code spec}'s environment (weights to be set). */
    private static ActorCritic policy(CollectorSpec spec) {
        EnvSpec env = Envs.spec(spec.envId());
        try (ArrayEnv<?> probe = env.makeArray()) {
            return ActorCritic.create(PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace(),
                    spec.hiddenLayers(), Activation.TANH), new Rng(0));
        }
    }

    /** The broadcast weights into a new actor-critic for {@code spec}. */
    private static ActorCritic policy(CollectorSpec spec, Weights w) {
        ActorCritic policy = policy(spec);
        Parameters p = policy.parameters();
        for (int i = 0; i < w.names().length; i++) {
            Parameters.Tensor t = p.get(w.names()[i]);
            System.arraycopy(w.data()[i], 0, t.data(), 0, t.data().length);
        }
        p.markModified();
        return policy;
    }

    /** The rollout worker of a shard: its copies restored, {@code num_steps} steps with the given noise. */
    static final class ShardTask implements FlatMapFunction<Iterator<Shard>, ShardBatch> {
        private final CollectorSpec spec;
        private final Broadcast<Weights> weights;

        ShardTask(CollectorSpec spec, Broadcast<Weights> weights) {
            this.spec = spec;
            this.weights = weights;
        }

        @Override
        public Iterator<ShardBatch> call(Iterator<Shard> shards) {
            List<ShardBatch> out = new ArrayList<>();
            ActorCritic policy = null;
            while (shards.hasNext()) {
                Shard s = shards.next();
                TaskContext ctx = TaskContext.get();
                String fail = ctx == null ? null : ctx.getLocalProperty(SparkCollect.FAIL_FIRST_ATTEMPT);
                if (fail != null && Integer.parseInt(fail) == s.index() && ctx.attemptNumber() == 0) {
                    throw new IllegalStateException("test: shard " + s.index() + " fails on its first attempt");
                }
                if (policy == null) {
                    policy = policy(spec, weights.value());
                }
                out.add(collect(s, policy));
            }
            return out.iterator();
        }

        private ShardBatch collect(Shard s, ActorCritic policy) {
            EnvSpec env = Envs.spec(spec.envId());
            int m = s.to() - s.from();
            try (StepCollector c = new StepCollector(env::makeArray, m, spec.numSteps(), 0L, new Rng(0),
                    StepCollector.Processing.NONE, (step, e, ret, len) -> { })) {
                for (int e = 0; e < m; e++) {
                    c.vectorEnv().env(e).restore(new EnvSnapshot(s.states()[e], s.elapsedSteps()[e],
                            s.needsReset()[e], s.rngs()[e]));
                }
                System.arraycopy(s.currentObservations(), 0, c.currentObservations(), 0,
                        s.currentObservations().length);
                RolloutBuffer b = c.collect(policy, s.noise());
                double[][] states = new double[m][];
                int[] elapsed = new int[m];
                boolean[] needsReset = new boolean[m];
                long[][] rngs = new long[m][];
                for (int e = 0; e < m; e++) {
                    EnvSnapshot snap = c.vectorEnv().env(e).snapshot();
                    states[e] = snap.state();
                    elapsed[e] = snap.elapsedSteps();
                    needsReset[e] = snap.needsReset();
                    rngs[e] = snap.rngState();
                }
                return new ShardBatch(s.from(), b.observations(), b.finalObservations(), b.discreteActions(),
                        b.continuousActions(), b.logProbs(), b.values(), b.rawRewards(), b.terminateds(),
                        b.truncateds(), b.truncationValues(), b.nextObservations(), b.nextValues(), states, elapsed,
                        needsReset, rngs);
            }
        }
    }

    // ---- one task: the collector's whole state -----------------------------------------------------------

    private RolloutBuffer whole(CollectorSpec spec, StepCollector collector, Broadcast<Weights> w,
            EpisodeSink episodes) {
        ObjectNode meta = JSON.createObjectNode();
        Parameters tensors = new Parameters();
        CollectorState.save(collector, meta, tensors);
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
        copy(from, to, 0);
    }

    private static void copy(Object from, Object to, int offset) {
        if (from != null) {
            System.arraycopy(from, 0, to, offset, java.lang.reflect.Array.getLength(from));
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
            ActorCritic policy = policy(spec, weights.value());
            int obsDim = currentObservations.length / spec.numEnvs();
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
