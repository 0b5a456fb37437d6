package dev.trail.algo.sft;

import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.lm.TransformerConfig;
import java.util.Map;

/**
 * Settings of {@link Sft}.
 *
 * <p>Defaults: the default {@link TransformerConfig}, 2000 steps of 64 demonstrations (about 2
 * minutes on 2 cores), Adam at 2e-3 with a 100-step linear warm-up then linear decay to 10%,
 * gradient norm clipped at 1. On {@code Arithmetic-v0} this stops on purpose early: measured with
 * seed 1, held-out greedy pass@1 is about 0.005 after 400 steps, and the model then goes through
 * a sharp transition (with these defaults: 0.05 after 1500 steps, 0.185 after 1750, 0.24 after
 * 2000; 0.43 after a 3000-step schedule at the same rate). 2000 steps leave a base that writes
 * well-formed answers but solves only about a quarter of held-out problems greedily (pass@8
 * 0.44), a low but non-zero base of the kind RL papers start from. Change {@code steps} for a
 * weaker or stronger base.
 *
 * <p>Config files and {@code --set} bind through {@link #binder()} ({@code trail sft --set
 * steps=500 --set model.layers=3}); keys are the components in snake_case, the model shape is
 * the section {@code model}.
 *
 * @param model the transformer shape
 * @param steps gradient steps
 * @param batchSize demonstrations per step
 * @param learningRate peak Adam learning rate
 * @param warmupSteps linear warm-up steps (then linear decay to 10% of the peak)
 * @param maxGradNorm global gradient-norm clip
 * @param evalEvery steps between held-out evaluations (0: only at the end)
 * @param evalProblems held-out problems per evaluation
 * @param logEvery steps between metric reports
 */
public record SftConfig(
        @Param("the transformer shape (a section)") TransformerConfig model,
        @Param(value = "gradient steps", min = 1, max = 10_000_000) int steps,
        @Param(value = "demonstrations per step", min = 1, max = 1 << 16) int batchSize,
        @Param(value = "peak Adam learning rate", min = Double.MIN_VALUE, max = 1) double learningRate,
        @Param(value = "linear warm-up steps", min = 0, max = 10_000_000) int warmupSteps,
        @Param(value = "global gradient-norm clip", min = Double.MIN_VALUE, max = 1e9) double maxGradNorm,
        @Param(value = "steps between held-out evaluations (0: end only)", min = 0, max = 10_000_000) int evalEvery,
        @Param(value = "held-out problems per evaluation", min = 1, max = 1_000_000) int evalProblems,
        @Param(value = "steps between metric reports", min = 1, max = 10_000_000) int logEvery) {

    public SftConfig {
        if (model == null) {
            throw new IllegalArgumentException("sft model config must not be null");
        }
        check("steps", steps >= 1, steps);
        check("batch_size", batchSize >= 1, batchSize);
        check("learning_rate", learningRate > 0 && Double.isFinite(learningRate), learningRate);
        check("warmup_steps", warmupSteps >= 0, warmupSteps);
        check("max_grad_norm", maxGradNorm > 0, maxGradNorm);
        check("eval_every", evalEvery >= 0, evalEvery);
        check("eval_problems", evalProblems >= 1, evalProblems);
        check("log_every", logEvery >= 1, logEvery);
    }

    private static void check(String key, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("sft " + key + " is invalid: " + value);
        }
    }

    /** The defaults described in the class comment. */
    public static SftConfig defaults() {
        return new SftConfig(TransformerConfig.defaults(), 2000, 64, 2e-3, 100, 1.0, 250, 200, 50);
    }

    /** This config with another number of steps. */
    public SftConfig withSteps(int steps) {
        return new SftConfig(model, steps, batchSize, learningRate, warmupSteps, maxGradNorm, evalEvery, evalProblems,
                logEvery);
    }

    /** This config with another model. */
    public SftConfig withModel(TransformerConfig model) {
        return new SftConfig(model, steps, batchSize, learningRate, warmupSteps, maxGradNorm, evalEvery, evalProblems,
                logEvery);
    }

    /** The binder of this record for {@code trail sft --set} and {@code config.yaml}. */
    public static ConfigBinder<SftConfig> binder() {
        return ConfigBinder.of("sft", SftConfig.class, defaults());
    }

    /** The settings as snake_case keys (the model as a nested map). */
    public Map<String, Object> toMap() {
        return binder().toMap(this);
    }

    /** The learning rate before step {@code step} (0-based): warm-up, then linear decay to 10%. */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double p = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        return learningRate * (1.0 - 0.9 * p);
    }
}
