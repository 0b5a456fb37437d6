package dev.trail.policy;

import ai.djl.ndarray.NDArray;
import dev.trail.dist.Categorical;
import dev.trail.dist.DiagGaussian;
import dev.trail.nn.GridCnn;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.rollout.VectorPolicy;
import dev.trail.seed.Rng;

/**
 * CleanRL's PPO agent: separate actor and critic MLPs over the observation, a categorical head
 * for discrete actions or a diagonal Gaussian with a state-independent log standard deviation
 * ({@code actor.logstd}, initialised to 0) for continuous ones. On MiniGrid observations the
 * heads can sit on a shared {@link GridCnn} encoder ({@link PolicySpec.Encoder#GRID_CNN}).
 *
 * <p>Actor API: {@link #act} on primitive arrays, a plain-Java forward pass over the master
 * weights in {@link #parameters()} (no native call); the optimizer updates those arrays in place,
 * so acting always sees the latest weights. Learner API: {@link #evaluate} on tensors bound from
 * the same arrays. The two passes agree to float rounding (tested to 1e-5).
 *
 * <p>Not thread-safe (the Java pass reuses scratch buffers).
 */
public final class ActorCritic implements Actor, VectorPolicy {

    /** Name of the continuous policy's log standard deviation parameter. */
    public static final String LOG_STD = "actor.logstd";

    private final PolicySpec spec;
    private final Parameters parameters;
    private final Mlp actor;
    private final Mlp critic;
    private final GridCnn encoder; // null without an encoder
    private final int logStdIndex;
    private float[] logits = new float[0];
    private float[] valueOut = new float[0];

    private ActorCritic(PolicySpec spec, Parameters parameters, GridCnn encoder, Mlp actor, Mlp critic) {
        this.spec = spec;
        this.encoder = encoder;
        this.parameters = parameters;
        this.actor = actor;
        this.critic = critic;
        this.logStdIndex = spec.discrete() ? -1 : parameters.indexOf(LOG_STD);
    }

    /**
     * A freshly initialised network: CleanRL's orthogonal init (gain √2 hidden, 0.01 policy head,
     * 1.0 value head, zero biases, log-std 0), all drawn from {@code rng}. With the grid encoder
     * ({@link PolicySpec.Encoder#GRID_CNN}) its convolutions come first (PyTorch's default init),
     * shared by both heads, which then read its features.
     */
    public static ActorCritic create(PolicySpec spec, Rng rng) {
        Parameters p = new Parameters();
        GridCnn encoder = spec.encoder() == PolicySpec.Encoder.GRID_CNN ? GridCnn.create(ENCODER, rng, p) : null;
        Mlp critic = Mlp.create("critic", spec.criticSizes(), spec.activation(), Math.sqrt(2), 1.0, rng, p);
        Mlp actor = Mlp.create("actor", spec.actorSizes(), spec.activation(), Math.sqrt(2), 0.01, rng, p);
        if (!spec.discrete()) {
            p.add(LOG_STD, new int[] {spec.actionSize()}, new float[spec.actionSize()]);
        }
        return new ActorCritic(spec, p, encoder, actor, critic);
    }

    /** Name prefix of the grid encoder's tensors. */
    public static final String ENCODER = "encoder";

    /** A network over existing parameters (from a checkpoint); throws if their layout does not fit {@code spec}. */
    public static ActorCritic attach(PolicySpec spec, Parameters parameters) {
        Parameters fresh = create(spec, new Rng(0)).parameters();
        fresh.checkSameLayout(parameters);
        GridCnn encoder = spec.encoder() == PolicySpec.Encoder.GRID_CNN ? GridCnn.attach(ENCODER, parameters) : null;
        Mlp critic = Mlp.attach("critic", spec.criticSizes(), spec.activation(), parameters);
        Mlp actor = Mlp.attach("actor", spec.actorSizes(), spec.activation(), parameters);
        return new ActorCritic(spec, parameters, encoder, actor, critic);
    }

    @Override
    public int observationSize() {
        return spec.observationSize();
    }

    @Override
    public boolean discrete() {
        return spec.discrete();
    }

    @Override
    public int actionSize() {
        return spec.actionSize();
    }

