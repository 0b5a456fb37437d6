package dev.trail.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.trail.dist.TanhGaussian;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.seed.Rng;

/**
 * SAC's actor (CleanRL {@code Actor}): an MLP with ReLU hidden layers whose output holds the mean
 * and the raw log standard deviation of each action dimension ({@code [mean | logstd]}, i.e. the
 * {@code fc_mean} and {@code fc_logstd} heads stacked), a log-std bounded to {@code [-5, 2]}, and a
 * {@link TanhGaussian} rescaled to the action box. PyTorch's default layer initialisation, drawn
 * from a Trail stream.
 *
 * <p>Acting ({@link #act}) is plain Java over the master weights; learning uses
 * {@link #rsample(Parameters.Bound, NDArray, NDArray)} on tensors. Not thread-safe.
 */
public final class SquashedGaussianActor implements Actor {

    private final int observationSize;
    private final int actionSize;
    private final float[] scale;
    private final float[] bias;
    private final Parameters parameters;
    private final Mlp net;
    private float[] out = new float[0];

    private SquashedGaussianActor(int observationSize, float[] low, float[] high, Parameters parameters, Mlp net) {
        this.observationSize = observationSize;
        this.actionSize = low.length;
        this.scale = new float[actionSize];
        this.bias = new float[actionSize];
        for (int i = 0; i < actionSize; i++) {
            scale[i] = (high[i] - low[i]) / 2f;
            bias[i] = (high[i] + low[i]) / 2f;
        }
        this.parameters = parameters;
        this.net = net;
    }

    /** A fresh actor for observations of {@code observationSize} and actions in {@code [low, high]}. */
    public static SquashedGaussianActor create(int observationSize, float[] low, float[] high, int[] hidden, Rng rng) {
        Parameters p = new Parameters();
        Mlp net = Mlp.createDefaultInit("actor", sizes(observationSize, hidden, low.length), Activation.RELU, rng, p);
        return new SquashedGaussianActor(observationSize, low, high, p, net);
    }

    /** An actor over existing weights (from a checkpoint). */
    public static SquashedGaussianActor attach(int observationSize, float[] low, float[] high, int[] hidden,
            Parameters parameters) {
        Mlp net = Mlp.attach("actor", sizes(observationSize, hidden, low.length), Activation.RELU, parameters);
        return new SquashedGaussianActor(observationSize, low, high, parameters, net);
    }

    private static int[] sizes(int obs, int[] hidden, int act) {
        int[] s = new int[hidden.length + 2];
        s[0] = obs;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = 2 * act;
        return s;
    }

    /** The master weights. */
    public Parameters parameters() {
        return parameters;
    }

    @Override
    public boolean discrete() {
        return false;
    }

    @Override
    public void actOne(float[] observation, Rng rng, boolean deterministic, int[] discreteOut, float[] continuousOut) {
        float[] a = deterministic ? actDeterministic(observation, 1) : act(observation, 1, rng, null);
        System.arraycopy(a, 0, continuousOut, 0, actionSize);
    }

    /** Observation length. */
    @Override
    public int observationSize() {
        return observationSize;
    }

    /** Action dimensions. */
    @Override
    public int actionSize() {
        return actionSize;
    }

    /** Half-widths of the action box. */
    public float[] scale() {
        return scale.clone();
    }

    /** Centres of the action box. */
    public float[] bias() {
        return bias.clone();
    }

    /**
     * Samples actions for {@code n} observations into a new {@code [n * actionSize]} array;
     * {@code logProbs} (length n) receives their log-densities if not null.
     */
    public float[] act(float[] obs, int n, Rng rng, float[] logProbs) {
        forward(obs, n);
        float[] actions = new float[n * actionSize];
        float[] mean = new float[actionSize];
        float[] logStd = new float[actionSize];
        for (int r = 0; r < n; r++) {
            split(r, mean, logStd);
            double lp = TanhGaussian.sample(mean, logStd, 0, actionSize, scale, bias, rng, actions, r * actionSize);
            if (logProbs != null) {
                logProbs[r] = (float) lp;
            }
        }
        return actions;
    }

    /** The deterministic actions {@code scale · tanh(mean) + bias} for {@code n} observations. */
    public float[] actDeterministic(float[] obs, int n) {
        forward(obs, n);
        float[] actions = new float[n * actionSize];
        float[] mean = new float[actionSize];
        float[] logStd = new float[actionSize];
        for (int r = 0; r < n; r++) {
            split(r, mean, logStd);
            TanhGaussian.mode(mean, 0, actionSize, scale, bias, actions, r * actionSize);
        }
        return actions;
    }

    private void forward(float[] obs, int n) {
        if (out.length < n * 2 * actionSize) {
            out = new float[n * 2 * actionSize];
        }
        net.forward(obs, n, out);
    }

    private void split(int row, float[] mean, float[] logStd) {
        int o = row * 2 * actionSize;
        for (int i = 0; i < actionSize; i++) {
            mean[i] = out[o + i];
            logStd[i] = (float) TanhGaussian.boundLogStd(out[o + actionSize + i]);
        }
    }

    /**
     * Reparameterised actions and log-densities on tensors for {@code observations} ({@code [B, obs]})
     * and standard-normal noise {@code eps} ({@code [B, act]}); returns {@code [actions, logProbs]}.
     */
    public NDArray[] rsample(Parameters.Bound params, NDArray observations, NDArray eps) {
        NDArray h = net.forward(params, observations);
        NDList parts = h.split(2, 1);
        NDArray mean = parts.get(0);
        NDArray logStd = TanhGaussian.boundLogStd(parts.get(1));
        NDManager m = observations.getManager();
        NDArray s = Tensors.create(m, scale, actionSize);
        NDArray b = Tensors.create(m, bias, actionSize);
        return TanhGaussian.rsample(mean, logStd, eps, s, b);
    }
}
