package dev.trail.idm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.dist.Categorical;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.optim.Adam;
import dev.trail.seed.Rng;

/**
 * An inverse-dynamics model {@code â_t = f_ψ(s_t, s_{t+1})} (ALGORITHMS.md §10.4 with context
 * width k = 0 and the next state): an MLP on the two observations, each standardised by the
 * labelled data's per-dimension mean and std. Discrete actions: logits over the categories,
 * cross-entropy loss, label = argmax. Continuous actions: the action itself, MSE loss, label = the
 * output clipped to the action bounds.
 *
 * <p>Layout: observations {@code [n * obsDim]}, next observations {@code [n * obsDim]}, actions
 * {@code [n * actDim]} (discrete: {@code actDim = 1}, an exact category index). The held-out
 * transitions (a caller-chosen split, by trajectory) are never trained on; their loss and, for
 * discrete actions, accuracy, are reported.
 */
public final class InverseDynamics {

    /**
     * Training settings.
     *
     * @param hidden hidden layer widths (ReLU)
     * @param updates Adam steps
     * @param batchSize transitions per step, sampled uniformly with replacement
     * @param learningRate Adam step size
     */
    public record Config(int[] hidden, int updates, int batchSize, double learningRate) {
        public Config {
            hidden = hidden.clone();
            if (updates < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("inverse dynamics needs updates >= 1, batch >= 1, lr > 0; got "
                        + updates + ", " + batchSize + ", " + learningRate);
            }
        }

        /** 2 × 256 ReLU, 5000 updates of 256, lr 1e-3. */
        public static Config defaults() {
            return new Config(new int[] {256, 256}, 5000, 256, 1e-3);
        }
    }

    /** What the fit measured: last training-batch loss and the held-out loss / accuracy (NaN without held-out data). */
    public record Fit(InverseDynamics model, double trainLoss, double heldOutLoss, double heldOutAccuracy,
                      int trainTransitions, int heldOutTransitions) {
    }

    private final int obsDim;
    private final int actDim;
    private final int categories;
    private final float[] low;
    private final float[] high;
    private final float[] mean;
    private final float[] std;
    private final Parameters parameters = new Parameters();
    private final Mlp net;

    private InverseDynamics(int obsDim, int actDim, int categories, float[] low, float[] high, float[] mean,
                            float[] std, int[] hidden, Rng rng) {
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.categories = categories;
        this.low = low;
        this.high = high;
        this.mean = mean;
        this.std = std;
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = 2 * obsDim;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = categories > 0 ? categories : actDim;
        this.net = Mlp.createDefaultInit("idm", sizes, Activation.RELU, rng, parameters);
    }

    /**
     * Fits the model on {@code train} transitions and measures it on {@code heldOut}.
     *
     * @param categories number of discrete actions, or 0 for continuous actions
     * @param low lower action bounds for continuous actions (labels are clipped), or null
     * @param high upper action bounds, or null
     */
    public static Fit fit(Transitions train, Transitions heldOut, int categories, float[] low, float[] high,
                          Config config, Rng rng) {
        if (train.n() == 0) {
            throw new IllegalArgumentException("inverse dynamics needs labelled transitions to train on, got none");
        }
        int d = train.obsDim();
        if (categories > 0 && train.actDim() != 1) {
            throw new IllegalArgumentException("discrete actions are one index per step, got " + train.actDim());
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        standardisation(train, mean, std);
        InverseDynamics m = new InverseDynamics(d, train.actDim(), categories, low, high, mean, std, config.hidden(), rng);
        Adam adam = new Adam(m.parameters, 1e-8);
        Engine engine = Torch.engine();
        int b = config.batchSize();
        float[] x = new float[b * 2 * d];
        float[] y = new float[b * train.actDim()];
        double loss = Double.NaN;
        try (NDManager manager = Torch.newManager()) {
            for (int u = 0; u < config.updates(); u++) {
                for (int i = 0; i < b; i++) {
                    int k = rng.nextInt(train.n());
                    m.input(train, k, x, i);
                    System.arraycopy(train.actions(), k * train.actDim(), y, i * train.actDim(), train.actDim());
                }
                float[][] grads;
                try (NDManager sub = manager.newSubManager()) {
                    Parameters.Bound bound = m.parameters.bind(sub);
                    NDArray in = Tensors.create(sub, x, b, 2L * d);
                    NDArray l;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        l = m.loss(m.net.forward(bound, in), Tensors.create(sub, y, b, train.actDim()));
                        gc.backward(l);
                    }
                    grads = bound.gradients();
                    if (u == config.updates() - 1) {
                        loss = l.getFloat();
                    }
                }
                adam.step(m.parameters, grads, config.learningRate());
            }
            double[] held = heldOut.n() == 0 ? new double[] {Double.NaN, Double.NaN} : m.evaluate(heldOut, manager);
            return new Fit(m, loss, held[0], held[1], train.n(), heldOut.n());
        }
    }

