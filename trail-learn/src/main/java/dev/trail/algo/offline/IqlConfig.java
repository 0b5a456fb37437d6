package dev.trail.algo.offline;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * IQL settings with CORL {@code iql.py} defaults.
 *
 * @param batchSize {@code batch_size}: transitions per update (256)
 * @param gamma {@code gamma}: discount (0.99)
 * @param tau {@code tau}: Polyak coefficient of the target Q networks (0.005)
 * @param expectile {@code expectile}: τ of the asymmetric L2 value loss (CORL {@code iql_tau}, 0.7)
 * @param beta {@code beta}: inverse temperature of the advantage weights (3.0)
 * @param expAdvMax {@code exp_adv_max}: clip of {@code exp(β A)} (100)
 * @param deterministicActor {@code deterministic_actor}: continuous actor trained by weighted MSE instead of
 *     Gaussian likelihood (false)
 * @param policyLr {@code policy_lr}: actor learning rate, cosine-annealed to 0 over the run (3e-4)
 * @param qLr {@code q_lr}: Q learning rate (3e-4)
 * @param vLr {@code v_lr}: V learning rate (3e-4)
 * @param hiddenSizes {@code hidden_sizes}: widths of every network ("256,256")
 * @param normalizeObservations {@code normalize_observations}: dataset mean/std normalisation (true)
 * @param sampler {@code sampler}: uniform, return-weighted, advantage-weighted, top-percent (uniform)
 * @param samplerAlpha {@code sampler_alpha}: temperature of the weighted samplers (0.1, ALGORITHMS.md §10.1)
 * @param samplerFraction {@code sampler_fraction}: top-percent's p (0.1)
 * @param evalEvery {@code eval_every}: updates between evaluations (5000)
 * @param evalEpisodes {@code eval_episodes}: episodes per evaluation, 0 for none (10)
 * @param logEvery {@code log_every}: updates between loss reports (1000)
 * @param onlineSteps {@code online_steps}: environment steps of online fine-tuning after the offline
 *     updates, one update each on a batch drawn uniformly from the dataset and the online transitions
 *     (CORL {@code finetune/iql.py}'s {@code online_iterations}; 0, offline only)
 * @param explNoise {@code expl_noise}: online, the standard deviation of the Gaussian noise on a
 *     {@code deterministic_actor}'s action (CORL 0.03)
 * @param noiseClip {@code noise_clip}: online, the clip of that noise (0.5)
 */
public record IqlConfig(
        @Param(value = "transitions per update", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "Polyak coefficient of the target Q networks", min = Double.MIN_VALUE, max = 1) double tau,
        @Param(value = "expectile of the value loss", min = Double.MIN_VALUE, max = 0.9999999) double expectile,
        @Param(value = "inverse temperature of the advantage weights", min = 0, max = 1e6) double beta,
        @Param(value = "clip of exp(beta A)", min = Double.MIN_VALUE, max = 1e30) double expAdvMax,
        @Param("continuous actions: weighted MSE actor instead of Gaussian likelihood") boolean deterministicActor,
        @Param(value = "actor learning rate (cosine-annealed)", min = Double.MIN_VALUE, max = 1) double policyLr,
        @Param(value = "Q learning rate", min = Double.MIN_VALUE, max = 1) double qLr,
        @Param(value = "V learning rate", min = Double.MIN_VALUE, max = 1) double vLr,
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
        @Param(value = "environment steps of online fine-tuning after the offline updates (0: offline only)",
                min = 0, max = 1 << 30) int onlineSteps,
        @Param(value = "online: std of the exploration noise of a deterministic actor", min = 0, max = 10)
                double explNoise,
        @Param(value = "online: clip of that noise", min = 0, max = 10) double noiseClip)
        implements OfflineLearner.Config {

    public IqlConfig {
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
    public static IqlConfig defaults() {
        return new IqlConfig(256, 0.99, 0.005, 0.7, 3.0, 100.0, false, 3e-4, 3e-4, 3e-4, "256,256", true, "uniform",
                0.1, 0.1, 5000, 10, 1000, 0, 0.03, 0.5);
    }

    /** The binder for config files, {@code --set} and checkpoints. */
    public static ConfigBinder<IqlConfig> binder() {
        return ConfigBinder.of("iql", IqlConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults. */
    public static IqlConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The snake_case settings. */
    @Override
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
