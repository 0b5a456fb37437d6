package dev.trail.algo.grpo;

import dev.trail.advantage.Spa;
import dev.trail.nn.Parameters;
import dev.trail.optim.Adam;

/**
 * SPA-RL's progress estimator at Trail's scale (ALGORITHMS.md §7): a linear layer from the frozen
 * SFT model's next-token logits at the last token of an agent turn to the turn's contribution
 * {@code ĉ_t = w·logits_t + b}, trained with Adam on {@code L = mean_τ (Σ_t ĉ_t(τ) − R(τ))²} (the
 * sum of an episode's contributions regresses its outcome). The backbone stays frozen (the SPA code
 * fine-tunes it too); the features are the reference model's logits, the SPA code's choice of
 * input to its vocab-size → 1 head.
 */
final class ProgressEstimator {

    static final String TENSOR = "progress.weight";

    private final int features;
    private final Parameters parameters = new Parameters();
    private final Adam adam;

    /** A zero estimator over {@code features} inputs (plus a bias). */
    ProgressEstimator(int features) {
        this.features = features;
        parameters.add(TENSOR, new int[] {features + 1}, new float[features + 1]);
        this.adam = new Adam(parameters, 0.9, 0.999, 1e-8);
    }

    /** ĉ_t for each turn's feature row. */
    double[] contributions(double[][] turns) {
        float[] w = parameters.get(0).data();
        double[] c = new double[turns.length];
        for (int t = 0; t < turns.length; t++) {
            double s = w[features];
            for (int k = 0; k < features; k++) {
                s += w[k] * turns[t][k];
            }
            c[t] = s;
        }
        return c;
    }

    /** The mean loss over {@code episodes} (each: its turns' feature rows) against {@code outcomes}. */
    double loss(double[][][] episodes, double[] outcomes) {
        double l = 0;
        for (int e = 0; e < episodes.length; e++) {
            l += Spa.progressLoss(contributions(episodes[e]), outcomes[e]);
        }
        return episodes.length == 0 ? 0 : l / episodes.length;
    }

    /** {@code steps} full-batch Adam steps on the loss; returns the loss after them. */
    double train(double[][][] episodes, double[] outcomes, int steps, double learningRate) {
        if (episodes.length == 0) {
            return 0;
        }
        for (int step = 0; step < steps; step++) {
            float[] g = new float[features + 1];
            for (int e = 0; e < episodes.length; e++) {
                double[] dc = Spa.progressLossGradient(contributions(episodes[e]), outcomes[e]);
                for (int t = 0; t < dc.length; t++) {
                    double scale = dc[t] / episodes.length;
                    for (int k = 0; k < features; k++) {
                        g[k] += (float) (scale * episodes[e][t][k]);
                    }
                    g[features] += (float) scale;
                }
            }
            adam.step(parameters, new float[][] {g}, learningRate);
        }
        return loss(episodes, outcomes);
    }

    /** The weights and Adam's moments, for a checkpoint. */
    Parameters state() {
        Parameters p = new Parameters();
        p.add(TENSOR, new int[] {features + 1}, parameters.get(0).data().clone());
        p.add("m/" + TENSOR, new int[] {features + 1}, adam.firstMoments()[0].clone());
        p.add("v/" + TENSOR, new int[] {features + 1}, adam.secondMoments()[0].clone());
        return p;
    }

    long adamSteps() {
        return adam.stepCount();
    }

    /** Restores what {@link #state()} saved. */
    void restore(Parameters state, long adamSteps) {
        System.arraycopy(state.get(TENSOR).data(), 0, parameters.get(0).data(), 0, features + 1);
        parameters.markModified();
        adam.restore(new float[][] {state.get("m/" + TENSOR).data().clone()},
                new float[][] {state.get("v/" + TENSOR).data().clone()}, adamSteps);
    }
}
