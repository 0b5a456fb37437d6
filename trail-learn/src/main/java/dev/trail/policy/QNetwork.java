package dev.trail.policy;

import ai.djl.ndarray.NDArray;
import dev.trail.nn.Activation;
import dev.trail.nn.GridCnn;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.seed.Rng;

/**
 * A Q-network for discrete actions: {@code Q(s, ·)}, one value per action. CleanRL's
 * {@code dqn.py} network is an MLP {@code obs -> 120 -> 84 -> n} with ReLU and PyTorch's default
 * {@code nn.Linear} init; on MiniGrid observations ({@link PolicySpec.Encoder#GRID_CNN}) the MLP
 * reads the features of a {@link GridCnn}.
 *
 * <p>Tensors: {@code encoder.conv*} (grid only), then {@code q.<l>.weight/bias}. Two passes over
 * the same weights: {@link #qValues(float[], int)} in plain Java (acting, evaluation) and
 * {@link #qValues(Parameters.Bound, NDArray)} on DJL tensors (learning); they agree to float
 * rounding. Acting greedily is the argmax (first index on ties, as {@code torch.argmax}).
 * Not thread-safe (scratch buffers).
 */
public final class QNetwork implements Actor {

    /** Name prefix of the MLP's tensors. */
    public static final String PREFIX = "q";

    private final PolicySpec spec;
    private final Parameters parameters;
    private final GridCnn encoder;
    private final Mlp mlp;
    private float[] out = new float[0];

    private QNetwork(PolicySpec spec, Parameters parameters, GridCnn encoder, Mlp mlp) {
        if (!spec.discrete()) {
            throw new IllegalArgumentException("a Q-network needs discrete actions, got " + spec.describe());
        }
        this.spec = spec;
        this.parameters = parameters;
        this.encoder = encoder;
        this.mlp = mlp;
    }

    /** A fresh network with PyTorch's default initialisation drawn from {@code rng}. */
    public static QNetwork create(PolicySpec spec, Rng rng) {
        Parameters p = new Parameters();
        GridCnn encoder = spec.encoder() == PolicySpec.Encoder.GRID_CNN ? GridCnn.create(ActorCritic.ENCODER, rng, p)
                : null;
        Mlp mlp = Mlp.createDefaultInit(PREFIX, spec.actorSizes(), spec.activation(), rng, p);
        return new QNetwork(spec, p, encoder, mlp);
    }

    /** A network over existing parameters (a checkpoint, or a target copy); throws if their layout does not fit. */
    public static QNetwork attach(PolicySpec spec, Parameters parameters) {
        create(spec, new Rng(0)).parameters().checkSameLayout(parameters);
        GridCnn encoder = spec.encoder() == PolicySpec.Encoder.GRID_CNN ? GridCnn.attach(ActorCritic.ENCODER, parameters)
                : null;
        return new QNetwork(spec, parameters, encoder, Mlp.attach(PREFIX, spec.actorSizes(), spec.activation(), parameters));
    }

    /** The shape. */
    public PolicySpec spec() {
        return spec;
    }

    /** The weights (live). */
    public Parameters parameters() {
        return parameters;
    }

    /** The MLP head. */
    public Mlp mlp() {
        return mlp;
    }

    /** Whether an encoder sits in front of the MLP. */
    public boolean hasEncoder() {
        return encoder != null;
    }

    /** {@code Q(s, ·)} for {@code n} observations in plain Java: {@code [n, actions]} (a new array). */
    public float[] qValues(float[] obs, int n) {
        if (obs.length < n * spec.observationSize()) {
            throw new IllegalArgumentException(n + " observations of size " + spec.observationSize() + " need "
                    + n * spec.observationSize() + " floats, got " + obs.length);
        }
        int a = spec.actionSize();
        if (out.length < n * a) {
            out = new float[n * a];
        }
        mlp.forward(encoder == null ? obs : encoder.forward(obs, n), n, out);
        return java.util.Arrays.copyOf(out, n * a);
    }

    /** {@code Q(s, ·)} on tensors: {@code [B, obs]} to {@code [B, actions]}. */
    public NDArray qValues(Parameters.Bound params, NDArray observations) {
        return mlp.forward(params, encoder == null ? observations : encoder.forward(params, observations));
    }

    /** The greedy action of each of {@code n} observations. */
    public int[] greedy(float[] obs, int n) {
        float[] q = qValues(obs, n);
        int a = spec.actionSize();
        int[] actions = new int[n];
        for (int r = 0; r < n; r++) {
            actions[r] = argmax(q, r * a, a);
        }
        return actions;
    }

    /** Index of the largest of {@code values[offset .. offset + n)}, the first on ties. */
    public static int argmax(float[] values, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public int observationSize() {
        return spec.observationSize();
    }

    @Override
    public boolean discrete() {
        return true;
    }

    @Override
    public int actionSize() {
        return spec.actionSize();
    }

    /** The greedy action (a Q-network's policy is its argmax, whether or not {@code deterministic}). */
    @Override
    public void actOne(float[] observation, Rng rng, boolean deterministic, int[] discreteOut, float[] continuousOut) {
        discreteOut[0] = greedy(observation, 1)[0];
    }

    /** ReLU, CleanRL's hidden activation for Q-networks. */
    public static final Activation ACTIVATION = Activation.RELU;
}
