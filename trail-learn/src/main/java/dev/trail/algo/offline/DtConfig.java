package dev.trail.algo.offline;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * Decision Transformer settings, CORL {@code algorithms/offline/dt.py} defaults where they apply
 * (embedding 128, 3 layers, 1 head, context 20, batch 64, Adam 1e-4 with a linear warm-up of
 * 10 000 updates, gradient norm clipped at 0.25, returns scaled by 1/1000, episode length 1000).
 * Not taken: dropout (CORL 0.1 on embeddings, attention and residuals) and AdamW's weight decay
 * (1e-4): Trail's Adam has neither, and the model is deterministic.
 *
 * @param batchSize {@code batch_size}: windows per update (64)
 * @param learningRate {@code learning_rate}: Adam step size after warm-up (1e-4)
 * @param warmupSteps {@code warmup_steps}: updates of the linear learning-rate warm-up (10000)
 * @param clipGrad {@code clip_grad}: global gradient-norm clip, 0 for none (0.25)
 * @param contextLength {@code context_length}: K, steps per window (20)
 * @param layers {@code layers}: transformer blocks (3)
 * @param heads {@code heads}: attention heads (1)
 * @param width {@code width}: embedding width d (128)
 * @param maxEpisodeLength {@code max_episode_length}: size of the timestep embedding (1000)
 * @param returnScale {@code return_scale}: returns-to-go are divided by it (1000)
 * @param targetReturn {@code target_return}: the return the evaluation conditions on; {@code max} =
 *     the dataset's best trajectory return, or a number
 * @param normalizeObservations {@code normalize_observations}: dataset mean/std normalisation (true)
 * @param sampler {@code sampler}: which transitions end the windows: uniform, return-weighted,
 *     advantage-weighted, top-percent (uniform)
 * @param samplerAlpha {@code sampler_alpha}: temperature of the weighted samplers (0.1)
 * @param samplerFraction {@code sampler_fraction}: top-percent's p (0.1)
 * @param evalEvery {@code eval_every}: updates between evaluations (10000)
 * @param evalEpisodes {@code eval_episodes}: episodes per evaluation, 0 for none (10)
 * @param logEvery {@code log_every}: updates between loss reports (1000)
 */
public record DtConfig(
        @Param(value = "windows per update", min = 1, max = 1 << 16) int batchSize,
        @Param(value = "Adam step size after warm-up", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param(value = "updates of linear learning-rate warm-up", min = 0, max = Integer.MAX_VALUE) int warmupSteps,
        @Param(value = "global gradient-norm clip, 0 for none", min = 0, max = 1e9) double clipGrad,
        @Param(value = "K: steps per window", min = 1, max = 1024) int contextLength,
        @Param(value = "transformer blocks", min = 1, max = 64) int layers,
        @Param(value = "attention heads", min = 1, max = 64) int heads,
        @Param(value = "embedding width", min = 1, max = 4096) int width,
        @Param(value = "timestep embedding size (longest episode)", min = 1, max = 1 << 20) int maxEpisodeLength,
        @Param(value = "returns-to-go are divided by it", min = Double.MIN_VALUE, max = 1e12) double returnScale,
        @Param("evaluation's target return: max (the dataset's best) or a number") String targetReturn,
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

    public DtConfig {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width=" + width + " must be divisible by heads=" + heads);
        }
        targetReturn = targetReturn == null ? "max" : targetReturn.trim();
        if (!"max".equals(targetReturn)) {
            try {
                if (!Double.isFinite(Double.parseDouble(targetReturn))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("target_return=" + targetReturn + " is neither max nor a finite number");
            }
        }
        new OfflineLearner.Common(batchSize, sampler, samplerAlpha, samplerFraction, normalizeObservations,
                evalEvery, evalEpisodes, logEvery);
    }

    /** The target return given the dataset's best trajectory return. */
    public double targetReturn(double datasetBest) {
        return "max".equals(targetReturn) ? datasetBest : Double.parseDouble(targetReturn);
    }

    /** CORL's defaults (without dropout and weight decay). */
    public static DtConfig defaults() {
        return new DtConfig(64, 1e-4, 10_000, 0.25, 20, 3, 1, 128, 1000, 1000, "max", true, "uniform", 0.1, 0.1,
                10_000, 10, 1000);
    }

    /** The binder for config files, {@code --set} and checkpoints. */
    public static ConfigBinder<DtConfig> binder() {
        return ConfigBinder.of("dt", DtConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults. */
    public static DtConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The snake_case settings. */
    @Override
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
