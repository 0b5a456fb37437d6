package dev.trail.algo.dqn;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.loss.TdLoss;
import java.util.Map;

/**
 * DQN hyperparameters with CleanRL's {@code dqn.py} defaults (CartPole-v1). Keys are CleanRL's
 * names in snake_case; config files and {@code --set} bind through {@link #binder()}.
 *
 * @param learningRate {@code learning_rate}: Adam's step size (2.5e-4)
 * @param bufferSize {@code buffer_size}: replay capacity in transitions (10000)
 * @param gamma {@code gamma}: discount (0.99)
 * @param tau {@code tau}: target update rate, {@code θ' ← τ θ + (1 − τ) θ'} (1.0: a hard copy)
 * @param targetNetworkFrequency {@code target_network_frequency}: steps between target updates (500)
 * @param batchSize {@code batch_size}: transitions per gradient step (128)
 * @param startE {@code start_e}: ε at step 0 (1)
 * @param endE {@code end_e}: final ε (0.05)
 * @param explorationFraction {@code exploration_fraction}: fraction of the run over which ε falls
 *     linearly from {@code start_e} to {@code end_e} (0.5)
 * @param learningStarts {@code learning_starts}: steps before learning starts (10000)
 * @param trainFrequency {@code train_frequency}: steps between gradient steps (10)
 * @param loss {@code loss}: {@code mse} (CleanRL) or {@code huber} (smooth L1, δ = 1) ("mse")
 * @param hiddenSizes {@code hidden_sizes}: hidden widths of the Q-network's MLP ("120,84")
 * @param backend {@code backend}: where the gradient steps run: {@code java} (plain Java, MLP
 *     Q-networks only), {@code djl} (libtorch), or {@code auto} (java for MLPs, djl with the grid
 *     encoder) ("auto")
 * @param numThreads {@code num_threads}: threads of the {@code StepCollector} (capped at the environment
 *     copies; DQN steps one copy, as CleanRL's, so more threads change nothing); results are bit-identical (1)
 */
public record DqnConfig(
        @Param(value = "Adam step size", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param(value = "replay capacity in transitions", min = 1, max = Integer.MAX_VALUE / 256) int bufferSize,
        @Param(value = "discount factor", min = 0, max = 1) double gamma,
        @Param(value = "target update rate (1 = hard copy)", min = Double.MIN_VALUE, max = 1) double tau,
        @Param(value = "steps between target network updates", min = 1, max = Integer.MAX_VALUE)
                int targetNetworkFrequency,
        @Param(value = "transitions per gradient step", min = 1, max = 1 << 20) int batchSize,
        @Param(value = "starting epsilon", min = 0, max = 1) double startE,
        @Param(value = "final epsilon", min = 0, max = 1) double endE,
        @Param(value = "fraction of the run over which epsilon decays", min = Double.MIN_VALUE, max = 1)
                double explorationFraction,
        @Param(value = "steps before learning starts", min = 0, max = Integer.MAX_VALUE) int learningStarts,
        @Param(value = "steps between gradient steps", min = 1, max = Integer.MAX_VALUE) int trainFrequency,
        @Param("TD regression loss: mse (CleanRL) or huber") String loss,
        @Param("hidden layer widths of the Q-network, comma-separated") String hiddenSizes,
        @Param("where gradient steps run: java (plain Java, MLP Q-networks), djl (libtorch), or auto") String backend,
        @Param(value = "threads that act and step the env copies (capped at the copies: DQN steps one); results are "
                + "bit-identical for any count", min = 1, max = 256) int numThreads) {

    public DqnConfig {
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning_rate=" + learningRate + " is outside the allowed range (0, 1]");
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer_size=" + bufferSize + " must be >= 1");
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma=" + gamma + " is outside the allowed range [0, 1]");
        }
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau=" + tau + " is outside the allowed range (0, 1]");
        }
        if (targetNetworkFrequency < 1 || trainFrequency < 1) {
            throw new IllegalArgumentException("target_network_frequency=" + targetNetworkFrequency
                    + " and train_frequency=" + trainFrequency + " must be >= 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size=" + batchSize + " must be >= 1");
        }
        if (!(startE >= 0 && startE <= 1) || !(endE >= 0 && endE <= 1)) {
            throw new IllegalArgumentException("start_e=" + startE + " and end_e=" + endE + " must be in [0, 1]");
        }
        if (!(explorationFraction > 0 && explorationFraction <= 1)) {
            throw new IllegalArgumentException("exploration_fraction=" + explorationFraction
                    + " is outside the allowed range (0, 1]");
        }
        if (learningStarts < 0) {
            throw new IllegalArgumentException("learning_starts=" + learningStarts + " must be >= 0");
        }
        loss = loss == null || loss.isBlank() ? "mse" : loss.trim();
        TdLoss.Kind.parse(loss);
        hiddenSizes = hiddenSizes == null ? "120,84" : hiddenSizes.replace(" ", "");
        dev.trail.nn.HiddenSizes.parse(hiddenSizes, "120,84");
        backend = backend == null || backend.isBlank() ? "auto" : backend.trim();
        if (!backend.equals("djl") && !backend.equals("java") && !backend.equals("auto")) {
            throw new IllegalArgumentException("backend=" + backend + " must be java, djl or auto");
        }
    }

    /** CleanRL's {@code dqn.py} defaults. */
    public static DqnConfig defaults() {
        return new DqnConfig(2.5e-4, 10_000, 0.99, 1.0, 500, 128, 1, 0.05, 0.5, 10_000, 10, "mse", "120,84", "auto", 1);
    }

    /** The hidden layer widths. */
    public int[] hiddenLayers() {
        return dev.trail.nn.HiddenSizes.parse(hiddenSizes, "120,84");
    }

    /** The loss as an enum. */
    public TdLoss.Kind lossKind() {
        return TdLoss.Kind.parse(loss);
    }

    /**
     * ε at 0-based step {@code t} of a run of {@code totalSteps}: CleanRL's {@code linear_schedule}
     * over {@code exploration_fraction · totalSteps} steps,
     * {@code max(start_e + (end_e − start_e) · t / duration, end_e)}.
     */
    public double epsilon(long t, long totalSteps) {
        return linearSchedule(startE, endE, explorationFraction * totalSteps, t);
    }

    /**
     * {@code max(slope · t + start, end)} with {@code slope = (end − start) / duration}, CleanRL's
     * {@code linear_schedule} (its {@code max} assumes a decreasing schedule, {@code end <= start}).
     */
    public static double linearSchedule(double start, double end, double duration, long t) {
        double slope = (end - start) / duration;
        return Math.max(slope * t + start, end);
    }

    /** The binder of this record for config files, {@code --set} and checkpoint metadata. */
    public static ConfigBinder<DqnConfig> binder() {
        return ConfigBinder.of("dqn", DqnConfig.class, defaults());
    }

    /** A config from {@code key=value} settings over the defaults. */
    public static DqnConfig fromSettings(Map<String, String> settings) {
        return binder().parse(settings);
    }

    /** The settings as snake_case keys. */
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }
}
