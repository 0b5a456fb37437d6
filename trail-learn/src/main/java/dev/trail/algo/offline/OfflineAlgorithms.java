package dev.trail.algo.offline;

import dev.trail.algo.Algorithm;
import dev.trail.algo.OfflineAlgorithm;
import dev.trail.algo.TrainingListener;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.EnvSpec;
import dev.trail.offline.TransitionDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The registry entries of the offline learners ({@code bc}, {@code td3bc}, {@code iql},
 * {@code cql}), registered by {@link dev.trail.algo.Algorithms}: each binds its config, checks the
 * dataset, and trains or resumes through {@link OfflineLearner#run}.
 */
public final class OfflineAlgorithms {

    private OfflineAlgorithms() {
    }

    /** Builds a fresh learner. */
    @FunctionalInterface
    interface Fresh {
        OfflineLearner create(Record config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates);
    }

    /** Restores a learner from a checkpoint. */
    @FunctionalInterface
    interface Restore {
        OfflineLearner load(Path checkpoint, TransitionDataset data, EnvSpec env) throws IOException;
    }

    /** Checks a dataset against a config. */
    @FunctionalInterface
    interface DatasetCheck {
        void check(Record config, TransitionDataset data, EnvSpec env);
    }

    /** Builds a fine-tuning learner from an offline checkpoint, or null when the algorithm has none. */
    @FunctionalInterface
    interface FineTune {
        OfflineLearner load(Path offlineCheckpoint, Record config, TransitionDataset data, EnvSpec env, long seed)
                throws IOException;
    }

    /** Every offline learner's entry. */
    public static List<Algorithm> all() {
        return List.of(
                new Entry(Bc.ALGORITHM, "behaviour cloning, discrete (cross-entropy) and continuous (MSE or Gaussian"
                        + " NLL), CORL any_percent_bc.py defaults; learns from --dataset; exact resume",
                        env -> BcConfig.binder(), (c, d, e, s, t) -> new Bc((BcConfig) c, d, e, s, t), Bc::load,
                        (c, d, e) -> { }, null),
                new Entry(Td3Bc.ALGORITHM, "TD3+BC (Fujimoto & Gu 2021), CORL td3_bc.py defaults; continuous actions;"
                        + " learns from --dataset; exact resume",
                        env -> Td3BcConfig.binder(), (c, d, e, s, t) -> new Td3Bc((Td3BcConfig) c, d, e, s, t),
                        Td3Bc::load, (c, d, e) -> requireContinuous(Td3Bc.ALGORITHM, d), null),
                new Entry(Iql.ALGORITHM, "Implicit Q-Learning (Kostrikov et al. 2021), CORL iql.py defaults; discrete"
                        + " and continuous actions; learns from --dataset; online fine-tuning (online_steps, or --init"
                        + " an offline IQL run); exact resume",
                        env -> IqlConfig.binder(), (c, d, e, s, t) -> new Iql((IqlConfig) c, d, e, s, t), Iql::load,
                        (c, d, e) -> { },
                        (init, c, d, e, seed) -> Iql.fineTune(init, ((IqlConfig) c).onlineSteps(), d, e, seed)),
                new Entry(Cql.ALGORITHM, "Conservative Q-Learning (Kumar et al. 2020): SAC-based with CORL cql.py"
                        + " defaults on continuous actions, DQN-based on discrete ones; learns from --dataset; exact resume",
                        CqlConfig::binderFor, (c, d, e, s, t) -> new Cql((CqlConfig) c, d, e, s, t), Cql::load,
                        (c, d, e) -> Cql.checkDataset((CqlConfig) c, d), null),
                new Entry(Dt.ALGORITHM, "Decision Transformer (Chen et al. 2021), CORL dt.py defaults without dropout;"
                        + " return-to-go conditioning, target_return at evaluation; discrete and continuous",
                        env -> DtConfig.binder(), (c, d, e, s, t) -> new Dt((DtConfig) c, d, e, s, t), Dt::load,
                        (c, d, e) -> Dt.checkDataset((DtConfig) c, d), null));
    }

    static void requireContinuous(String algorithm, TransitionDataset data) {
        if (data.discrete()) {
            throw new IllegalArgumentException(data.source() + ": field actions holds discrete actions ("
                    + data.actionCategories() + " categories); " + algorithm + " needs continuous (Box) actions");
        }
    }

    /** One offline algorithm in the registry. */
    private record Entry(String name, String description, java.util.function.Function<EnvSpec, ConfigBinder<?>> binder,
            Fresh fresh, Restore restore, DatasetCheck datasetCheck, FineTune fineTune) implements OfflineAlgorithm {

        @Override
        public boolean takesInit() {
            return fineTune != null;
        }

        @Override
        public void checkFineTune(Record config, Path offlineCheckpoint) throws IOException {
            if (fineTune == null) {
                OfflineAlgorithm.super.checkFineTune(config, offlineCheckpoint);
            }
            Iql.checkFineTune((IqlConfig) config, offlineCheckpoint);
        }

        @Override
        public Path fineTune(Path offlineCheckpoint, Record config, TransitionDataset dataset, EnvSpec env, long seed,
                TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
            if (fineTune == null) {
                return OfflineAlgorithm.super.fineTune(offlineCheckpoint, config, dataset, env, seed, listener,
                        checkpointDir, checkpointEvery);
            }
            checkDataset(config, dataset, env);
            try (OfflineLearner l = fineTune.load(offlineCheckpoint, config, dataset, env, seed)) {
                return l.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public ConfigBinder<? extends Record> config(EnvSpec env) {
            return (ConfigBinder<? extends Record>) binder.apply(env);
        }

        @Override
        public void checkEnvironment(EnvSpec env) {
            dev.trail.algo.Algorithms.checkOfflineEnvironment(name, env);
        }

        @Override
        public void checkDataset(Record config, TransitionDataset dataset, EnvSpec env) {
            datasetCheck.check(config, dataset, env);
        }

        @Override
        public Path train(Record config, TransitionDataset dataset, EnvSpec env, long seed, long totalUpdates,
                TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
            checkDataset(config, dataset, env);
            try (OfflineLearner l = fresh.create(config, dataset, env, seed, totalUpdates)) {
                return l.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Path resume(Path checkpoint, TransitionDataset dataset, EnvSpec env, TrainingListener listener,
                Path checkpointDir, int checkpointEvery) throws IOException {
            try (OfflineLearner l = restore.load(checkpoint, dataset, env)) {
                return l.run(listener, checkpointDir, checkpointEvery);
            }
        }

        @Override
        public Map<String, Double> evaluate(Path checkpoint, EnvSpec env, int episodes, long seed) throws IOException {
            return OfflineLearner.evaluateCheckpoint(checkpoint, env, episodes, seed);
        }
    }
}
