package dev.trail.algo;

import dev.trail.algo.dqn.Dqn;
import dev.trail.algo.dqn.DqnConfig;
import dev.trail.algo.grpo.Grpo;
import dev.trail.algo.grpo.GrpoConfig;
import dev.trail.algo.ppo.Ppo;
import dev.trail.algo.ppo.PpoConfig;
import dev.trail.algo.sac.Sac;
import dev.trail.algo.sac.SacConfig;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.Env;
import dev.trail.env.EnvSpec;
import dev.trail.lm.LmEvaluation;
import dev.trail.policy.Evaluation;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.token.TokenEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of training algorithms by name: {@code ppo}, {@code sac}, {@code dqn}, and the GRPO family
 * ({@code grpo}, {@code dr-grpo}, {@code rloo}, {@code remax}, {@code reinforce++},
 * {@code reinforce++-baseline}, {@code lite-ppo}: one trainer, the name presets its advantage
 * estimator).
 */
public final class Algorithms {

    private static final Map<String, Algorithm> ENTRIES = new TreeMap<>();

    static {
        register(new PpoAlgorithm());
        register(new SacAlgorithm());
        register(new DqnAlgorithm());
        for (String estimator : GrpoConfig.ESTIMATORS) {
            register(new GrpoAlgorithm(estimator));
        }
        for (Algorithm offline : dev.trail.algo.offline.OfflineAlgorithms.all()) {
            register(offline);
        }
    }

    private Algorithms() {
    }

    /** Adds an algorithm; a taken name is an error. */
    public static synchronized void register(Algorithm a) {
        if (ENTRIES.containsKey(a.name())) {
            throw new IllegalArgumentException("an algorithm named '" + a.name() + "' is already registered");
        }
        ENTRIES.put(a.name(), a);
    }

