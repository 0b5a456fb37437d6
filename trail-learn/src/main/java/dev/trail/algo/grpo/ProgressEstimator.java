package dev.trail.algo.grpo;

import dev.trail.advantage.Spa;
import dev.trail.nn.Parameters;
import dev.trail.optim.Adam;

/**
 * SPA-RL's progress estimator at Trail's scale (ALGORITHMS.md §7): a linear layer from the frozen
 * SFT model's next-token logits at the last token of an agent turn to the turn's contribution
 * {@code ĉ_t = w·z_t + b}, {@code z_t} the logits standardised per vocabulary entry over the batch's
 * turns (the logits of a small model are large and nearly collinear across turns, and Adam on raw
 * logits barely fits), trained with Adam on {@code L = mean_τ (Σ_t ĉ_t(τ) − R(τ))²} (the
 * sum of an episode's contributions regresses its outcome). The backbone stays frozen (the SPA code
 * fine-tunes it too); the features are the reference model's logits, the SPA code's choice of
 * input to its vocab-size → 1 head.
 */
final class ProgressEstimator {

    static final String TENSOR = "progress.weight";

    private final int features;
    private final Parameters parameters = new Parameters();
    private final Adam adam;
    /** Per-feature mean and std of the batch last {@link #train}ed on (standardisation of the inputs). */
    private double[] mean;
    private double[] std;

    /** A zero estimator over {@code features} inputs (plus a bias). */
    ProgressEstimator(int features) {
        this.features = features;
        parameters.add(TENSOR, new int[] {features + 1}, new float[features + 1]);
        this.adam = new Adam(parameters, 0.9, 0.999, 1e-8);
        this.mean = new double[features];
        this.std = new double[features];
        java.util.Arrays.fill(std, 1.0);
    }

    /** Sets the standardisation to the statistics of every turn in {@code episodes}. */
    private void standardiseOver(double[][][] episodes) {
        double[] m = new double[features];
        double[] sq = new double[features];
        int n = 0;
        for (double[][] e : episodes) {
            for (double[] f : e) {
                for (int k = 0; k < features; k++) {
                    m[k] += f[k];
                    sq[k] += f[k] * f[k];
                }
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        for (int k = 0; k < features; k++) {
            m[k] /= n;
            double var = sq[k] / n - m[k] * m[k];
            std[k] = Math.sqrt(Math.max(var, 0)) + 1e-6;
        }
        mean = m;
    }

    private double z(double[] f, int k) {
        return (f[k] - mean[k]) / std[k];
    }

    /** ĉ_t for each turn's feature row. */
    double[] contributions(double[][] turns) {
        float[] w = parameters.get(0).data();
        double[] c = new double[turns.length];
        for (int t = 0; t < turns.length; t++) {
            double s = w[features];
            for (int k = 0; k < features; k++) {
                s += w[k] * z(turns[t], k);
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

    /**
     * Standardises the inputs over {@code episodes}, then {@code steps} full-batch Adam steps on the
     * loss; returns the loss after them.
     */
    double train(double[][][] episodes, double[] outcomes, int steps, double learningRate) {
        if (episodes.length == 0) {
            return 0;
        }
        standardiseOver(episodes);
        for (int step = 0; step < steps; step++) {
            float[] g = new float[features + 1];
            for (int e = 0; e < episodes.length; e++) {
                double[] dc = Spa.progressLossGradient(contributions(episodes[e]), outcomes[e]);
                for (int t = 0; t < dc.length; t++) {
                    double scale = dc[t] / episodes.length;
                    for (int k = 0; k < features; k++) {
                        g[k] += (float) (scale * z(episodes[e][t], k));
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
