package dev.trail.algo.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.offline.TransitionDataset;
import dev.trail.optim.Adam;
import dev.trail.policy.MlpActor;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TD3+BC (Fujimoto &amp; Gu 2021, "A Minimalist Approach to Offline RL"), as CORL's {@code td3_bc.py}.
 * Actions live in {@code [−1, 1]} (rescaled from the box); {@code π(s) = tanh f(s)}. Every update:
 * <ol>
 *   <li><b>Critics</b>: {@code ã' = clip(π'(s') + clip(ε, −c, c), −1, 1)}, {@code ε ~ N(0, σ²)};
 *       {@code y = r + γ (1 − terminal) min(Q1', Q2')(s', ã')}; loss
 *       {@code mse(Q1(s, a), y) + mse(Q2(s, a), y)}.</li>
 *   <li>Every {@code policy_frequency} updates, <b>actor</b>: {@code λ = α / mean|Q1(s, π(s))|} (no
 *       gradient through λ), loss {@code −λ · mean Q1(s, π(s)) + mse(π(s), a)}; then Polyak updates
 *       of the actor and critic targets.</li>
 * </ol>
 */
public final class Td3Bc extends OfflineLearner {

    /** The algorithm's name. */
    public static final String ALGORITHM = "td3bc";

    private final Td3BcConfig config;
    private final PolicySpec spec;
    private final Parameters actorParameters;
    private final Parameters actorTarget;
    private final Mlp actorNet;
    private final MlpActor actor;
    private final Parameters critic;
    private final Parameters criticTarget;
    private final Mlp q1;
    private final Mlp q2;
    private final Adam actorOptimizer;
    private final Adam criticOptimizer;
    private double criticLoss = Double.NaN;
    private double actorLoss = Double.NaN;
    private double qValues = Double.NaN;

    public Td3Bc(Td3BcConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config);
        OfflineAlgorithms.requireContinuous(ALGORITHM, data);
        this.config = config;
        int[] hidden = config.hiddenLayers();
        this.spec = new PolicySpec(obsDim, false, actDim, hidden, Activation.RELU, actionLow, actionHigh);
        Rng init = Seeds.stream(seed, "init");
        this.actorParameters = new Parameters();
        this.actorNet = Mlp.createDefaultInit(MlpActor.PREFIX, spec.actorSizes(), Activation.RELU, init,
                actorParameters);
        this.actor = MlpActor.attach(spec, actorParameters);
        this.actorTarget = actorParameters.copy();
        this.critic = new Parameters();
        int[] qSizes = qSizes(obsDim + actDim, hidden);
        this.q1 = Mlp.createDefaultInit("qf1", qSizes, Activation.RELU, init, critic);
        this.q2 = Mlp.createDefaultInit("qf2", qSizes, Activation.RELU, init, critic);
        this.criticTarget = critic.copy();
        this.actorOptimizer = new Adam(actorParameters, 1e-8);
        this.criticOptimizer = new Adam(critic, 1e-8);
        learns(actor, PolicyCheckpoint.MLP, spec, actorParameters);
        optimised("actor", actorParameters, actorOptimizer);
        optimised("critic", critic, criticOptimizer);
        saved("actor_target", actorTarget);
        saved("critic", critic);
        saved("critic_target", criticTarget);
    }

    static int[] qSizes(int in, int[] hidden) {
        int[] s = new int[hidden.length + 2];
        s[0] = in;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = 1;
        return s;
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
        updateCritics(reporting);
        if ((updates + 1) % config.policyFrequency() == 0) {
            updateActor(reporting);
            actorTarget.softUpdateFrom(actorParameters, config.tau());
            criticTarget.softUpdateFrom(critic, config.tau());
        }
        if (!reporting) {
            return Map.of();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("losses/critic_loss", criticLoss);
        if (Double.isFinite(actorLoss)) {
            m.put("losses/actor_loss", actorLoss); // none before the first actor update
        }
        m.put("losses/q_values", qValues);
        return m;
    }

    private void updateCritics(boolean reporting) {
        int b = common.batchSize();
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            NDArray act = Tensors.create(sub, batchActions, b, actDim);
            NDArray next = Tensors.create(sub, batchNextObservations, b, obsDim);
            NDArray noise = Tensors.mul(gaussian(sub, b, actDim), (float) config.policyNoise())
                    .clip(-config.noiseClip(), config.noiseClip());
            NDArray nextAct = actorNet.forward(actorTarget.constant(sub), next).tanh().add(noise).clip(-1f, 1f);
            Parameters.Bound target = criticTarget.constant(sub);
            NDArray nextIn = NDArrays.concat(new NDList(next, nextAct), 1);
            NDArray minNext = q1.forward(target, nextIn).minimum(q2.forward(target, nextIn)).reshape(-1);
            NDArray y = Tensors.create(sub, batchRewards, b)
                    .add(Tensors.mul(Tensors.create(sub, batchNotDone, b).mul(minNext), (float) config.gamma()));
            Parameters.Bound params = critic.bind(sub);
            NDArray in = NDArrays.concat(new NDList(obs, act), 1);
            NDArray loss;
            NDArray v1;
            try (GradientCollector gc = engine.newGradientCollector()) {
                v1 = q1.forward(params, in).reshape(-1);
                NDArray v2 = q2.forward(params, in).reshape(-1);
                loss = v1.sub(y).square().mean().add(v2.sub(y).square().mean());
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                criticLoss = loss.getFloat();
                qValues = v1.mean().getFloat();
            }
        }
        step(criticOptimizer, critic, grads, config.qLr(), "critic");
    }

    private void updateActor(boolean reporting) {
        int b = common.batchSize();
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            NDArray act = Tensors.create(sub, batchActions, b, actDim);
            Parameters.Bound criticC = critic.constant(sub);
            Parameters.Bound params = actorParameters.bind(sub);
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray pi = actorNet.forward(params, obs).tanh();
                NDArray q = q1.forward(criticC, NDArrays.concat(new NDList(obs, pi), 1)).reshape(-1);
                NDArray lambda = Tensors.mul(Tensors.pow(q.abs().mean().stopGradient(), -1), (float) config.alpha());
                loss = q.mean().mul(lambda).neg().add(pi.sub(act).square().mean());
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                actorLoss = loss.getFloat();
            }
        }
        step(actorOptimizer, actorParameters, grads, config.policyLr(), "actor");
    }

    @Override
    protected void saveState(ObjectNode meta, Map<String, Parameters> files) {
        meta.put("actorLoss", Double.isFinite(actorLoss) ? actorLoss : 0);
    }

    @Override
    protected void loadState(JsonNode meta, Checkpoint cp) {
        actorLoss = updates >= config.policyFrequency() ? meta.path("actorLoss").asDouble() : Double.NaN;
    }

    /** Restores a run saved by {@link #save}. */
    public static Td3Bc load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, d, e, s, t) -> new Td3Bc(Td3BcConfig.binder().bind(c), d, e, s, t));
    }
}
