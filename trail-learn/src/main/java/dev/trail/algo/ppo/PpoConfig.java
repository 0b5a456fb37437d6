package dev.trail.algo.ppo;

import dev.trail.config.Option;
import dev.trail.config.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PPO hyperparameters. Defaults are CleanRL's {@code ppo.py} for classic control; the
 * normalisation flags (off by default) turn on what {@code ppo_continuous_action.py} does for
 * MuJoCo-like tasks. Invalid values are rejected in the constructor, naming the key and the
 * allowed range.
 *
 * @param numEnvs {@code num_envs}: environment copies stepped in parallel (4)
 * @param numSteps {@code num_steps}: steps per copy in each rollout (128); batch = numEnvs × numSteps
 * @param learningRate {@code learning_rate}: Adam's step size at the start (2.5e-4)
 * @param annealLr {@code anneal_lr}: decay the learning rate linearly to 0 over the run (true)
 * @param gamma {@code gamma}: discount factor γ (0.99)
 * @param gaeLambda {@code gae_lambda}: GAE's λ (0.95)
 * @param numMinibatches {@code num_minibatches}: minibatches per epoch (4)
 * @param updateEpochs {@code update_epochs}: passes over each batch (4)
 * @param normAdv {@code norm_adv}: whiten advantages per minibatch (true)
 * @param clipCoef {@code clip_coef}: surrogate clip ε, also the value clip (0.2)
 * @param clipVloss {@code clip_vloss}: clip the value loss around the old values (true)
 * @param entCoef {@code ent_coef}: entropy bonus coefficient (0.01)
 * @param vfCoef {@code vf_coef}: value loss coefficient (0.5)
 * @param maxGradNorm {@code max_grad_norm}: global gradient-norm clip (0.5)
 * @param targetKl {@code target_kl}: stop the epochs when approx KL exceeds it; null for none (none)
 * @param adamEpsilon Adam's ε (CleanRL: 1e-5)
 * @param hiddenSizes hidden layer widths of actor and critic, comma-separated ("64,64"); see {@link #hiddenLayers()}
 * @param normalizeObservations normalise observations with running statistics, then clip to
 *     ±{@code clipObservations} (false; CleanRL continuous: true)
 * @param normalizeRewards scale rewards by the running std of the discounted return, then clip to
 *     ±{@code clipRewards} (false; CleanRL continuous: true)
 * @param clipObservations bound after observation normalisation (10)
 * @param clipRewards bound after reward normalisation (10)
 * @param advantageEstimator {@code advantage_estimator}: the registry estimator credit comes from; it must
 *     use the critic's values ("gae")
 */
public record PpoConfig(int numEnvs, int numSteps, double learningRate, boolean annealLr, double gamma,
        double gaeLambda, int numMinibatches, int updateEpochs, boolean normAdv, double clipCoef, boolean clipVloss,
        double entCoef, double vfCoef, double maxGradNorm, Double targetKl, double adamEpsilon, String hiddenSizes,
        boolean normalizeObservations, boolean normalizeRewards, double clipObservations, double clipRewards,
        String advantageEstimator) {

    public PpoConfig {
        positive("num_envs", numEnvs);
        positive("num_steps", numSteps);
        range("learning_rate", learningRate, 0, 1, false);
        range("gamma", gamma, 0, 1, true);
        range("gae_lambda", gaeLambda, 0, 1, true);
        positive("num_minibatches", numMinibatches);
        positive("update_epochs", updateEpochs);
        range("clip_coef", clipCoef, 0, 0.999999, false);
        range("ent_coef", entCoef, 0, 100, true);
        range("vf_coef", vfCoef, 0, 100, true);
        range("max_grad_norm", maxGradNorm, 0, 1e9, false);
        if (targetKl != null) {
            range("target_kl", targetKl, 0, 1e9, false);
        }
        range("adam_epsilon", adamEpsilon, 0, 1, false);
        range("clip_observations", clipObservations, 0, 1e9, false);
        range("clip_rewards", clipRewards, 0, 1e9, false);
        if (numMinibatches > (long) numEnvs * numSteps) {
            throw new IllegalArgumentException("num_minibatches=" + numMinibatches + " exceeds the batch size num_envs x "
                    + "num_steps = " + (long) numEnvs * numSteps);
        }
        if ((long) numEnvs * numSteps > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("batch num_envs x num_steps = " + (long) numEnvs * numSteps + " is too large");
        }
        advantageEstimator = advantageEstimator == null ? "gae" : advantageEstimator.trim();
        hiddenSizes = hiddenSizes == null ? "64,64" : hiddenSizes.replace(" ", "");
        parseLayers(hiddenSizes);
        // (fields are not assigned yet in a compact constructor: use the parameters)
        if (normAdv && numEnvs * numSteps / numMinibatches < 2) {
            throw new IllegalArgumentException("norm_adv needs minibatches of at least 2 transitions; num_envs x num_steps / "
                    + "num_minibatches = " + numEnvs * numSteps / numMinibatches);
        }
    }

    static int[] parseLayers(String text) {
        return dev.trail.nn.HiddenSizes.parse(text, "64,64");
    }

    /** The hidden layer widths as numbers. */
    public int[] hiddenLayers() {
        return parseLayers(hiddenSizes);
    }

    /** CleanRL's {@code ppo.py} defaults (classic control). */
    public static PpoConfig defaults() {
        return new PpoConfig(4, 128, 2.5e-4, true, 0.99, 0.95, 4, 4, true, 0.2, true, 0.01, 0.5, 0.5, null,
                1e-5, "64,64", false, false, 10, 10, "gae");
    }

    /**
     * CleanRL's {@code ppo_continuous_action.py} defaults: 1 env, 2048 steps, lr 3e-4, 32 minibatches,
     * 10 epochs, no entropy bonus, observation and reward normalisation.
     */
    public static PpoConfig continuousDefaults() {
        return new PpoConfig(1, 2048, 3e-4, true, 0.99, 0.95, 32, 10, true, 0.2, true, 0.0, 0.5, 0.5, null,
                1e-5, "64,64", true, true, 10, 10, "gae");
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + "=" + v + " must be >= 1");
        }
    }

    private static void range(String key, double v, double lo, double hi, boolean loInclusive) {
        boolean ok = (loInclusive ? v >= lo : v > lo) && v <= hi;
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + v + " is outside the allowed range " + (loInclusive ? "[" : "(")
                    + lo + ", " + hi + "]");
        }
    }

    /** Transitions per rollout, {@code numEnvs × numSteps}. */
    public int batchSize() {
        return numEnvs * numSteps;
    }

    /** Transitions per minibatch, {@code batchSize / numMinibatches} (CleanRL's integer division). */
    public int minibatchSize() {
        return batchSize() / numMinibatches;
    }

    /** Updates in a run of {@code totalSteps} environment steps, {@code totalSteps / batchSize} (at least 1). */
    public int numUpdates(long totalSteps) {
        return (int) Math.max(1, totalSteps / batchSize());
    }

    /** Whether early stopping on KL is on. */
    public boolean hasTargetKl() {
        return targetKl != null;
    }

    /** The options with their CleanRL names, defaults and ranges, for config files and {@code --set}. */
    public static List<Option> options() {
        return options(defaults());
    }

    /** {@link #options()} with the defaults taken from {@code d} (e.g. {@link #continuousDefaults()}). */
    public static List<Option> options(PpoConfig d) {
        return List.of(
                Option.integer("num_envs", d.numEnvs, 1, 4096, "environment copies stepped in parallel"),
                Option.integer("num_steps", d.numSteps, 1, 1 << 20, "steps per copy in each rollout"),
                Option.real("learning_rate", d.learningRate, Double.MIN_VALUE, 1, "Adam step size at the start"),
                Option.flag("anneal_lr", d.annealLr, "decay the learning rate linearly to 0"),
                Option.real("gamma", d.gamma, 0, 1, "discount factor"),
                Option.real("gae_lambda", d.gaeLambda, 0, 1, "GAE lambda"),
                Option.integer("num_minibatches", d.numMinibatches, 1, 1 << 20, "minibatches per epoch"),
                Option.integer("update_epochs", d.updateEpochs, 1, 1000, "passes over each batch"),
                Option.flag("norm_adv", d.normAdv, "whiten advantages per minibatch"),
                Option.real("clip_coef", d.clipCoef, Double.MIN_VALUE, 0.999999, "surrogate and value clip epsilon"),
                Option.flag("clip_vloss", d.clipVloss, "clip the value loss around the old values"),
                Option.real("ent_coef", d.entCoef, 0, 100, "entropy bonus coefficient"),
                Option.real("vf_coef", d.vfCoef, 0, 100, "value loss coefficient"),
                Option.real("max_grad_norm", d.maxGradNorm, Double.MIN_VALUE, 1e9, "global gradient-norm clip"),
                Option.text("target_kl", d.targetKl == null ? "none" : Double.toString(d.targetKl), "early-stop the epochs above this approx KL; none to never stop"),
                Option.real("adam_epsilon", d.adamEpsilon, Double.MIN_VALUE, 1, "Adam epsilon"),
                Option.text("hidden_sizes", d.hiddenSizes, "hidden layer widths, comma-separated"),
                Option.flag("normalize_observations", d.normalizeObservations, "running observation normalization"),
                Option.flag("normalize_rewards", d.normalizeRewards, "running reward scaling"),
                Option.real("clip_observations", d.clipObservations, Double.MIN_VALUE, 1e9, "bound after observation normalization"),
                Option.real("clip_rewards", d.clipRewards, Double.MIN_VALUE, 1e9, "bound after reward normalization"),
                Option.text("advantage_estimator", d.advantageEstimator, "registry estimator that uses the critic's values"));
    }

    /** A config from resolved {@link #options()}. */
    public static PpoConfig fromOptions(Options o) {
        String kl = o.getString("target_kl").trim();
        Double targetKl;
        if (kl.isEmpty() || kl.equalsIgnoreCase("none") || kl.equalsIgnoreCase("null")) {
            targetKl = null;
        } else {
            try {
                targetKl = Double.parseDouble(kl);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option target_kl=" + kl + " is not a number or none");
            }
        }
        return new PpoConfig(o.getInt("num_envs"), o.getInt("num_steps"), o.getDouble("learning_rate"),
                o.getBoolean("anneal_lr"), o.getDouble("gamma"), o.getDouble("gae_lambda"), o.getInt("num_minibatches"),
                o.getInt("update_epochs"), o.getBoolean("norm_adv"), o.getDouble("clip_coef"),
                o.getBoolean("clip_vloss"), o.getDouble("ent_coef"), o.getDouble("vf_coef"),
                o.getDouble("max_grad_norm"), targetKl, o.getDouble("adam_epsilon"), o.getString("hidden_sizes"),
                o.getBoolean("normalize_observations"), o.getBoolean("normalize_rewards"),
                o.getDouble("clip_observations"), o.getDouble("clip_rewards"), o.getString("advantage_estimator"));
    }

    /** A config from {@code key=value} settings over the defaults (unknown keys and bad values rejected). */
    public static PpoConfig fromSettings(Map<String, String> settings) {
        return fromOptions(Options.resolve("ppo", options(), settings));
    }

    /** The settings as CleanRL-named key/value pairs (for metadata and {@code config.yaml}). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_envs", numEnvs);
        m.put("num_steps", numSteps);
        m.put("learning_rate", learningRate);
        m.put("anneal_lr", annealLr);
        m.put("gamma", gamma);
        m.put("gae_lambda", gaeLambda);
        m.put("num_minibatches", numMinibatches);
        m.put("update_epochs", updateEpochs);
        m.put("norm_adv", normAdv);
        m.put("clip_coef", clipCoef);
        m.put("clip_vloss", clipVloss);
        m.put("ent_coef", entCoef);
        m.put("vf_coef", vfCoef);
        m.put("max_grad_norm", maxGradNorm);
        m.put("target_kl", hasTargetKl() ? targetKl.toString() : "none");
        m.put("adam_epsilon", adamEpsilon);
        m.put("hidden_sizes", hiddenSizes);
        m.put("normalize_observations", normalizeObservations);
        m.put("normalize_rewards", normalizeRewards);
        m.put("clip_observations", clipObservations);
        m.put("clip_rewards", clipRewards);
        m.put("advantage_estimator", advantageEstimator);
        return m;
    }

    /** The settings as strings, suitable for {@link #fromSettings}. */
    public Map<String, String> asSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        asMap().forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }
}
