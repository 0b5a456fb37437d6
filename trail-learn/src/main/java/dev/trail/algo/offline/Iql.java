package dev.trail.algo.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
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
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Implicit Q-Learning (Kostrikov, Nair &amp; Levine 2021), as CORL's {@code iql.py}, for continuous
 * and discrete actions. Every update, on one batch:
 * <ol>
 *   <li><b>V</b>: {@code u = min(Q1', Q2')(s, a) − V(s)} with the target Q networks; expectile loss
 *       {@code mean(|τ − 1(u &lt; 0)| u²)}.</li>
 *   <li><b>Q</b>: {@code y = r + γ (1 − terminal) V(s')} (V before this update's step);
 *       loss {@code (mse(Q1(s, a), y) + mse(Q2(s, a), y)) / 2}; Polyak update of the targets.</li>
 *   <li><b>Actor</b> (advantage-weighted regression): {@code w = min(exp(β u), exp_adv_max)} (no
 *       gradient), loss {@code mean(w · ℓ)} with {@code ℓ = −log π(a|s)}: a categorical over
 *       {@code f(s)} for discrete actions; a Gaussian with mean {@code tanh f(s)} and a learnt
 *       state-independent log-std (clamped to [−20, 2]) for continuous ones, or
 *       {@code ℓ = ‖tanh f(s) − a‖²} with {@code deterministic_actor}. The actor's learning rate
 *       follows CORL's cosine annealing to 0 over the run.</li>
 * </ol>
 * For discrete actions the Q networks output one value per category ({@code Q(s, ·)}) and
 * {@code Q(s, a)} picks the dataset action.
 *
 * <p><b>Online fine-tuning</b> ({@code online_steps > 0}, CORL's {@code finetune/iql.py}): after the
 * offline updates, every update is preceded by one environment step with an exploration action
 * (a categorical or Gaussian sample of the actor, or the deterministic actor's action plus clipped
 * Gaussian noise), and batches are drawn uniformly from the dataset and the online transitions
 * together. {@link #fineTune} starts that phase from an offline checkpoint.
 */
public final class Iql extends OfflineLearner {

    /** The algorithm's name. */
    public static final String ALGORITHM = "iql";

    private final IqlConfig config;
    private final PolicySpec spec;
    private final Parameters actorParameters;
    private final Mlp actorNet;
    private final MlpActor actor;
    private final Parameters critic;
    private final Parameters criticTarget;
    private final Mlp q1;
    private final Mlp q2;
    private final Parameters value;
    private final Mlp vf;
    private final Adam actorOptimizer;
    private final Adam criticOptimizer;
    private final Adam valueOptimizer;
    private final boolean gaussian;

    public Iql(IqlConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config, config.onlineSteps());
        this.config = config;
        int[] hidden = config.hiddenLayers();
        boolean discrete = categories > 0;
        this.spec = new PolicySpec(obsDim, discrete, discrete ? categories : actDim, hidden, Activation.RELU,
                actionLow, actionHigh);
        Rng init = Seeds.stream(seed, "init");
        this.actorParameters = new Parameters();
        this.actorNet = Mlp.createDefaultInit(MlpActor.PREFIX, spec.actorSizes(), Activation.RELU, init,
                actorParameters);
        this.gaussian = !discrete && !config.deterministicActor();
        if (gaussian) {
            actorParameters.add(Bc.LOG_STD, new int[] {actDim}, new float[actDim]);
        }
        this.actor = MlpActor.attach(spec, actorParameters);
        this.critic = new Parameters();
        int[] qSizes = discrete ? Td3Bc.qSizes(obsDim, hidden) : Td3Bc.qSizes(obsDim + actDim, hidden);
        qSizes[qSizes.length - 1] = discrete ? categories : 1;
        this.q1 = Mlp.createDefaultInit("qf1", qSizes, Activation.RELU, init, critic);
        this.q2 = Mlp.createDefaultInit("qf2", qSizes, Activation.RELU, init, critic);
        this.criticTarget = critic.copy();
        this.value = new Parameters();
        this.vf = Mlp.createDefaultInit("vf", Td3Bc.qSizes(obsDim, hidden), Activation.RELU, init, value);
        this.actorOptimizer = new Adam(actorParameters, 1e-8);
        this.criticOptimizer = new Adam(critic, 1e-8);
        this.valueOptimizer = new Adam(value, 1e-8);
        learns(actor, PolicyCheckpoint.MLP, spec, actorParameters);
        optimised("actor", actorParameters, actorOptimizer);
        optimised("critic", critic, criticOptimizer);
        optimised("value", value, valueOptimizer);
        saved("critic", critic);
        saved("critic_target", criticTarget);
        saved("value", value);
    }

    /** {@code Q(s, a)} of one network: the chosen category's output, or the output on {@code [s, a]}. */
    private NDArray q(Mlp net, Parameters.Bound p, NDArray obs, NDArray act, NDArray oneHot) {
        if (categories > 0) {
            return net.forward(p, obs).mul(oneHot).sum(new int[] {1});
        }
        return net.forward(p, NDArrays.concat(new NDList(obs, act), 1)).reshape(-1);
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
        int b = common.batchSize();
        Map<String, Double> m = reporting ? new LinkedHashMap<>() : Map.of();
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            NDArray next = Tensors.create(sub, batchNextObservations, b, obsDim);
            NDArray act = Tensors.create(sub, batchActions, b, actDim);
            NDArray oneHot = categories > 0 ? Tensors.create(sub, batchOneHot, b, categories) : null;
            NDArray nextV = vf.forward(value.constant(sub), next).reshape(-1);
            Parameters.Bound target = criticTarget.constant(sub);
            NDArray targetQ = q(q1, target, obs, act, oneHot).minimum(q(q2, target, obs, act, oneHot));

            // V: expectile regression towards the target Q
            Parameters.Bound vParams = value.bind(sub);
            NDArray vLoss;
            NDArray advantage;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray u = targetQ.sub(vf.forward(vParams, obs).reshape(-1));
                NDArray weight = Tensors.mul(u.lt(0f).toType(DataType.FLOAT32, false), (float) (1 - 2 * config.expectile()))
                        .add((float) config.expectile());
                vLoss = weight.mul(u.square()).mean();
                advantage = u.stopGradient();
                gc.backward(vLoss);
            }
            float[][] vGrads = vParams.gradients();

            // Q: one-step TD towards r + γ V(s')
            NDArray y = Tensors.create(sub, batchRewards, b)
                    .add(Tensors.mul(Tensors.create(sub, batchNotDone, b).mul(nextV), (float) config.gamma()));
            Parameters.Bound qParams = critic.bind(sub);
            NDArray qLoss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray a1 = q(q1, qParams, obs, act, oneHot);
                NDArray a2 = q(q2, qParams, obs, act, oneHot);
                qLoss = Tensors.div(a1.sub(y).square().mean().add(a2.sub(y).square().mean()), 2f);
                gc.backward(qLoss);
            }
            float[][] qGrads = qParams.gradients();

            // actor: advantage-weighted regression
            NDArray weights = Tensors.minimum(Tensors.mul(advantage, (float) config.beta()).exp(), (float) config.expAdvMax());
            Parameters.Bound aParams = actorParameters.bind(sub);
            NDArray actorLoss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray out = actorNet.forward(aParams, obs);
                NDArray perSample;
                if (categories > 0) {
                    perSample = Categorical.logProb(out, Tensors.create(sub, batchActionIndex, b)).neg();
                } else if (gaussian) {
                    perSample = DiagGaussian.logProb(out.tanh(), aParams.get(Bc.LOG_STD).clip(-20f, 2f), act).neg();
                } else {
                    perSample = out.tanh().sub(act).square().sum(new int[] {1});
                }
                actorLoss = weights.mul(perSample).mean();
                gc.backward(actorLoss);
            }
            float[][] aGrads = aParams.gradients();
            if (reporting) {
                m.put("losses/value_loss", (double) vLoss.getFloat());
                m.put("losses/q_loss", (double) qLoss.getFloat());
                m.put("losses/actor_loss", (double) actorLoss.getFloat());
                m.put("losses/advantage", (double) advantage.mean().getFloat());
            }
            step(valueOptimizer, value, vGrads, config.vLr(), "value");
            step(criticOptimizer, critic, qGrads, config.qLr(), "critic");
            step(actorOptimizer, actorParameters, aGrads, actorLr(), "actor");
        }
        criticTarget.softUpdateFrom(critic, config.tau());
        if (reporting) {
            m.put("charts/policy_lr", actorLr());
        }
        return m;
    }

    @Override
    protected void explore(float[] observation, Rng rng, int[] discreteOut, float[] continuousOut) {
        float[] mean = new float[actDim];
        actor.actOne(observation, rng, false, discreteOut, mean);
        if (categories > 0) {
            return; // a sample of the categorical
        }
        float[] logStd = gaussian ? actorParameters.get(Bc.LOG_STD).data() : null;
        for (int j = 0; j < actDim; j++) {
            // the actor acts in the box; learner form is tanh f(s) in [-1, 1]
            float scale = (actionHigh[j] - actionLow[j]) / 2f;
            float bias = (actionHigh[j] + actionLow[j]) / 2f;
            double a = (mean[j] - bias) / scale;
            double eps = rng.nextGaussian();
            a += gaussian ? Math.exp(Math.max(-20, Math.min(2, logStd[j]))) * eps
                    : Math.max(-config.noiseClip(), Math.min(config.noiseClip(), config.explNoise() * eps));
            continuousOut[j] = (float) Math.max(-1, Math.min(1, a));
        }
    }

    /** CORL's {@code CosineAnnealingLR(actor_optimizer, max_steps)}: {@code lr · (1 + cos(π t / T)) / 2} at update t. */
    private double actorLr() {
        return config.policyLr() * (1 + Math.cos(Math.PI * updates / totalUpdates)) / 2;
    }

    /**
     * Online fine-tuning from an offline checkpoint: its networks, optimisers, counters and
     * normalisation as they are, its config with {@code online_steps} replaced, the offline updates
     * it did counted as done, and the online phase seeded from {@code seed}.
     */
    public static Iql fineTune(java.nio.file.Path offlineCheckpoint, int onlineSteps, TransitionDataset data,
            EnvSpec env, long seed) throws java.io.IOException {
        JsonNode meta = checkFineTune(onlineSteps, offlineCheckpoint);
        long offlineUpdates = meta.path("globalStep").asLong();
        return OfflineLearner.load(offlineCheckpoint, ALGORITHM, data, env, (c, d, e, s, t) -> {
            java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>(IqlConfig.binder().bind(c).toMap());
            settings.put("online_steps", onlineSteps);
            return new Iql(IqlConfig.binder().bind(settings), d, e, seed, offlineUpdates);
        });
    }

    /** Refuses what {@link #fineTune} cannot start from, naming the option or the checkpoint. */
    public static void checkFineTune(IqlConfig config, java.nio.file.Path offlineCheckpoint) throws java.io.IOException {
        checkFineTune(config.onlineSteps(), offlineCheckpoint);
    }

    private static JsonNode checkFineTune(int onlineSteps, java.nio.file.Path offlineCheckpoint)
            throws java.io.IOException {
        if (onlineSteps < 1) {
            throw new IllegalArgumentException("fine-tuning from " + offlineCheckpoint + " needs online_steps >= 1, got "
                    + onlineSteps);
        }
        JsonNode meta = Checkpoint.read(offlineCheckpoint).metadata();
        if (!ALGORITHM.equals(meta.path("algorithm").asText())) {
            throw new IllegalArgumentException(offlineCheckpoint + " is a checkpoint of '" + meta.path("algorithm").asText()
                    + "', not of an offline IQL run");
        }
        if (meta.path("online").path("steps").asLong() > 0) {
            throw new IllegalArgumentException(offlineCheckpoint + " is already a fine-tuning run's checkpoint; "
                    + "resume it with --resume, or start from its offline checkpoint");
        }
        return meta;
    }

    /** Restores a run saved by {@link #save}. */
    public static Iql load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, d, e, s, t) -> new Iql(IqlConfig.binder().bind(c), d, e, s, t));
    }
}
