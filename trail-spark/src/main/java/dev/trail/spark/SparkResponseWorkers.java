package dev.trail.spark;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trail.envs.Envs;
import dev.trail.lm.Sampler;
import dev.trail.lm.SamplingConfig;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.rollout.ResponseSampler;
import dev.trail.scale.ResponseWorkers;
import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.TokenEnv;
import dev.trail.token.TokenTask;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code rollout_workers=spark} for the GRPO family: every generation call of a batch sampled by
 * Spark executor tasks while the learner stays on the driver.
 *
 * <p>The driver broadcasts the transformer's weights once per policy version (the update number;
 * the calls of one batch, a greedy baseline or dynamic sampling's refills, share it) and destroys
 * the previous version's broadcast. The call's rows are cut into contiguous shards, one task each;
 * a shard carries its problems and the states of its rows' random streams, which the driver's
 * collector split off its sampling stream, so a row's response depends on its problem, its stream
 * and the weights, never on the shard it landed in or on a retry. Each task rebuilds the task
 * from the registry id and the transformer from the broadcast, samples its rows with
 * {@link Sampler} (one libtorch thread) and returns the transcripts and sampling log-probs.
 */
final class SparkResponseWorkers implements ResponseWorkers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JavaSparkContext sc;
    private Broadcast<SparkRolloutWorkers.Weights> current;
    private long lastTokens;

    SparkResponseWorkers(SparkSession spark) {
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** One task's rows: their first index, problems and random-stream states. */
    record Shard(int first, List<Problem> problems, long[][] streams) implements Serializable {
    }

    /** {@link SamplingConfig}'s fields, for the task. */
    record Sampling(double temperature, double topP, boolean greedy, int maxNewTokens, boolean useCache)
            implements Serializable {

        static Sampling of(SamplingConfig c) {
            return new Sampling(c.temperature(), c.topP(), c.greedy(), c.maxNewTokens(), c.useCache());
        }

        SamplingConfig config() {
            return new SamplingConfig(temperature, topP, greedy, maxNewTokens, useCache);
        }
    }

    /** One task's responses, in row order, with the policy tokens it generated. */
    record Sampled(int first, List<ResponseSampler.Response> responses, long tokens) implements Serializable {
    }

    @Override
    public List<ResponseSampler.Response> sample(SamplerSpec spec, Parameters weights, long version,
            List<? extends Problem> problems, Rng[] streams, SamplingConfig sampling) {
        if (current == null || current.value().version() != version) {
            Broadcast<SparkRolloutWorkers.Weights> w = sc.broadcast(SparkRolloutWorkers.Weights.of(version, weights));
            if (current != null) {
                current.destroy();
            }
            current = w;
        }
        int rows = problems.size();
        int shards = Math.max(1, Math.min(rows, spec.shards() > 0 ? spec.shards() : sc.defaultParallelism()));
        int size = (rows + shards - 1) / shards;
        List<Shard> work = new ArrayList<>();
        for (int from = 0; from < rows; from += size) {
            int to = Math.min(rows, from + size);
            long[][] states = new long[to - from][];
            for (int r = from; r < to; r++) {
                states[r - from] = streams[r].state();
            }
            work.add(new Shard(from, new ArrayList<>(problems.subList(from, to)), states));
        }
        List<Sampled> out;
        try {
            out = sc.parallelize(work, work.size()).mapPartitions(new Task(spec, Sampling.of(sampling), current)).collect();
        } catch (Exception e) {
            throw Jobs.failed(e, "");
        }
        List<ResponseSampler.Response> responses = new ArrayList<>(rows);
        long tokens = 0;
        for (Sampled s : out.stream().sorted(java.util.Comparator.comparingInt(Sampled::first)).toList()) {
            responses.addAll(s.responses());
            tokens += s.tokens();
        }
        if (responses.size() != rows) {
            throw new IllegalStateException("the rollout workers returned " + responses.size() + " responses for "
                    + rows + " rows");
        }
        lastTokens = tokens;
        return responses;
    }

    @Override
    public long lastTokens() {
        return lastTokens;
    }

    @Override
    public void close() {
        if (current != null) {
            current.destroy();
            current = null;
        }
    }

    /** The rollout worker: rebuilds the task and the transformer, samples its shard's rows. */
    static final class Task implements FlatMapFunction<Iterator<Shard>, Sampled> {
        private final SamplerSpec spec;
        private final Sampling sampling;
        private final Broadcast<SparkRolloutWorkers.Weights> weights;

        Task(SamplerSpec spec, Sampling sampling, Broadcast<SparkRolloutWorkers.Weights> weights) {
            this.spec = spec;
            this.sampling = sampling;
            this.weights = weights;
        }

        @Override
        public Iterator<Sampled> call(Iterator<Shard> shards) throws IOException {
            TokenTask task = TokenEnv.taskOf(Envs.spec(spec.envId()));
            TransformerConfig shape = TransformerConfig.fromJson(JSON.readTree(spec.model()));
            Transformer model = Transformer.initialize(shape, new Rng(0));
            SparkRolloutWorkers.Weights w = weights.value();
            Parameters p = model.parameters();
            for (int i = 0; i < w.names().length; i++) {
                Parameters.Tensor t = p.get(w.names()[i]);
                System.arraycopy(w.data()[i], 0, t.data(), 0, t.data().length);
            }
            p.markModified();
            Sampler sampler = new Sampler(model);
            List<Sampled> out = new ArrayList<>();
            try (NDManager manager = Torch.newManager()) {
                while (shards.hasNext()) {
                    Shard s = shards.next();
                    Rng[] streams = new Rng[s.streams().length];
                    for (int i = 0; i < streams.length; i++) {
                        streams[i] = Rng.fromState(s.streams()[i]);
                    }
                    List<ResponseSampler.Response> responses = new ArrayList<>();
                    for (Sampler.Sample x : sampler.sample(manager, task, s.problems(), streams, sampling.config())) {
                        responses.add(new ResponseSampler.Response(x.transcript(), x.logProbs()));
                    }
                    out.add(new Sampled(s.first(), responses, sampler.lastStats().tokensGenerated()));
                }
            }
            return out.iterator();
        }
    }
}
