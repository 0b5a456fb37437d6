package dev.trail.algo.dqn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.TrainingLoop;
import dev.trail.algo.Trainer;
import dev.trail.algo.sac.ReplayBuffer;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.env.GridObservation;
import dev.trail.loss.TdLoss;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.nn.fast.JavaMlp;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.policy.QNetwork;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.StepCollector;
import dev.trail.rollout.VectorPolicy;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Discrete;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DQN (Mnih et al. 2015) with CleanRL {@code dqn.py}'s semantics and defaults. At 0-based step
 * {@code t} of a run of {@code T} steps, one environment copy:
 * <ol>
 *   <li><b>Act</b> ε-greedily with {@code ε = linear_schedule(start_e, end_e, exploration_fraction · T, t)}:
 *       a uniform random action with probability ε, else {@code argmax_a Q(s, a)} (plain Java).
 *       Store {@code (s, a, r, s', terminated)}, {@code s'} the final observation when the episode
 *       was cut (truncations bootstrap).</li>
 *   <li>If {@code t > learning_starts}:
 *     <ul>
 *       <li>every {@code train_frequency} steps, one gradient step on {@code batch_size} uniform
 *           samples: {@code y = r + γ max_a' Q_target(s', a') (1 − terminated)}, loss
 *           {@code mse(Q(s, a), y)} (or Huber, {@link TdLoss}), Adam (PyTorch's defaults, no
 *           gradient clipping);</li>
 *       <li>every {@code target_network_frequency} steps, {@code θ' ← τ θ + (1 − τ) θ'}.</li>
 *     </ul></li>
 * </ol>
 * Networks: {@link QNetwork} (CleanRL's 120-84 ReLU MLP, or the grid CNN on MiniGrid
 * observations). {@code backend=java} runs the MLP's gradient step in plain Java
 * ({@link JavaMlp}: no native call, libtorch never loads); {@code djl} on libtorch; {@code auto}
 * picks java for MLPs and djl with the grid encoder.
 *
 * <p>Acting goes through a {@link StepCollector} with a horizon of one step, as SAC's; the
 * ε-greedy draws come from the collector's action stream, replay indices from their own stream
 * of the root seed. Checkpoints hold the whole run (networks, Adam, replay buffer, streams,
 * environment), so a resumed run continues exactly; {@link TrainingLoop} iterates one
 * environment step at a time. Metrics are reported every {@link #LOG_EVERY} steps once learning
 * has started (CleanRL: {@code losses/td_loss}, {@code losses/q_values}, plus {@code charts/epsilon}).
 */
public final class Dqn implements Trainer {

    /** The algorithm's name. */
    public static final String ALGORITHM = "dqn";
    /** Steps between metric reports (CleanRL logs every 100). */
    public static final int LOG_EVERY = 100;
    /** Metric: the TD loss of the last gradient step. */
    public static final String TD_LOSS = "losses/td_loss";
    /** Metric: the mean {@code Q(s, a)} of the last batch. */
    public static final String Q_VALUES = "losses/q_values";
    /** Metric: ε at the current step. */
    public static final String EPSILON = "charts/epsilon";

    private final DqnConfig config;
    private final EnvSpec env;
    private final long seed;
    private final long totalSteps;
    private final StepCollector collector;
    private final int obsDim;
    private final int numActions;
    private final PolicySpec spec;
    private final TdLoss.Kind lossKind;

    private final QNetwork q;
    private final Parameters target;
    private final QNetwork targetNetwork;
    private final Adam optimizer;
    private final ReplayBuffer buffer;
    private Rng sampleRng;

    // java backend (null on djl)
    private final JavaMlp fastQ;
    private final JavaMlp fastTarget;
    private NDManager manager;
    private Engine engine;

    private int report;
    private final long startNanos = System.nanoTime();
    private long stepsAtStart;
    private double tdLoss = Double.NaN;
    private double qValues = Double.NaN;
    private int episodesSinceReport;
    private double returnSinceReport;
    private long lengthSinceReport;
    private TrainingListener episodeListener = TrainingListener.NONE;

    /** A fresh run of {@code totalSteps} environment steps. */
    public Dqn(DqnConfig config, EnvSpec env, long seed, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total_steps must be >= 1, got " + totalSteps);
        }
        this.config = config;
        this.env = env;
        this.seed = seed;
        this.totalSteps = totalSteps;
        PolicySpec s;
        try (ArrayEnv<?> probe = env.makeArray()) {
            if (!(probe.actionSpace() instanceof Discrete d) || d.start() != 0) {
                throw new IllegalArgumentException("DQN needs discrete actions starting at 0; " + env.id() + " has "
                        + probe.actionSpace());
            }
            s = PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace(), config.hiddenLayers(),
                    QNetwork.ACTIVATION);
            if (probe instanceof GridObservation) {
                s = s.withEncoder(PolicySpec.Encoder.GRID_CNN);
            }
        }
        this.spec = s;
        checkBackend(config, env);
        this.obsDim = spec.observationSize();
        this.numActions = spec.actionSize();
        this.lossKind = config.lossKind();
        this.q = QNetwork.create(spec, Seeds.stream(seed, "init"));
        this.target = q.parameters().copy();
        this.targetNetwork = QNetwork.attach(spec, target);
        this.optimizer = new Adam(q.parameters(), 1e-8);
        this.buffer = new ReplayBuffer((int) Math.min(config.bufferSize(), totalSteps), obsDim, 1);
        this.sampleRng = Seeds.stream(seed, "replay");
        boolean java = spec.encoder() == PolicySpec.Encoder.NONE && !config.backend().equals("djl");
        this.fastQ = java ? JavaMlp.attach(QNetwork.PREFIX, spec.actorSizes(), QNetwork.ACTIVATION, q.parameters()) : null;
        this.fastTarget = java ? JavaMlp.attach(QNetwork.PREFIX, spec.actorSizes(), QNetwork.ACTIVATION, target) : null;
        this.collector = new StepCollector(env::makeArray, 1, config.numThreads(), 1, Seeds.stream(seed, "envs").nextLong(),
                Seeds.stream(seed, "actions"), StepCollector.Processing.NONE, this::onEpisode);
    }

    /** Refuses {@code backend=java} on grid worlds (the CNN Q-network trains on DJL only), naming both. */
    public static void checkBackend(DqnConfig config, EnvSpec env) {
        if (config.backend().equals("java")) {
            try (ArrayEnv<?> probe = env.makeArray()) {
                if (probe instanceof GridObservation) {
                    throw new IllegalArgumentException("backend=java trains MLP Q-networks only; " + env.id()
                            + " has grid observations, which DQN encodes with a CNN: use backend=djl or auto");
                }
            }
        }
    }

    /** Trains a fresh run; with a {@code checkpointDir}, checkpoints every {@code checkpointEvery} steps (0: only at the end). */
    public static Path train(DqnConfig config, EnvSpec env, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir, long checkpointEvery) throws IOException {
        try (Dqn dqn = new Dqn(config, env, seed, totalSteps)) {
            return dqn.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** Continues the run saved in {@code checkpoint}, exactly as if it had not stopped. */
    public static Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
            long checkpointEvery) throws IOException {
        try (Dqn dqn = load(checkpoint, env)) {
            return dqn.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** Runs the remaining steps through {@link TrainingLoop}; returns the last checkpoint or null. */
    public Path run(TrainingListener listener, Path checkpointDir, long checkpointEvery) throws IOException {
        return TrainingLoop.run(this, listener, checkpointDir, checkpointEvery).lastCheckpoint();
    }

    // ---- one step ---------------------------------------------------------------------------------

    /** ε-greedy on the online network; ε from the step about to be taken. */
    private final VectorPolicy acting = new VectorPolicy() {
        @Override
        public Acted act(float[] observations, int rows, Rng rng) {
            // the collector counts this step already: its 0-based index is globalStep() - rows
            double epsilon = config.epsilon(collector.globalStep() - rows, totalSteps);
            int[] actions = new int[rows];
            for (int e = 0; e < rows; e++) {
                if (rng.nextDouble() < epsilon) {
                    actions[e] = rng.nextInt(numActions);
                } else {
                    float[] row = new float[obsDim];
                    System.arraycopy(observations, e * obsDim, row, 0, obsDim);
                    actions[e] = q.greedy(row, 1)[0];
                }
            }
            return new Acted(actions, null, null, null);
        }
    };

    private void onEpisode(long step, int envIndex, double episodicReturn, int length) {
        episodeListener.onEpisode(step, envIndex, episodicReturn, length);
        episodesSinceReport++;
        returnSinceReport += episodicReturn;
        lengthSinceReport += length;
    }

    @Override
    public Map<String, Double> iterate(TrainingListener listener) {
        return step(listener);
    }

    /** One environment step, its transition into the replay buffer, then the updates due; metrics when reporting. */
    public Map<String, Double> step(TrainingListener listener) {
        episodeListener = listener;
        RolloutBuffer b = collector.collect(acting);
        listener.onRollout(b);
        long t = globalStep() - 1; // CleanRL's 0-based global_step of the step just taken
        boolean ended = b.terminateds()[0] || b.truncateds()[0];
        float[] action = {b.discreteActions()[0]};
        buffer.add(b.observations(), 0, ended ? b.finalObservations() : b.nextObservations(), 0, action, 0,
                b.rawRewards()[0], b.terminateds()[0]);
        if (t > config.learningStarts()) {
            if (t % config.trainFrequency() == 0) {
                trainStep(buffer.sample(config.batchSize(), sampleRng));
            }
            if (t % config.targetNetworkFrequency() == 0) {
                target.softUpdateFrom(q.parameters(), config.tau());
            }
            if (t % LOG_EVERY == 0) {
                return report(listener, t);
            }
        }
        return Map.of();
    }

    /** One gradient step on a replay batch. */
    private void trainStep(ReplayBuffer.Batch batch) {
        int n = batch.rewards().length;
        int[] actions = new int[n];
        for (int i = 0; i < n; i++) {
            actions[i] = (int) batch.actions()[i];
        }
        float[][] grads;
        if (fastQ != null) {
            float[] nextQ = fastTarget.forward(batch.nextObservations(), n);
            float[] y = TdLoss.targets(batch.rewards(), batch.notDone(), rowMax(nextQ, n), config.gamma());
            float[] all = fastQ.forward(batch.observations(), n);
            float[] chosen = new float[n];
            for (int i = 0; i < n; i++) {
                chosen[i] = all[i * numActions + actions[i]];
            }
            tdLoss = TdLoss.loss(chosen, y, lossKind);
            qValues = mean(chosen);
            float[] g = TdLoss.gradient(chosen, y, lossKind);
            float[] dOut = new float[n * numActions];
            for (int i = 0; i < n; i++) {
                dOut[i * numActions + actions[i]] = g[i];
            }
            grads = q.parameters().zerosLike();
            fastQ.backward(dOut, grads);
        } else {
            if (manager == null) {
                manager = Torch.newManager();
                engine = Torch.engine();
            }
            try (NDManager sub = manager.newSubManager()) {
                NDArray nextObs = Tensors.create(sub, batch.nextObservations(), n, obsDim);
                float[] nextQ = targetNetwork.qValues(target.constant(sub), nextObs).toFloatArray();
                float[] y = TdLoss.targets(batch.rewards(), batch.notDone(), rowMax(nextQ, n), config.gamma());
                float[] mask = new float[n * numActions];
                for (int i = 0; i < n; i++) {
                    mask[i * numActions + actions[i]] = 1f;
                }
                Parameters.Bound params = q.parameters().bind(sub);
                NDArray obs = Tensors.create(sub, batch.observations(), n, obsDim);
                NDArray loss;
                NDArray chosen;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    chosen = q.qValues(params, obs).mul(Tensors.create(sub, mask, n, numActions)).sum(new int[] {1});
                    loss = Losses.tdLoss(chosen, Tensors.create(sub, y, n), lossKind);
                    gc.backward(loss);
                }
                grads = params.gradients();
                tdLoss = loss.getFloat();
                qValues = chosen.mean().getFloat();
            }
        }
        guard(TD_LOSS, tdLoss);
        for (int p = 0; p < grads.length; p++) {
            for (float g : grads[p]) {
                if (!Float.isFinite(g)) {
                    guard("gradient of " + q.parameters().get(p).name(), g);
                }
            }
        }
        optimizer.step(q.parameters(), grads, config.learningRate());
    }

    private float[] rowMax(float[] values, int n) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = values[i * numActions + QNetwork.argmax(values, i * numActions, numActions)];
        }
        return m;
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s / a.length;
    }

    private void guard(String term, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException("DQN", term, (int) Math.min(Integer.MAX_VALUE, globalStep()), value);
        }
    }

    private Map<String, Double> report(TrainingListener listener, long t) {
        report++;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(TD_LOSS, tdLoss);
        m.put(Q_VALUES, qValues);
        m.put(EPSILON, config.epsilon(t, totalSteps));
        m.put(Metrics.LEARNING_RATE, config.learningRate());
        if (episodesSinceReport > 0) {
            m.put(Metrics.EPISODIC_RETURN, returnSinceReport / episodesSinceReport);
            m.put(Metrics.EPISODIC_LENGTH, (double) lengthSinceReport / episodesSinceReport);
        }
        m.put(Metrics.EPISODES, (double) episodesSinceReport);
        episodesSinceReport = 0;
        returnSinceReport = 0;
        lengthSinceReport = 0;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        m.put(Metrics.STEPS_PER_SECOND, (globalStep() - stepsAtStart) / Math.max(seconds, 1e-9));
        listener.onUpdate(report, globalStep(), m);
        return m;
    }

    // ---- trainer plumbing ---------------------------------------------------------------------------

    @Override
    public boolean done() {
        return globalStep() >= totalSteps;
    }

    @Override
    public long iterations() {
        return globalStep();
    }

    @Override
    public long globalStep() {
        return collector.globalStep();
    }

    @Override
    public String checkpointName() {
        return String.format("step-%07d", globalStep());
    }

    /** The online Q-network (its weights change with every update). */
    public QNetwork qNetwork() {
        return q;
    }

    /** The target network's weights. */
    public Parameters targetParameters() {
        return target;
    }

    /** The config. */
    public DqnConfig config() {
        return config;
    }

    /** Whether the gradient steps run in plain Java. */
    public boolean javaBackend() {
        return fastQ != null;
    }

    /**
     * Writes the whole run to {@code dir} (atomically): {@code parameters.bin} (the Q-network,
     * readable by {@link PolicyCheckpoint#load}), {@code target.bin}, {@code optimizer.bin} (Adam's
     * moments), {@code replay.bin}, {@code state.bin} (current observation), and in
     * {@code checkpoint.json} the config, counters, Adam's step count, the replay stream and the
     * collector's state.
     */
    @Override
    public void save(Path dir) throws IOException {
        ObjectNode meta = PolicyCheckpoint.describe(ALGORITHM, env, PolicyCheckpoint.Q_NETWORK, spec, q.parameters(),
                null, 0);
        ObjectNode c = meta.putObject("config");
        config.toMap().forEach(c::putPOJO);
        meta.put("seed", seed);
        meta.put("totalSteps", totalSteps);
        meta.put("globalStep", globalStep());
        meta.put("report", report);
        if (Double.isFinite(tdLoss)) {
            meta.put("tdLoss", tdLoss);
            meta.put("qValues", qValues);
        }
        meta.putObject("optimizer").put("type", "adam").put("step", optimizer.stepCount());
        CollectorState.putLongs(meta.putObject("rng").putArray("replay"), sampleRng.state());
        meta.putObject("replay").put("position", buffer.position()).put("size", buffer.size());
        meta.putObject("episodes").put("sinceReport", episodesSinceReport).put("returnSinceReport", returnSinceReport)
                .put("lengthSinceReport", lengthSinceReport);
        Parameters moments = new Parameters();
        for (int i = 0; i < q.parameters().count(); i++) {
            Parameters.Tensor t = q.parameters().get(i);
            moments.add("m/" + t.name(), t.shape(), optimizer.firstMoments()[i].clone());
            moments.add("v/" + t.name(), t.shape(), optimizer.secondMoments()[i].clone());
        }
        Parameters state = new Parameters();
        CollectorState.save(collector, meta, state);
        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put(PolicyCheckpoint.PARAMETERS, q.parameters());
        files.put("target", target);
        files.put("optimizer", moments);
        files.put("replay", buffer.toTensors());
        files.put(CollectorState.STATE, state);
        Checkpoint.write(dir, meta, files);
    }

    /** Restores a run written by {@link #save(Path)} on the environment it was trained on. */
    public static Dqn load(Path dir, EnvSpec env) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        if (!ALGORITHM.equals(meta.path("algorithm").asText())) {
            throw new IllegalArgumentException(dir + " is a checkpoint of '" + meta.path("algorithm").asText()
                    + "', not of DQN");
        }
        if (!meta.path("envId").asText().equals(env.id())) {
            throw new IllegalArgumentException(dir + " was trained on " + meta.path("envId").asText() + ", not on "
                    + env.id());
        }
        Dqn dqn = new Dqn(DqnConfig.binder().bind(meta.path("config")), env, meta.path("seed").asLong(),
                meta.path("totalSteps").asLong());
        try {
            PolicyCheckpoint.checkFits(dir, meta, dqn.spec);
            dqn.q.parameters().copyFrom(cp.tensors(PolicyCheckpoint.PARAMETERS));
            dqn.target.copyFrom(cp.tensors("target"));
            Parameters opt = cp.tensors("optimizer");
            int count = dqn.q.parameters().count();
            float[][] m = new float[count][];
            float[][] v = new float[count][];
            for (int i = 0; i < count; i++) {
                String name = dqn.q.parameters().get(i).name();
                m[i] = opt.get("m/" + name).data();
                v[i] = opt.get("v/" + name).data();
            }
            dqn.optimizer.restore(m, v, meta.path("optimizer").path("step").asLong());
            dqn.sampleRng = Rng.fromState(CollectorState.longs(meta.path("rng").path("replay")));
            dqn.buffer.restore(cp.tensors("replay"), meta.path("replay").path("position").asInt(),
                    meta.path("replay").path("size").asInt());
            JsonNode ep = meta.path("episodes");
            dqn.episodesSinceReport = ep.path("sinceReport").asInt();
            dqn.returnSinceReport = ep.path("returnSinceReport").asDouble();
            dqn.lengthSinceReport = ep.path("lengthSinceReport").asLong();
            dqn.tdLoss = meta.path("tdLoss").asDouble(Double.NaN);
            dqn.qValues = meta.path("qValues").asDouble(Double.NaN);
            CollectorState.restore(dqn.collector, meta, cp.tensors(CollectorState.STATE), dir);
            dqn.report = meta.path("report").asInt();
            dqn.stepsAtStart = dqn.globalStep();
            return dqn;
        } catch (IOException | RuntimeException e) {
            dqn.close();
            throw e;
        }
    }

    @Override
    public void close() {
        collector.close();
        if (manager != null) {
            manager.close();
        }
    }
}
