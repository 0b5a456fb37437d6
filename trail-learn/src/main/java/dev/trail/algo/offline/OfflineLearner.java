package dev.trail.algo.offline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.Trainer;
import dev.trail.algo.TrainingLoop;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.EnvSpec;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RunningMeanStd;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.offline.TransitionDataset;
import dev.trail.offline.TransitionSampler;
import dev.trail.optim.Adam;
import dev.trail.policy.Actor;
import dev.trail.policy.Evaluation;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.rollout.StepCollector;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every offline learner shares, so that each algorithm class holds only its networks and its
 * update: the dataset in learner form, batches drawn by the {@link TransitionSampler} from a seeded
 * stream, the update counter that {@link TrainingLoop} checkpoints, periodic evaluation with the
 * normalised score and its best value so far, metrics, and the checkpoint of all of it.
 *
 * <p><b>Data preparation</b> (as CORL's scripts): observations are normalised with the dataset's
 * mean and standard deviation ({@code (s − μ) / (σ + 10⁻³)}; {@code normalize_observations}), the
 * same statistics travel with the policy into its checkpoint and evaluation. Continuous actions
 * are rescaled from the action box to {@code [−1, 1]} (so TD3's noise and clip are relative to
 * {@code max_action} as in Fujimoto's code, and {@code tanh} heads fit them), unless the learner
 * keeps raw actions ({@link #rawActions()}). {@code notDone = 1 − terminal}: time-limit cuts
 * bootstrap.
 *
 * <p><b>One iteration</b> is one gradient update on one batch of {@code batch_size} transitions.
 * Metrics go to the listener after the first update and every {@code log_every} updates; with {@code eval_episodes > 0} the
 * policy is run deterministically every {@code eval_every} updates and after the last one on the
 * same evaluation episodes ({@code eval/mean_return}, {@code eval/normalized_score},
 * {@code eval/best_normalized_score}, {@code eval/best_mean_return}).
 */
public abstract class OfflineLearner implements Trainer {

    /**
     * What every offline config record is: the shared settings (its own snake_case keys, so that
     * {@code --set sampler=...} reads the same for every learner; a record's components of these
     * names implement the accessors) and its settings as a map for the checkpoint.
     */
    public interface Config {

        /** {@code batch_size}. */
        int batchSize();

        /** {@code sampler}. */
        String sampler();

        /** {@code sampler_alpha}. */
        double samplerAlpha();

        /** {@code sampler_fraction}. */
        double samplerFraction();

        /** {@code normalize_observations}. */
        boolean normalizeObservations();

        /** {@code eval_every}. */
        int evalEvery();

        /** {@code eval_episodes}. */
        int evalEpisodes();

        /** {@code log_every}. */
        int logEvery();

        /** The snake_case settings (the checkpoint's {@code config}). */
        Map<String, Object> toMap();

        /** The shared settings as one record. */
        default Common common() {
            return new Common(batchSize(), sampler(), samplerAlpha(), samplerFraction(), normalizeObservations(),
                    evalEvery(), evalEpisodes(), logEvery());
        }
    }

    /**
     * Settings every offline config has (one record per algorithm holds them as its own keys); the
     * constructor checks them, so a config record's compact constructor builds one to refuse bad values.
     */
    public record Common(int batchSize, String sampler, double samplerAlpha, double samplerFraction,
            boolean normalizeObservations, int evalEvery, int evalEpisodes, int logEvery) {

        public Common {
            TransitionSampler.Kind.parse(sampler);
            if (!(samplerAlpha > 0)) {
                throw new IllegalArgumentException("sampler_alpha=" + samplerAlpha + " must be > 0");
            }
            if (!(samplerFraction > 0 && samplerFraction <= 1)) {
                throw new IllegalArgumentException("sampler_fraction=" + samplerFraction + " must be in (0, 1]");
            }
        }
    }

    /** CORL's {@code compute_mean_std} epsilon added to the standard deviation. */
    public static final double STD_EPSILON = 1e-3;

    protected final String algorithm;
    protected final TransitionDataset data;
    protected final EnvSpec env;
    protected final long seed;
    protected final long totalUpdates;
    protected final Common common;
    private final Config config;
    protected final int obsDim;
    /** Floats per action (1 for discrete). */
    protected final int actDim;
    /** Categories of discrete actions, 0 for continuous. */
    protected final int categories;
    protected final float[] actionLow;
    protected final float[] actionHigh;
    /** The normalisation statistics (variance chosen so that {@code sqrt(var + 1e-8) = σ + 10⁻³}), or null. */
    protected final RunningMeanStd.State observationStatistics;

    private final float[] observations;
    private final float[] nextObservations;
    private final float[] actions;
    private final TransitionSampler sampler;
    protected Rng sampleRng;
    protected Rng noiseRng;
    protected long updates;
    private int report;
    private double bestScore = Double.NaN;
    private double bestReturn = Double.NaN;
    private final long startNanos = System.nanoTime();
    private long startUpdates;

    // online fine-tuning (offline -> online): the environment steps after the offline updates
    private final long onlineSteps;
    private final StepCollector collector;
    private float[] onlineObservations;
    private float[] onlineNextObservations;
    private float[] onlineActions;
    private float[] onlineRewards;
    private boolean[] onlineTerminals;
    private int onlineSize;
    private final float[] exploreAction;
    private final int[] exploreDiscrete = new int[1];
    private TrainingListener episodeListener = TrainingListener.NONE;
    /** The dataset's normalisation for online observations (made once), or null. */
    private ObservationNormalizer onlineNormalizer;

    protected final NDManager manager;
    protected final Engine engine;

    // what the algorithm registered: its policy, optimisers and networks (for evaluation and checkpoints)
    private Actor policyActor;
    private String policyType;
    private PolicySpec policySpec;
    private Parameters policyParameters;
    private final Map<String, Optimised> optimisers = new LinkedHashMap<>();
    private final Map<String, Parameters> savedNetworks = new LinkedHashMap<>();

    // the current batch
    private final int[] index;
    protected final float[] batchObservations;
    protected final float[] batchNextObservations;
    protected final float[] batchActions;
    protected final float[] batchRewards;
    protected final float[] batchNotDone;
    /** Discrete actions of the batch, one-hot {@code [B, categories]} (empty for continuous). */
    protected final float[] batchOneHot;
    /** Discrete actions of the batch as indices (empty for continuous). */
    protected final long[] batchActionIndex;

    protected OfflineLearner(String algorithm, TransitionDataset data, EnvSpec env, long seed, long totalUpdates,
            Config config) {
        this(algorithm, data, env, seed, totalUpdates, config, 0);
    }

    /**
     * A learner that, after its {@code totalUpdates} offline updates, fine-tunes online for
     * {@code onlineSteps} environment steps (see {@link #onlineStep}); the algorithm supplies
     * {@link #explore}.
     */
    protected OfflineLearner(String algorithm, TransitionDataset data, EnvSpec env, long seed, long totalUpdates,
            Config config, long onlineSteps) {
        if (onlineSteps < 0 || onlineSteps > Integer.MAX_VALUE - data.size()) {
            throw new IllegalArgumentException("online_steps=" + onlineSteps + " must be in [0, "
                    + (Integer.MAX_VALUE - data.size()) + "]");
        }
        if (totalUpdates < 1) {
            throw new IllegalArgumentException("total_steps (gradient updates) must be >= 1, got " + totalUpdates);
        }
        if (data.actionCategories() < 0) {
            throw new IllegalArgumentException(data.source() + " has not been checked against " + env.id()
                    + " (TransitionDataset.fitted)");
        }
        this.algorithm = algorithm;
        this.data = data;
        this.env = env;
        this.seed = seed;
        this.totalUpdates = totalUpdates;
        this.config = config;
        this.common = config.common();
        this.obsDim = data.observationSize();
        this.actDim = data.actionSize();
        this.categories = data.actionCategories();
        if (categories == 0) {
            try (var probe = env.makeArray()) {
                Box box = (Box) probe.actionSpace();
                this.actionLow = box.low();
                this.actionHigh = box.high();
            }
        } else {
            this.actionLow = new float[0];
            this.actionHigh = new float[0];
        }
        if (common.normalizeObservations()) {
            double[] mean = data.observationMean();
            double[] var = data.observationVariance();
            for (int j = 0; j < var.length; j++) {
                double std = Math.sqrt(var[j]) + STD_EPSILON;
                var[j] = std * std - ObservationNormalizer.DEFAULT_EPSILON;
            }
            this.observationStatistics = new RunningMeanStd.State(mean, var, data.size());
            ObservationNormalizer n = normalizer(observationStatistics, obsDim);
            this.observations = new float[data.observations().length];
            this.nextObservations = new float[data.nextObservations().length];
            n.transform(data.observations(), observations);
            n.transform(data.nextObservations(), nextObservations);
        } else {
            this.observationStatistics = null;
            this.observations = data.observations();
            this.nextObservations = data.nextObservations();
        }
        if (categories == 0 && !rawActions()) {
            float[] a = data.actions().clone();
            for (int k = 0; k < a.length; k++) {
                int j = k % actDim;
                float scale = (actionHigh[j] - actionLow[j]) / 2f;
                float bias = (actionHigh[j] + actionLow[j]) / 2f;
                a[k] = Math.max(-1f, Math.min(1f, (a[k] - bias) / scale));
            }
            this.actions = a;
        } else {
            this.actions = data.actions();
        }
        this.sampler = TransitionSampler.create(data, TransitionSampler.Kind.parse(common.sampler()),
                common.samplerAlpha(), common.samplerFraction());
        this.sampleRng = Seeds.stream(seed, "offline-batches");
        this.noiseRng = Seeds.stream(seed, "offline-noise");
        int b = common.batchSize();
        this.index = new int[b];
        this.batchObservations = new float[b * obsDim];
        this.batchNextObservations = new float[b * obsDim];
        this.batchActions = new float[b * actDim];
        this.batchRewards = new float[b];
        this.batchNotDone = new float[b];
        this.batchOneHot = new float[categories > 0 ? b * categories : 0];
        this.batchActionIndex = new long[categories > 0 ? b : 0];
        this.manager = Torch.newManager();
        this.engine = Torch.engine();
        this.onlineSteps = onlineSteps;
        this.exploreAction = new float[actDim];
        this.collector = onlineSteps == 0 ? null
                : new StepCollector(env::makeArray, 1, 1, Seeds.stream(seed, "online-envs").nextLong(),
                        Seeds.stream(seed, "online-actions"), StepCollector.Processing.NONE, this::onOnlineEpisode);
    }

    private static ObservationNormalizer normalizer(RunningMeanStd.State stats, int dim) {
        ObservationNormalizer n = new ObservationNormalizer(dim);
        n.setState(stats);
        n.setFrozen(true);
        return n;
    }

    /** Whether continuous actions stay in the environment's units (default: rescaled to [−1, 1]). */
    protected boolean rawActions() {
        return false;
    }

    // ---- what each algorithm supplies ----

    /** One gradient update on the current batch; returns its named loss terms when {@code reporting}. */
    protected abstract Map<String, Double> update(boolean reporting);

    /**
     * Names the policy being learnt, once, in the algorithm's constructor: its plain-Java actor
     * (null for a policy that needs a history, which then overrides {@link #evaluateEpisodes}), its
     * checkpoint type ({@link PolicyCheckpoint#MLP}, {@link PolicyCheckpoint#SQUASHED_GAUSSIAN}, ...),
     * its shape, and its weights (saved as {@code parameters.bin}).
     */
    protected final void learns(Actor actor, String type, PolicySpec spec, Parameters parameters) {
        this.policyActor = actor;
        this.policyType = type;
        this.policySpec = spec;
        this.policyParameters = parameters;
    }

    /**
     * Registers networks that an optimiser trains, in the algorithm's constructor: the checkpoint
     * keeps the optimiser's moments under {@code name} in {@code optimizer.bin} and its step count as
     * {@code optimizer.<name>Step}. The weights themselves are saved only if they are the policy's or
     * registered with {@link #saved}.
     */
    protected final void optimised(String name, Parameters parameters, Adam adam) {
        optimisers.put(name, new Optimised(parameters, adam));
    }

    /** Registers networks the checkpoint keeps as file {@code name} (critics, targets, value networks). */
    protected final void saved(String name, Parameters parameters) {
        savedNetworks.put(name, parameters);
    }

    /**
     * Adds state beyond the registered networks and optimisers to a checkpoint (counters,
     * temperatures); {@code files} already holds {@code optimizer} when an optimiser is registered.
     * None by default.
     */
    protected void saveState(ObjectNode meta, Map<String, Parameters> files) {
    }

    /** Restores what {@link #saveState} wrote (called after the registered state is restored). */
    protected void loadState(JsonNode meta, Checkpoint checkpoint) {
    }

    /** The policy being learnt (plain Java acting, for evaluation). */
    protected final Actor policy() {
        if (policyActor == null) {
            throw new UnsupportedOperationException(algorithm + "'s policy acts on a history, not on one observation;"
                    + " it is evaluated by its own loop");
        }
        return policyActor;
    }

    /** Its checkpoint type. */
    protected final String policyType() {
        return policyType;
    }

    /** Its shape. */
    protected final PolicySpec policySpec() {
        return policySpec;
    }

    /** Its weights. */
    protected final Parameters policyParameters() {
        return policyParameters;
    }

    private record Optimised(Parameters parameters, Adam adam) {
    }

    // ---- the loop ----

    @Override
    public boolean done() {
        return updates >= totalUpdates + onlineSteps;
    }

    @Override
    public long iterations() {
        return updates;
    }

    @Override
    public long globalStep() {
        return updates;
    }

    @Override
    public String checkpointName() {
        return String.format("update-%07d", updates);
    }

    /** Trains to the planned number of updates through {@link TrainingLoop}; returns the last checkpoint or null. */
    public Path run(TrainingListener listener, Path checkpointDir, long checkpointEvery) throws IOException {
        startUpdates = updates;
        return TrainingLoop.run(this, listener, checkpointDir, checkpointEvery).lastCheckpoint();
    }

    @Override
    public Map<String, Double> iterate(TrainingListener listener) {
        long end = totalUpdates + onlineSteps;
        boolean online = updates >= totalUpdates;
        if (online) {
            onlineStep(listener);
            drawOnlineBatch();
        } else {
            drawBatch();
        }
        boolean last = updates + 1 >= end;
        boolean offlineEnd = onlineSteps > 0 && updates + 1 == totalUpdates;
        boolean evaluating = common.evalEpisodes() > 0 && ((updates + 1) % common.evalEvery() == 0 || last || offlineEnd);
        boolean reporting = updates == 0 || (updates + 1) % common.logEvery() == 0 || last || evaluating;
        Map<String, Double> losses = update(reporting);
        updates++;
        if (!reporting) {
            return Map.of();
        }
        Map<String, Double> m = new LinkedHashMap<>(losses);
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            guard(e.getKey(), e.getValue());
        }
        if (evaluating) {
            m.putAll(evaluateNow());
        }
        if (onlineSteps > 0) {
            m.put("charts/online_steps", (double) onlineSize);
        }
        m.put("time/updates_per_second", (updates - startUpdates)
                / Math.max((System.nanoTime() - startNanos) / 1e9, 1e-9));
        report++;
        listener.onUpdate(report, updates, m);
        return m;
    }

    // ---- online fine-tuning ----

    /**
     * An exploration action for one observation in learner form (normalised when
     * {@code normalize_observations}), written in learner form to {@code discreteOut[0]} or
     * {@code continuousOut} (rescaled to [−1, 1] unless {@link #rawActions()}); drawn from {@code rng}.
     * Only learners that fine-tune online implement it.
     */
    protected void explore(float[] observation, Rng rng, int[] discreteOut, float[] continuousOut) {
        throw new UnsupportedOperationException(algorithm + " does not fine-tune online");
    }

    private final dev.trail.rollout.VectorPolicy exploring = new dev.trail.rollout.VectorPolicy() {
        @Override
        public Acted act(float[] rawObservation, int rows, Rng rng) {
            float[] o = toLearner(rawObservation);
            explore(o, rng, exploreDiscrete, exploreAction);
            if (categories > 0) {
                return new Acted(new int[] {exploreDiscrete[0]}, null, null, null);
            }
            float[] a = exploreAction.clone();
            if (!rawActions()) {
                for (int j = 0; j < actDim; j++) {
                    a[j] = (actionHigh[j] - actionLow[j]) / 2f * a[j] + (actionHigh[j] + actionLow[j]) / 2f;
                }
            }
            return new Acted(null, a, null, null);
        }
    };

    /** One raw observation in learner form. */
    private float[] toLearner(float[] raw) {
        if (observationStatistics == null) {
            return raw.clone();
        }
        float[] o = new float[obsDim];
        if (onlineNormalizer == null) {
            onlineNormalizer = normalizer(observationStatistics, obsDim);
        }
        onlineNormalizer.transform(raw, o);
        return o;
    }

    private void onOnlineEpisode(long step, int envIndex, double episodicReturn, int length) {
        episodeListener.onEpisode(updates + 1, envIndex, episodicReturn, length);
    }

    /**
     * One environment step of online fine-tuning (CORL's {@code finetune/iql.py}): the policy's
     * exploration action, the transition (in learner form; time-limit cuts bootstrap) appended to
     * the online buffer that the following batches draw from together with the dataset.
     */
    private void onlineStep(TrainingListener listener) {
        if (onlineObservations == null) {
            allocateOnline((int) onlineSteps);
        }
        episodeListener = listener;
        dev.trail.rollout.RolloutBuffer b = collector.collect(exploring);
        listener.onRollout(b);
        boolean ended = b.terminateds()[0] || b.truncateds()[0];
        float[] next = ended ? b.finalObservations() : b.nextObservations();
        int k = onlineSize;
        System.arraycopy(toLearner(java.util.Arrays.copyOf(b.observations(), obsDim)), 0, onlineObservations,
                k * obsDim, obsDim);
        System.arraycopy(toLearner(java.util.Arrays.copyOf(next, obsDim)), 0, onlineNextObservations, k * obsDim,
                obsDim);
        if (categories > 0) {
            onlineActions[k] = exploreDiscrete[0];
        } else {
            System.arraycopy(exploreAction, 0, onlineActions, k * actDim, actDim);
        }
        onlineRewards[k] = (float) b.rawRewards()[0];
        onlineTerminals[k] = b.terminateds()[0];
        onlineSize++;
    }

    private void allocateOnline(int capacity) {
        onlineObservations = new float[capacity * obsDim];
        onlineNextObservations = new float[capacity * obsDim];
        onlineActions = new float[capacity * actDim];
        onlineRewards = new float[capacity];
        onlineTerminals = new boolean[capacity];
    }

    /** A batch drawn uniformly from the dataset and the online transitions together (CORL's one replay buffer). */
    private void drawOnlineBatch() {
        int n = data.size();
        float[] rewards = data.rewards();
        boolean[] terminals = data.terminals();
        for (int i = 0; i < index.length; i++) {
            int k = sampleRng.nextInt(n + onlineSize);
            index[i] = k;
            boolean fromData = k < n;
            int j = fromData ? k : k - n;
            System.arraycopy(fromData ? observations : onlineObservations, j * obsDim, batchObservations, i * obsDim,
                    obsDim);
            System.arraycopy(fromData ? nextObservations : onlineNextObservations, j * obsDim, batchNextObservations,
                    i * obsDim, obsDim);
            System.arraycopy(fromData ? actions : onlineActions, j * actDim, batchActions, i * actDim, actDim);
            batchRewards[i] = fromData ? rewards[k] : onlineRewards[j];
            batchNotDone[i] = (fromData ? terminals[k] : onlineTerminals[j]) ? 0f : 1f;
            if (categories > 0) {
                int a = (int) (fromData ? actions[k] : onlineActions[j]);
                java.util.Arrays.fill(batchOneHot, i * categories, (i + 1) * categories, 0f);
                batchOneHot[i * categories + a] = 1f;
                batchActionIndex[i] = a;
            }
        }
    }

    /** Draws the next batch's transition indices from the sampler and gathers them. */
    private void drawBatch() {
        sampler.sample(sampleRng, index);
        float[] rewards = data.rewards();
        boolean[] terminals = data.terminals();
        for (int i = 0; i < index.length; i++) {
            int k = index[i];
            System.arraycopy(observations, k * obsDim, batchObservations, i * obsDim, obsDim);
            System.arraycopy(nextObservations, k * obsDim, batchNextObservations, i * obsDim, obsDim);
            System.arraycopy(actions, k * actDim, batchActions, i * actDim, actDim);
            batchRewards[i] = rewards[k];
            batchNotDone[i] = terminals[k] ? 0f : 1f;
            if (categories > 0) {
                int a = (int) actions[k];
                java.util.Arrays.fill(batchOneHot, i * categories, (i + 1) * categories, 0f);
                batchOneHot[i * categories + a] = 1f;
                batchActionIndex[i] = a;
            }
        }
    }

    /** The policy as a loaded checkpoint would give it (for evaluation in memory). */
    protected PolicyCheckpoint.Loaded loadedPolicy() {
        return new PolicyCheckpoint.Loaded(algorithm, env.id(), policy(), policySpec(),
                observationStatistics == null ? null : normalizer(observationStatistics, obsDim),
                Double.POSITIVE_INFINITY, null);
    }

    /** The deterministic evaluation episodes of the current policy (a learner whose policy needs a history overrides it). */
    protected Evaluation.Result evaluateEpisodes(int episodes, long evalSeed) {
        return Evaluation.evaluate(loadedPolicy(), env, episodes, evalSeed, true);
    }

    /** All observations in learner form (normalised when {@code normalize_observations}), {@code [N * obsDim]}. */
    protected float[] learnerObservations() {
        return observations;
    }

    /** All actions in learner form (continuous ones rescaled to [−1, 1] unless {@link #rawActions()}), {@code [N * actDim]}. */
    protected float[] learnerActions() {
        return actions;
    }

    /** The transitions of the current batch (indices into the dataset), as the sampler drew them. */
    protected int[] batchIndices() {
        return index;
    }

    /** Runs the evaluation episodes now and updates the best scores. */
    private Map<String, Double> evaluateNow() {
        Evaluation.Result r = evaluateEpisodes(common.evalEpisodes(), seed + 1_000_003L);
        Map<String, Double> m = new LinkedHashMap<>();
        double ret = r.meanReturn();
        m.put("eval/mean_return", ret);
        m.put("eval/std_return", r.stdReturn());
        m.put("eval/mean_length", r.meanLength());
        bestReturn = Double.isNaN(bestReturn) ? ret : Math.max(bestReturn, ret);
        m.put("eval/best_mean_return", bestReturn);
        if (data.hasReferenceReturns()) {
            double score = data.normalizedScore(ret);
            bestScore = Double.isNaN(bestScore) ? score : Math.max(bestScore, score);
            m.put("eval/normalized_score", score);
            m.put("eval/best_normalized_score", bestScore);
        }
        return m;
    }

    protected void guard(String term, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(algorithm, term, (int) Math.min(Integer.MAX_VALUE, updates), value);
        }
    }

    /** Throws {@link TrainingDivergedException} on a non-finite gradient, else takes the Adam step. */
    protected void step(Adam adam, Parameters params, float[][] grads, double lr, String net) {
        for (int p = 0; p < grads.length; p++) {
            for (float g : grads[p]) {
                if (!Float.isFinite(g)) {
                    guard("gradient of " + net + " " + params.get(p).name(), g);
                }
            }
        }
        adam.step(params, grads, lr);
    }

    /** Standard-normal noise {@code [rows, cols]} from the run's noise stream. */
    protected NDArray gaussian(NDManager m, int rows, int cols) {
        float[] eps = new float[rows * cols];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) noiseRng.nextGaussian();
        }
        return Tensors.create(m, eps, rows, cols);
    }

    // ---- checkpoints ----

    /**
     * Writes the run to {@code dir}: the policy ({@code parameters.bin}, readable by
     * {@link PolicyCheckpoint#load} with its observation statistics), the algorithm's networks and
     * optimisers, and in {@code checkpoint.json} the config, the dataset (file, content hash,
     * reference returns), counters, best scores and random-stream states.
     */
    @Override
    public void save(Path dir) throws IOException {
        ObjectNode meta = PolicyCheckpoint.describe(algorithm, env, policyType(), policySpec(), policyParameters(),
                observationStatistics, Double.MAX_VALUE);
        ObjectNode c = meta.putObject("config");
        config.toMap().forEach(c::putPOJO);
        meta.put("seed", seed);
        meta.put("totalSteps", totalUpdates);
        meta.put("globalStep", updates);
        meta.put("report", report);
        if (Double.isFinite(bestScore)) {
            meta.put("bestScore", bestScore);
        }
        if (Double.isFinite(bestReturn)) {
            meta.put("bestReturn", bestReturn);
        }
        ObjectNode d = meta.putObject("dataset");
        d.put("source", data.source());
        d.put("sha256", data.contentHash());
        d.put("transitions", data.size());
        d.put("trajectories", data.episodeCount());
        if (data.hasReferenceReturns()) {
            d.put(TransitionDataset.REFERENCE_RETURN_RANDOM, data.referenceReturnRandom());
            d.put(TransitionDataset.REFERENCE_RETURN_EXPERT, data.referenceReturnExpert());
        }
        ObjectNode rng = meta.putObject("rng");
        CollectorState.putLongs(rng.putArray("batches"), sampleRng.state());
        CollectorState.putLongs(rng.putArray("noise"), noiseRng.state());
        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put(PolicyCheckpoint.PARAMETERS, policyParameters());
        if (!optimisers.isEmpty()) {
            ObjectNode o = meta.putObject("optimizer");
            Parameters moments = new Parameters();
            optimisers.forEach((name, op) -> {
                o.put(name + "Step", op.adam().stepCount());
                addMoments(moments, name, op.parameters(), op.adam());
            });
            files.put("optimizer", moments);
        }
        files.putAll(savedNetworks);
        saveState(meta, files);
        if (collector != null) {
            ObjectNode on = meta.putObject("online");
            on.put("steps", onlineSteps);
            on.put("size", onlineSize);
            Parameters buffer = new Parameters();
            int k = onlineSize;
            if (k > 0) {
                buffer.add("observations", new int[] {k, obsDim}, java.util.Arrays.copyOf(onlineObservations, k * obsDim));
                buffer.add("next_observations", new int[] {k, obsDim},
                        java.util.Arrays.copyOf(onlineNextObservations, k * obsDim));
                buffer.add("actions", new int[] {k, actDim}, java.util.Arrays.copyOf(onlineActions, k * actDim));
                buffer.add("rewards", new int[] {k}, java.util.Arrays.copyOf(onlineRewards, k));
                float[] t = new float[k];
                for (int i = 0; i < k; i++) {
                    t[i] = onlineTerminals[i] ? 1f : 0f;
                }
                buffer.add("terminals", new int[] {k}, t);
            }
            files.put("online_buffer", buffer);
            Parameters state = new Parameters();
            CollectorState.save(collector, meta, state);
            files.put(CollectorState.STATE, state);
        }
        Checkpoint.write(dir, meta, files);
    }

    /** Builds a learner from a checkpoint's config (the algorithm's constructor). */
    @FunctionalInterface
    public interface Factory<L extends OfflineLearner> {
        L create(JsonNode config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates);
    }

    /**
     * Restores a run written by {@link #save}: same algorithm, environment and dataset content
     * (else an error naming both), then the whole state.
     */
    public static <L extends OfflineLearner> L load(Path dir, String algorithm, TransitionDataset data, EnvSpec env,
            Factory<L> factory) throws IOException {
        Checkpoint cp = Checkpoint.read(dir);
        JsonNode meta = cp.metadata();
        if (!algorithm.equals(meta.path("algorithm").asText())) {
            throw new IllegalArgumentException(dir + " is a checkpoint of '" + meta.path("algorithm").asText()
                    + "', not of " + algorithm);
        }
        if (!meta.path("envId").asText().equals(env.id())) {
            throw new IllegalArgumentException(dir + " was trained on " + meta.path("envId").asText() + ", not on "
                    + env.id());
        }
        String hash = meta.path("dataset").path("sha256").asText();
        if (!hash.isEmpty() && !data.contentHash().isEmpty() && !hash.equals(data.contentHash())) {
            throw new IllegalArgumentException(data.source() + ": the dataset's content hash " + data.contentHash()
                    + " is not the " + hash + " that checkpoint " + dir + " was trained on");
        }
        L learner = factory.create(meta.path("config"), data, env, meta.path("seed").asLong(),
                meta.path("totalSteps").asLong());
        try {
            PolicyCheckpoint.checkFits(dir, meta, learner.policySpec());
            learner.policyParameters().copyFrom(cp.tensors(PolicyCheckpoint.PARAMETERS));
            OfflineLearner base = learner;
            base.updates = meta.path("globalStep").asLong();
            base.report = meta.path("report").asInt();
            base.bestScore = meta.path("bestScore").asDouble(Double.NaN);
            base.bestReturn = meta.path("bestReturn").asDouble(Double.NaN);
            JsonNode rng = meta.path("rng");
            base.sampleRng = Rng.fromState(CollectorState.longs(rng.path("batches")));
            base.noiseRng = Rng.fromState(CollectorState.longs(rng.path("noise")));
            base.loadRegistered(meta, cp);
            learner.loadState(meta, cp);
            if (base.collector != null) {
                base.restoreOnline(meta, cp, dir);
            }
            return learner;
        } catch (IOException | RuntimeException e) {
            learner.close();
            throw e;
        }
    }

    private void loadRegistered(JsonNode meta, Checkpoint cp) throws IOException {
        for (Map.Entry<String, Parameters> e : savedNetworks.entrySet()) {
            e.getValue().copyFrom(cp.tensors(e.getKey()));
        }
        if (!optimisers.isEmpty()) {
            Parameters moments = cp.tensors("optimizer");
            JsonNode o = meta.path("optimizer");
            for (Map.Entry<String, Optimised> e : optimisers.entrySet()) {
                restoreMoments(moments, e.getKey(), e.getValue().parameters(), e.getValue().adam(),
                        o.path(e.getKey() + "Step").asLong());
            }
        }
    }

    private void restoreOnline(JsonNode meta, Checkpoint cp, Path dir) throws IOException {
        JsonNode on = meta.path("online");
        if (on.isMissingNode()) {
            return; // an offline-only checkpoint (fine-tuning starts from it): the online phase starts empty
        }
        allocateOnline((int) onlineSteps);
        int k = on.path("size").asInt();
        if (k > onlineSteps) {
            throw new IllegalArgumentException(dir + " holds " + k + " online transitions, more than online_steps="
                    + onlineSteps);
        }
        if (k > 0) {
            Parameters b = cp.tensors("online_buffer");
            System.arraycopy(b.get("observations").data(), 0, onlineObservations, 0, k * obsDim);
            System.arraycopy(b.get("next_observations").data(), 0, onlineNextObservations, 0, k * obsDim);
            System.arraycopy(b.get("actions").data(), 0, onlineActions, 0, k * actDim);
            System.arraycopy(b.get("rewards").data(), 0, onlineRewards, 0, k);
            float[] t = b.get("terminals").data();
            for (int i = 0; i < k; i++) {
                onlineTerminals[i] = t[i] != 0f;
            }
        }
        onlineSize = k;
        CollectorState.restore(collector, meta, cp.tensors(CollectorState.STATE), dir);
    }

    /** Adds Adam's moments of {@code params} under {@code prefix/m/*} and {@code prefix/v/*}. */
    protected static void addMoments(Parameters out, String prefix, Parameters params, Adam adam) {
        for (int i = 0; i < params.count(); i++) {
            Parameters.Tensor t = params.get(i);
            out.add(prefix + "/m/" + t.name(), t.shape(), adam.firstMoments()[i].clone());
            out.add(prefix + "/v/" + t.name(), t.shape(), adam.secondMoments()[i].clone());
        }
    }

    /** Restores moments written by {@link #addMoments}. */
    protected static void restoreMoments(Parameters saved, String prefix, Parameters params, Adam adam, long step) {
        float[][] m = new float[params.count()][];
        float[][] v = new float[params.count()][];
        for (int i = 0; i < params.count(); i++) {
            m[i] = saved.get(prefix + "/m/" + params.get(i).name()).data();
            v[i] = saved.get(prefix + "/v/" + params.get(i).name()).data();
        }
        adam.restore(m, v, step);
    }

    /** The evaluation metrics of a saved policy, with the normalised score from the checkpoint's dataset references. */
    public static Map<String, Double> evaluateCheckpoint(Path checkpoint, EnvSpec env, int episodes, long seed)
            throws IOException {
        PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(checkpoint);
        Evaluation.Result r = Evaluation.evaluate(loaded, env, episodes, seed, true);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/mean_return", r.meanReturn());
        m.put("eval/std_return", r.stdReturn());
        m.put("eval/mean_length", r.meanLength());
        JsonNode d = loaded.metadata().path("dataset");
        double score = TransitionDataset.normalizedScore(r.meanReturn(),
                d.path(TransitionDataset.REFERENCE_RETURN_RANDOM).asDouble(Double.NaN),
                d.path(TransitionDataset.REFERENCE_RETURN_EXPERT).asDouble(Double.NaN));
        if (!Double.isNaN(score)) {
            m.put("eval/normalized_score", score);
        }
        return m;
    }

    @Override
    public void close() {
        if (collector != null) {
            collector.close();
        }
        manager.close();
    }
}
