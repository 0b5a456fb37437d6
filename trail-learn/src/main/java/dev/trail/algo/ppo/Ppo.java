package dev.trail.algo.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.advantage.Gae;
import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.env.ArrayEnv;
import dev.trail.env.wrappers.ClipAction;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.envs.Envs;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.objective.PolicyObjectives;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.optim.LearningRateSchedule;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.vector.VectorEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO-clip with GAE (Schulman et al. 2017; CleanRL {@code ppo.py}, {@code ppo_continuous_action.py};
 * {@code ALGORITHMS.md} §2.1). One update:
 * <ol>
 *   <li><b>Collect</b> {@code num_steps} steps from {@code num_envs} copies ({@link VectorEnv},
 *       same-step auto-reset) with the plain-Java actor, storing observations, actions,
 *       log-probabilities, values, rewards and the two episode-end flags. A truncated episode is
 *       bootstrapped from {@code V(final observation)}, a terminated one from 0.</li>
 *   <li><b>Credit</b>: advantages and returns by {@link Gae#computeBatch}.</li>
 *   <li><b>Epochs</b>: {@code update_epochs} passes over the batch in {@code num_minibatches}
 *       shuffled minibatches; per minibatch: advantages whitened (optional), loss =
 *       clipped surrogate − {@code ent_coef}·entropy + {@code vf_coef}·½·(clipped) squared value
 *       error, backward through DJL, global-norm clip, Adam on the master weights. An optional
 *       target KL stops the epochs early.</li>
 *   <li><b>Metrics</b> to the {@link TrainingListener}; a NaN or infinite loss or gradient stops
 *       training with a {@link TrainingDivergedException} naming the term and the update.</li>
 * </ol>
 *
 * <p>Determinism: the network init, the action sampler, the minibatch shuffling and the
 * environment copies each draw from their own stream derived from the root seed, and libtorch
 * runs on one thread; the same config and seed give bit-identical metrics (except
 * {@code time/*}). A checkpoint holds every piece of state, so a resumed run continues exactly as
 * an uninterrupted one.
 *
 * <p>Entry points: {@link #train} and {@link #resume}. For step-by-step control:
 * {@link #create}, {@link #update(TrainingListener)}, {@link #save(Path)}, {@link #load(Path)}.
 * One instance per JVM at a time (DJL allows one gradient collector per process).
 */
public final class Ppo implements AutoCloseable {

    /** The algorithm's name in checkpoints and registries. */
    public static final String ALGORITHM = "ppo";

    // ---- the run ----------------------------------------------------------------------------------
    private final PpoConfig config;
    private final String envId;
    private final long seed;
    private final long totalSteps;
    private final int numUpdates;

    // ---- components -------------------------------------------------------------------------------
    private final VectorEnv envs;
    private final ActorCritic policy;
    private final Adam optimizer;
    private final LearningRateSchedule schedule;
    private Rng actionRng;
    private Rng shuffleRng;
    private final ObservationNormalizer observationNormalizer; // null when off
    private final RewardNormalizer rewardNormalizer; // null when off
    private final NDManager manager;
    private final Engine engine;

    // ---- sizes ------------------------------------------------------------------------------------
    private final int n;
    private final int horizon;
    private final int obsDim;
    private final int actDim;
    private final Box actionBox; // null for discrete actions

    // ---- rollout buffers, layout [env, step]: index e * horizon + t (Gae.computeBatch's [B, T]) -----
    private final float[] observations;
    private final long[] discreteActions;
    private final float[] continuousActions;
    private final float[] logProbs;
    private final double[] values;
    private final double[] rewards;
    private final boolean[] terminateds;
    private final boolean[] truncateds;
    private final double[] truncationValues;

    // ---- loop state (checkpointed) ----------------------------------------------------------------
    private final float[] nextObservations;
    private final double[] episodeReturns;
    private final int[] episodeLengths;
    private int update;
    private long globalStep;
    private final long startNanos = System.nanoTime();
    private long stepsAtStart;

    Ppo(PpoConfig config, String envId, long seed, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total_steps must be >= 1, got " + totalSteps);
        }
        this.config = config;
        this.envId = envId;
        this.seed = seed;
        this.totalSteps = totalSteps;
        this.numUpdates = config.numUpdates(totalSteps);
        ArrayEnv<?> probe = Envs.makeArray(envId);
        PolicySpec spec = PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace(), config.hiddenLayers(),
                dev.trail.nn.Activation.TANH);

        this.policy = ActorCritic.create(spec, Seeds.stream(seed, "init"));
        this.optimizer = new Adam(policy.parameters(), 0.9, 0.999, config.adamEpsilon());
        this.schedule = config.annealLr() ? LearningRateSchedule.linear(config.learningRate())
                : LearningRateSchedule.constant(config.learningRate());
        this.actionRng = Seeds.stream(seed, "actions");
        this.shuffleRng = Seeds.stream(seed, "minibatches");

        this.n = config.numEnvs();
        this.horizon = config.numSteps();
        this.obsDim = spec.observationSize();
        this.actDim = spec.discrete() ? 1 : spec.actionSize();
        this.actionBox = spec.discrete() ? null : (Box) probe.actionSpace();
        probe.close();
        this.observationNormalizer = config.normalizeObservations() ? new ObservationNormalizer(obsDim) : null;
        this.rewardNormalizer = config.normalizeRewards()
                ? new RewardNormalizer(n, config.gamma(), RewardNormalizer.DEFAULT_EPSILON,
                        RewardNormalizer.ReturnReset.EPISODE_END)
                : null;

        int b = n * horizon;
        this.observations = new float[b * obsDim];
        this.discreteActions = spec.discrete() ? new long[b] : null;
        this.continuousActions = spec.discrete() ? null : new float[b * actDim];
        this.logProbs = new float[b];
        this.values = new double[b];
        this.rewards = new double[b];
        this.terminateds = new boolean[b];
        this.truncateds = new boolean[b];
        this.truncationValues = new double[b];
        this.nextObservations = new float[n * obsDim];
        this.episodeReturns = new double[n];
        this.episodeLengths = new int[n];

        this.envs = new VectorEnv(() -> Envs.makeArray(envId), n);
        float[] first = envs.reset(Seeds.stream(seed, "envs").nextLong());
        processObservations(first, nextObservations, true);
        this.manager = Torch.newManager();
        this.engine = Torch.engine();
    }

    // ---- entry points ---------------------------------------------------------------------------------

    /**
     * Trains a fresh policy on {@code envId} for {@code totalSteps} environment steps (rounded
     * down to whole updates of {@code num_envs × num_steps}, at least one).
     *
     * @param checkpointDir where to write checkpoints ({@code update-000123/}), or null for none;
     *     one is written every {@code checkpointEvery} updates (0: only at the end) and at the end
     * @return the final result (the policy and the last update's metrics)
     */
    public static Result train(PpoConfig config, String envId, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException {
        try (Ppo ppo = create(config, envId, seed, totalSteps)) {
            return ppo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** {@link #train(PpoConfig, String, long, long, TrainingListener, Path, int)} with a checkpoint only at the end. */
    public static Result train(PpoConfig config, String envId, long seed, long totalSteps, TrainingListener listener,
            Path checkpointDir) throws IOException {
        return train(config, envId, seed, totalSteps, listener, checkpointDir, 0);
    }

    /**
     * Continues the run saved in {@code checkpoint} to its planned total steps, exactly as if it
     * had never stopped; checkpoints as in {@link #train}.
     */
    public static Result resume(Path checkpoint, TrainingListener listener, Path checkpointDir, int checkpointEvery)
            throws IOException {
        try (Ppo ppo = load(checkpoint)) {
            return ppo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** A fresh run, ready for {@link #update(TrainingListener)}. Close it when done. */
    public static Ppo create(PpoConfig config, String envId, long seed, long totalSteps) {
        return new Ppo(config, envId, seed, totalSteps);
    }

    /** A run restored from a checkpoint written by {@link #save(Path)}. */
    public static Ppo load(Path checkpoint) throws IOException {
        return PpoCheckpoint.restore(checkpoint);
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
     * Runs the remaining updates. If the thread is interrupted, it stops after the current update
     * (writing a checkpoint there when {@code checkpointDir} is set) and returns with the interrupt
     * flag still set, so a Ctrl-C handler can stop training cleanly and resume it later.
     */
    public Result run(TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0, got " + checkpointEvery);
        }
        Map<String, Double> last = Map.of();
        Path lastCheckpoint = null;
        while (!done()) {
            last = update(listener);
            boolean periodic = checkpointEvery > 0 && update % checkpointEvery == 0;
            // an interrupt (e.g. from a Ctrl-C handler) stops after this update, with a checkpoint to resume from
            // (cleared while the checkpoint is written: interruptible file channels would refuse to write)
            boolean interrupted = Thread.interrupted();
            if (checkpointDir != null && (periodic || done() || interrupted)) {
                lastCheckpoint = checkpointDir.resolve(String.format("update-%06d", update));
                save(lastCheckpoint);
                listener.onCheckpoint(update, lastCheckpoint);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Result(policy, update, globalStep, last, lastCheckpoint);
    }

    /** Whether all planned updates are done. */
    public boolean done() {
        return update >= numUpdates;
    }

    // ---- one update -----------------------------------------------------------------------------------

    /** Runs one update (collect, credit, epochs) and returns its metrics, also sent to {@code listener}. */
    public Map<String, Double> update(TrainingListener listener) {
        if (done()) {
            throw new IllegalStateException("all " + numUpdates + " updates are done");
        }
        update++;
        double learningRate = schedule.at((update - 1.0) / numUpdates);

        long t0 = System.nanoTime();
        EpisodeTally episodes = collect(listener);
        double[] lastValues = toDouble(policy.values(nextObservations, n));
        Gae.Result credit = Gae.computeBatch(n, horizon, rewards, values, terminateds, truncateds, truncationValues,
                lastValues, config.gamma(), config.gaeLambda());
        long t1 = System.nanoTime();
        Map<String, Double> metrics = optimize(credit, learningRate);
        long t2 = System.nanoTime();

        metrics.put(Metrics.EXPLAINED_VARIANCE, explainedVariance(values, credit.returns()));
        if (episodes.count > 0) {
            metrics.put(Metrics.EPISODIC_RETURN, episodes.returnSum / episodes.count);
            metrics.put(Metrics.EPISODIC_LENGTH, (double) episodes.lengthSum / episodes.count);
        }
        metrics.put(Metrics.EPISODES, (double) episodes.count);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        metrics.put(Metrics.STEPS_PER_SECOND, (globalStep - stepsAtStart) / Math.max(seconds, 1e-9));
        metrics.put(Metrics.COLLECT_SECONDS, (t1 - t0) / 1e9);
        metrics.put(Metrics.OPTIMIZE_SECONDS, (t2 - t1) / 1e9);
        listener.onUpdate(update, globalStep, metrics);
        return metrics;
    }

    private static final class EpisodeTally {
        int count;
        double returnSum;
        long lengthSum;
    }

    /** Fills the rollout buffers with {@code num_steps} steps of every copy. */
    private EpisodeTally collect(TrainingListener listener) {
        EpisodeTally tally = new EpisodeTally();
        float[] clipped = actionBox == null ? null : new float[n * actDim];
        double[] scaledRewards = new double[n];
        for (int t = 0; t < horizon; t++) {
            globalStep += n;
            ActorCritic.Acted acted = policy.act(nextObservations, n, actionRng);
            for (int e = 0; e < n; e++) {
                int i = e * horizon + t;
                System.arraycopy(nextObservations, e * obsDim, observations, i * obsDim, obsDim);
                logProbs[i] = acted.logProbs()[e];
                values[i] = acted.values()[e];
                if (actionBox == null) {
                    discreteActions[i] = acted.discreteActions()[e];
                } else {
                    System.arraycopy(acted.continuousActions(), e * actDim, continuousActions, i * actDim, actDim);
                }
            }
            if (actionBox == null) {
                envs.step(acted.discreteActions());
            } else {
                // the sampled (unclipped) action is what the log-probability belongs to; the env gets it clipped
                ClipAction.clip(actionBox, acted.continuousActions(), clipped);
                envs.step(clipped);
            }

            double[] raw = envs.rewards();
            boolean[] term = envs.terminated();
            boolean[] trunc = envs.truncated();
            for (int e = 0; e < n; e++) {
                episodeReturns[e] += raw[e];
                episodeLengths[e]++;
                if (term[e] || trunc[e]) {
                    listener.onEpisode(globalStep, e, episodeReturns[e], episodeLengths[e]);
                    tally.count++;
                    tally.returnSum += episodeReturns[e];
                    tally.lengthSum += episodeLengths[e];
                    episodeReturns[e] = 0;
                    episodeLengths[e] = 0;
                }
            }
            if (rewardNormalizer != null) {
                rewardNormalizer.normalize(raw, term, trunc, scaledRewards);
                clip(scaledRewards, config.clipRewards());
            } else {
                System.arraycopy(raw, 0, scaledRewards, 0, n);
            }
            for (int e = 0; e < n; e++) {
                int i = e * horizon + t;
                rewards[i] = scaledRewards[e];
                terminateds[i] = term[e];
                truncateds[i] = trunc[e] && !term[e];
                truncationValues[i] = 0;
            }
            bootstrapTruncated(t, term, trunc);
            processObservations(envs.observations(), nextObservations, true);
        }
        return tally;
    }

    /** {@code V(final observation)} for the copies whose episode was truncated (not terminated) at step {@code t}. */
    private void bootstrapTruncated(int t, boolean[] term, boolean[] trunc) {
        int count = 0;
        for (int e = 0; e < n; e++) {
            if (trunc[e] && !term[e]) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        float[] finals = new float[count * obsDim];
        float[] all = envs.finalObservations();
        int k = 0;
        for (int e = 0; e < n; e++) {
            if (trunc[e] && !term[e]) {
                System.arraycopy(all, e * obsDim, finals, k++ * obsDim, obsDim);
            }
        }
        processObservations(finals, finals, false);
        float[] v = policy.values(finals, count);
        k = 0;
        for (int e = 0; e < n; e++) {
            if (trunc[e] && !term[e]) {
                truncationValues[e * horizon + t] = v[k++];
            }
        }
    }

    /**
     * Observation normalisation (when on): {@code update} counts the batch in the running
     * statistics (fresh observations) or not (final observations, for bootstrapping).
     */
    private void processObservations(float[] raw, float[] out, boolean update) {
        if (observationNormalizer == null) {
            if (raw != out) {
                System.arraycopy(raw, 0, out, 0, raw.length);
            }
            return;
        }
        if (update) {
            observationNormalizer.normalize(raw, out);
        } else {
            observationNormalizer.transform(raw, out);
        }
        float bound = (float) config.clipObservations();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-bound, Math.min(bound, out[i]));
        }
    }

    /** The minibatch epochs; returns the loss metrics. */
    private Map<String, Double> optimize(Gae.Result credit, double learningRate) {
        int batch = n * horizon;
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
            shuffle(order, shuffleRng);
            for (int start = 0; start < batch; start += minibatch) {
                int end = Math.min(start + minibatch, batch);
                last = minibatchStep(order, start, end, credit, learningRate);
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
        return m;
    }

    private record MinibatchStats(double policyLoss, double valueLoss, double entropy, double approxKl,
            double oldApproxKl, double clipFraction, double gradNorm) {
    }

    /** One gradient step on the transitions {@code order[start .. end)}. */
    private MinibatchStats minibatchStep(int[] order, int start, int end, Gae.Result credit, double learningRate) {
        int m = end - start;
        float[] obs = new float[m * obsDim];
        float[] oldLogProbs = new float[m];
        float[] oldValues = new float[m];
        float[] returns = new float[m];
        double[] advantages = new double[m];
        long[] intActions = actionBox == null ? new long[m] : null;
        float[] floatActions = actionBox == null ? null : new float[m * actDim];
        for (int k = 0; k < m; k++) {
            int i = order[start + k];
            System.arraycopy(observations, i * obsDim, obs, k * obsDim, obsDim);
            oldLogProbs[k] = logProbs[i];
            oldValues[k] = (float) values[i];
            returns[k] = (float) credit.returns()[i];
            advantages[k] = credit.advantages()[i];
            if (intActions != null) {
                intActions[k] = discreteActions[i];
            } else {
                System.arraycopy(continuousActions, i * actDim, floatActions, k * actDim, actDim);
            }
        }
        float[] adv = config.normAdv() ? whiten(advantages) : toFloat(advantages);

        double policyLoss;
        double valueLoss;
        double entropy;
        float[] logRatio;
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound params = policy.parameters().bind(sub);
            NDArray obsT = Tensors.create(sub, obs, m, obsDim);
            NDArray actT = intActions != null ? Tensors.create(sub, intActions, m) : Tensors.create(sub, floatActions, m, actDim);
            NDArray oldLogProbsT = Tensors.create(sub, oldLogProbs, m);
            NDArray advT = Tensors.create(sub, adv, m);
            NDArray returnsT = Tensors.create(sub, returns, m);
            NDArray pgLoss;
            NDArray vLoss;
            NDArray entropyMean;
            NDArray[] surrogate;
            try (GradientCollector gc = engine.newGradientCollector()) {
                ActorCritic.Evaluated ev = policy.evaluate(params, obsT, actT);
                surrogate = PolicyObjectives.clippedSurrogate(ev.logProbs(), oldLogProbsT, advT, config.clipCoef(),
                        config.clipCoef());
                pgLoss = surrogate[0].mean();
                NDArray squared = config.clipVloss()
                        ? PolicyObjectives.clippedSquaredError(ev.values(), Tensors.create(sub, oldValues, m), returnsT,
                                config.clipCoef())
                        : PolicyObjectives.squaredError(ev.values(), returnsT);
                vLoss = squared.mean().mul(0.5f);
                entropyMean = ev.entropy().mean();
                // float scalars: a double would promote the 0-dim loss to float64
                NDArray loss = pgLoss.sub(entropyMean.mul((float) config.entCoef()))
                        .add(vLoss.mul((float) config.vfCoef()));
                gc.backward(loss);
            }
            grads = params.gradients();
            policyLoss = pgLoss.getFloat();
            valueLoss = vLoss.getFloat();
            entropy = entropyMean.getFloat();
            logRatio = surrogate[1].toFloatArray();
        }
        guard(Metrics.POLICY_LOSS, policyLoss);
        guard(Metrics.VALUE_LOSS, valueLoss);
        guard(Metrics.ENTROPY, entropy);
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
        return new MinibatchStats(policyLoss, valueLoss, entropy, PolicyObjectives.approxKl(logRatio),
                PolicyObjectives.oldApproxKl(logRatio), PolicyObjectives.clipFraction(logRatio, config.clipCoef()),
                gradNorm);
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

    /** Fisher-Yates with one draw per position from {@code rng}. */
    static void shuffle(int[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    private static void clip(double[] a, double bound) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(-bound, Math.min(bound, a[i]));
        }
    }

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
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
    public void save(Path dir) throws IOException {
        PpoCheckpoint.save(this, dir);
    }

    // package-private access for PpoCheckpoint
    PpoConfig config() {
        return config;
    }

    String envId() {
        return envId;
    }

    long seed() {
        return seed;
    }

    long totalSteps() {
        return totalSteps;
    }

    VectorEnv envs() {
        return envs;
    }

    Adam optimizer() {
        return optimizer;
    }

    Rng actionRng() {
        return actionRng;
    }

    Rng shuffleRng() {
        return shuffleRng;
    }

    ObservationNormalizer observationNormalizer() {
        return observationNormalizer;
    }

    RewardNormalizer rewardNormalizer() {
        return rewardNormalizer;
    }

    float[] nextObservations() {
        return nextObservations;
    }

    double[] episodeReturns() {
        return episodeReturns;
    }

    int[] episodeLengths() {
        return episodeLengths;
    }

    boolean[] rolloutTerminateds() {
        return terminateds;
    }

    boolean[] rolloutTruncateds() {
        return truncateds;
    }

    double[] rolloutTruncationValues() {
        return truncationValues;
    }

    double[] rolloutValues() {
        return values;
    }

    void restoreCounters(int update, long globalStep) {
        this.update = update;
        this.globalStep = globalStep;
        this.stepsAtStart = globalStep;
    }

    void restoreRngs(long[] actions, long[] minibatches) {
        actionRng = Rng.fromState(actions);
        shuffleRng = Rng.fromState(minibatches);
    }

    // ---- public accessors ---------------------------------------------------------------------------

    /** The policy being trained (its weights change with every update). */
    public ActorCritic policy() {
        return policy;
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
    public long globalStep() {
        return globalStep;
    }

    @Override
    public void close() {
        envs.close();
        manager.close();
    }
}
