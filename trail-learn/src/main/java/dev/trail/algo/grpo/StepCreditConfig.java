package dev.trail.algo.grpo;

import dev.trail.advantage.SpoChain;
import dev.trail.config.Param;

/**
 * Settings of the inputs the GRPO trainer produces for step-level estimators: the section
 * {@code step_credit} of the GRPO config ({@code --set step_credit.mc_samples=4}).
 *
 * @param mcSamples SPO-chain (ALGORITHMS.md §3.1): continuations sampled from each cut point; their
 *        mean reward is the prefix's value V (the SPO code's 9)
 * @param progressSteps SPA (§7): Adam steps of the progress estimator per update, on that update's episodes
 * @param progressLearningRate SPA: the progress estimator's Adam learning rate
 * @param patchThreshold UI-S1 semi-online rollouts ({@code rollout=semi-online}, §8): expert patches
 *        a rollout may take; its next mismatch ends it (the UI-S1 example script's 2)
 */
public record StepCreditConfig(
        @Param(value = "spo-chain: continuations sampled per cut point (M)", min = 1, max = 1024) int mcSamples,
        @Param(value = "spa: Adam steps of the progress estimator per update", min = 0, max = 100_000)
                int progressSteps,
        @Param(value = "spa: learning rate of the progress estimator", min = Double.MIN_VALUE, max = 10)
                double progressLearningRate,
        @Param(value = "rollout=semi-online: expert patches per rollout before a mismatch ends it", min = 0,
                max = 1 << 16) int patchThreshold) {

    /** M = 9 (SPO's {@code samples: 9}); 100 progress steps per update at Adam 1e-2; 2 patches. */
    public static StepCreditConfig defaults() {
        return new StepCreditConfig(SpoChain.DEFAULT_MC_SAMPLES, 100, 1e-2, 2);
    }
}
