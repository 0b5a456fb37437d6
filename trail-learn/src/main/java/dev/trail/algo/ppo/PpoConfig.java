package dev.trail.algo.ppo;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * PPO hyperparameters. Defaults are CleanRL's {@code ppo.py} for classic control; the
 * normalisation flags (off by default) turn on what {@code ppo_continuous_action.py} does for
 * MuJoCo-like tasks. Invalid values are rejected in the constructor, naming the key and the
 * allowed range; config files and {@code --set} bind through {@link #binder()}, whose keys are the
 * components in snake_case (CleanRL's names).
 *
 * <p>One spelling per concept across Trail's configs: {@code learning_rate}, {@code update_epochs},
 * {@code num_minibatches}, {@code max_grad_norm}, {@code ent_coef} (CleanRL's), {@code gamma},
 * {@code gae_lambda} mean the same in PPO, GRPO, SFT and the estimators. PPO's symmetric
 * {@code clip_coef} is CleanRL's ε; GRPO's asymmetric clip is {@code clip_epsilon_low}/{@code _high}.
 *
 * @param numEnvs {@code num_envs}: environment copies stepped in parallel (4)
 * @param numSteps {@code num_steps}: steps per copy in each rollout (128); batch = numEnvs × numSteps
 * @param learningRate {@code learning_rate}: Adam's step size at the start (2.5e-4)
 * @param annealLr {@code anneal_lr}: decay the learning rate linearly to 0 over the run (true)
 * @param gamma {@code gamma}: discount factor γ (0.99)
 * @param gaeLambda {@code gae_lambda}: GAE's λ (0.95)
 * @param numMinibatches {@code num_minibatches}: minibatches per epoch (4)
 * @param updateEpochs {@code update_epochs}: passes over each batch (4)
 * @param normAdv {@code norm_adv}: whiten advantages per minibatch (true)
 * @param clipCoef {@code clip_coef}: surrogate clip ε, also the value clip (0.2)
 * @param clipVloss {@code clip_vloss}: clip the value loss around the old values (true)
 * @param entCoef {@code ent_coef}: entropy bonus coefficient (0.01)
 * @param vfCoef {@code vf_coef}: value loss coefficient (0.5)
 * @param maxGradNorm {@code max_grad_norm}: global gradient-norm clip (0.5)
 * @param targetKl {@code target_kl}: stop the epochs when approx KL exceeds it; null for none (none)
 * @param adamEpsilon Adam's ε (CleanRL: 1e-5)
 * @param hiddenSizes hidden layer widths of actor and critic, comma-separated ("64,64"); see {@link #hiddenLayers()}
 * @param normalizeObservations normalise observations with running statistics, then clip to
 *     ±{@code clipObservations} (false; CleanRL continuous: true)
 * @param normalizeRewards scale rewards by the running std of the discounted return, then clip to
 *     ±{@code clipRewards} (false; CleanRL continuous: true)
 * @param clipObservations bound after observation normalisation (10)
 * @param clipRewards bound after reward normalisation (10)
 * @param advantageEstimator {@code advantage_estimator}: the registry estimator credit comes from; PPO takes
 *     any that uses the critic's values ("gae")
 * @param rolloutWorkers {@code rollout_workers}: {@code local} (default) or {@code spark}: each batch collected
 *     by Spark executor tasks, one per shard of the env copies (one task with {@code normalize_observations});
 *     the same metrics as local
 * @param sparkMaster {@code spark_master}: the master for {@code rollout_workers=spark}, or null for spark-submit's
 * @param numThreads {@code num_threads}: threads that run the actor and step the environment copies, each its own
 *     contiguous chunk of copies (capped at {@code num_envs}); every result is bit-identical for any count (1)
 * @param backend {@code backend}: where the gradient steps run: {@code java} (the plain-Java MLP step of
 *     {@code dev.trail.nn.fast}, no native calls, libtorch not loaded), {@code djl} (libtorch through DJL),
 *     or {@code auto} (java up to {@link #JAVA_BACKEND_MAX_PARAMETERS} parameters, else djl). Each is
 *     bit-reproducible on its own; the two differ in the last bits ("auto")
 * @param bcDataset {@code bc_dataset}: a trajectory file (JSONL or Parquet, Trail's schema) of demonstrations for
 *     behaviour cloning, its observations and actions; "" for none. Used by {@code bc_pretrain_steps} and
 *     {@code bc_coef} ("")
 * @param bcPretrainSteps {@code bc_pretrain_steps}: gradient steps of behaviour cloning (minimising
 *     {@code −mean log π(a|s)} over {@code bc_batch_size} demonstration steps, Adam at {@code bc_learning_rate})
 *     before the first PPO update (0)
 * @param bcCoef {@code bc_coef}: weight of the concurrent BC term added to every PPO minibatch loss,
 *     {@code + bc_coef · (−mean log π(a|s))} over {@code bc_batch_size} demonstration steps (0: none)
 * @param bcBatchSize {@code bc_batch_size}: demonstration steps per BC term, drawn uniformly with replacement (256)
 * @param bcLearningRate {@code bc_learning_rate}: Adam's step size during BC pre-training (1e-3)
 * @param startStates {@code start_states}: SnapshotRL: a trajectory file of teacher episodes (seeds and actions)
 *     whose states new episodes start from; "" for none ("")
 * @param startStateFraction {@code start_state_fraction}: with {@code start_states}, the probability that an
 *     episode starts from a teacher state rather than an ordinary reset (0.5)
 */
public record PpoConfig(
        @Param(value = "environment copies stepped in parallel", min = 1, max = 4096) int numEnvs,
        @Param(value = "steps per copy in each rollout", min = 1, max = 1 << 20) int numSteps,
        @Param(value = "Adam step size at the start", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param("decay the learning rate linearly to 0") boolean annealLr,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "GAE lambda", min = 0, max = 1) double gaeLambda,
        @Param(value = "minibatches per epoch", min = 1, max = 1 << 20) int numMinibatches,
        @Param(value = "passes over each batch", min = 1, max = 1000) int updateEpochs,
        @Param("whiten advantages per minibatch") boolean normAdv,
        @Param(value = "surrogate and value clip epsilon", min = Double.MIN_VALUE, max = 0.999) double clipCoef,
        @Param("clip the value loss around the old values") boolean clipVloss,
        @Param(value = "entropy bonus coefficient", min = 0, max = 100) double entCoef,
        @Param(value = "value loss coefficient", min = 0, max = 100) double vfCoef,
        @Param(value = "global gradient-norm clip", min = Double.MIN_VALUE, max = 1e9) double maxGradNorm,
        @Param(value = "early-stop the epochs above this approx KL; none to never stop", min = Double.MIN_VALUE,
                max = 1e9) Double targetKl,
        @Param(value = "Adam epsilon", min = Double.MIN_VALUE, max = 1) double adamEpsilon,
        @Param("hidden layer widths, comma-separated") String hiddenSizes,
        @Param("running observation normalization") boolean normalizeObservations,
        @Param("running reward scaling") boolean normalizeRewards,
        @Param(value = "bound after observation normalization", min = Double.MIN_VALUE, max = 1e9)
                double clipObservations,
        @Param(value = "bound after reward normalization", min = Double.MIN_VALUE, max = 1e9) double clipRewards,
        @Param("registry advantage estimator that uses the critic's values (see trail credit --list)")
                String advantageEstimator,
        @Param("where gradient steps run: java (plain-Java MLP step, no native calls), djl (libtorch), or auto "
                + "(java for networks up to 100k parameters)") String backend,
        @Param("demonstrations (a .jsonl/.parquet trajectory file) for BC pre-training and the concurrent BC loss; "
                + "empty for none") String bcDataset,
        @Param(value = "BC gradient steps on bc_dataset before the first PPO update", min = 0, max = 1e9)
                int bcPretrainSteps,
        @Param(value = "weight of the concurrent BC loss on bc_dataset in every PPO minibatch (0: none)", min = 0,
                max = 1e6) double bcCoef,
        @Param(value = "demonstration steps per BC loss term", min = 1, max = 1 << 20) int bcBatchSize,
        @Param(value = "Adam step size of BC pre-training", min = Double.MIN_VALUE, max = 1) double bcLearningRate,
        @Param("SnapshotRL: teacher trajectories (.jsonl/.parquet, seeds and actions) whose states episodes start "
                + "from; empty for none") String startStates,
        @Param(value = "probability that an episode starts from a start_states state", min = 0, max = 1)
                double startStateFraction,
        @Param("who collects the batches: local (the learner's thread) or spark (executor tasks, each a shard of the"
                + " env copies, or one task with normalize_observations; same metrics; docs/SPARK.md)")
                String rolloutWorkers,
        @Param("rollout_workers=spark: the Spark master, local[N] or spark://HOST:PORT (empty: spark-submit's)")
                String sparkMaster,
        @Param(value = "threads that act and step the env copies (the caller's included, at most num_envs); results "
                + "are bit-identical for any count", min = 1, max = 256) int numThreads) {

    /**
     * Networks up to this many parameters train on the plain-Java backend under {@code backend=auto}:
     * CleanRL's 64×64 actor-critic (about 9k) ran 3.4× faster in plain Java than through DJL
     * (docs/BENCHMARKS.md); the Java step's cost grows with the weights while libtorch's per-call
     * overhead does not, so large networks stay on DJL.
     */
    public static final int JAVA_BACKEND_MAX_PARAMETERS = 100_000;

    public PpoConfig {
        positive("num_envs", numEnvs);
        positive("num_steps", numSteps);
        range("learning_rate", learningRate, 0, 1, false);
        range("gamma", gamma, 0, 1, true);
        range("gae_lambda", gaeLambda, 0, 1, true);
        positive("num_minibatches", numMinibatches);
        positive("update_epochs", updateEpochs);
        range("clip_coef", clipCoef, 0, 0.999, false);
        range("ent_coef", entCoef, 0, 100, true);
        range("vf_coef", vfCoef, 0, 100, true);
        range("max_grad_norm", maxGradNorm, 0, 1e9, false);
        if (targetKl != null) {
            range("target_kl", targetKl, 0, 1e9, false);
        }
        range("adam_epsilon", adamEpsilon, 0, 1, false);
        range("clip_observations", clipObservations, 0, 1e9, false);
        range("clip_rewards", clipRewards, 0, 1e9, false);
        if (numMinibatches > (long) numEnvs * numSteps) {
            throw new IllegalArgumentException("num_minibatches=" + numMinibatches + " exceeds the batch size num_envs x "
                    + "num_steps = " + (long) numEnvs * numSteps);
        }
        if ((long) numEnvs * numSteps > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("batch num_envs x num_steps = " + (long) numEnvs * numSteps + " is too large");
        }
        hiddenSizes = hiddenSizes == null ? "64,64" : hiddenSizes.replace(" ", "");
        advantageEstimator = advantageEstimator == null || advantageEstimator.isBlank() ? "gae"
                : advantageEstimator.trim();
        backend = backend == null || backend.isBlank() ? "auto" : backend.trim();
        rolloutWorkers = rolloutWorkers == null || rolloutWorkers.isBlank() ? "local" : rolloutWorkers.trim();
        if (!rolloutWorkers.equals("local") && !rolloutWorkers.equals("spark")) {
            throw new IllegalArgumentException("rollout_workers=" + rolloutWorkers + " must be local or spark");
        }
        sparkMaster = sparkMaster == null || sparkMaster.isBlank() ? null : sparkMaster.trim();
        if (!backend.equals("djl") && !backend.equals("java") && !backend.equals("auto")) {
            throw new IllegalArgumentException("backend=" + backend + " must be java, djl or auto");
        }
        dev.trail.nn.HiddenSizes.checkMemory(hiddenSizes, parseLayers(hiddenSizes), 2); // actor and critic
        bcDataset = bcDataset == null ? "" : bcDataset.trim();
        startStates = startStates == null ? "" : startStates.trim();
        if (rolloutWorkers.equals("spark") && !startStates.isEmpty()) {
            // the executors build plain copies of the environment, not start_states' resetting wrapper
            throw new IllegalArgumentException("rollout_workers=spark does not run start_states=" + startStates
                    + "; collect locally (rollout_workers=local)");
        }
        if (bcPretrainSteps < 0) {
            throw new IllegalArgumentException("bc_pretrain_steps=" + bcPretrainSteps + " must be >= 0");
        }
        range("bc_coef", bcCoef, 0, 1e6, true);
        positive("bc_batch_size", bcBatchSize);
        range("bc_learning_rate", bcLearningRate, 0, 1, false);
        range("start_state_fraction", startStateFraction, 0, 1, true);
        boolean bcUsed = bcPretrainSteps > 0 || bcCoef > 0;
        if (bcUsed && bcDataset.isEmpty()) {
            throw new IllegalArgumentException((bcCoef > 0 ? "bc_coef=" + bcCoef : "bc_pretrain_steps=" + bcPretrainSteps)
                    + " needs bc_dataset=FILE (the demonstrations)");
        }
        if (!bcDataset.isEmpty() && !bcUsed) {
            throw new IllegalArgumentException("bc_dataset=" + bcDataset + " is used only with bc_pretrain_steps > 0 or "
                    + "bc_coef > 0");
        }
        if (bcUsed && backend.equals("java")) {
            throw new IllegalArgumentException("the BC terms run on backend=djl (or auto), not backend=java");
        }
        if (bcUsed && normalizeObservations) {
            throw new IllegalArgumentException("bc_dataset with normalize_observations=true is not supported (the "
                    + "demonstrations would need the running statistics); set normalize_observations=false");
        }
        // (fields are not assigned yet in a compact constructor: use the parameters)
        if (normAdv && numEnvs * numSteps / numMinibatches < 2) {
            throw new IllegalArgumentException("norm_adv needs minibatches of at least 2 transitions; num_envs x num_steps / "
                    + "num_minibatches = " + numEnvs * numSteps / numMinibatches);
        }
    }

    static int[] parseLayers(String text) {
        return dev.trail.nn.HiddenSizes.parse(text, "64,64");
    }

    /** The hidden layer widths as numbers. */
    public int[] hiddenLayers() {
        return parseLayers(hiddenSizes);
    }

    /** CleanRL's {@code ppo.py} defaults (classic control). */
    public static PpoConfig defaults() {
        return new PpoConfig(4, 128, 2.5e-4, true, 0.99, 0.95, 4, 4, true, 0.2, true, 0.01, 0.5, 0.5, null,
                1e-5, "64,64", false, false, 10, 10, "gae", "auto", "", 0, 0, 256, 1e-3, "", 0.5, "local", null, 1);
    }

    /**
     * CleanRL's {@code ppo_continuous_action.py} defaults: 1 env, 2048 steps, lr 3e-4, 32 minibatches,
     * 10 epochs, no entropy bonus, observation and reward normalisation.
     */
    public static PpoConfig continuousDefaults() {
        return new PpoConfig(1, 2048, 3e-4, true, 0.99, 0.95, 32, 10, true, 0.2, true, 0.0, 0.5, 0.5, null,
                1e-5, "64,64", true, true, 10, 10, "gae", "auto", "", 0, 0, 256, 1e-3, "", 0.5, "local", null, 1);
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + "=" + v + " must be >= 1");
        }
    }

    private static void range(String key, double v, double lo, double hi, boolean loInclusive) {
        boolean ok = (loInclusive ? v >= lo : v > lo) && v <= hi;
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + v + " is outside the allowed range " + (loInclusive ? "[" : "(")
                    + lo + ", " + hi + "]");
        }
    }

    /** Transitions per rollout, {@code numEnvs × numSteps}. */
    public int batchSize() {
        return numEnvs * numSteps;
    }

    /** Transitions per minibatch, {@code batchSize / numMinibatches} (CleanRL's integer division). */
    public int minibatchSize() {
        return batchSize() / numMinibatches;
    }

    /** Updates in a run of {@code totalSteps} environment steps, {@code totalSteps / batchSize} (at least 1). */
    public int numUpdates(long totalSteps) {
        long updates = Math.max(1, totalSteps / batchSize());
        if (updates > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("total_steps=" + totalSteps + " is " + updates + " updates of " + batchSize()
                    + " steps; at most " + (long) Integer.MAX_VALUE * batchSize() + " steps with this batch");
        }
        return (int) updates;
    }

    /**
     * Whether the gradient steps run in plain Java for a network of {@code parameters} weights (never
     * with a BC term, which runs on DJL).
     */
    public boolean javaBackend(long parameters) {
        return !usesBc() && (backend.equals("java")
                || backend.equals("auto") && parameters <= JAVA_BACKEND_MAX_PARAMETERS);
    }

    /** Whether behaviour cloning on {@code bc_dataset} is on (pre-training or the concurrent term). */
    public boolean usesBc() {
        return bcPretrainSteps > 0 || bcCoef > 0;
    }

    /** Whether episodes start from teacher states ({@code start_states}). */
    public boolean usesStartStates() {
        return !startStates.isEmpty();
    }

    /** Whether early stopping on KL is on. */
    public boolean hasTargetKl() {
        return targetKl != null;
    }

    /**
     * The binder of this record for config files, {@code --set} and checkpoint metadata, with
     * {@link #defaults()}; {@code binder().withDefaults(continuousDefaults())} on Box action spaces.
     */
    public static ConfigBinder<PpoConfig> binder() {
        return ConfigBinder.of("ppo", PpoConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults (unknown keys and bad values rejected). */
    public static PpoConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The settings as snake_case keys (for metadata and {@code config.yaml}). */
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
