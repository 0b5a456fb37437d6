package dev.trail.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KL coefficient β and how it changes during training (ALGORITHMS.md §0.8).
 *
 * <ul>
 *   <li>{@link Fixed}: β is constant.</li>
 *   <li>{@link Adaptive} (Ziegler et al. 2019; verl {@code AdaptiveKLController}):
 *       <pre>
 *   e = clip(KL_current / KL_target − 1, −0.2, 0.2)
 *   β ← β·(1 + e·n_steps / horizon)
 *       </pre></li>
 * </ul>
 * As in verl, β is not floored: an update with {@code n_steps > 5·horizon} and the error at −0.2
 * would make it negative, so keep {@code n_steps} (the batch size) well below the horizon.
 *
 * <p>A controller is mutable: it is training state, not math (so is
 * {@link PpoLagrangian.AdamMultiplier}). Its
 * state is a map of plain doubles ({@link #state()}) for checkpoints; {@link #fromState} restores
 * it exactly.
 */
public sealed interface KlController permits KlController.Fixed, KlController.Adaptive {

    /** The current coefficient β. */
    double beta();

    /**
     * Updates β after a training step.
     *
     * @param currentKl the KL measured on the last batch
     * @param nSteps the number of samples (or steps) the batch represents
     */
    void update(double currentKl, long nSteps);

    /** The state as named plain doubles, in a stable order. */
    Map<String, Double> state();

    /** Restores a controller from {@link #state()}: adaptive if it has {@code target}, fixed otherwise. */
    static KlController fromState(Map<String, Double> state) {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        return state.containsKey("target") ? Adaptive.fromState(state) : Fixed.fromState(state);
    }

    private static double require(Map<String, Double> state, String key) {
        Double v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException("KL controller state lacks '" + key + "'; has " + state.keySet());
        }
        return v;
    }

    private static void checkBeta(double beta) {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
    }

    /** A constant β; {@link #update} only validates its arguments. */
    final class Fixed implements KlController {
        private final double beta;

        public Fixed(double beta) {
            checkBeta(beta);
            this.beta = beta;
        }

        @Override
        public double beta() {
            return beta;
        }

        @Override
        public void update(double currentKl, long nSteps) {
            if (Double.isNaN(currentKl) || nSteps < 0) {
                throw new IllegalArgumentException("update needs a KL that is a number and nSteps >= 0, got "
                        + currentKl + ", " + nSteps);
            }
        }

        @Override
        public Map<String, Double> state() {
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("beta", beta);
            return s;
        }

        /** Restores from {@code {beta}}. */
        public static Fixed fromState(Map<String, Double> state) {
            return new Fixed(require(state, "beta"));
        }
    }

    /** Ziegler's proportional controller towards a target KL. */
    final class Adaptive implements KlController {
        /** The proportional error is clipped to ±ERROR_CLIP. */
        public static final double ERROR_CLIP = 0.2;

        private double beta;
        private final double target;
        private final double horizon;

        /**
         * @param initialBeta β at the start, ≥ 0
         * @param target the KL to steer towards, &gt; 0
         * @param horizon the number of samples over which an error of 1 would change β by 100 %, &gt; 0
         */
        public Adaptive(double initialBeta, double target, double horizon) {
            checkBeta(initialBeta);
            if (!(target > 0) || Double.isInfinite(target)) {
                throw new IllegalArgumentException("target KL must be finite and > 0, got " + target);
            }
            if (!(horizon > 0) || Double.isInfinite(horizon)) {
                throw new IllegalArgumentException("horizon must be finite and > 0, got " + horizon);
            }
            this.beta = initialBeta;
            this.target = target;
            this.horizon = horizon;
        }

        @Override
        public double beta() {
            return beta;
        }

        /** The KL this controller steers towards. */
        public double target() {
            return target;
        }

        /** The horizon in samples. */
        public double horizon() {
            return horizon;
        }

        /** The clipped proportional error {@code clip(kl/target − 1, −0.2, 0.2)}. */
        public double proportionalError(double currentKl) {
            return PolicyLoss.clamp(currentKl / target - 1, -ERROR_CLIP, ERROR_CLIP);
        }

        @Override
        public void update(double currentKl, long nSteps) {
            if (Double.isNaN(currentKl) || nSteps < 0) {
                throw new IllegalArgumentException("update needs a KL that is a number and nSteps >= 0, got "
                        + currentKl + ", " + nSteps);
            }
            beta *= 1 + proportionalError(currentKl) * nSteps / horizon;
        }

        @Override
        public Map<String, Double> state() {
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("beta", beta);
            s.put("target", target);
            s.put("horizon", horizon);
            return s;
        }

        /** Restores from {@code {beta, target, horizon}}. */
        public static Adaptive fromState(Map<String, Double> state) {
            return new Adaptive(require(state, "beta"), require(state, "target"), require(state, "horizon"));
        }
    }
}
