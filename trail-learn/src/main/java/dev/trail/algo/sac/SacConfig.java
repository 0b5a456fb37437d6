package dev.trail.algo.sac;

import dev.trail.config.Option;
import dev.trail.config.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAC hyperparameters with CleanRL's {@code sac_continuous_action.py} defaults.
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
 */
public record SacConfig(int bufferSize, double gamma, double tau, int batchSize, int learningStarts, double policyLr,
        double qLr, int policyFrequency, int targetNetworkFrequency, double alpha, boolean autotune, String hiddenSizes) {

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
        hiddenLayersOf(hiddenSizes);
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
        return new SacConfig(1_000_000, 0.99, 0.005, 256, 5000, 3e-4, 1e-3, 2, 1, 0.2, true, "256,256");
    }

    /** A copy with another {@code learning_starts}. */
    public SacConfig withLearningStarts(int steps) {
        return new SacConfig(bufferSize, gamma, tau, batchSize, steps, policyLr, qLr, policyFrequency,
                targetNetworkFrequency, alpha, autotune, hiddenSizes);
    }

    /** A copy with other hidden sizes and batch size (for small tests). */
    public SacConfig withNetwork(String hidden, int batch) {
        return new SacConfig(bufferSize, gamma, tau, batch, learningStarts, policyLr, qLr, policyFrequency,
                targetNetworkFrequency, alpha, autotune, hidden);
    }

    /** The options with CleanRL's names, defaults and ranges, for config files and {@code --set}. */
    public static List<Option> options() {
        SacConfig d = defaults();
        return List.of(
                Option.integer("buffer_size", d.bufferSize, 1, Integer.MAX_VALUE / 64, "replay capacity in transitions"),
                Option.real("gamma", d.gamma, 0, 1, "discount factor"),
                Option.real("tau", d.tau, Double.MIN_VALUE, 1, "Polyak coefficient of the target networks"),
                Option.integer("batch_size", d.batchSize, 1, 1 << 20, "transitions per gradient step"),
                Option.integer("learning_starts", d.learningStarts, 0, Integer.MAX_VALUE, "random steps before learning"),
                Option.real("policy_lr", d.policyLr, Double.MIN_VALUE, 1, "actor learning rate"),
                Option.real("q_lr", d.qLr, Double.MIN_VALUE, 1, "critic and temperature learning rate"),
                Option.integer("policy_frequency", d.policyFrequency, 1, 1000, "actor update period (and count)"),
                Option.integer("target_network_frequency", d.targetNetworkFrequency, 1, 1_000_000, "target update period"),
                Option.real("alpha", d.alpha, 0, 100, "entropy temperature when not tuned"),
                Option.flag("autotune", d.autotune, "learn the temperature"),
                Option.text("hidden_sizes", "256,256", "hidden layer widths, comma-separated"));
    }

    /** A config from {@code key=value} settings over the defaults (unknown keys and bad values rejected). */
    public static SacConfig fromSettings(Map<String, String> settings) {
        Options o = Options.resolve("sac", options(), settings);
        String hidden = o.getString("hidden_sizes");
        return new SacConfig(o.getInt("buffer_size"), o.getDouble("gamma"), o.getDouble("tau"), o.getInt("batch_size"),
                o.getInt("learning_starts"), o.getDouble("policy_lr"), o.getDouble("q_lr"), o.getInt("policy_frequency"),
                o.getInt("target_network_frequency"), o.getDouble("alpha"), o.getBoolean("autotune"), hidden);
    }

    /** The settings with CleanRL's names. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("buffer_size", bufferSize);
        m.put("gamma", gamma);
        m.put("tau", tau);
        m.put("batch_size", batchSize);
        m.put("learning_starts", learningStarts);
        m.put("policy_lr", policyLr);
        m.put("q_lr", qLr);
        m.put("policy_frequency", policyFrequency);
        m.put("target_network_frequency", targetNetworkFrequency);
        m.put("alpha", alpha);
        m.put("autotune", autotune);
        m.put("hidden_sizes", hiddenSizes);
        return m;
    }

}
