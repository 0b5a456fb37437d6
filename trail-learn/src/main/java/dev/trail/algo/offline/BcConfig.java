package dev.trail.algo.offline;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * Behaviour cloning settings, CORL {@code any_percent_bc.py} defaults (batch 256, Adam 3e-4,
 * 256×256 ReLU actor, normalised states). CORL's "x% BC" ({@code frac}) is
 * {@code sampler=top-percent sampler_fraction=x}.
 *
 * @param batchSize {@code batch_size}: transitions per update (256)
 * @param learningRate {@code learning_rate}: Adam step size (3e-4)
 * @param continuousLoss {@code continuous_loss}: {@code mse} (CORL: deterministic tanh actor) or
 *     {@code gaussian-nll} (a tanh mean with a learnt state-independent log-std, as IQL's actor)
 * @param hiddenSizes {@code hidden_sizes}: actor widths ("256,256")
 * @param normalizeObservations {@code normalize_observations}: dataset mean/std normalisation (true)
 * @param sampler {@code sampler}: uniform, return-weighted, advantage-weighted, top-percent (uniform)
 * @param samplerAlpha {@code sampler_alpha}: temperature of the weighted samplers (0.1)
 * @param samplerFraction {@code sampler_fraction}: top-percent's p (0.1)
 * @param evalEvery {@code eval_every}: updates between evaluations (5000)
 * @param evalEpisodes {@code eval_episodes}: episodes per evaluation, 0 for none (10)
 * @param logEvery {@code log_every}: updates between loss reports (1000)
 */
public record BcConfig(
        @Param(value = "transitions per update", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "Adam step size", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param("continuous actions: mse or gaussian-nll") String continuousLoss,
        @Param("hidden layer widths, comma-separated") String hiddenSizes,
        @Param("normalise observations with the dataset's mean and std") boolean normalizeObservations,
        @Param("uniform, return-weighted, advantage-weighted or top-percent") String sampler,
        @Param(value = "temperature of return-/advantage-weighted sampling", min = Double.MIN_VALUE, max = 1e6)
                double samplerAlpha,
        @Param(value = "top-percent: the fraction of best trajectories kept", min = Double.MIN_VALUE, max = 1)
                double samplerFraction,
        @Param(value = "updates between evaluations", min = 1, max = Integer.MAX_VALUE) int evalEvery,
        @Param(value = "episodes per evaluation, 0 for none", min = 0, max = 100_000) int evalEpisodes,
        @Param(value = "updates between loss reports", min = 1, max = Integer.MAX_VALUE) int logEvery) {

    public BcConfig {
        if (!"mse".equals(continuousLoss) && !"gaussian-nll".equals(continuousLoss)) {
            throw new IllegalArgumentException("continuous_loss=" + continuousLoss + " is not one of mse, gaussian-nll");
        }
        hiddenSizes = hiddenSizes == null ? "256,256" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
        new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** The hidden widths. */
    public int[] hiddenLayers() {
        return dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
    }

    /** The settings every offline learner shares. */
    public OfflineLearner.Common common() {
        return new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** CORL's defaults. */
    public static BcConfig defaults() {
        return new BcConfig(256, 3e-4, "mse", "256,256", true, "uniform", 0.1, 0.1, 5000, 10, 1000);
    }

    /** The binder for config files, {@code --set} and checkpoints. */
    public static ConfigBinder<BcConfig> binder() {
        return ConfigBinder.of("bc", BcConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults. */
    public static BcConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The snake_case settings. */
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
