package dev.trail.algo.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.dist.Categorical;
import dev.trail.dist.DiagGaussian;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.fast.JavaMlp;
import dev.trail.offline.TransitionDataset;
import dev.trail.optim.Adam;
import dev.trail.policy.MlpActor;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Behaviour cloning (CORL {@code any_percent_bc.py}): maximum likelihood of the dataset's actions.
 * <ul>
 *   <li>Discrete actions: cross-entropy {@code −log softmax(f(s))[a]}.</li>
 *   <li>Continuous actions, {@code continuous_loss=mse} (CORL): {@code ‖tanh f(s) − a‖²} averaged over
 *       batch and dimensions, actions rescaled to {@code [−1, 1]}.</li>
 *   <li>{@code continuous_loss=gaussian-nll}: {@code −log N(a; tanh f(s), exp(2 log σ))} summed over
 *       dimensions, with a learnt state-independent {@code log σ} clamped to [−20, 2] (CORL's IQL actor).</li>
 * </ul>
 * With {@code backend=java} (the default for both losses above but the Gaussian one) the update runs
 * on the plain-Java MLP ({@link JavaMlp}: forward, the loss gradient on the outputs written out
 * below, backward) with no native call; {@code backend=djl} runs the same loss through libtorch's
 * autograd. The two agree to float rounding, not bit for bit.
 * Evaluation acts with {@code argmax f(s)} or {@code scale · tanh f(s) + bias}. Which transitions
 * are imitated is the sampler's choice ({@code sampler=top-percent} is CORL's "x% BC").
 */
public final class Bc extends OfflineLearner {

    /** The algorithm's name. */
    public static final String ALGORITHM = "bc";
    static final String LOG_STD = "actor.log_std";

    private final BcConfig config;
    private final Parameters actorParameters;
    private final Mlp net;
    private final MlpActor actor;
    private final PolicySpec spec;
    private final Adam optimizer;
    private final boolean nll;
    /** The plain-Java view of {@link #net} ({@code backend=java}), or null. */
    private final JavaMlp javaNet;
    private final float[][] javaGrads;
    private float[] outputGrad = new float[0];

    public Bc(BcConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config);
        this.config = config;
        int out = categories > 0 ? categories : actDim;
        this.spec = new PolicySpec(obsDim, categories > 0, out, config.hiddenLayers(), Activation.RELU, actionLow,
                actionHigh);
        this.actorParameters = new Parameters();
        this.net = Mlp.createDefaultInit(MlpActor.PREFIX, spec.actorSizes(), Activation.RELU,
                Seeds.stream(seed, "init"), actorParameters);
        this.nll = categories == 0 && "gaussian-nll".equals(config.continuousLoss());
        if (nll) {
            actorParameters.add(LOG_STD, new int[] {actDim}, new float[actDim]);
        }
        this.actor = MlpActor.attach(spec, actorParameters);
        this.optimizer = new Adam(actorParameters, 1e-8);
        this.javaNet = config.javaBackend()
                ? JavaMlp.attach(MlpActor.PREFIX, spec.actorSizes(), Activation.RELU, actorParameters) : null;
        this.javaGrads = javaNet == null ? null : actorParameters.zerosLike();
        learns(actor, PolicyCheckpoint.MLP, spec, actorParameters);
        optimised("actor", actorParameters, optimizer);
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
        if (javaNet != null) {
            double loss = javaUpdate();
            return reporting ? Map.of("losses/bc_loss", loss) : Map.of();
        }
        int b = common.batchSize();
        float[][] grads;
        double lossValue = Double.NaN;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            Parameters.Bound params = actorParameters.bind(sub);
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray out = net.forward(params, obs);
                if (categories > 0) {
                    loss = Categorical.logProb(out, Tensors.create(sub, batchActionIndex, b)).neg().mean();
                } else if (nll) {
                    NDArray logStd = params.get(LOG_STD).clip(-20f, 2f);
                    loss = DiagGaussian.logProb(out.tanh(), logStd, Tensors.create(sub, batchActions, b, actDim))
                            .neg().mean();
                } else {
                    loss = out.tanh().sub(Tensors.create(sub, batchActions, b, actDim)).square().mean();
                }
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                lossValue = loss.getFloat();
            }
        }
        step(optimizer, actorParameters, grads, config.learningRate(), "actor");
        if (!reporting) {
            return Map.of();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("losses/bc_loss", lossValue);
        return m;
    }

    /**
     * One update on the plain-Java MLP; returns the loss. Discrete: {@code ∂/∂z mean(−log softmax(z)[a])
     * = (softmax(z) − onehot(a)) / B}. Continuous ({@code mse}): {@code y = tanh z},
     * {@code ∂/∂z mean((y − a)²) = 2 (y − a)(1 − y²) / (B · dim)}.
     */
    private double javaUpdate() {
        int b = common.batchSize();
        int out = categories > 0 ? categories : actDim;
        float[] z = javaNet.forward(batchObservations, b);
        if (outputGrad.length < b * out) {
            outputGrad = new float[b * out];
        }
        double loss = 0;
        if (categories > 0) {
            double[] logP = new double[out];
            for (int r = 0; r < b; r++) {
                int o = r * out;
                dev.trail.dist.Categorical.logSoftmax(z, o, out, logP);
                int a = (int) batchActionIndex[r];
                loss -= logP[a];
                for (int j = 0; j < out; j++) {
                    outputGrad[o + j] = (float) ((Math.exp(logP[j]) - (j == a ? 1 : 0)) / b);
                }
            }
            loss /= b;
        } else {
            int n = b * out;
            for (int i = 0; i < n; i++) {
                double y = Math.tanh(z[i]);
                double d = y - batchActions[i];
                loss += d * d;
                outputGrad[i] = (float) (2 * d * (1 - y * y) / n);
            }
            loss /= n;
        }
        javaNet.backward(outputGrad, javaGrads);
        step(optimizer, actorParameters, javaGrads, config.learningRate(), "actor");
        return loss;
    }

    /** Restores a run saved by {@link #save}. */
    public static Bc load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, d, e, s, t) -> new Bc(BcConfig.binder().bind(c), d, e, s, t));
    }
}
