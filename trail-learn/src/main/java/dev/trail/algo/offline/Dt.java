package dev.trail.algo.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.offline.TransitionDataset;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.policy.Evaluation;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decision Transformer (Chen et al. 2021; ALGORITHMS.md §10.2; CORL {@code dt.py}): return-conditioned
 * supervised learning of {@code a_t} from the last K steps' returns-to-go, states and actions.
 *
 * <ol>
 *   <li><b>Data.</b> Per transition: the return-to-go {@code R̂_t = Σ_{t'≥t} r_{t'}} of its trajectory
 *       (divided by {@code return_scale}) and its step index t. A window is the K steps of one
 *       trajectory that end at a transition the sampler drew ({@code sampler=} re-weights which
 *       windows are seen), left-padded with zeros when the trajectory has fewer steps before it.</li>
 *   <li><b>Tokens.</b> {@code (R̂_1, s_1, a_1, …, R̂_K, s_K, a_K)}: a linear embedding per modality
 *       (discrete actions one-hot) plus a learned timestep embedding shared by the three tokens of a
 *       step, then LayerNorm; the causal GPT blocks of {@link Transformer#hidden} (pre-LayerNorm,
 *       GELU MLP of 4d, no positional embedding), padded keys masked.</li>
 *   <li><b>Loss.</b> {@code a_t} predicted from the hidden state at the {@code s_t} token (so from
 *       {@code R̂_{≤t}, s_{≤t}, a_{<t}}): MSE with a tanh head on actions in [−1, 1], cross-entropy on
 *       discrete actions; averaged over the non-padded steps. Adam with a linear warm-up, global
 *       gradient-norm clipping.</li>
 *   <li><b>Evaluation.</b> {@code R̂_1 = target_return / return_scale}; after each step
 *       {@code R̂ ← R̂ − r_t / return_scale}; the model sees the last K steps (the current action
 *       slot zero, which the causal mask hides from the state token anyway).</li>
 * </ol>
 *
 * <p>Worked example (§10.2): rewards [1, 0, 2, 1] give R̂ = [4, 3, 3, 1]; K = 2 at t = 3, 4 gives the
 * tokens {@code [R̂_3, s_3, a_3, R̂_4, s_4, a_4]} with timestep ids [3, 3, 3, 4, 4, 4] (0-based here).
 */
public final class Dt extends OfflineLearner {

    public static final String ALGORITHM = "dt";
    /** The checkpoint type of a Decision Transformer (not loadable by {@code trail eval}). */
    public static final String POLICY_TYPE = "decision-transformer";

    private final DtConfig config;
    private final int k;
    private final int d;
    private final int actionIn;
    private final int actionOut;
    private final Transformer transformer;
    private final Parameters dtParameters = new Parameters();
    private final Adam transformerAdam;
    private final Adam dtAdam;
    private final double targetReturn;
    /** Per transition: scaled return-to-go, step index in its trajectory, first transition of its trajectory. */
    private final float[] returnsToGo;
    private final int[] timesteps;
    private final int[] trajectoryStart;

