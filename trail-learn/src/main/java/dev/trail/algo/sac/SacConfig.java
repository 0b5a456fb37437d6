package dev.trail.algo.sac;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import java.util.Map;

/**
 * SAC hyperparameters with CleanRL's {@code sac_continuous_action.py} defaults. Config files and
 * {@code --set} bind through {@link #binder()}; keys are the components in snake_case (CleanRL's
 * names). SAC's two learning rates are {@code policy_lr} and {@code q_lr} (CleanRL's), not
 * {@code learning_rate}: they are two settings, not one.
 *
 * @param bufferSize {@code buffer_size}: replay capacity in transitions (1e6)
 * @param gamma {@code gamma}: discount (0.99)
 * @param tau {@code tau}: Polyak coefficient of the target networks (0.005)
 * @param batchSize {@code batch_size}: transitions per gradient step (256)
 * @param learningStarts {@code learning_starts}: uniform-random steps before learning (5000)
 * @param policyLr {@code policy_lr}: actor learning rate (3e-4)
 * @param qLr {@code q_lr}: critic and temperature learning rate (1e-3)
 * @param policyFrequency {@code policy_frequency}: actor updates every this many steps, done this many times (2)
 * @param targetNetworkFrequency {@code target_network_frequency}: target update period in steps (1)
 * @param alpha {@code alpha}: entropy temperature when not tuned (0.2)
 * @param autotune {@code autotune}: learn the temperature towards entropy {@code -dim(A)} (true)
 * @param hiddenSizes hidden widths of actor and critics, comma-separated ("256,256"); see {@link #hiddenLayers()}
 * @param offlineDataset {@code offline_dataset}: RLPD-style training (Ball et al. 2023, as SERL uses it):
 *     a trajectory dataset file whose transitions make up {@code offline_ratio} of every batch ("": none)
 * @param offlineRatio {@code offline_ratio}: the share of each batch drawn from the offline dataset (0.5, RLPD's symmetric sampling)
 * @param utdRatio {@code utd_ratio}: critic updates per environment step (update-to-data ratio; 1 as CleanRL, RLPD uses 20)
 * @param layerNormCritics {@code layer_norm_critics}: LayerNorm after each hidden layer of the critics (RLPD; false)
 * @param numThreads {@code num_threads}: threads of the {@code StepCollector} (capped at the environment copies;
 *     SAC steps one copy, as CleanRL's, so more threads change nothing); results are bit-identical (1)
 */
public record SacConfig(
        @Param(value = "replay capacity in transitions", min = 1, max = Integer.MAX_VALUE / 64) int bufferSize,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "Polyak coefficient of the target networks", min = Double.MIN_VALUE, max = 1) double tau,
        @Param(value = "transitions per gradient step", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "random steps before learning", min = 0, max = Integer.MAX_VALUE) int learningStarts,
        @Param(value = "actor learning rate", min = Double.MIN_VALUE, max = 1) double policyLr,
        @Param(value = "critic and temperature learning rate", min = Double.MIN_VALUE, max = 1) double qLr,
        @Param(value = "actor update period (and count)", min = 1, max = 1000) int policyFrequency,
        @Param(value = "target update period", min = 1, max = 1_000_000) int targetNetworkFrequency,
        @Param(value = "entropy temperature when not tuned", min = 0, max = 100) double alpha,
        @Param("learn the temperature") boolean autotune,
        @Param("hidden layer widths, comma-separated") String hiddenSizes,
        @Param("RLPD: a dataset file mixed into every batch (empty: none)") String offlineDataset,
        @Param(value = "RLPD: share of each batch from offline_dataset", min = 0, max = 1) double offlineRatio,
        @Param(value = "critic updates per environment step", min = 1, max = 1000) int utdRatio,
        @Param("LayerNorm after each hidden layer of the critics") boolean layerNormCritics,
        @Param(value = "threads that act and step the env copies (capped at the copies: SAC steps one); results are "
                + "bit-identical for any count", min = 1, max = 256) int numThreads) {

    public SacConfig {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer_size=" + bufferSize + " must be >= 1");
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma=" + gamma + " is outside the allowed range [0, 1]");
        }
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau=" + tau + " is outside the allowed range (0, 1]");
        }
        if (batchSize < 1 || batchSize > bufferSize) {
            throw new IllegalArgumentException("batch_size=" + batchSize + " must be in [1, buffer_size=" + bufferSize + "]");
        }
        if (learningStarts < 0) {
            throw new IllegalArgumentException("learning_starts=" + learningStarts + " must be >= 0");
        }
        if (!(policyLr > 0 && policyLr <= 1) || !(qLr > 0 && qLr <= 1)) {
            throw new IllegalArgumentException("policy_lr=" + policyLr + " and q_lr=" + qLr + " must be in (0, 1]");
        }
        if (policyFrequency < 1 || targetNetworkFrequency < 1) {
            throw new IllegalArgumentException("policy_frequency=" + policyFrequency + " and target_network_frequency="
                    + targetNetworkFrequency + " must be >= 1");
        }
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("alpha=" + alpha + " must be >= 0");
        }
        hiddenSizes = hiddenSizes == null ? "256,256" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.checkMemory(hiddenSizes, hiddenLayersOf(hiddenSizes), 5); // actor, 2 critics, 2 targets
        offlineDataset = offlineDataset == null ? "" : offlineDataset.trim();
        if (!(offlineRatio >= 0 && offlineRatio <= 1)) {
            throw new IllegalArgumentException("offline_ratio=" + offlineRatio + " must be in [0, 1]");
        }
        if (utdRatio < 1) {
            throw new IllegalArgumentException("utd_ratio=" + utdRatio + " must be >= 1");
        }
    }

    /** Whether batches mix in an offline dataset (RLPD). */
    public boolean usesOfflineData() {
        return !offlineDataset.isEmpty();
    }

    private static int[] hiddenLayersOf(String text) {
        return dev.trail.nn.HiddenSizes.parse(text, "256,256");
    }

    /** The hidden layer widths as numbers. */
    public int[] hiddenLayers() {
        return hiddenLayersOf(hiddenSizes);
    }

    /** CleanRL's defaults. */
    public static SacConfig defaults() {
        return new SacConfig(1_000_000, 0.99, 0.005, 256, 5000, 3e-4, 1e-3, 2, 1, 0.2, true, "256,256", "", 0.5, 1,
                false, 1);
    }

    /** A copy with another {@code learning_starts}. */
    public SacConfig withLearningStarts(int steps) {
        return new SacConfig(bufferSize, gamma, tau, batchSize, steps, policyLr, qLr, policyFrequency,
                targetNetworkFrequency, alpha, autotune, hiddenSizes, offlineDataset, offlineRatio, utdRatio, layerNormCritics, numThreads);
    }

    /** A copy with other hidden sizes and batch size (for small tests). */
    public SacConfig withNetwork(String hidden, int batch) {
        return new SacConfig(bufferSize, gamma, tau, batch, learningStarts, policyLr, qLr, policyFrequency,
                targetNetworkFrequency, alpha, autotune, hidden, offlineDataset, offlineRatio, utdRatio, layerNormCritics, numThreads);
    }

    /** The binder of this record for config files, {@code --set} and checkpoint metadata. */
    public static ConfigBinder<SacConfig> binder() {
        return ConfigBinder.of("sac", SacConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults (unknown keys and bad values rejected). */
    public static SacConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The settings as snake_case keys (CleanRL's names), for metadata and {@code config.yaml}. */
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