    @Override
    public void actOne(float[] observation, Rng rng, boolean deterministic, int[] discreteOut, float[] continuousOut) {
        Acted a = deterministic ? actDeterministic(observation, 1) : act(observation, 1, rng);
        if (spec.discrete()) {
            discreteOut[0] = a.discreteActions()[0];
        } else {
            System.arraycopy(a.continuousActions(), 0, continuousOut, 0, spec.actionSize());
        }
    }

    /** The network shape. */
    public PolicySpec spec() {
        return spec;
    }

    /** The master weights (live: the optimizer updates them in place). */
    public Parameters parameters() {
        return parameters;
    }

    /** The actor MLP (logits or Gaussian means). */
    public Mlp actor() {
        return actor;
    }

    /** The critic MLP. */
    public Mlp critic() {
        return critic;
    }

    // ---- actor API (plain Java) ----------------------------------------------------------------

    /**
     * Samples actions for {@code n} observations ({@code obs} is {@code [n * observationSize]}),
     * drawing from {@code rng} row by row; returns the actions, their log-probabilities and the
     * critic's values.
     */
    @Override
    public Acted act(float[] obs, int n, Rng rng) {
        return act(obs, n, rng, false);
    }

    /** The most likely action per row (argmax or Gaussian mean), with its log-probability and value. */
    public Acted actDeterministic(float[] obs, int n) {
        return act(obs, n, null, true);
    }

    private Acted act(float[] obs, int n, Rng rng, boolean deterministic) {
        checkObservations(obs, n);
        int a = spec.actionSize();
        ensureScratch(n);
        float[] in = features(obs, n);
        actor.forward(in, n, logits);
        float[] values = criticValues(in, n);
        float[] logProbs = new float[n];
        if (spec.discrete()) {
            int[] actions = new int[n];
            for (int r = 0; r < n; r++) {
                actions[r] = deterministic ? Categorical.mode(logits, r * a, a) : Categorical.sample(logits, r * a, a, rng);
                logProbs[r] = (float) Categorical.logProb(logits, r * a, a, actions[r]);
            }
            return new Acted(actions, null, logProbs, values);
        }
        float[] logStd = parameters.get(logStdIndex).data();
        float[] actions = new float[n * a];
        for (int r = 0; r < n; r++) {
            if (deterministic) {
                System.arraycopy(logits, r * a, actions, r * a, a);
                logProbs[r] = (float) DiagGaussian.logProb(logits, r * a, logStd, a, actions, r * a);
            } else {
                logProbs[r] = (float) DiagGaussian.sample(logits, r * a, logStd, a, rng, actions, r * a);
            }
        }
        return new Acted(null, actions, logProbs, values);
    }

    /**
     * Acting split across threads: the noise is one uniform per row (categorical) or one standard
     * normal per action dimension (Gaussian), exactly what {@link #act} draws; each
     * {@link VectorPolicy.RowActor} is a network of its own (its own scratch) over these live weights.
     */
    @Override
    public Split split() {
        return new Split() {
            @Override
            public int noisePerRow() {
                return spec.discrete() ? 1 : spec.actionSize();
            }

            @Override
            public void drawNoise(Rng rng, int n, double[] noise) {
                if (spec.discrete()) {
                    for (int r = 0; r < n; r++) {
                        noise[r] = rng.nextDouble();
                    }
                } else {
                    for (int k = 0, end = n * spec.actionSize(); k < end; k++) {
                        noise[k] = rng.nextGaussian();
                    }
                }
            }

            @Override
            public RowActor newActor() {
                ActorCritic copy = attach(spec, parameters);
                return copy::actRows;
            }
        };
    }

    private float[] rowObservations = new float[0];