    public Dt(DtConfig config, TransitionDataset data, EnvSpec env, long seed, long totalUpdates) {
        super(ALGORITHM, data, env, seed, totalUpdates, config);
        checkDataset(config, data);
        this.config = config;
        this.k = config.contextLength();
        this.d = config.width();
        this.actionIn = categories > 0 ? categories : actDim;
        this.actionOut = actionIn;
        Rng init = Seeds.stream(seed, "dt-init");
        this.transformer = Transformer.initialize(new TransformerConfig(1, config.layers(), d, config.heads(), 2, 4,
                true, 0.02), init);
        addLinear("dt.return", d, 1, init);
        addLinear("dt.state", d, obsDim, init);
        addLinear("dt.action", d, actionIn, init);
        dtParameters.add("dt.timestep", new int[] {config.maxEpisodeLength(), d},
                normal(config.maxEpisodeLength() * d, init));
        float[] ones = new float[d];
        Arrays.fill(ones, 1f);
        dtParameters.add("dt.ln.weight", new int[] {d}, ones);
        dtParameters.add("dt.ln.bias", new int[] {d}, new float[d]);
        addLinear("dt.head", actionOut, d, init);
        this.transformerAdam = new Adam(transformer.parameters(), 1e-8);
        this.dtAdam = new Adam(dtParameters, 1e-8);
        // the policy needs the history: Dt evaluates by its own loop (evaluateEpisodes)
        learns(null, POLICY_TYPE, new PolicySpec(obsDim, categories > 0, actionOut, new int[] {d}, Activation.RELU,
                actionLow, actionHigh), dtParameters);
        optimised("transformer", transformer.parameters(), transformerAdam);
        optimised("embeddings", dtParameters, dtAdam);
        saved("transformer", transformer.parameters());
        int n = data.size();
        this.returnsToGo = new float[n];
        this.timesteps = new int[n];
        this.trajectoryStart = new int[n];
        int[] starts = data.episodeStarts();
        double best = Double.NEGATIVE_INFINITY;
        for (int e = 0; e + 1 < starts.length; e++) {
            double g = 0;
            for (int t = starts[e + 1] - 1; t >= starts[e]; t--) {
                g += data.rewards()[t];
                returnsToGo[t] = (float) (g / config.returnScale());
                timesteps[t] = t - starts[e];
                trajectoryStart[t] = starts[e];
            }
            best = Math.max(best, data.episodeReturns()[e]);
        }
        this.targetReturn = config.targetReturn(best);
    }

    /**
     * Refuses a dataset DT cannot learn from, naming the file and the field: returns-to-go need whole
     * trajectories (not all of one transition) and every trajectory must fit the timestep embedding.
     */
    static void checkDataset(DtConfig config, TransitionDataset data) {
        int[] lengths = data.episodeLengths();
        int longest = Arrays.stream(lengths).max().orElse(0);
        if (longest <= 1) {
            throw new IllegalArgumentException(data.source() + ": field episode boundaries: every one of its "
                    + lengths.length + " trajectories has a single transition, so returns-to-go cannot be computed"
                    + " (dt needs whole trajectories)");
        }
        if (longest > config.maxEpisodeLength()) {
            throw new IllegalArgumentException(data.source() + ": a trajectory has " + longest
                    + " steps, more than max_episode_length=" + config.maxEpisodeLength() + " (raise it)");
        }
    }

    private void addLinear(String name, int out, int in, Rng rng) {
        dtParameters.add(name + ".weight", new int[] {out, in}, normal(out * in, rng));
        dtParameters.add(name + ".bias", new int[] {out}, new float[out]);
    }

