package dev.trail.algo.offline;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * TD3+BC settings with CORL {@code td3_bc.py} defaults. Noise and clip are in units of the
 * action box's half-width (Fujimoto's {@code policy_noise · max_action}), as actions are rescaled to
 * {@code [−1, 1]}.
 *
 * @param batchSize {@code batch_size}: transitions per update (256)
 * @param gamma {@code gamma}: discount (0.99)
 * @param tau {@code tau}: Polyak coefficient of the target networks (0.005)
 * @param policyNoise {@code policy_noise}: std of the target policy smoothing noise (0.2)
 * @param noiseClip {@code noise_clip}: bound of that noise (0.5)
 * @param policyFrequency {@code policy_frequency}: actor and target updates every this many critic updates (2)
 * @param alpha {@code alpha}: weight of Q in the actor loss, {@code λ = α / mean|Q|} (2.5)
 * @param policyLr {@code policy_lr}: actor learning rate (3e-4)
 * @param qLr {@code q_lr}: critic learning rate (3e-4)
 * @param hiddenSizes {@code hidden_sizes}: actor and critic widths ("256,256")
 * @param normalizeObservations {@code normalize_observations}: dataset mean/std normalisation (true)
 * @param sampler {@code sampler}: uniform, return-weighted, advantage-weighted, top-percent (uniform)
 * @param samplerAlpha {@code sampler_alpha}: temperature of the weighted samplers (0.1, ALGORITHMS.md §10.1)
 * @param samplerFraction {@code sampler_fraction}: top-percent's p (0.1)
 * @param evalEvery {@code eval_every}: updates between evaluations (5000)
 * @param evalEpisodes {@code eval_episodes}: episodes per evaluation, 0 for none (10)
 * @param logEvery {@code log_every}: updates between loss reports (1000)
 */
public record Td3BcConfig(
        @Param(value = "transitions per update", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "Polyak coefficient of the target networks", min = Double.MIN_VALUE, max = 1) double tau,
        @Param(value = "target policy smoothing noise std", min = 0, max = 10) double policyNoise,
        @Param(value = "target policy smoothing noise bound", min = 0, max = 10) double noiseClip,
        @Param(value = "critic updates per actor update", min = 1, max = 1000) int policyFrequency,
        @Param(value = "weight of Q in the actor loss", min = 0, max = 1e6) double alpha,
        @Param(value = "actor learning rate", min = Double.MIN_VALUE, max = 1) double policyLr,
        @Param(value = "critic learning rate", min = Double.MIN_VALUE, max = 1) double qLr,
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

    public Td3BcConfig {
        hiddenSizes = hiddenSizes == null ? "256,256" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
        new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** The hidden widths. */
    public int[] hiddenLayers() {
        return dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
    }

    /** CORL's defaults. */
    public static Td3BcConfig defaults() {
        return new Td3BcConfig(256, 0.99, 0.005, 0.2, 0.5, 2, 2.5, 3e-4, 3e-4, "256,256", true, "uniform", 0.1, 0.1,
                5000, 10, 1000);
    }

    /** The binder for config files, {@code --set} and checkpoints. */
    public static ConfigBinder<Td3BcConfig> binder() {
        return ConfigBinder.of("td3bc", Td3BcConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults. */
    public static Td3BcConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The snake_case settings. */
    @Override
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
