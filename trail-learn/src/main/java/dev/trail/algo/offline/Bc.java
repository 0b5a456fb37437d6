package dev.trail.algo.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.dist.Categorical;
import dev.trail.dist.DiagGaussian;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.offline.TransitionDataset;
import dev.trail.optim.Adam;
import dev.trail.policy.Actor;
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

    public Bc(BcConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config.common());
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
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
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

    @Override
    protected Actor policy() {
        return actor;
    }

    @Override
    protected String policyType() {
        return PolicyCheckpoint.MLP;
    }

    @Override
    protected PolicySpec policySpec() {
        return spec;
    }

    @Override
    protected Parameters policyParameters() {
        return actorParameters;
    }

    @Override
    protected Map<String, Object> configMap() {
        return config.toMap();
    }

    @Override
    protected void saveState(ObjectNode meta, Map<String, Parameters> files) {
        meta.putObject("optimizer").put("actorStep", optimizer.stepCount());
        Parameters opt = new Parameters();
        addMoments(opt, "actor", actorParameters, optimizer);
        files.put("optimizer", opt);
    }

    @Override
    protected void loadState(JsonNode meta, Checkpoint checkpoint) {
        restoreMoments(checkpoint.tensors("optimizer"), "actor", actorParameters, optimizer,
                meta.path("optimizer").path("actorStep").asLong());
    }

    /** Restores a run saved by {@link #save}. */
    public static Bc load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, d, e, s, t) -> new Bc(BcConfig.binder().bind(c), d, e, s, t));
    }
}
