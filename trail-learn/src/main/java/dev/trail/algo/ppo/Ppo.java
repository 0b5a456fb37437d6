package dev.trail.algo.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageResult;
import dev.trail.algo.Metrics;
import dev.trail.algo.OnPolicyAlgorithm;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.TrainingLoop;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSnapshot;
import dev.trail.env.EnvSpec;
import dev.trail.env.GridObservation;
import dev.trail.env.StartStateEnv;
import dev.trail.algo.Demonstrations;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryFileReader;
import java.util.List;
import java.util.function.Supplier;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.loss.PolicyLoss;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.nn.fast.JavaActorCritic;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.optim.LearningRateSchedule;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.StepCollector;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.seed.Shuffle;
import dev.trail.space.Box;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO-clip with GAE (Schulman et al. 2017; CleanRL {@code ppo.py}, {@code ppo_continuous_action.py};
 * {@code ALGORITHMS.md} §2.1). One update ({@link OnPolicyAlgorithm}):
 * <ol>
 *   <li><b>Collect</b> {@code num_steps} steps from {@code num_envs} copies with the plain-Java
 *       actor through a {@link StepCollector} (same-step auto-reset, truncated episodes bootstrapped
 *       from {@code V(final observation)}, optional observation/reward normalisation) into a
 *       {@link RolloutBuffer}.</li>
 *   <li><b>Credit</b>: the buffer's trajectories go to the registry estimator
 *       {@code advantage_estimator} (default {@code gae}, with the run's γ and λ); PPO accepts any
 *       registered estimator that uses the critic's values.</li>
 *   <li><b>Epochs</b>: {@code update_epochs} passes over the batch in {@code num_minibatches}
 *       shuffled minibatches; per minibatch: advantages whitened (optional), the loss terms of
 *       {@link Losses} (clipped surrogate, entropy, ½·(clipped) squared value error) combined as
 *       policy − {@code ent_coef}·entropy + {@code vf_coef}·value, backward through DJL,
 *       global-norm clip, Adam. An optional target KL stops the epochs early. With
 *       {@code backend=java} the same step runs in plain Java ({@link JavaActorCritic}: no native calls,
 *       libtorch never loads).
 *       On grid worlds ({@link GridObservation}) actor and critic share a
 *       {@link dev.trail.nn.GridCnn} encoder and the step runs on DJL ({@code backend=auto} picks it).</li>
 *   <li><b>Metrics</b> to the {@link TrainingListener}; a NaN or infinite loss or gradient stops
 *       training with a {@link TrainingDivergedException} naming the term and the update.</li>
 * </ol>
 *
 * <p>Offline data ({@code ALGORITHMS.md}'s BC term; "Using Offline Data to Speed-up RL in
 * Procedurally Generated Environments", Andres et al. 2023): with {@code bc_dataset}, the policy is
 * first trained by behaviour cloning for {@code bc_pretrain_steps} gradient steps
 * ({@link Losses#behaviourCloningLoss}, its own Adam), and/or every PPO minibatch adds
 * {@code bc_coef} times the BC loss on {@code bc_batch_size} demonstration steps. With
 * {@code start_states} (SnapshotRL), the environment copies are {@link StartStateEnv}s: episodes
 * start from states along the teacher trajectories of that file.
 *
 * <p>Determinism: the network init, the action sampler, the minibatch shuffling and the
 * environment copies each draw from their own stream derived from the root seed, and libtorch
 * runs on one thread; the same config and seed give bit-identical metrics (except
 * {@code time/*}). A checkpoint holds every piece of state, so a resumed run continues exactly as
 * an uninterrupted one.
 *
 * <p>Entry points: {@link #train} and {@link #resume}; step by step: {@link #create},
 * {@link #iterate}, {@link #save}, {@link #load}. One instance per JVM at a time (DJL allows one
 * gradient collector per process).
 */
public final class Ppo extends OnPolicyAlgorithm<RolloutBuffer> {

    /** The algorithm's name in checkpoints and registries. */
    public static final String ALGORITHM = "ppo";

    // ---- the run ----------------------------------------------------------------------------------
    private final PpoConfig config;
    private final EnvSpec env;
    private final long seed;
    private final long totalSteps;
    private final int numUpdates;

    // ---- components -------------------------------------------------------------------------------
    private final StepCollector collector;
    private final ActorCritic policy;
    private final AdvantageEstimator estimator;
    private final PolicyLoss.Clip clip;
    private final Adam optimizer;
    private final LearningRateSchedule schedule;
    private Rng shuffleRng;
    private NDManager manager; // DJL backend only, created at the first gradient step
    private Engine engine;
    private final JavaActorCritic fast; // java backend only
    private final Demonstrations demonstrations; // bc_dataset, or null
    private Rng bcRng;
    private double bcPretrainLoss = Double.NaN; // reported with the first update

    // ---- sizes and per-update buffers ---------------------------------------------------------------
    private final int obsDim;
    private final int actDim;
    private final boolean discrete;
    private final double[] advantages;
    private final double[] returns;

    // ---- loop state (checkpointed with the collector) -------------------------------------------------
    private int episodeCount;
    private double episodeReturnSum;
    private long episodeLengthSum;
    private final long startNanos = System.nanoTime();
    private long stepsAtStart;

    Ppo(PpoConfig config, EnvSpec env, long seed, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total_steps must be >= 1, got " + totalSteps);
        }
        this.config = config;
        this.env = env;
        this.seed = seed;
        this.totalSteps = totalSteps;
        this.numUpdates = config.numUpdates(totalSteps);
        PolicySpec spec;
        try (ArrayEnv<?> probe = env.makeArray()) {
            spec = PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace(), config.hiddenLayers(),
                    dev.trail.nn.Activation.TANH);
            if (probe instanceof GridObservation) {
                spec = spec.withEncoder(PolicySpec.Encoder.GRID_CNN);
            }
        }
        checkBackend(config, env);
        this.estimator = PpoCredit.estimator(config);
        this.clip = PolicyLoss.Clip.ppo(config.clipCoef());
        this.policy = ActorCritic.create(spec, Seeds.stream(seed, "init"));
        this.optimizer = new Adam(policy.parameters(), 0.9, 0.999, config.adamEpsilon());
        this.schedule = config.annealLr() ? LearningRateSchedule.linear(config.learningRate())
                : LearningRateSchedule.constant(config.learningRate());
        this.shuffleRng = Seeds.stream(seed, "minibatches");
        this.obsDim = spec.observationSize();
        this.discrete = spec.discrete();
        this.actDim = discrete ? 1 : spec.actionSize();
        ObservationNormalizer observationNormalizer = config.normalizeObservations()
                ? new ObservationNormalizer(obsDim) : null;
        RewardNormalizer rewardNormalizer = config.normalizeRewards()
                ? new RewardNormalizer(config.numEnvs(), config.gamma(), RewardNormalizer.DEFAULT_EPSILON,
                        RewardNormalizer.ReturnReset.EPISODE_END)
                : null;
        int batch = config.batchSize();
        this.advantages = new double[batch];
        this.returns = new double[batch];
        this.demonstrations = config.usesBc() ? demonstrations(config, env) : null;
        this.bcRng = Seeds.stream(seed, "bc");
        Supplier<ArrayEnv<?>> factory = config.usesStartStates() ? startStateFactory(config, env) : env::makeArray;
        this.collector = new StepCollector(factory, config.numEnvs(), config.numThreads(), config.numSteps(),
                Seeds.stream(seed, "envs").nextLong(), Seeds.stream(seed, "actions"),
                new StepCollector.Processing(observationNormalizer, config.clipObservations(), rewardNormalizer,
                        config.clipRewards()),
                this::onEpisode);
        this.fast = spec.encoder() == PolicySpec.Encoder.NONE && config.javaBackend(policy.parameters().scalarCount())
                ? JavaActorCritic.attach(spec, policy.parameters()) : null;
    }

    // ---- entry points ---------------------------------------------------------------------------------

    /**
     * Trains a fresh policy on {@code env} for {@code totalSteps} environment steps (rounded
     * down to whole updates of {@code num_envs × num_steps}, at least one).
     *
     * @param checkpointDir where to write checkpoints ({@code update-000123/}), or null for none;
     *     one is written every {@code checkpointEvery} updates (0: only at the end) and at the end
     */
    public static Result train(PpoConfig config, EnvSpec env, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException {
        try (Ppo ppo = create(config, env, seed, totalSteps)) {
            return ppo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** {@link #train(PpoConfig, EnvSpec, long, long, TrainingListener, Path, int)} with a checkpoint only at the end. */
    public static Result train(PpoConfig config, EnvSpec env, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir) throws IOException {
        return train(config, env, seed, totalSteps, listener, checkpointDir, 0);
    }

    /**
     * Continues the run saved in {@code checkpoint} (on {@code env}, the environment it was trained
     * on) to its planned total steps, exactly as if it had never stopped; checkpoints as in {@link #train}.
     */
    public static Result resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
            int checkpointEvery) throws IOException {
        try (Ppo ppo = load(checkpoint, env)) {
            return ppo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** Refuses {@code backend=java} on grid worlds (their CNN encoder trains on DJL only), naming both. */
    public static void checkBackend(PpoConfig config, EnvSpec env) {
        if (config.backend().equals("java")) {
            try (ArrayEnv<?> probe = env.makeArray()) {
                if (probe instanceof GridObservation) {
                    throw new IllegalArgumentException("backend=java trains MLP policies only; " + env.id()
                            + " has grid observations, which PPO encodes with a CNN: use backend=djl or auto");
                }
            }
        }
    }

    /** Refuses a config whose advantage estimator PPO cannot feed, naming what it lacks (no work done). */
    public static void checkCredit(PpoConfig config) {
        PpoCredit.estimator(config);
    }

    /**
     * A fresh run, ready for {@link #iterate}, its policy already pre-trained by behaviour cloning
     * when {@code bc_pretrain_steps > 0}. Close it when done.
     */
    public static Ppo create(PpoConfig config, EnvSpec env, long seed, long totalSteps) {
        Ppo ppo = new Ppo(config, env, seed, totalSteps);
        try {
            if (config.bcPretrainSteps() > 0) {
                ppo.pretrainBehaviourCloning();
            }
            return ppo;
        } catch (RuntimeException e) {
            ppo.close();
            throw e;
        }
    }

    /**
     * Refuses {@code bc_dataset} / {@code start_states} files that cannot serve on {@code env} (missing or
     * unreadable, another env's trajectories, observations or actions that do not fit, trajectories
     * that do not replay), naming the key, file and trajectory; no work done.
     */
    public static void checkData(PpoConfig config, EnvSpec env) {
        if (config.usesBc()) {
            demonstrations(config, env);
        }
        if (config.usesStartStates()) {
            startStateFactory(config, env);
        }
    }

    private static List<Trajectory> read(String key, String file) {
        java.nio.file.Path path = java.nio.file.Path.of(file);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new IllegalArgumentException(key + "=" + file + " is not a file");
        }
        try {
            return TrajectoryFileReader.readAll(path);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(key + "=" + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    private static Demonstrations demonstrations(PpoConfig config, EnvSpec env) {
        try (ArrayEnv<?> probe = env.makeArray()) {
            return Demonstrations.of(read("bc_dataset", config.bcDataset()), "bc_dataset=" + config.bcDataset(),
                    env.id(), probe.observationSize(), probe.actionSpace());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Supplier<ArrayEnv<?>> startStateFactory(PpoConfig config, EnvSpec env) {
        List<EnvSnapshot> starts;
        try {
            starts = StartStateEnv.startStates(env::makeArray, env.id(), read("start_states", config.startStates()));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("start_states=") ? e
                    : new IllegalArgumentException("start_states=" + config.startStates() + ": " + e.getMessage(), e);
        }
        double fraction = config.startStateFraction();
        return () -> new StartStateEnv(env.makeArray(), starts, fraction);
    }

    /**
     * BC pre-training: {@code bc_pretrain_steps} Adam steps (its own optimizer, {@code bc_learning_rate},
     * the global-norm clip) on {@link Losses#behaviourCloningLoss} over {@code bc_batch_size}
     * demonstration steps drawn uniformly with replacement.
     */
    private void pretrainBehaviourCloning() {
        Adam bcAdam = new Adam(policy.parameters(), 0.9, 0.999, config.adamEpsilon());
        double loss = Double.NaN;
        for (int step = 0; step < config.bcPretrainSteps(); step++) {
            ensureManager();
            float[][] grads;
            try (NDManager sub = manager.newSubManager()) {
                Parameters.Bound params = policy.parameters().bind(sub);
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray bc = behaviourCloningTerm(sub, params);
                    gc.backward(bc);
                    loss = bc.getFloat();
                }
                grads = params.gradients();
            }
            guard(Metrics.BC_LOSS, loss);
            GradientClipping.clipGlobalNorm(grads, config.maxGradNorm());
            bcAdam.step(policy.parameters(), grads, config.bcLearningRate());
        }
        bcPretrainLoss = loss;
    }

    /** The BC loss on a fresh sample of {@code bc_batch_size} demonstration steps. */
    private NDArray behaviourCloningTerm(NDManager sub, Parameters.Bound params) {
        Demonstrations d = demonstrations;
        int m = config.bcBatchSize();
        int[] idx = d.sample(m, bcRng);
        float[] obs = new float[m * obsDim];
        NDArray actT;
        if (d.discrete()) {
            long[] a = new long[m];
            for (int k = 0; k < m; k++) {
                System.arraycopy(d.observations(), idx[k] * obsDim, obs, k * obsDim, obsDim);
                a[k] = d.discreteActions()[idx[k]];
            }
            actT = Tensors.create(sub, a, m);
        } else {
            float[] a = new float[m * actDim];
            for (int k = 0; k < m; k++) {
                System.arraycopy(d.observations(), idx[k] * obsDim, obs, k * obsDim, obsDim);
                System.arraycopy(d.continuousActions(), idx[k] * actDim, a, k * actDim, actDim);
            }
            actT = Tensors.create(sub, a, m, actDim);
        }
        ActorCritic.Evaluated ev = policy.evaluate(params, Tensors.create(sub, obs, m, obsDim), actT);
        return Losses.behaviourCloningLoss(ev.logProbs());
    }

    private void ensureManager() {
        if (manager == null) {
            manager = Torch.newManager();
            engine = Torch.engine();
        }
    }

    /** A run restored from a checkpoint written by {@link #save(Path)}, on the environment it was trained on. */
    public static Ppo load(Path checkpoint, EnvSpec env) throws IOException {
        return PpoCheckpoint.restore(checkpoint, env);
    }

    /**
     * The final state of a run.
     *
     * @param policy the trained policy
     * @param updates updates done
     * @param globalStep environment steps taken
     * @param lastMetrics the last update's metrics
     * @param lastCheckpoint the last checkpoint written, or null
     */
    public record Result(ActorCritic policy, int updates, long globalStep, Map<String, Double> lastMetrics,
            Path lastCheckpoint) {
    }

    /**
     * Runs the remaining updates through {@link TrainingLoop}. If the thread is interrupted, it
     * stops after the current update (writing a checkpoint there when {@code checkpointDir} is set)
     * and returns with the interrupt flag still set.
     */
    public Result run(TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        TrainingLoop.Result r = TrainingLoop.run(this, listener, checkpointDir, checkpointEvery);
        return new Result(policy, update, globalStep(), r.lastMetrics(), r.lastCheckpoint());
    }

    @Override
    public boolean done() {
        return update >= numUpdates;
    }

    // ---- one update -----------------------------------------------------------------------------------

    private TrainingListener episodeListener = TrainingListener.NONE;

    private void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
        episodeCount++;
        episodeReturnSum += episodicReturn;
        episodeLengthSum += length;
        episodeListener.onEpisode(globalStep, envIndex, episodicReturn, length);
    }

    @Override
    protected RolloutBuffer collect(TrainingListener listener) {
        episodeListener = listener;
        episodeCount = 0;
        episodeReturnSum = 0;
        episodeLengthSum = 0;
        if (config.rolloutWorkers().equals("spark")) {
            return remoteWorkers().collect(collectorSpec(), collector, policy.parameters(), update, this::onEpisode);
        }
        return collector.collect(policy);
    }

    // ---- rollout workers on Spark (rollout_workers=spark) ----------------------------------------------

    private dev.trail.scale.RolloutWorkers remote;

    private dev.trail.scale.RolloutWorkers remoteWorkers() {
        if (remote == null) {
            remote = dev.trail.scale.SparkBackend.find().orElseThrow(() -> new IllegalArgumentException(
                    "rollout_workers=spark needs the trail-spark module on the class path (the trail launcher adds it;"
                            + " docs/SPARK.md)")).rolloutWorkers(config.sparkMaster());
        }
        return remote;
    }

    private dev.trail.scale.RolloutWorkers.CollectorSpec collectorSpec() {
        return new dev.trail.scale.RolloutWorkers.CollectorSpec(env.id(), config.numEnvs(), config.numSteps(),
                config.normalizeObservations(), config.clipObservations(), config.normalizeRewards(), config.gamma(),
                config.clipRewards(), config.hiddenLayers());
    }

    @Override
    protected AdvantageResult credit(RolloutBuffer rollout) {
        // a diverged critic stops here, naming the term, before the estimator refuses its NaN bootstrap values
        for (double v : rollout.values()) {
            guard("critic values", v);
        }
        for (double v : rollout.nextValues()) {
            guard("critic values", v);
        }
        AdvantageResult credit = estimator.estimate(rollout.groups());
        rollout.scatter(credit, advantages, returns);
        return credit;
    }

    @Override
    protected Map<String, Double> optimize(RolloutBuffer rollout, AdvantageResult credit) {
        double learningRate = schedule.at((update - 1.0) / numUpdates);
        Map<String, Double> metrics = epochs(rollout, learningRate);
        if (!Double.isNaN(bcPretrainLoss)) {
            metrics.put(Metrics.BC_PRETRAIN_LOSS, bcPretrainLoss);
            bcPretrainLoss = Double.NaN;
        }
        metrics.put(Metrics.EXPLAINED_VARIANCE, explainedVariance(rollout.values(), returns));
        return metrics;
    }

    @Override
    protected Map<String, Double> rolloutMetrics(RolloutBuffer rollout) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (episodeCount > 0) {
            m.put(Metrics.EPISODIC_RETURN, episodeReturnSum / episodeCount);
            m.put(Metrics.EPISODIC_LENGTH, (double) episodeLengthSum / episodeCount);
        }
        m.put(Metrics.EPISODES, (double) episodeCount);
        return m;
    }

    @Override
    protected void afterUpdate(Map<String, Double> metrics) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        metrics.put(Metrics.STEPS_PER_SECOND, (globalStep() - stepsAtStart) / Math.max(seconds, 1e-9));
    }

    /** The minibatch epochs; returns the loss metrics. */
    private Map<String, Double> epochs(RolloutBuffer rollout, double learningRate) {
        int batch = rollout.size();
        int minibatch = config.minibatchSize();
        int[] order = new int[batch];
        for (int i = 0; i < batch; i++) {
            order[i] = i;
        }
        MinibatchStats last = null;
        double clipFractionSum = 0;
        int minibatches = 0;
        int epochs = 0;
        for (int epoch = 0; epoch < config.updateEpochs(); epoch++) {
            epochs++;
            Shuffle.shuffle(order, shuffleRng);
            for (int start = 0; start < batch; start += minibatch) {
                int end = Math.min(start + minibatch, batch);
                last = minibatchStep(rollout, order, start, end, learningRate);
                clipFractionSum += last.clipFraction;
                minibatches++;
            }
            if (config.hasTargetKl() && last.approxKl > config.targetKl()) {
                break;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metrics.LEARNING_RATE, learningRate);
        m.put(Metrics.VALUE_LOSS, last.valueLoss);
        m.put(Metrics.POLICY_LOSS, last.policyLoss);
        m.put(Metrics.ENTROPY, last.entropy);
        m.put(Metrics.OLD_APPROX_KL, last.oldApproxKl);
        m.put(Metrics.APPROX_KL, last.approxKl);
        m.put(Metrics.CLIP_FRACTION, clipFractionSum / minibatches);
        m.put(Metrics.GRAD_NORM, last.gradNorm);
        m.put(Metrics.EPOCHS, (double) epochs);
        if (config.bcCoef() > 0) {
            m.put(Metrics.BC_LOSS, last.bcLoss);
        }
        return m;
    }

    private record MinibatchStats(double policyLoss, double valueLoss, double entropy, double approxKl,
            double oldApproxKl, double clipFraction, double gradNorm, double bcLoss) {
    }

    /** One gradient step on the transitions {@code order[start .. end)}. */
    private MinibatchStats minibatchStep(RolloutBuffer b, int[] order, int start, int end, double learningRate) {
        int m = end - start;
        float[] obs = new float[m * obsDim];
        float[] oldLogProbs = new float[m];
        float[] oldValues = new float[m];
        float[] mbReturns = new float[m];
        double[] mbAdvantages = new double[m];
        long[] intActions = discrete ? new long[m] : null;
        float[] floatActions = discrete ? null : new float[m * actDim];
        for (int k = 0; k < m; k++) {
            int i = order[start + k];
            System.arraycopy(b.observations(), i * obsDim, obs, k * obsDim, obsDim);
            oldLogProbs[k] = b.logProbs()[i];
            oldValues[k] = (float) b.values()[i];
            mbReturns[k] = (float) returns[i];
            mbAdvantages[k] = advantages[i];
            if (discrete) {
                intActions[k] = b.discreteActions()[i];
            } else {
                System.arraycopy(b.continuousActions(), i * actDim, floatActions, k * actDim, actDim);
            }
        }
        float[] adv = config.normAdv() ? whiten(mbAdvantages) : toFloat(mbAdvantages);
        if (fast != null) {
            return javaStep(m, obs, intActions, floatActions, oldLogProbs, adv, mbReturns, oldValues, learningRate);
        }
        ensureManager();

        Losses.PolicyTerms policyTerms;
        double policyLoss;
        double valueLoss;
        double entropy;
        double bcLoss = Double.NaN;
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound params = policy.parameters().bind(sub);
            NDArray obsT = Tensors.create(sub, obs, m, obsDim);
            NDArray actT = discrete ? Tensors.create(sub, intActions, m) : Tensors.create(sub, floatActions, m, actDim);
            NDArray vLoss;
            NDArray entropyMean;
            try (GradientCollector gc = engine.newGradientCollector()) {
                ActorCritic.Evaluated ev = policy.evaluate(params, obsT, actT);
                policyTerms = Losses.policyLoss(ev.logProbs(), oldLogProbs, adv, Losses.Reduction.mean(m), clip);
                vLoss = Losses.valueLoss(ev.values(), Tensors.create(sub, oldValues, m),
                        Tensors.create(sub, mbReturns, m), config.clipVloss(), config.clipCoef());
                entropyMean = ev.entropy().mean();
                // float scalars: a double would promote the 0-dim loss to float64
                NDArray loss = policyTerms.loss().sub(Tensors.mul(entropyMean, (float) config.entCoef()))
                        .add(Tensors.mul(vLoss, (float) config.vfCoef()));
                if (config.bcCoef() > 0) {
                    NDArray bc = behaviourCloningTerm(sub, params);
                    loss = loss.add(Tensors.mul(bc, (float) config.bcCoef()));
                    bcLoss = bc.getFloat();
                }
                gc.backward(loss);
            }
            grads = params.gradients();
            policyLoss = policyTerms.loss().getFloat();
            valueLoss = vLoss.getFloat();
            entropy = entropyMean.getFloat();
        }
        guard(Metrics.POLICY_LOSS, policyLoss);
        guard(Metrics.VALUE_LOSS, valueLoss);
        guard(Metrics.ENTROPY, entropy);
        if (config.bcCoef() > 0) {
            guard(Metrics.BC_LOSS, bcLoss);
        }
        double gradNorm = GradientClipping.clipGlobalNorm(grads, config.maxGradNorm());
        if (!Double.isFinite(gradNorm)) {
            for (int p = 0; p < grads.length; p++) {
                for (float g : grads[p]) {
                    guard("gradient of " + policy.parameters().get(p).name(), g);
                }
            }
            guard(Metrics.GRAD_NORM, gradNorm);
        }
        optimizer.step(policy.parameters(), grads, learningRate);
        return new MinibatchStats(policyLoss, valueLoss, entropy, policyTerms.approxKl(),
                policyTerms.oldApproxKl(), policyTerms.clipFraction(), gradNorm, bcLoss);
    }

    /** The same step in plain Java ({@code backend=java}): loss, gradients, clipping and Adam without native calls. */
    private MinibatchStats javaStep(int m, float[] obs, long[] intActions, float[] floatActions, float[] oldLogProbs,
            float[] adv, float[] mbReturns, float[] oldValues, double learningRate) {
        int[] actions = null;
        if (intActions != null) {
            actions = new int[m];
            for (int k = 0; k < m; k++) {
                actions[k] = (int) intActions[k];
            }
        }
        JavaActorCritic.StepResult r = fast.step(new JavaActorCritic.Batch(m, obs, actions, floatActions, oldLogProbs,
                adv, mbReturns, oldValues), JavaActorCritic.LossSettings.ppo(config.clipCoef(), config.clipVloss(),
                        config.entCoef(), config.vfCoef()), config.maxGradNorm(), optimizer, learningRate);
        JavaActorCritic.Terms t = r.terms();
        guard(Metrics.POLICY_LOSS, t.policyLoss());
        guard(Metrics.VALUE_LOSS, t.valueLoss());
        guard(Metrics.ENTROPY, t.entropy());
        if (!r.updated()) {
            float[][] grads = fast.gradients();
            for (int p = 0; p < grads.length; p++) {
                for (float g : grads[p]) {
                    guard("gradient of " + policy.parameters().get(p).name(), g);
                }
            }
            guard(Metrics.GRAD_NORM, r.gradNorm());
        }
        return new MinibatchStats(t.policyLoss(), t.valueLoss(), t.entropy(), t.approxKl(), t.oldApproxKl(),
                t.clipFraction(), r.gradNorm(), Double.NaN);
    }

    private void guard(String term, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException("PPO", term, update, value);
        }
    }

    // ---- small array helpers ----------------------------------------------------------------------------

    /** CleanRL's per-minibatch whitening: {@code (A - mean) / (std + 1e-8)} with the unbiased std. */
    static float[] whiten(double[] a) {
        int m = a.length;
        double mean = 0;
        for (double x : a) {
            mean += x;
        }
        mean /= m;
        double ss = 0;
        for (double x : a) {
            ss += (x - mean) * (x - mean);
        }
        double std = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
        float[] out = new float[m];
        for (int i = 0; i < m; i++) {
            out[i] = (float) ((a[i] - mean) / (std + 1e-8));
        }
        return out;
    }

    /** {@code 1 - Var(y - ŷ) / Var(y)}, NaN when {@code Var(y) = 0} (CleanRL). */
    static double explainedVariance(double[] predicted, double[] actual) {
        double varY = variance(actual, null);
        return varY == 0 ? Double.NaN : 1 - variance(actual, predicted) / varY;
    }

    private static double variance(double[] y, double[] minus) {
        int m = y.length;
        double mean = 0;
        for (int i = 0; i < m; i++) {
            mean += y[i] - (minus == null ? 0 : minus[i]);
        }
        mean /= m;
        double s = 0;
        for (int i = 0; i < m; i++) {
            double d = y[i] - (minus == null ? 0 : minus[i]) - mean;
            s += d * d;
        }
        return s / m;
    }


    private static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    // ---- checkpoints ------------------------------------------------------------------------------------

    /** Writes a checkpoint of the whole run state to {@code dir} (atomically). */
    @Override
    public void save(Path dir) throws IOException {
        PpoCheckpoint.save(this, dir);
    }

    // package-private access for PpoCheckpoint
    PpoConfig config() {
        return config;
    }

    EnvSpec env() {
        return env;
    }

    long seed() {
        return seed;
    }

    long totalSteps() {
        return totalSteps;
    }

    StepCollector collector() {
        return collector;
    }

    Adam optimizer() {
        return optimizer;
    }

    Rng shuffleRng() {
        return shuffleRng;
    }

    void restoreCounters(int update, long globalStep) {
        this.update = update;
        collector.restoreGlobalStep(globalStep);
        this.stepsAtStart = globalStep;
    }

    void restoreShuffleRng(Rng rng) {
        shuffleRng = rng;
    }

    Rng bcRng() {
        return bcRng;
    }

    void restoreBcRng(Rng rng) {
        bcRng = rng;
    }

    // ---- public accessors ---------------------------------------------------------------------------

    /** The policy being trained (its weights change with every update). */
    public ActorCritic policy() {
        return policy;
    }

    /** The rollout buffer of the last update (its contents change with every update). */
    public RolloutBuffer rollout() {
        return collector.buffer();
    }

    /** Updates done so far. */
    public int updatesDone() {
        return update;
    }

    /** Updates planned in total. */
    public int numUpdates() {
        return numUpdates;
    }

    /** Environment steps taken so far. */
    @Override
    public long globalStep() {
        return collector.globalStep();
    }

    @Override
    public void close() {
        collector.close();
        if (remote != null) {
            remote.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