    /** CORL's initialisation: normal(0, 0.02) weights, zero biases. */
    private static float[] normal(int n, Rng rng) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.02 * rng.nextGaussian());
        }
        return w;
    }

    @Override
    protected Map<String, Double> update(boolean reporting) {
        int[] ends = batchIndices();
        int b = ends.length;
        float[] obs = learnerObservations();
        float[] acts = learnerActions();
        float[] rtg = new float[b * k];
        float[] states = new float[b * k * obsDim];
        float[] actionInputs = new float[b * k * actionIn];
        long[] steps = new long[b * k];
        float[] valid = new float[b * k];
        float[] targets = new float[b * k * actDim];
        int validCount = 0;
        for (int i = 0; i < b; i++) {
            int end = ends[i];
            int first = Math.max(trajectoryStart[end], end - k + 1);
            int pad = k - (end - first + 1);
            for (int j = first; j <= end; j++) {
                int p = i * k + pad + (j - first);
                rtg[p] = returnsToGo[j];
                System.arraycopy(obs, j * obsDim, states, p * obsDim, obsDim);
                if (categories > 0) {
                    actionInputs[p * actionIn + (int) acts[j]] = 1f;
                } else {
                    System.arraycopy(acts, j * actDim, actionInputs, p * actionIn, actDim);
                }
                System.arraycopy(acts, j * actDim, targets, p * actDim, actDim);
                steps[p] = timesteps[j];
                valid[p] = 1f;
                validCount++;
            }
        }
        float[][] transformerGrads;
        float[][] dtGrads;
        double lossValue;
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound tw = transformer.parameters().bind(sub);
            Parameters.Bound w = dtParameters.bind(sub);
            NDArray validMask = Tensors.create(sub, valid, b, k);
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray out = actionOutputs(tw, w, sub, b, rtg, states, actionInputs, steps, valid);
                NDArray perStep;
                if (categories > 0) {
                    long[] index = new long[b * k];
                    for (int i = 0; i < index.length; i++) {
                        index[i] = (long) targets[i];
                    }
                    perStep = out.logSoftmax(-1).gather(Tensors.create(sub, index, b, k, 1), 2).reshape(b, k).neg();
                } else {
                    perStep = out.sub(Tensors.create(sub, targets, b, k, actDim)).square().mean(new int[] {2});
                }
                loss = Tensors.div(perStep.mul(validMask).sum(), (float) validCount);
                // wte/wpe are not used (DT embeds its own tokens); the zero term gives them a (zero) gradient
                NDArray unused = Tensors.mul(tw.get("wte").sum().add(tw.get("wpe").sum()), 0f);
                gc.backward(loss.add(unused));
            }
            lossValue = loss.getFloat();
            transformerGrads = tw.gradients();
            dtGrads = w.gradients();
        }
        if (config.clipGrad() > 0) {
            float[][] all = new float[transformerGrads.length + dtGrads.length][];
            System.arraycopy(transformerGrads, 0, all, 0, transformerGrads.length);
            System.arraycopy(dtGrads, 0, all, transformerGrads.length, dtGrads.length);
            GradientClipping.clipGlobalNorm(all, config.clipGrad());
        }
        double lr = config.learningRate() * (config.warmupSteps() == 0 ? 1
                : Math.min(1.0, (updates + 1) / (double) config.warmupSteps()));
        step(transformerAdam, transformer.parameters(), transformerGrads, lr, "transformer");
        step(dtAdam, dtParameters, dtGrads, lr, "embeddings");
        if (!reporting) {
            return Map.of();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("losses/action_loss", lossValue);
        m.put("charts/learning_rate", lr);
        return m;
    }

    /**
     * The action head on the state tokens of {@code b} windows: {@code [b, K, actionOut]} (tanh for
     * continuous actions, logits for discrete ones).
     */
    private NDArray actionOutputs(Parameters.Bound tw, Parameters.Bound w, NDManager m, int b, float[] rtg,
                                  float[] states, float[] actionInputs, long[] steps, float[] valid) {
        NDArray time = Tensors.create(m, steps, b, k).oneHot(config.maxEpisodeLength()).matMul(w.get("dt.timestep"));
        NDArray r = linear(w, "dt.return", Tensors.create(m, rtg, b, k, 1)).add(time);
        NDArray s = linear(w, "dt.state", Tensors.create(m, states, b, k, obsDim)).add(time);
        NDArray a = linear(w, "dt.action", Tensors.create(m, actionInputs, b, k, actionIn)).add(time);
        NDArray x = NDArrays.stack(new NDList(r, s, a), 2).reshape(b, 3L * k, d);
        x = LayerNorm.layerNorm(x, new Shape(d), w.get("dt.ln.weight"), w.get("dt.ln.bias"), 1e-5f).singletonOrThrow();
        NDArray h = transformer.hidden(tw, x, attentionBias(m, b, valid), null);
        NDArray stateTokens = h.reshape(b, k, 3, d).get(":, :, 1, :");
        NDArray out = linear(w, "dt.head", stateTokens);
        return categories > 0 ? out : out.tanh();
    }

    private static NDArray linear(Parameters.Bound w, String name, NDArray x) {
        return Linear.linear(x, w.get(name + ".weight"), w.get(name + ".bias")).singletonOrThrow();
    }

    /** {@code [b, 1, 3K, 3K]}: causal, and no query attends a padded step's tokens. */
    private NDArray attentionBias(NDManager m, int b, float[] valid) {
        int t = 3 * k;
        float[] bias = new float[b * t * t];
        for (int i = 0; i < b; i++) {
            for (int q = 0; q < t; q++) {
                for (int key = 0; key < t; key++) {
                    if (key > q || valid[i * k + key / 3] == 0f) {
                        bias[(i * t + q) * t + key] = Transformer.MASKED;
                    }
                }
            }
        }
        return Tensors.create(m, bias, b, 1, t, t);
    }

    /** Episodes conditioned on the target return, the model seeing the last K steps. */
    @Override
    protected Evaluation.Result evaluateEpisodes(int episodes, long evalSeed) {
        long[] seeds = Seeds.split(evalSeed, episodes);
        double[] returns = new double[episodes];
        int[] lengths = new int[episodes];
        ObservationNormalizer normalizer = null;
        if (observationStatistics != null) {
            normalizer = new ObservationNormalizer(obsDim);
            normalizer.setState(observationStatistics);
            normalizer.setFrozen(true);
        }
        try (ArrayEnv<?> e = env.makeArray()) {
            float[] raw = new float[obsDim];
            float[] norm = new float[obsDim];
            float[] action = new float[Math.max(actDim, 1)];
            for (int ep = 0; ep < episodes; ep++) {
                e.resetInto(seeds[ep], raw, 0);
                // the last K steps, oldest first
                float[] hRtg = new float[k];
                float[] hStates = new float[k * obsDim];
                float[] hActions = new float[k * actionIn];
                long[] hSteps = new long[k];
                float[] hValid = new float[k];
                double g = targetReturn / config.returnScale();
                double ret = 0;
                int t = 0;
                while (true) {
                    shiftLeft(hRtg, 1);
                    shiftLeft(hStates, obsDim);
                    shiftLeft(hActions, actionIn);
                    shiftLeft(hSteps);
                    shiftLeft(hValid, 1);
                    if (normalizer != null) {
                        normalizer.normalize(raw, norm);
                    } else {
                        System.arraycopy(raw, 0, norm, 0, obsDim);
                    }
                    hRtg[k - 1] = (float) g;
                    System.arraycopy(norm, 0, hStates, (k - 1) * obsDim, obsDim);
                    Arrays.fill(hActions, (k - 1) * actionIn, k * actionIn, 0f);
                    hSteps[k - 1] = Math.min(t, config.maxEpisodeLength() - 1);
                    hValid[k - 1] = 1f;
                    float[] out;
                    try (NDManager sub = manager.newSubManager()) {
                        out = actionOutputs(transformer.parameters().constant(sub), dtParameters.constant(sub), sub, 1,
                                hRtg, hStates, hActions, hSteps, hValid).get(":, -1, :").toFloatArray();
                    }
                    double r;
                    if (categories > 0) {
                        int best = 0;
                        for (int c = 1; c < categories; c++) {
                            if (out[c] > out[best]) {
                                best = c;
                            }
                        }
                        hActions[(k - 1) * actionIn + best] = 1f;
                        r = e.stepInto(best, raw, 0);
                    } else {
                        for (int j = 0; j < actDim; j++) {
                            hActions[(k - 1) * actionIn + j] = out[j];
                            float scale = (actionHigh[j] - actionLow[j]) / 2f;
                            float bias = (actionHigh[j] + actionLow[j]) / 2f;
                            action[j] = Math.max(actionLow[j], Math.min(actionHigh[j], bias + scale * out[j]));
                        }
                        r = e.stepInto(action, 0, raw, 0);
                    }
                    ret += r;
                    g -= r / config.returnScale();
                    t++;
                    if (e.terminated() || e.truncated()) {
                        break;
                    }
                }
                returns[ep] = ret;
                lengths[ep] = t;
            }
        }
        return new Evaluation.Result(env.id(), returns, lengths);
    }

    private static void shiftLeft(float[] a, int by) {
        System.arraycopy(a, by, a, 0, a.length - by);
    }

    private static void shiftLeft(long[] a) {
        System.arraycopy(a, 1, a, 0, a.length - 1);
    }

    /** Restores a run from its checkpoint. */
    public static Dt load(java.nio.file.Path dir, TransitionDataset data, EnvSpec env) throws java.io.IOException {
        return OfflineLearner.load(dir, ALGORITHM, data, env,
                (c, dd, e, s, t) -> new Dt(DtConfig.binder().bind(c), dd, e, s, t));
    }
}