    /** Labels {@code n} transitions: {@code [n * actDim]} (discrete: category indices as exact floats). */
    public float[] predict(float[] observations, float[] nextObservations, int n) {
        Transitions t = new Transitions(observations, nextObservations, new float[n * actDim], obsDim, actDim);
        float[] x = new float[n * 2 * obsDim];
        for (int k = 0; k < n; k++) {
            input(t, k, x, k);
        }
        int outSize = net.outputSize();
        float[] out = new float[n * outSize];
        net.forward(x, n, out);
        float[] labels = new float[n * actDim];
        for (int k = 0; k < n; k++) {
            if (categories > 0) {
                int best = 0;
                for (int c = 1; c < categories; c++) {
                    if (out[k * outSize + c] > out[k * outSize + best]) {
                        best = c;
                    }
                }
                labels[k] = best;
            } else {
                for (int j = 0; j < actDim; j++) {
                    float a = out[k * outSize + j];
                    if (low != null) {
                        a = Math.max(low[j], Math.min(high[j], a));
                    }
                    labels[k * actDim + j] = a;
                }
            }
        }
        return labels;
    }

    private NDArray loss(NDArray output, NDArray actions) {
        if (categories > 0) {
            return Categorical.logProb(output, actions.reshape(-1)).mean().neg();
        }
        return output.sub(actions).square().mean();
    }

    /** [loss, accuracy (NaN for continuous)] over all of {@code data} (Java forward pass). */
    private double[] evaluate(Transitions data, NDManager manager) {
        float[] labels = predict(data.observations(), data.nextObservations(), data.n());
        int n = data.n();
        float[] x = new float[n * 2 * obsDim];
        for (int k = 0; k < n; k++) {
            input(data, k, x, k);
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray out = net.forward(parameters.constant(sub), Tensors.create(sub, x, n, 2L * obsDim));
            double loss = loss(out, Tensors.create(sub, data.actions(), n, actDim)).getFloat();
            if (categories == 0) {
                return new double[] {loss, Double.NaN};
            }
            int correct = 0;
            for (int k = 0; k < n; k++) {
                correct += labels[k] == data.actions()[k] ? 1 : 0;
            }
            return new double[] {loss, (double) correct / n};
        }
    }

    private void input(Transitions t, int k, float[] x, int row) {
        int o = row * 2 * obsDim;
        for (int j = 0; j < obsDim; j++) {
            x[o + j] = (t.observations()[k * obsDim + j] - mean[j]) / std[j];
            x[o + obsDim + j] = (t.nextObservations()[k * obsDim + j] - mean[j]) / std[j];
        }
    }

    private static void standardisation(Transitions t, float[] mean, float[] std) {
        int d = t.obsDim();
        double[] s = new double[d];
        double[] ss = new double[d];
        for (int k = 0; k < t.n(); k++) {
            for (int j = 0; j < d; j++) {
                double v = t.observations()[k * d + j];
                s[j] += v;
                ss[j] += v * v;
            }
        }
        for (int j = 0; j < d; j++) {
            double m = s[j] / t.n();
            mean[j] = (float) m;
            std[j] = (float) Math.max(Math.sqrt(Math.max(ss[j] / t.n() - m * m, 0)), 1e-3);
        }
    }

    /**
     * Transitions for the model: {@code observations} and {@code nextObservations} {@code [n * obsDim]},
     * {@code actions} {@code [n * actDim]}.
     */
    public record Transitions(float[] observations, float[] nextObservations, float[] actions, int obsDim, int actDim) {
        public Transitions {
            if (obsDim < 1 || actDim < 1 || observations.length % obsDim != 0
                    || nextObservations.length != observations.length
                    || actions.length != observations.length / obsDim * actDim) {
                throw new IllegalArgumentException("transitions need [n*" + obsDim + "] observations and next observations"
                        + " and [n*" + actDim + "] actions, got " + observations.length + ", " + nextObservations.length
                        + ", " + actions.length);
            }
        }

        public int n() {
            return observations.length / obsDim;
        }
    }
}