    /** {@link #act} on rows {@code [from, to)} with drawn noise, into {@code out}'s rows. */
    private void actRows(float[] obs, int from, int to, double[] noise, Acted out) {
        int rows = to - from;
        if (rows <= 0) {
            return;
        }
        int d = spec.observationSize();
        int a = spec.actionSize();
        if (rowObservations.length < rows * d) {
            rowObservations = new float[rows * d];
        }
        System.arraycopy(obs, from * d, rowObservations, 0, rows * d);
        ensureScratch(rows);
        if (valueOut.length < rows) {
            valueOut = new float[rows];
        }
        float[] in = features(rowObservations, rows);
        actor.forward(in, rows, logits);
        critic.forward(in, rows, valueOut);
        if (out.values() != null) {
            System.arraycopy(valueOut, 0, out.values(), from, rows);
        }
        float[] logProbs = out.logProbs();
        if (spec.discrete()) {
            int[] actions = out.discreteActions();
            for (int r = 0; r < rows; r++) {
                int action = Categorical.sample(logits, r * a, a, noise[from + r]);
                actions[from + r] = action;
                if (logProbs != null) {
                    logProbs[from + r] = (float) Categorical.logProb(logits, r * a, a, action);
                }
            }
            return;
        }
        float[] logStd = parameters.get(logStdIndex).data();
        float[] actions = out.continuousActions();
        for (int r = 0; r < rows; r++) {
            double lp = DiagGaussian.sample(logits, r * a, logStd, a, noise, (from + r) * a, actions, (from + r) * a);
            if (logProbs != null) {
                logProbs[from + r] = (float) lp;
            }
        }
    }

    /** The critic's {@code V(s)} for {@code n} observations (a new array). */
    @Override
    public float[] values(float[] obs, int n) {
        checkObservations(obs, n);
        return criticValues(features(obs, n), n);
    }

    /** The heads' input: the observations, or the grid encoder's features of them. */
    private float[] features(float[] obs, int n) {
        return encoder == null ? obs : encoder.forward(obs, n);
    }

    private float[] criticValues(float[] in, int n) {
        if (valueOut.length < n) {
            valueOut = new float[n];
        }
        critic.forward(in, n, valueOut);
        float[] out = new float[n];
        System.arraycopy(valueOut, 0, out, 0, n);
        return out;
    }

    /** The actor's raw outputs (logits or means) for {@code n} observations, {@code [n * actionSize]} (a new array). */
    public float[] actorOutputs(float[] obs, int n) {
        checkObservations(obs, n);
        ensureScratch(n);
        actor.forward(features(obs, n), n, logits);
        float[] out = new float[n * spec.actionSize()];
        System.arraycopy(logits, 0, out, 0, out.length);
        return out;
    }

    private void ensureScratch(int n) {
        if (logits.length < n * spec.actionSize()) {
            logits = new float[n * spec.actionSize()];
        }
    }

    private void checkObservations(float[] obs, int n) {
        if (obs.length < n * spec.observationSize()) {
            throw new IllegalArgumentException(n + " observations of size " + spec.observationSize() + " need "
                    + n * spec.observationSize() + " floats, got " + obs.length);
        }
    }

    // ---- learner API (tensors) ---------------------------------------------------------------------

    /**
     * The learner's view of a batch.
     *
     * @param logProbs {@code log π(a|s)}, {@code [B]}
     * @param entropy policy entropy per row, {@code [B]}
     * @param values {@code V(s)}, {@code [B]}
     */
    public record Evaluated(NDArray logProbs, NDArray entropy, NDArray values) {
    }

    /**
     * Differentiable log-probabilities, entropies and values for {@code observations}
     * ({@code [B, observationSize]}) and {@code actions} ({@code [B]} integers, or
     * {@code [B, actionSize]}), over {@code params} bound from {@link #parameters()}.
     */
    public Evaluated evaluate(Parameters.Bound params, NDArray observations, NDArray actions) {
        NDArray in = encoder == null ? observations : encoder.forward(params, observations);
        NDArray out = actor.forward(params, in);
        NDArray values = critic.forward(params, in).reshape(-1);
        if (spec.discrete()) {
            NDArray[] lpH = Categorical.logProbAndEntropy(out, actions);
            return new Evaluated(lpH[0], lpH[1], values);
        }
        NDArray logStd = params.get(logStdIndex);
        long batch = observations.getShape().get(0);
        return new Evaluated(DiagGaussian.logProb(out, logStd, actions), DiagGaussian.entropy(logStd, batch), values);
    }

    /** {@code V(s)} on tensors, {@code [B]}. */
    public NDArray value(Parameters.Bound params, NDArray observations) {
        NDArray in = encoder == null ? observations : encoder.forward(params, observations);
        return critic.forward(params, in).reshape(-1);
    }
}
