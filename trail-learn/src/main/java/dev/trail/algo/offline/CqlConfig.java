package dev.trail.algo.offline;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.EnvSpec;
import dev.trail.space.Discrete;
import java.util.Map;

/**
 * CQL settings. Continuous actions: CORL {@code cql.py} defaults (SAC-based; policy_lr 3e-5, q_lr
 * 3e-4, cql_alpha 10, 10 sampled actions, importance sampling, three hidden layers of 256,
 * temperature autotuned towards {@code −dim(A)}). Discrete actions ({@link #discreteDefaults()}):
 * the DQN-based CQL(H) of Kumar et al. with {@code cql_alpha = 1}.
 *
 * @param variant {@code variant}: {@code auto} (by the action space), {@code continuous} or {@code discrete};
 *     a variant that does not match the dataset's actions is refused
 * @param batchSize {@code batch_size}: transitions per update (256)
 * @param gamma {@code gamma}: discount (0.99)
 * @param tau {@code tau}: Polyak coefficient of the target networks (0.005)
 * @param policyLr {@code policy_lr}: actor and temperature learning rate (3e-5; continuous only)
 * @param qLr {@code q_lr}: Q learning rate (3e-4)
 * @param cqlAlpha {@code cql_alpha}: weight of the conservative term (10 continuous, 1 discrete)
 * @param cqlNActions {@code cql_n_actions}: actions sampled per state for the log-sum-exp (10; continuous)
 * @param cqlTemp {@code cql_temp}: temperature of the log-sum-exp (1.0)
 * @param autotune {@code autotune}: learn the SAC temperature (true; continuous)
 * @param alpha {@code alpha}: SAC temperature when not tuned (1.0; CORL's alpha_multiplier)
 * @param hiddenSizes {@code hidden_sizes}: widths of actor and Q networks ("256,256,256")
 * @param normalizeObservations {@code normalize_observations}: dataset mean/std normalisation (true)
 * @param sampler {@code sampler}: uniform, return-weighted, advantage-weighted, top-percent (uniform)
 * @param samplerAlpha {@code sampler_alpha}: temperature of the weighted samplers (0.2, ALGORITHMS.md §10.1)
 * @param samplerFraction {@code sampler_fraction}: top-percent's p (0.1)
 * @param evalEvery {@code eval_every}: updates between evaluations (5000)
 * @param evalEpisodes {@code eval_episodes}: episodes per evaluation, 0 for none (10)
 * @param logEvery {@code log_every}: updates between loss reports (1000)
 */
public record CqlConfig(
        @Param("auto (by the action space), continuous (SAC-based) or discrete (DQN-based)") String variant,
        @Param(value = "transitions per update", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "Polyak coefficient of the target networks", min = Double.MIN_VALUE, max = 1) double tau,
        @Param(value = "actor and temperature learning rate", min = Double.MIN_VALUE, max = 1) double policyLr,
        @Param(value = "Q learning rate", min = Double.MIN_VALUE, max = 1) double qLr,
        @Param(value = "weight of the conservative term", min = 0, max = 1e6) double cqlAlpha,
        @Param(value = "sampled actions per state (continuous)", min = 1, max = 1000) int cqlNActions,
        @Param(value = "temperature of the log-sum-exp", min = Double.MIN_VALUE, max = 1e6) double cqlTemp,
        @Param("learn the SAC temperature (continuous)") boolean autotune,
        @Param(value = "SAC temperature when not tuned", min = 0, max = 100) double alpha,
        @Param("hidden layer widths, comma-separated") String hiddenSizes,
        @Param("normalise observations with the dataset's mean and std") boolean normalizeObservations,
        @Param("uniform, return-weighted, advantage-weighted or top-percent") String sampler,
        @Param(value = "temperature of return-/advantage-weighted sampling", min = Double.MIN_VALUE, max = 1e6)
                double samplerAlpha,
        @Param(value = "top-percent: the fraction of best trajectories kept", min = Double.MIN_VALUE, max = 1)
                double samplerFraction,
        @Param(value = "updates between evaluations", min = 1, max = Integer.MAX_VALUE) int evalEvery,
        @Param(value = "episodes per evaluation, 0 for none", min = 0, max = 100_000) int evalEpisodes,
        @Param(value = "updates between loss reports", min = 1, max = Integer.MAX_VALUE) int logEvery)
        implements OfflineLearner.Config {

    public CqlConfig {
        if (!"auto".equals(variant) && !"continuous".equals(variant) && !"discrete".equals(variant)) {
            throw new IllegalArgumentException("variant=" + variant + " is not one of auto, continuous, discrete");
        }
        hiddenSizes = hiddenSizes == null ? "256,256,256" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256,256");
        new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** The hidden widths. */
    public int[] hiddenLayers() {
        return dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256,256");
    }

    /** CORL's continuous defaults. */
    public static CqlConfig defaults() {
        return new CqlConfig("auto", 256, 0.99, 0.005, 3e-5, 3e-4, 10.0, 10, 1.0, true, 1.0, "256,256,256", true, "uniform",
                0.2, 0.1, 5000, 10, 1000);
    }

    /** Discrete (DQN-based) defaults: {@code cql_alpha = 1}, two hidden layers of 256. */
    public static CqlConfig discreteDefaults() {
        return new CqlConfig("auto", 256, 0.99, 0.005, 3e-5, 3e-4, 1.0, 10, 1.0, true, 1.0, "256,256", true, "uniform",
                0.2, 0.1, 5000, 10, 1000);
    }

    /** The binder for config files, {@code --set} and checkpoints (continuous defaults). */
    public static ConfigBinder<CqlConfig> binder() {
        return ConfigBinder.of("cql", CqlConfig.class, defaults());
    }

    /** The binder with the defaults for {@code env}'s action space (null: continuous). */
    public static ConfigBinder<CqlConfig> binderFor(EnvSpec env) {
        if (env == null) {
            return binder();
        }
        try (var probe = env.makeArray()) {
            return probe.actionSpace() instanceof Discrete ? binder().withDefaults(discreteDefaults()) : binder();
        }
    }

    /** A config from {@code key=value} settings over the defaults for {@code env}'s action space. */
    public static CqlConfig fromSettingsFor(EnvSpec env, Map<String, String> settings) {
        return binderFor(env).parse(settings);
    }

    /** The snake_case settings. */
    @Override
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
