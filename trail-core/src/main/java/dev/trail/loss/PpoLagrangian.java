package dev.trail.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO-Lagrangian for constrained RL (ALGORITHMS.md §11.1; Ray et al. 2019 (Safety Gym),
 * OmniSafe/SafePO {@code Lagrange}):
 * <pre>
 *   max_θ min_{λ≥0}  J_R(π) − λ·(J_C(π) − d)
 *   A = (A_R − λ·A_C) / (1 + λ)          (OmniSafe PPOLag; the unnormalised form omits 1/(1+λ))
 *   gradient form:  λ ← max(0, λ + η_λ·(J_C − d))
 *   OmniSafe form:  Adam step on the loss −λ̃·(J_C − d), then λ = λ̃ = clamp(λ̃, 0, upper bound)
 * </pre>
 * J_C is the mean <em>undiscounted episodic</em> cost of the epoch's finished episodes and d the
 * cost limit (default 25). Update λ once per epoch, <em>before</em> the policy update, and keep it
 * ≥ 0 at every step.
 */
public final class PpoLagrangian {

    /** OmniSafe/SafePO defaults. */
    public static final double DEFAULT_COST_LIMIT = 25.0;
    public static final double DEFAULT_INITIAL_LAMBDA = 0.001;
    public static final double DEFAULT_LAMBDA_LEARNING_RATE = 0.035;

    private PpoLagrangian() {
    }

    /**
     * Gradient-ascent step on λ: {@code max(0, λ + η·(J_C − d))}.
     *
     * @param lambda current λ ≥ 0
     * @param meanEpisodeCost J_C
     * @param costLimit d
     * @param learningRate η_λ ≥ 0
     */
    public static double updateMultiplier(double lambda, double meanEpisodeCost, double costLimit,
            double learningRate) {
        if (!(lambda >= 0) || !(learningRate >= 0) || Double.isNaN(meanEpisodeCost) || Double.isNaN(costLimit)) {
            throw new IllegalArgumentException("need lambda >= 0, learningRate >= 0 and numbers for the costs, got lambda="
                    + lambda + ", learningRate=" + learningRate + ", meanEpisodeCost=" + meanEpisodeCost
                    + ", costLimit=" + costLimit);
        }
        return Math.max(0.0, lambda + learningRate * (meanEpisodeCost - costLimit));
    }

    /** The OmniSafe advantage {@code (A_R − λ·A_C)/(1 + λ)} of one step. */
    public static double penalizedAdvantage(double rewardAdvantage, double costAdvantage, double lambda) {
        checkLambda(lambda);
        return (rewardAdvantage - lambda * costAdvantage) / (1 + lambda);
    }

    /**
     * Penalised advantages of a batch.
     *
     * @param rewardAdvantages A_R
     * @param costAdvantages A_C, same length
     * @param normalize true for OmniSafe's {@code /(1 + λ)}, false for {@code A_R − λ·A_C}
     */
    public static double[] penalizedAdvantages(double[] rewardAdvantages, double[] costAdvantages, double lambda,
            boolean normalize) {
        Checks.notNull("rewardAdvantages", rewardAdvantages);
        Checks.notNull("costAdvantages", costAdvantages);
        Checks.sameLength("rewardAdvantages", rewardAdvantages, "costAdvantages", costAdvantages);
        checkLambda(lambda);
        double scale = normalize ? 1 + lambda : 1.0;
        double[] out = new double[rewardAdvantages.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (rewardAdvantages[i] - lambda * costAdvantages[i]) / scale;
        }
        return out;
    }

    private static void checkLambda(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
    }

    /**
     * OmniSafe's multiplier: λ is a parameter trained by Adam (PyTorch defaults β1 = 0.9,
     * β2 = 0.999, ε = 1e-8) on the loss {@code −λ·(J_C − d)}, whose gradient is {@code −(J_C − d)},
     * and clamped to {@code [0, upperBound]} after each step. Mutable training state; {@link #state()}
     * exports it as plain doubles.
     */
    public static final class AdamMultiplier {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPS = 1e-8;

        private final double learningRate;
        private final double upperBound;
        private double lambda;
        private double firstMoment;
        private double secondMoment;
        private long steps;

        /**
         * @param initialLambda λ at the start (OmniSafe 0.001)
         * @param learningRate Adam's learning rate (OmniSafe 0.035)
         * @param upperBound largest λ, or {@code Double.POSITIVE_INFINITY} (OmniSafe default: none)
         */
        public AdamMultiplier(double initialLambda, double learningRate, double upperBound) {
            if (!(initialLambda >= 0) || !(learningRate > 0) || !(upperBound >= initialLambda)) {
                throw new IllegalArgumentException("need 0 <= initialLambda <= upperBound and learningRate > 0, got "
                        + initialLambda + ", " + learningRate + ", " + upperBound);
            }
            this.lambda = initialLambda;
            this.learningRate = learningRate;
            this.upperBound = upperBound;
        }

        /** The current λ. */
        public double lambda() {
            return lambda;
        }

        /** One Adam step on {@code −λ·(J_C − d)}, then the clamp; returns the new λ. */
        public double update(double meanEpisodeCost, double costLimit) {
            if (Double.isNaN(meanEpisodeCost) || Double.isNaN(costLimit)) {
                throw new IllegalArgumentException("costs must be numbers, got " + meanEpisodeCost + ", " + costLimit);
            }
            double gradient = -(meanEpisodeCost - costLimit);
            steps++;
            firstMoment = BETA1 * firstMoment + (1 - BETA1) * gradient;
            secondMoment = BETA2 * secondMoment + (1 - BETA2) * gradient * gradient;
            double biasCorrection1 = 1 - Math.pow(BETA1, steps);
            double biasCorrection2 = 1 - Math.pow(BETA2, steps);
            double denominator = Math.sqrt(secondMoment) / Math.sqrt(biasCorrection2) + EPS;
            lambda -= learningRate / biasCorrection1 * firstMoment / denominator;
            lambda = Math.max(0.0, Math.min(upperBound, lambda));
            return lambda;
        }

        /** {@code {lambda, learningRate, upperBound, firstMoment, secondMoment, steps}}. */
        public Map<String, Double> state() {
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("lambda", lambda);
            s.put("learningRate", learningRate);
            s.put("upperBound", upperBound);
            s.put("firstMoment", firstMoment);
            s.put("secondMoment", secondMoment);
            s.put("steps", (double) steps);
            return s;
        }

        /** Restores exactly what {@link #state()} exported. */
        public static AdamMultiplier fromState(Map<String, Double> state) {
            AdamMultiplier m = new AdamMultiplier(get(state, "lambda"), get(state, "learningRate"),
                    get(state, "upperBound"));
            m.firstMoment = get(state, "firstMoment");
            m.secondMoment = get(state, "secondMoment");
            m.steps = (long) get(state, "steps");
            return m;
        }

        private static double get(Map<String, Double> state, String key) {
            Double v = state == null ? null : state.get(key);
            if (v == null) {
                throw new IllegalArgumentException("Lagrange multiplier state lacks '" + key + "'");
            }
            return v;
        }
    }
}
