package dev.trail.algo.sac;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.Trainer;
import dev.trail.algo.TrainingLoop;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.StepCollector;
import dev.trail.rollout.VectorPolicy;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.offline.TransitionDataset;
import dev.trail.optim.Adam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.policy.SquashedGaussianActor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Soft Actor-Critic for continuous actions, as CleanRL's {@code sac_continuous_action.py}.
 * Every environment step:
 * <ol>
 *   <li><b>Act</b>: uniform random actions for the first {@code learning_starts} steps, then a
 *       sample of the squashed Gaussian actor (plain Java). Store {@code (s, a, r, s', terminated)}
 *       with {@code s'} the final observation when the episode ended (truncations bootstrap).</li>
 *   <li><b>Critics</b>: {@code y = r + γ (1 - terminated) (min(Q1', Q2')(s', a') - α log π(a'|s'))},
 *       {@code a' ~ π(s')}, with the Polyak-averaged target critics; loss
 *       {@code mse(Q1(s,a), y) + mse(Q2(s,a), y)}; one Adam over both critics.</li>
 *   <li><b>Actor</b> every {@code policy_frequency} steps, that many times: loss
 *       {@code mean(α log π(ã|s) - min(Q1, Q2)(s, ã))} with the reparameterised {@code ã}; with
 *       {@code autotune}, the temperature follows
 *       {@code ∇ log α = -α · mean(log π + H̄)}, {@code H̄ = -dim(A)}, computed in Java.</li>
 *   <li><b>Targets</b>: {@code θ' ← τ θ + (1 - τ) θ'} every {@code target_network_frequency} steps (in Java).</li>
 * </ol>
 * Acting goes through a {@link StepCollector} with a horizon of one step (the same collector PPO
 * uses), whose transitions feed the replay buffer; checkpoints, interrupts and resume are
 * {@link TrainingLoop}'s, one iteration per environment step.
 * Metrics go to the listener every {@link #LOG_EVERY} steps once learning has started. The noise
 * of every sample (acting and learning), the buffer indices, the initialisations and the
 * environments draw from separate streams of the root seed: the same seed gives the same run.
 */
public final class Sac implements Trainer {

    /** The algorithm's name. */
    public static final String ALGORITHM = "sac";
    /** Steps between metric reports (CleanRL logs every 100). */
    public static final int LOG_EVERY = 100;

    private final SacConfig config;
    private final EnvSpec env;
    private final long totalSteps;
    private final StepCollector collector;
    private final int n;
    private final int obsDim;
    private final int actDim;
    private final Box actionBox;

    private final SquashedGaussianActor actor;
    private final Parameters critic;
    private final Parameters criticTarget;
    private final Mlp q1;
    private final Mlp q2;
    private final Parameters logAlpha;
    private final Adam actorOptimizer;
    private final Adam criticOptimizer;
    private final Adam alphaOptimizer;
    private final double targetEntropy;
    private double alpha;

    private final ReplayBuffer buffer;
    /** RLPD: the offline transitions mixed into every batch, or null. */
    private final TransitionDataset offline;
    private Rng sampleRng;
    private Rng noiseRng;
    private final long seed;
    private final NDManager manager;
    private final Engine engine;

    private int report;
    private final long startNanos = System.nanoTime();

    // diagnostics of the last gradient steps (read from tensors only when reporting)
    private double qfLoss = Double.NaN;
    private double qfValues = Double.NaN;
    private double actorLoss = Double.NaN;
    private double alphaLoss = Double.NaN;
    private int episodesSinceReport;
    private double returnSinceReport;
    private long lengthSinceReport;

    /** A fresh run of {@code totalSteps} environment steps with one environment copy. */
    public Sac(SacConfig config, EnvSpec env, long seed, long totalSteps) {
        this(config, env, seed, totalSteps, null);
    }

    /**
     * A fresh run; with {@code offline} (the dataset {@code offline_dataset} names, fitted to the
     * environment's spaces) every batch holds {@code round(offline_ratio · batch_size)} transitions
     * drawn uniformly from it and the rest from the replay buffer (RLPD's symmetric sampling).
     */
    public Sac(SacConfig config, EnvSpec env, long seed, long totalSteps, TransitionDataset offline) {
        if (config.usesOfflineData() && offline == null) {
            throw new IllegalArgumentException("offline_dataset=" + config.offlineDataset() + " was not loaded");
        }
        if (offline != null && offline.discrete()) {
            throw new IllegalArgumentException(offline.source() + ": field actions holds discrete actions; SAC needs Box actions");
        }
        this.offline = offline;
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total_steps must be >= 1, got " + totalSteps);
        }
        this.config = config;
        this.env = env;
        this.seed = seed;
        this.totalSteps = totalSteps;
        this.n = 1;
        ArrayEnv<?> probe = env.makeArray();
        if (!(probe.actionSpace() instanceof Box box)) {
            probe.close();
            throw new IllegalArgumentException("SAC needs continuous (Box) actions; " + env.id() + " has "
                    + probe.actionSpace());
        }
        this.actionBox = box;
        this.obsDim = probe.observationSize();
        this.actDim = box.flatSize();
        probe.close();

        Rng init = Seeds.stream(seed, "init");
        int[] hidden = config.hiddenLayers();
        this.actor = SquashedGaussianActor.create(obsDim, box.low(), box.high(), hidden, init);
        this.critic = new Parameters();
        int[] qSizes = new int[hidden.length + 2];
        qSizes[0] = obsDim + actDim;
        System.arraycopy(hidden, 0, qSizes, 1, hidden.length);
        qSizes[qSizes.length - 1] = 1;
        this.q1 = Mlp.createDefaultInit("qf1", qSizes, Activation.RELU, init, critic);
        this.q2 = Mlp.createDefaultInit("qf2", qSizes, Activation.RELU, init, critic);
        if (config.layerNormCritics()) {
            for (String q : new String[] {"qf1", "qf2"}) {
                for (int l = 0; l < hidden.length; l++) {
                    float[] ones = new float[hidden[l]];
                    java.util.Arrays.fill(ones, 1f);
                    critic.add(q + ".ln." + l + ".weight", new int[] {hidden[l]}, ones);
                    critic.add(q + ".ln." + l + ".bias", new int[] {hidden[l]}, new float[hidden[l]]);
                }
            }
        }
        this.criticTarget = critic.copy();
        this.logAlpha = new Parameters();
        logAlpha.add("log_alpha", new int[] {1}, new float[] {0f});
        this.actorOptimizer = new Adam(actor.parameters(), 1e-8);
        this.criticOptimizer = new Adam(critic, 1e-8);
        this.alphaOptimizer = new Adam(logAlpha, 1e-8);
        this.targetEntropy = -actDim;
        this.alpha = config.autotune() ? 1.0 : config.alpha();

        this.buffer = new ReplayBuffer((int) Math.min(config.bufferSize(), Math.max(totalSteps, 1)), obsDim, actDim);
        this.sampleRng = Seeds.stream(seed, "replay");
        this.noiseRng = Seeds.stream(seed, "noise");
        this.collector = new StepCollector(env::makeArray, n, config.numThreads(), 1, Seeds.stream(seed, "envs").nextLong(),
                Seeds.stream(seed, "actions"), StepCollector.Processing.NONE, this::onEpisode);
        this.manager = Torch.newManager();
        this.engine = Torch.engine();
    }

    /** Trains for the planned steps and returns the actor. */
    public static SquashedGaussianActor train(SacConfig config, EnvSpec env, long seed, long totalSteps,
            TrainingListener listener) {
        try {
            return train(config, env, seed, totalSteps, listener, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reached: no checkpoint is written
        }
    }

    /**
     * Trains for the planned steps; with a {@code checkpointDir}, writes a checkpoint to
     * {@code checkpointDir/step-<n>} at the end (and every {@code checkpointEvery} steps if > 0).
     * A checkpoint holds the whole run (networks, optimisers, replay buffer, random streams,
     * environment), so {@link #resume} continues it exactly, and {@link dev.trail.policy.Evaluation}
     * reads its actor.
     */
    public static SquashedGaussianActor train(SacConfig config, EnvSpec env, long seed, long totalSteps,
            TrainingListener listener, Path checkpointDir) throws IOException {
        return train(config, env, seed, totalSteps, listener, checkpointDir, 0);
    }

    /** As {@link #train(SacConfig, EnvSpec, long, long, TrainingListener, Path)}, also checkpointing every {@code checkpointEvery} steps. */
    public static SquashedGaussianActor train(SacConfig config, EnvSpec env, long seed, long totalSteps,
            TrainingListener listener, Path checkpointDir, long checkpointEvery) throws IOException {
        try (Sac sac = new Sac(config, env, seed, totalSteps)) {
            sac.run(listener, checkpointDir, checkpointEvery);
            return sac.actor();
        }
    }

    /** Continues the run saved in {@code checkpoint} to its planned steps, exactly as if it had not stopped. */
    public static SquashedGaussianActor resume(Path checkpoint, EnvSpec env, TrainingListener listener,
            Path checkpointDir, long checkpointEvery) throws IOException {
        try (Sac sac = load(checkpoint, env)) {
            sac.run(listener, checkpointDir, checkpointEvery);
            return sac.actor();
        }
    }

    /**
     * Runs the remaining steps, checkpointing as {@link #train} describes; returns the last
     * checkpoint or null. An interrupt stops after the current step, with a checkpoint when
     * {@code checkpointDir} is set, leaving the interrupt flag set.
     */
    public Path run(TrainingListener listener, Path checkpointDir, long checkpointEvery) throws IOException {
        return TrainingLoop.run(this, listener, checkpointDir, checkpointEvery).lastCheckpoint();
    }

    @Override
    public long iterations() {
        return globalStep();
    }

    @Override
    public String checkpointName() {
        return String.format("step-%07d", globalStep());
    }

    @Override
    public Map<String, Double> iterate(TrainingListener listener) {
        return step(listener);
    }

    /**
     * Writes the whole run state to {@code dir} (atomically): {@code parameters.bin} (the actor,
     * readable by {@link PolicyCheckpoint#load}), {@code critic.bin}, {@code critic_target.bin},
     * {@code optimizer.bin} (Adam moments of actor, critics and temperature, plus {@code log_alpha}),
     * {@code replay.bin}, {@code state.bin} (current observations), and in {@code checkpoint.json}
     * the config, counters, Adam step counts, temperature, random-stream states and environment
     * snapshots.
     */
    public void save(Path dir) throws IOException {
        PolicySpec spec = new PolicySpec(obsDim, false, actDim, config.hiddenLayers(), Activation.RELU,
                actionBox.low(), actionBox.high());
        ObjectNode meta = PolicyCheckpoint.describe(ALGORITHM, env, PolicyCheckpoint.SQUASHED_GAUSSIAN, spec,
                actor.parameters(), null, 0);
        ObjectNode c = meta.putObject("config");
        config.toMap().forEach(c::putPOJO);
        meta.put("seed", seed);
        meta.put("totalSteps", totalSteps);
        meta.put("globalStep", globalStep());
        meta.put("report", report);
        meta.put("alpha", alpha);
        ObjectNode opt = meta.putObject("optimizer");
        opt.put("type", "adam");
        opt.put("actorStep", actorOptimizer.stepCount());
        opt.put("criticStep", criticOptimizer.stepCount());
        opt.put("alphaStep", alphaOptimizer.stepCount());
        ObjectNode rng = meta.putObject("rng");
        CollectorState.putLongs(rng.putArray("replay"), sampleRng.state());
        CollectorState.putLongs(rng.putArray("noise"), noiseRng.state());
        ObjectNode rb = meta.putObject("replay");
        rb.put("position", buffer.position());
        rb.put("size", buffer.size());
        ObjectNode ep = meta.putObject("episodes");
        ep.put("sinceReport", episodesSinceReport);
        ep.put("returnSinceReport", returnSinceReport);
        ep.put("lengthSinceReport", lengthSinceReport);

        Parameters optimizers = new Parameters();
        addMoments(optimizers, "actor", actor.parameters(), actorOptimizer);
        addMoments(optimizers, "critic", critic, criticOptimizer);
        addMoments(optimizers, "alpha", logAlpha, alphaOptimizer);
        optimizers.add("log_alpha", new int[] {1}, logAlpha.get(0).data().clone());
        Parameters state = new Parameters();
        CollectorState.save(collector, meta, state);
        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put(PolicyCheckpoint.PARAMETERS, actor.parameters());
        files.put("critic", critic);
        files.put("critic_target", criticTarget);
        files.put("optimizer", optimizers);
        files.put("replay", buffer.toTensors());
        files.put(CollectorState.STATE, state);
        Checkpoint.write(dir, meta, files);
    }

    /** Restores a run written by {@link #save(Path)}. */
    public static Sac load(Path dir, EnvSpec env) throws IOException {
        return load(dir, env, null);
    }

    /** Restores a run written by {@link #save(Path)} that mixes in {@code offline} (the dataset its config names). */
    public static Sac load(Path dir, EnvSpec env, TransitionDataset offline) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        if (!ALGORITHM.equals(meta.path("algorithm").asText())) {
            throw new IllegalArgumentException(dir + " is a checkpoint of '" + meta.path("algorithm").asText()
                    + "', not of SAC");
        }
        if (!meta.path("envId").asText().equals(env.id())) {
            throw new IllegalArgumentException(dir + " was trained on " + meta.path("envId").asText() + ", not on "
                    + env.id());
        }
        Sac sac = new Sac(SacConfig.binder().bind(meta.path("config")), env, meta.path("seed").asLong(),
                meta.path("totalSteps").asLong(), offline);
        try {
            PolicyCheckpoint.checkFits(dir, meta, new PolicySpec(sac.obsDim, false, sac.actDim,
                    sac.config.hiddenLayers(), Activation.RELU, sac.actionBox.low(), sac.actionBox.high()));
            sac.actor.parameters().copyFrom(cp.tensors(PolicyCheckpoint.PARAMETERS));
            sac.critic.copyFrom(cp.tensors("critic"));
            sac.criticTarget.copyFrom(cp.tensors("critic_target"));
            Parameters opt = cp.tensors("optimizer");
            JsonNode o = meta.path("optimizer");
            restoreMoments(opt, "actor", sac.actor.parameters(), sac.actorOptimizer, o.path("actorStep").asLong());
            restoreMoments(opt, "critic", sac.critic, sac.criticOptimizer, o.path("criticStep").asLong());
            restoreMoments(opt, "alpha", sac.logAlpha, sac.alphaOptimizer, o.path("alphaStep").asLong());
            sac.logAlpha.get(0).data()[0] = opt.get("log_alpha").data()[0];
            sac.alpha = meta.path("alpha").asDouble();
            JsonNode rng = meta.path("rng");
            sac.sampleRng = Rng.fromState(CollectorState.longs(rng.path("replay")));
            sac.noiseRng = Rng.fromState(CollectorState.longs(rng.path("noise")));
            sac.buffer.restore(cp.tensors("replay"), meta.path("replay").path("position").asInt(),
                    meta.path("replay").path("size").asInt());
            JsonNode ep = meta.path("episodes");
            sac.episodesSinceReport = ep.path("sinceReport").asInt();
            sac.returnSinceReport = ep.path("returnSinceReport").asDouble();
            sac.lengthSinceReport = ep.path("lengthSinceReport").asLong();
            CollectorState.restore(sac.collector, meta, cp.tensors(CollectorState.STATE), dir);
            sac.report = meta.path("report").asInt();
            return sac;
        } catch (IOException | RuntimeException e) {
            sac.close();
            throw e;
        }
    }

    private static void addMoments(Parameters out, String prefix, Parameters params, Adam adam) {
        for (int i = 0; i < params.count(); i++) {
            Parameters.Tensor t = params.get(i);
            out.add(prefix + "/m/" + t.name(), t.shape(), adam.firstMoments()[i].clone());
            out.add(prefix + "/v/" + t.name(), t.shape(), adam.secondMoments()[i].clone());
        }
    }

    private static void restoreMoments(Parameters saved, String prefix, Parameters params, Adam adam, long step) {
        float[][] m = new float[params.count()][];
        float[][] v = new float[params.count()][];
        for (int i = 0; i < params.count(); i++) {
            m[i] = saved.get(prefix + "/m/" + params.get(i).name()).data();
            v[i] = saved.get(prefix + "/v/" + params.get(i).name()).data();
        }
        adam.restore(m, v, step);
    }

    /** Whether all planned steps are done. */
    public boolean done() {
        return globalStep() >= totalSteps;
    }

    /** The actor (its weights change with every update). */
    public SquashedGaussianActor actor() {
        return actor;
    }

    /** Environment steps taken. */
    public long globalStep() {
        return collector.globalStep();
    }

    /** What SAC acts with: uniform random actions before {@code learning_starts}, then the actor's samples, in the box. */
    private final VectorPolicy acting = new VectorPolicy() {
        @Override
        public Acted act(float[] observations, int rows, Rng rng) {
            float[] actions;
            // the collector counts this step already: the steps before it are globalStep() - rows
            if (collector.globalStep() - rows < config.learningStarts()) {
                actions = new float[rows * actDim];
                for (int e = 0; e < rows; e++) {
                    System.arraycopy(actionBox.sample(rng), 0, actions, e * actDim, actDim);
                }
            } else {
                actions = actor.act(observations, rows, rng, null);
                clipToBox(actions);
            }
            return new Acted(null, actions, null, null);
        }
    };

    private TrainingListener episodeListener = TrainingListener.NONE;

    private void onEpisode(long step, int envIndex, double episodicReturn, int length) {
        episodeListener.onEpisode(step, envIndex, episodicReturn, length);
        episodesSinceReport++;
        returnSinceReport += episodicReturn;
        lengthSinceReport += length;
    }

    /**
     * One environment step through the collector, its transition into the replay buffer, then the
     * gradient steps due; returns the metrics when this step reports them, else an empty map.
     */
    public Map<String, Double> step(TrainingListener listener) {
        episodeListener = listener;
        RolloutBuffer b = collector.collect(acting);
        listener.onRollout(b);
        long globalStep = globalStep();
        float[] next = b.nextObservations();
        for (int e = 0; e < n; e++) {
            boolean ended = b.terminateds()[e] || b.truncateds()[e];
            buffer.add(b.observations(), e * obsDim, ended ? b.finalObservations() : next, e * obsDim,
                    b.continuousActions(), e * actDim, b.rawRewards()[e], b.terminateds()[e]);
        }

        if (globalStep > config.learningStarts()) {
            boolean reporting = globalStep % LOG_EVERY == 0;
            boolean targetDue = globalStep % config.targetNetworkFrequency() == 0;
            ReplayBuffer.Batch batch = sampleBatch();
            // utd_ratio > 1 (RLPD): more critic updates on fresh batches, each followed by its target update;
            // the actor then learns on the last batch, as with utd_ratio = 1
            for (int u = 1; u < config.utdRatio(); u++) {
                updateCritics(batch, false);
                if (targetDue) {
                    criticTarget.softUpdateFrom(critic, config.tau());
                }
                batch = sampleBatch();
            }
            updateCritics(batch, reporting);
            if (globalStep % config.policyFrequency() == 0) {
                for (int k = 0; k < config.policyFrequency(); k++) {
                    updateActor(batch, reporting);
                }
            }
            if (targetDue) {
                criticTarget.softUpdateFrom(critic, config.tau());
            }
            if (reporting) {
                return report(listener);
            }
        }
        return Map.of();
    }

    /** A batch from the replay buffer, or with offline data its share from the dataset (online rows first). */
    private ReplayBuffer.Batch sampleBatch() {
        int b = config.batchSize();
        if (offline == null) {
            return buffer.sample(b, sampleRng);
        }
        int fromData = (int) Math.round(config.offlineRatio() * b);
        ReplayBuffer.Batch online = buffer.sample(Math.max(b - fromData, 1), sampleRng);
        int fromBuffer = b - fromData;
        float[] o = Arrays.copyOf(online.observations(), b * obsDim);
        float[] a = Arrays.copyOf(online.actions(), b * actDim);
        float[] r = Arrays.copyOf(online.rewards(), b);
        float[] d = Arrays.copyOf(online.notDone(), b);
        float[] o2 = Arrays.copyOf(online.nextObservations(), b * obsDim);
        for (int i = fromBuffer; i < b; i++) {
            int k = sampleRng.nextInt(offline.size());
            System.arraycopy(offline.observations(), k * obsDim, o, i * obsDim, obsDim);
            System.arraycopy(offline.nextObservations(), k * obsDim, o2, i * obsDim, obsDim);
            System.arraycopy(offline.actions(), k * actDim, a, i * actDim, actDim);
            r[i] = offline.rewards()[k];
            d[i] = offline.terminals()[k] ? 0f : 1f;
        }
        return new ReplayBuffer.Batch(o, a, r, d, o2);
    }

    /** {@code Q(s, a)} of critic {@code q} ({@code [B, 1]}); with {@code layer_norm_critics}, LayerNorm before each hidden ReLU. */
    private NDArray qValue(Mlp q, Parameters.Bound w, NDArray in) {
        if (!config.layerNormCritics()) {
            return q.forward(w, in);
        }
        int layers = q.sizes().length - 1;
        NDArray h = in;
        for (int l = 0; l < layers; l++) {
            String p = q.prefix() + "." + l;
            h = ai.djl.nn.core.Linear.linear(h, w.get(p + ".weight"), w.get(p + ".bias")).singletonOrThrow();
            if (l < layers - 1) {
                String ln = q.prefix() + ".ln." + l;
                h = ai.djl.nn.norm.LayerNorm.layerNorm(h, new ai.djl.ndarray.types.Shape(q.sizes()[l + 1]),
                        w.get(ln + ".weight"), w.get(ln + ".bias"), 1e-5f).singletonOrThrow();
                h = Activation.RELU.apply(h);
            }
        }
        return h;
    }

    private void clipToBox(float[] actions) {
        for (int i = 0; i < actions.length; i++) {
            int j = i % actDim;
            actions[i] = Math.max(actionBox.low(j), Math.min(actionBox.high(j), actions[i]));
        }
    }

    private NDArray gaussian(NDManager m, int rows) {
        float[] eps = new float[rows * actDim];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) noiseRng.nextGaussian();
        }
        return Tensors.create(m, eps, rows, actDim);
    }

    private void updateCritics(ReplayBuffer.Batch batch, boolean reporting) {
        int b = config.batchSize();
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batch.observations(), b, obsDim);
            NDArray act = Tensors.create(sub, batch.actions(), b, actDim);
            NDArray nextObs = Tensors.create(sub, batch.nextObservations(), b, obsDim);
            float[] discount = batch.notDone().clone();
            for (int i = 0; i < b; i++) {
                discount[i] *= (float) config.gamma();
            }
            // target (no gradient: outside the collector, on constant copies of the weights)
            Parameters.Bound actorC = actor.parameters().constant(sub);
            Parameters.Bound targetC = criticTarget.constant(sub);
            NDArray[] nextSample = actor.rsample(actorC, nextObs, gaussian(sub, b));
            NDArray nextIn = NDArrays.concat(new NDList(nextObs, nextSample[0]), 1);
            NDArray minNext = qValue(q1, targetC, nextIn).minimum(qValue(q2, targetC, nextIn)).reshape(-1)
                    .sub(Tensors.mul(nextSample[1], alpha));
            NDArray y = Tensors.create(sub, batch.rewards(), b).add(Tensors.create(sub, discount, b).mul(minNext));

            Parameters.Bound params = critic.bind(sub);
            NDArray in = NDArrays.concat(new NDList(obs, act), 1);
            NDArray q1Values;
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                q1Values = qValue(q1, params, in).reshape(-1);
                NDArray q2Values = qValue(q2, params, in).reshape(-1);
                loss = q1Values.sub(y).square().mean().add(q2Values.sub(y).square().mean());
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                qfLoss = loss.getFloat() / 2;
                qfValues = q1Values.mean().getFloat();
                guard(Metrics.QF_LOSS, qfLoss);
            }
        }
        guardGradients("critic", grads, critic);
        criticOptimizer.step(critic, grads, config.qLr());
    }

    private void updateActor(ReplayBuffer.Batch batch, boolean reporting) {
        int b = config.batchSize();
        float[][] grads;
        double meanLogProb = Double.NaN;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batch.observations(), b, obsDim);
            Parameters.Bound params = actor.parameters().bind(sub);
            Parameters.Bound criticC = critic.constant(sub);
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray[] sample = actor.rsample(params, obs, gaussian(sub, b));
                NDArray in = NDArrays.concat(new NDList(obs, sample[0]), 1);
                NDArray minQ = qValue(q1, criticC, in).minimum(qValue(q2, criticC, in)).reshape(-1);
                loss = Tensors.mul(sample[1], alpha).sub(minQ).mean();
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                actorLoss = loss.getFloat();
                guard(Metrics.ACTOR_LOSS, actorLoss);
            }
        }
        guardGradients("actor", grads, actor.parameters());
        actorOptimizer.step(actor.parameters(), grads, config.policyLr());
        if (config.autotune()) {
            // log π under the updated actor (no gradient), then the temperature's gradient in closed form
            try (NDManager sub = manager.newSubManager()) {
                NDArray obs = Tensors.create(sub, batch.observations(), b, obsDim);
                meanLogProb = actor.rsample(actor.parameters().constant(sub), obs, gaussian(sub, b))[1].mean().getFloat();
            }
            double a = Math.exp(logAlpha.get(0).data()[0]);
            float[][] g = {{(float) (-a * (meanLogProb + targetEntropy))}};
            guard(Metrics.ALPHA_LOSS, g[0][0]);
            alphaOptimizer.step(logAlpha, g, config.qLr());
            alpha = Math.exp(logAlpha.get(0).data()[0]);
            if (reporting) {
                alphaLoss = -a * (meanLogProb + targetEntropy);
            }
        }
    }

    private void guardGradients(String net, float[][] grads, Parameters params) {
        for (int p = 0; p < grads.length; p++) {
            for (float g : grads[p]) {
                if (!Float.isFinite(g)) {
                    guard("gradient of " + net + " " + params.get(p).name(), g);
                }
            }
        }
    }

    private void guard(String term, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException("SAC", term, (int) Math.min(Integer.MAX_VALUE, globalStep()), value);
        }
    }

    private Map<String, Double> report(TrainingListener listener) {
        report++;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metrics.QF_VALUES, qfValues);
        m.put(Metrics.QF_LOSS, qfLoss);
        m.put(Metrics.ACTOR_LOSS, actorLoss);
        m.put(Metrics.ALPHA, alpha);
        if (config.autotune()) {
            m.put(Metrics.ALPHA_LOSS, alphaLoss);
        }
        if (episodesSinceReport > 0) {
            m.put(Metrics.EPISODIC_RETURN, returnSinceReport / episodesSinceReport);
            m.put(Metrics.EPISODIC_LENGTH, (double) lengthSinceReport / episodesSinceReport);
        }
        m.put(Metrics.EPISODES, (double) episodesSinceReport);
        episodesSinceReport = 0;
        returnSinceReport = 0;
        lengthSinceReport = 0;
        m.put(Metrics.STEPS_PER_SECOND, globalStep() / Math.max((System.nanoTime() - startNanos) / 1e9, 1e-9));
        listener.onUpdate(report, globalStep(), m);
        return m;
    }

    @Override
    public void close() {
        collector.close();
        manager.close();
    }
}
