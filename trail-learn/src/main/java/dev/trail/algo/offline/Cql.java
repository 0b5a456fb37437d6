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
import dev.trail.policy.Actor;
import dev.trail.policy.MlpActor;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.policy.SquashedGaussianActor;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Conservative Q-Learning (Kumar et al. 2020).
 *
 * <p><b>Continuous actions</b> (CORL {@code cql.py}, SAC-based, actions in the environment's units):
 * <ol>
 *   <li><b>Actor</b>: {@code ã, log π(ã|s)} reparameterised from the squashed Gaussian; loss
 *       {@code mean(α log π − min(Q1, Q2)(s, ã))}; temperature (autotune) by CORL's loss
 *       {@code −log α · mean(log π + H̄)}, {@code H̄ = −dim(A)}, at {@code policy_lr}.</li>
 *   <li><b>Q</b>: {@code y = r + γ (1 − terminal) min(Q1', Q2')(s', a')}, {@code a' ~ π(s')} (no entropy
 *       backup); plus the conservative term {@code cql_alpha · mean(T · logsumexp(X / T) − Q(s, a))}
 *       per critic, where {@code X} stacks, for {@code n = cql_n_actions} actions each, uniform actions
 *       minus their log-density, {@code π(s)} samples minus their log π and {@code π(s')} samples
 *       (evaluated at {@code s}) minus their log π (importance sampling, CORL's default).</li>
 *   <li>Polyak update of the target critics every update.</li>
 * </ol>
 * The actor is Trail's {@link SquashedGaussianActor} (CleanRL's bounded log-std head) rather than
 * CORL's {@code log_std_multiplier/offset} parameterisation.
 *
 * <p><b>Discrete actions</b> (DQN-based CQL(H)): {@code Q(s, ·)} with a Polyak target;
 * loss {@code mse(Q(s, a), r + γ (1 − terminal) max_a' Q'(s', a'))
 * + cql_alpha · mean(T · logsumexp(Q(s, ·) / T) − Q(s, a))}; the policy is {@code argmax Q}.
 */
public final class Cql extends OfflineLearner {

    /** The algorithm's name. */
    public static final String ALGORITHM = "cql";

    private final CqlConfig config;
    private final boolean discrete;
    private final PolicySpec spec;
    // continuous
    private final SquashedGaussianActor gaussianActor;
    private final Parameters critic;
    private final Parameters criticTarget;
    private final Mlp q1;
    private final Mlp q2;
    private final Parameters logAlpha;
    private final Adam actorOptimizer;
    private final Adam alphaOptimizer;
    private double alpha;
    // discrete: the Q network is the policy (argmax)
    private final MlpActor qActor;
    private final Mlp qNet;
    private final Adam criticOptimizer;

    public Cql(CqlConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config);
        checkDataset(config, data);
        this.config = config;
        this.discrete = categories > 0;
        int[] hidden = config.hiddenLayers();
        Rng init = Seeds.stream(seed, "init");
        this.critic = new Parameters();
        if (discrete) {
            this.spec = new PolicySpec(obsDim, true, categories, hidden, Activation.RELU, null, null);
            this.qNet = Mlp.createDefaultInit(MlpActor.PREFIX, spec.actorSizes(), Activation.RELU, init, critic);
            this.qActor = MlpActor.attach(spec, critic);
            this.gaussianActor = null;
            this.q1 = null;
            this.q2 = null;
            this.logAlpha = null;
            this.actorOptimizer = null;
            this.alphaOptimizer = null;
        } else {
            this.spec = new PolicySpec(obsDim, false, actDim, hidden, Activation.RELU, actionLow, actionHigh);
            this.gaussianActor = SquashedGaussianActor.create(obsDim, actionLow, actionHigh, hidden, init);
            int[] qSizes = Td3Bc.qSizes(obsDim + actDim, hidden);
            this.q1 = Mlp.create("qf1", qSizes, Activation.RELU, Math.sqrt(2), 1e-2, init, critic);
            this.q2 = Mlp.create("qf2", qSizes, Activation.RELU, Math.sqrt(2), 1e-2, init, critic);
            this.logAlpha = new Parameters();
            logAlpha.add("log_alpha", new int[] {1}, new float[] {0f});
            this.actorOptimizer = new Adam(gaussianActor.parameters(), 1e-8);
            this.alphaOptimizer = new Adam(logAlpha, 1e-8);
            this.qActor = null;
            this.qNet = null;
        }
        this.alpha = config.autotune() ? 1.0 : config.alpha();
        this.criticTarget = critic.copy();
        this.criticOptimizer = new Adam(critic, 1e-8);
        optimised("critic", critic, criticOptimizer);
        saved("critic_target", criticTarget);
        if (discrete) {
            learns(qActor, PolicyCheckpoint.MLP, spec, critic);
        } else {
            learns(gaussianActor, PolicyCheckpoint.SQUASHED_GAUSSIAN, spec, gaussianActor.parameters());
            optimised("actor", gaussianActor.parameters(), actorOptimizer);
            optimised("alpha", logAlpha, alphaOptimizer);
            saved("critic", critic);
        }
    }

    /** Refuses a variant that does not match the dataset's actions, naming the file and the field. */
    static void checkDataset(CqlConfig config, TransitionDataset data) {
        if ("continuous".equals(config.variant()) && data.discrete()) {
            throw new IllegalArgumentException(data.source() + ": field actions holds discrete actions ("
                    + data.actionCategories() + " categories); cql variant=continuous needs continuous (Box) actions"
                    + " (use variant=auto or discrete)");
        }
        if ("discrete".equals(config.variant()) && !data.discrete()) {
            throw new IllegalArgumentException(data.source() + ": field actions holds continuous actions; cql"
                    + " variant=discrete needs discrete actions (use variant=auto or continuous)");
        }
    }

    @Override
    protected boolean rawActions() {
        return true;
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
        Map<String, Double> m = discrete ? updateDiscrete(reporting) : updateContinuous(reporting);
        criticTarget.softUpdateFrom(critic, config.tau());
        return m;
    }

    /** {@code T · logsumexp(x / T)} over axis 1, through {@code x − log_softmax(x)} (the same in every column). */
    private NDArray logSumExp(NDArray x) {
        float t = (float) config.cqlTemp();
        NDArray scaled = Tensors.div(x, t);
        return Tensors.mul(scaled.sub(scaled.logSoftmax(1)).mean(new int[] {1}), t);
    }

    private Map<String, Double> updateDiscrete(boolean reporting) {
        int b = common.batchSize();
        float[][] grads;
        Map<String, Double> m = reporting ? new LinkedHashMap<>() : Map.of();
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            NDArray next = Tensors.create(sub, batchNextObservations, b, obsDim);
            NDArray oneHot = Tensors.create(sub, batchOneHot, b, categories);
            NDArray maxNext = qNet.forward(criticTarget.constant(sub), next).max(new int[] {1});
            NDArray y = Tensors.create(sub, batchRewards, b)
                    .add(Tensors.mul(Tensors.create(sub, batchNotDone, b).mul(maxNext), (float) config.gamma()));
            Parameters.Bound params = critic.bind(sub);
            NDArray tdLoss;
            NDArray gap;
            NDArray loss;
            NDArray qData;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray all = qNet.forward(params, obs);
                qData = all.mul(oneHot).sum(new int[] {1});
                tdLoss = qData.sub(y).square().mean();
                gap = logSumExp(all).sub(qData).mean();
                loss = tdLoss.add(Tensors.mul(gap, (float) config.cqlAlpha()));
                gc.backward(loss);
            }
            grads = params.gradients();
            if (reporting) {
                m.put("losses/q_loss", (double) tdLoss.getFloat());
                m.put("losses/cql_gap", (double) gap.getFloat());
                m.put("losses/loss", (double) loss.getFloat());
                m.put("losses/q_values", (double) qData.mean().getFloat());
            }
        }
        step(criticOptimizer, critic, grads, config.qLr(), "q");
        return m;
    }

    private Map<String, Double> updateContinuous(boolean reporting) {
        int b = common.batchSize();
        int n = config.cqlNActions();
        Map<String, Double> m = reporting ? new LinkedHashMap<>() : Map.of();
        Parameters actorParams = gaussianActor.parameters();
        float[][] actorGrads;
        float[][] criticGrads;
        double meanLogPi;
        try (NDManager sub = manager.newSubManager()) {
            NDArray obs = Tensors.create(sub, batchObservations, b, obsDim);
            NDArray next = Tensors.create(sub, batchNextObservations, b, obsDim);
            NDArray act = Tensors.create(sub, batchActions, b, actDim);

            // actor (critics constant)
            Parameters.Bound criticC = critic.constant(sub);
            Parameters.Bound aParams = actorParams.bind(sub);
            NDArray actorLoss;
            NDArray logPi;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray[] sample = gaussianActor.rsample(aParams, obs, gaussian(sub, b, actDim));
                NDArray in = NDArrays.concat(new NDList(obs, sample[0]), 1);
                NDArray minQ = q1.forward(criticC, in).minimum(q2.forward(criticC, in)).reshape(-1);
                logPi = sample[1];
                actorLoss = Tensors.mul(logPi, (float) alpha).sub(minQ).mean();
                gc.backward(actorLoss);
            }
            actorGrads = aParams.gradients();
            meanLogPi = logPi.mean().getFloat();

            // critics: TD target from the target critics and the actor (constant)
            Parameters.Bound actorC = actorParams.constant(sub);
            NDArray[] nextSample = gaussianActor.rsample(actorC, next, gaussian(sub, b, actDim));
            Parameters.Bound target = criticTarget.constant(sub);
            NDArray nextIn = NDArrays.concat(new NDList(next, nextSample[0]), 1);
            NDArray minNext = q1.forward(target, nextIn).minimum(q2.forward(target, nextIn)).reshape(-1);
            NDArray y = Tensors.create(sub, batchRewards, b)
                    .add(Tensors.mul(Tensors.create(sub, batchNotDone, b).mul(minNext), (float) config.gamma()));
            // the CQL samples: n uniform, n from π(s), n from π(s') per state, all scored at s
            NDArray obsRep = obs.repeat(0, n);
            NDArray nextRep = next.repeat(0, n);
            float[] uniform = new float[b * n * actDim];
            double logDensity = 0;
            for (int j = 0; j < actDim; j++) {
                logDensity -= Math.log(actionHigh[j] - actionLow[j]);
            }
            for (int i = 0; i < uniform.length; i++) {
                int j = i % actDim;
                uniform[i] = actionLow[j] + (float) noiseRng.nextDouble() * (actionHigh[j] - actionLow[j]);
            }
            NDArray randomActions = Tensors.create(sub, uniform, (long) b * n, actDim);
            NDArray[] current = gaussianActor.rsample(actorC, obsRep, gaussian(sub, b * n, actDim));
            NDArray[] following = gaussianActor.rsample(actorC, nextRep, gaussian(sub, b * n, actDim));
            Parameters.Bound params = critic.bind(sub);
            NDArray tdLoss;
            NDArray gapSum;
            NDArray loss;
            NDArray q1Data;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray in = NDArrays.concat(new NDList(obs, act), 1);
                q1Data = q1.forward(params, in).reshape(-1);
                NDArray q2Data = q2.forward(params, in).reshape(-1);
                tdLoss = q1Data.sub(y).square().mean().add(q2Data.sub(y).square().mean());
                NDArray gap1 = conservativeGap(q1, params, obsRep, randomActions, current, following, logDensity,
                        q1Data, b, n);
                NDArray gap2 = conservativeGap(q2, params, obsRep, randomActions, current, following, logDensity,
                        q2Data, b, n);
                gapSum = gap1.add(gap2);
                loss = tdLoss.add(Tensors.mul(gapSum, (float) config.cqlAlpha()));
                gc.backward(loss);
            }
            criticGrads = params.gradients();
            if (reporting) {
                m.put("losses/q_loss", (double) tdLoss.getFloat() / 2);
                m.put("losses/cql_gap", (double) gapSum.getFloat() / 2);
                m.put("losses/loss", (double) loss.getFloat());
                m.put("losses/actor_loss", (double) actorLoss.getFloat());
                m.put("losses/q_values", (double) q1Data.mean().getFloat());
                m.put("losses/alpha", alpha);
                m.put("losses/log_pi", meanLogPi);
            }
        }
        step(actorOptimizer, actorParams, actorGrads, config.policyLr(), "actor");
        step(criticOptimizer, critic, criticGrads, config.qLr(), "critic");
        if (config.autotune()) {
            float[][] g = {{(float) -(meanLogPi - actDim)}};
            guard("alpha gradient", g[0][0]);
            alphaOptimizer.step(logAlpha, g, config.policyLr());
            alpha = Math.exp(logAlpha.get(0).data()[0]);
        }
        return m;
    }

    /** {@code mean(T · logsumexp([Q(s, u) − log U, Q(s, a'') − log π(a''|s'), Q(s, a~) − log π(a~|s)]) − Q(s, a))}. */
    private NDArray conservativeGap(Mlp q, Parameters.Bound params, NDArray obsRep, NDArray randomActions,
            NDArray[] current, NDArray[] following, double logDensity, NDArray qData, int b, int n) {
        NDArray qRand = q.forward(params, NDArrays.concat(new NDList(obsRep, randomActions), 1)).reshape(b, n)
                .sub((float) logDensity);
        NDArray qNext = q.forward(params, NDArrays.concat(new NDList(obsRep, following[0]), 1)).reshape(b, n)
                .sub(following[1].reshape(b, n));
        NDArray qCurrent = q.forward(params, NDArrays.concat(new NDList(obsRep, current[0]), 1)).reshape(b, n)
                .sub(current[1].reshape(b, n));
        return logSumExp(NDArrays.concat(new NDList(qRand, qNext, qCurrent), 1)).sub(qData).mean();
    }

    @Override
    protected void saveState(ObjectNode meta, Map<String, Parameters> files) {
        if (!discrete) {
            files.get("optimizer").add("log_alpha", new int[] {1}, logAlpha.get(0).data().clone());
            meta.put("alpha", alpha);
        }
    }

    @Override
    protected void loadState(JsonNode meta, Checkpoint cp) {
        if (!discrete) {
            logAlpha.get(0).data()[0] = cp.tensors("optimizer").get("log_alpha").data()[0];
            alpha = meta.path("alpha").asDouble();
        }
    }

    /** Restores a run saved by {@link #save}. */
    public static Cql load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, d, e, s, t) -> new Cql(CqlConfig.binder().bind(c), d, e, s, t));
    }
}