    /** The algorithm {@code name}; an unknown name is an error listing the known ones. */
    public static synchronized Algorithm get(String name) {
        Algorithm a = ENTRIES.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown algorithm '" + name + "'; known: " + ENTRIES.keySet());
        }
        return a;
    }

    /** Registered names, sorted. */
    public static synchronized List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The deterministic evaluation of an array-observation policy checkpoint, as {@code eval/*} metrics. */
    static Map<String, Double> evaluatePolicy(Path checkpoint, EnvSpec env, int episodes, long seed)
            throws IOException {
        Evaluation.Result r = Evaluation.evaluate(checkpoint, env, episodes, seed, true);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/mean_return", r.meanReturn());
        m.put("eval/std_return", r.stdReturn());
        m.put("eval/mean_length", r.meanLength());
        return m;
    }

    /** Refuses environments whose actions are not of the supported kinds. */
    static void checkActions(String algorithm, EnvSpec env, boolean discrete, boolean box) {
        try (Env<?, ?> e = env.make()) {
            boolean isDiscrete = e.actionSpace() instanceof Discrete && !(e instanceof TokenEnv);
            boolean isBox = e.actionSpace() instanceof Box;
            if (!(isDiscrete && discrete || isBox && box)) {
                throw new IllegalArgumentException(algorithm + " cannot train on " + env.id() + " (actions in "
                        + e.actionSpace() + (e instanceof TokenEnv ? ", a token task" : "") + ")");
            }
        }
    }

    /** Refuses environments an offline learner cannot evaluate on (token tasks, non-Box observations). */
    public static void checkOfflineEnvironment(String algorithm, EnvSpec env) {
        checkActions(algorithm, env, true, true);
        try (Env<?, ?> e = env.make()) {
            if (!(e.observationSpace() instanceof Box)) {
                throw new IllegalArgumentException(algorithm + " cannot train on " + env.id() + " (observations in "
                        + e.observationSpace() + "; offline learners take Box observations)");
            }
        }
    }

    private static final class PpoAlgorithm implements Algorithm {

        @Override
        public Map<String, String> dataFiles(Record config) {
            PpoConfig c = (PpoConfig) config;
            Map<String, String> files = new LinkedHashMap<>();
            if (!c.bcDataset().isEmpty()) {
                files.put("bc_dataset", c.bcDataset());
            }
            if (!c.startStates().isEmpty()) {
                files.put("start_states", c.startStates());
            }
            return files;
        }
        @Override
        public String name() {
            return "ppo";
        }

        @Override
        public String description() {
            return "PPO-clip with GAE (Schulman et al. 2017), CleanRL ppo.py defaults (ppo_continuous_action.py"
                    + " defaults on continuous actions); exact resume";
        }

        @Override
        public ConfigBinder<PpoConfig> config(EnvSpec env) {
            if (env == null) {
                return PpoConfig.binder();
            }
            try (Env<?, ?> e = env.make()) {
                return e.actionSpace() instanceof Box ? PpoConfig.binder().withDefaults(PpoConfig.continuousDefaults())
                        : PpoConfig.binder();
            }
        }

        @Override
        public long stepsPerCheckpointUnit(Record config) {
            return ((PpoConfig) config).batchSize();
        }

        @Override
        public void checkEnvironment(EnvSpec env) {
            checkActions(name(), env, true, true);
        }

        @Override
        public void validate(Record config) {
            Ppo.checkCredit((PpoConfig) config);
        }

        @Override
        public void validate(Record config, EnvSpec env) {
            validate(config);
            Ppo.checkData((PpoConfig) config, env);
            Ppo.checkBackend((PpoConfig) config, env);
        }

        @Override
        public Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            return Ppo.train((PpoConfig) config, env, seed, totalSteps, listener, checkpointDir, checkpointEvery)
                    .lastCheckpoint();
        }

        @Override
        public Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
                int checkpointEvery) throws IOException {
            return Ppo.resume(checkpoint, env, listener, checkpointDir, checkpointEvery).lastCheckpoint();
        }

        @Override
        public Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException {
            return evaluatePolicy(checkpoint, env, episodes, seed);
        }
    }

    private static final class SacAlgorithm implements Algorithm {
        @Override
        public String name() {
            return "sac";
        }

        @Override
        public String description() {
            return "Soft Actor-Critic (Haarnoja et al. 2018), CleanRL sac_continuous_action.py defaults; exact resume;"
                    + " RLPD-style with offline_dataset, utd_ratio, layer_norm_critics";
        }

        @Override
        public String companionDataset(Record config) {
            SacConfig c = (SacConfig) config;
            return c.usesOfflineData() ? c.offlineDataset() : null;
        }

        @Override
        public Path train(Record config, EnvSpec env, long seed, long totalSteps,
                dev.trail.offline.TransitionDataset companion, TrainingListener listener, Path checkpointDir,
                int checkpointEvery) throws IOException {
            try (Sac sac = new Sac((SacConfig) config, env, seed, totalSteps, companion)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Path resume(Path checkpoint, EnvSpec env, dev.trail.offline.TransitionDataset companion,
                TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
            try (Sac sac = Sac.load(checkpoint, env, companion)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public ConfigBinder<SacConfig> config(EnvSpec env) {
            return SacConfig.binder();
        }

        @Override
        public void checkEnvironment(EnvSpec env) {
            checkActions(name(), env, false, true);
        }

        @Override
        public Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            try (Sac sac = new Sac((SacConfig) config, env, seed, totalSteps)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
                int checkpointEvery) throws IOException {
            try (Sac sac = Sac.load(checkpoint, env)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException {
            return evaluatePolicy(checkpoint, env, episodes, seed);
        }
    }

    private static final class DqnAlgorithm implements Algorithm {
        @Override
        public String name() {
            return Dqn.ALGORITHM;
        }

        @Override
        public String description() {
            return "DQN (Mnih et al. 2015), CleanRL dqn.py defaults; MLP or grid CNN Q-network; exact resume";
        }

        @Override
        public ConfigBinder<DqnConfig> config(EnvSpec env) {
            return DqnConfig.binder();
        }

        @Override
        public void validate(Record config, EnvSpec env) {
            Dqn.checkBackend((DqnConfig) config, env);
        }

        @Override
        public void checkEnvironment(EnvSpec env) {
            checkActions(name(), env, true, false);
        }

        @Override
        public Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            return Dqn.train((DqnConfig) config, env, seed, totalSteps, listener, checkpointDir, checkpointEvery);
        }

        @Override
        public Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
                int checkpointEvery) throws IOException {
            return Dqn.resume(checkpoint, env, listener, checkpointDir, checkpointEvery);
        }

        @Override
        public Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException {
            return evaluatePolicy(checkpoint, env, episodes, seed);
        }
    }

    /** One registry entry of the GRPO family: the trainer {@link Grpo} with its estimator preset. */
    private static final class GrpoAlgorithm implements Algorithm {
        private final String estimator;

        GrpoAlgorithm(String estimator) {
            this.estimator = estimator;
        }

        @Override
        public String name() {
            return estimator;
        }

        @Override
        public String description() {
            return "token-level " + estimator + " (the GRPO-family trainer with the " + estimator
                    + " estimator; ALGORITHMS.md §1, §2.3); start from an SFT run with --init; exact resume";
        }

        @Override
        public ConfigBinder<GrpoConfig> config(EnvSpec env) {
            return GrpoConfig.binder(estimator);
        }

        @Override
        public boolean countsEnvironmentSteps() {
            return false;
        }

        @Override
        public boolean takesInit() {
            return true;
        }

        @Override
        public boolean evaluatesDuringTraining() {
            return true;
        }

        @Override
        public void checkEnvironment(EnvSpec env) {
            try {
                TokenEnv.taskOf(env);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(estimator + " trains token-level policies: " + e.getMessage(), e);
            }
        }

        @Override
        public void validate(Record config) {
            GrpoConfig c = (GrpoConfig) config;
            if (!estimator.equals("grpo") && !c.estimator().equals(estimator)) {
                throw new IllegalArgumentException(estimator + " estimator=" + c.estimator() + " contradicts --algo "
                        + estimator + "; the algorithm name picks the estimator (use --algo grpo --set estimator="
                        + c.estimator() + " for another one)");
            }
            Grpo.checkCredit(c);
        }

        @Override
        public void validate(Record config, EnvSpec env) {
            validate(config);
            Grpo.checkCredit((GrpoConfig) config, env);
        }

        @Override
        public Path train(Record config, EnvSpec env, long seed, long totalSteps, Path init, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            return Grpo.train((GrpoConfig) config, env, seed, init, listener, checkpointDir, checkpointEvery)
                    .checkpoint();
        }

        @Override
        public Path resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
                int checkpointEvery) throws IOException {
            return Grpo.resume(checkpoint, env, listener, checkpointDir, checkpointEvery).checkpoint();
        }

        @Override
        public Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException {
            return LmEvaluation.evaluate(checkpoint, env, episodes, 0, seed).metrics();
        }
    }
}
