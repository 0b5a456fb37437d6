package dev.trail.algo;

import dev.trail.algo.ppo.Ppo;
import dev.trail.algo.ppo.PpoConfig;
import dev.trail.algo.sac.Sac;
import dev.trail.algo.sac.SacConfig;
import dev.trail.config.bind.ConfigBinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registry of training algorithms by name ({@code ppo}, {@code sac}). */
public final class Algorithms {

    private static final Map<String, Algorithm> ENTRIES = new TreeMap<>();

    static {
        register(new PpoAlgorithm());
        register(new SacAlgorithm());
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

    private static final class PpoAlgorithm implements Algorithm {
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
        public ConfigBinder<PpoConfig> config(String envId) {
            if (envId == null) {
                return PpoConfig.binder();
            }
            try (dev.trail.env.Env<?, ?> env = dev.trail.envs.Envs.make(envId)) {
                return env.actionSpace() instanceof dev.trail.space.Box
                        ? PpoConfig.binder().withDefaults(PpoConfig.continuousDefaults()) : PpoConfig.binder();
            }
        }

        @Override
        public long stepsPerCheckpointUnit(Record config) {
            return ((PpoConfig) config).batchSize();
        }

        @Override
        public boolean supportsDiscreteActions() {
            return true;
        }

        @Override
        public boolean supportsContinuousActions() {
            return true;
        }

        @Override
        public Path train(Record config, String envId, long seed, long totalSteps, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            return Ppo.train((PpoConfig) config, envId, seed, totalSteps, listener, checkpointDir, checkpointEvery)
                    .lastCheckpoint();
        }

        @Override
        public Path resume(Path checkpoint, TrainingListener listener, Path checkpointDir, int checkpointEvery)
                throws IOException {
            return Ppo.resume(checkpoint, listener, checkpointDir, checkpointEvery).lastCheckpoint();
        }
    }

    private static final class SacAlgorithm implements Algorithm {
        @Override
        public String name() {
            return "sac";
        }

        @Override
        public String description() {
            return "Soft Actor-Critic (Haarnoja et al. 2018), CleanRL sac_continuous_action.py defaults; exact resume";
        }

        @Override
        public ConfigBinder<SacConfig> config(String envId) {
            return SacConfig.binder();
        }

        @Override
        public boolean supportsDiscreteActions() {
            return false;
        }

        @Override
        public boolean supportsContinuousActions() {
            return true;
        }

        @Override
        public Path train(Record config, String envId, long seed, long totalSteps, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            try (Sac sac = new Sac((SacConfig) config, envId, seed, totalSteps)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Path resume(Path checkpoint, TrainingListener listener, Path checkpointDir, int checkpointEvery)
                throws IOException {
            try (Sac sac = Sac.load(checkpoint)) {
                return sac.run(listener, checkpointDir, checkpointEvery);
            }
        }
    }
}
