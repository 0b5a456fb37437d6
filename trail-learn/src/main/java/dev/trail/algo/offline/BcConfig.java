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
 * @param backend {@code backend}: where the updates run: {@code java} (the plain-Java MLP of
 *     {@code dev.trail.nn.fast}, no native call per update; discrete and {@code mse} losses),
 *     {@code djl} (libtorch), or {@code auto} (java when the loss allows it)
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
        @Param(value = "updates between loss reports", min = 1, max = Integer.MAX_VALUE) int logEvery,
        @Param("where updates run: java (plain-Java MLP; discrete and mse), djl (libtorch), or auto") String backend)
        implements OfflineLearner.Config {

    public BcConfig {
        if (!"mse".equals(continuousLoss) && !"gaussian-nll".equals(continuousLoss)) {
            throw new IllegalArgumentException("continuous_loss=" + continuousLoss + " is not one of mse, gaussian-nll");
        }
        backend = backend == null || backend.isBlank() ? "auto" : backend.trim();
        if (!backend.equals("auto") && !backend.equals("java") && !backend.equals("djl")) {
            throw new IllegalArgumentException("backend=" + backend + " is not one of auto, java, djl");
        }
        if (backend.equals("java") && "gaussian-nll".equals(continuousLoss)) {
            throw new IllegalArgumentException("backend=java supports continuous_loss=mse and discrete actions;"
                    + " continuous_loss=gaussian-nll needs backend=djl or auto");
        }
        hiddenSizes = hiddenSizes == null ? "256,256" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
        new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** Whether updates run on the plain-Java MLP ({@code backend=java}, or {@code auto} with a loss it supports). */
    public boolean javaBackend() {
        return backend.equals("java") || backend.equals("auto") && !"gaussian-nll".equals(continuousLoss);
    }

    /** The hidden widths. */
    public int[] hiddenLayers() {
        return dev.trail.nn.HiddenSizes.parse(hiddenSizes, "256,256");
    }

    /** CORL's defaults. */
    public static BcConfig defaults() {
        return new BcConfig(256, 3e-4, "mse", "256,256", true, "uniform", 0.1, 0.1, 5000, 10, 1000, "auto");
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
    @Override
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
