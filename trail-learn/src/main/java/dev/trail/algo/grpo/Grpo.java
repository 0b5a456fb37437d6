package dev.trail.algo.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.envs.token.Problem;
import dev.trail.envs.token.Split;
import dev.trail.envs.token.TokenTask;
import dev.trail.envs.token.TokenTasks;
import dev.trail.envs.token.Transcript;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.LmEvaluation;
import dev.trail.lm.Sampler;
import dev.trail.lm.SamplingConfig;
import dev.trail.lm.TensorLosses;
import dev.trail.lm.TokenBatch;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.loss.Dapo;
import dev.trail.loss.KlEstimators;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Critic-free trajectory-level RL on a token task (ALGORITHMS.md §1, §2.3): GRPO and its family.
 * One update:
 * <ol>
 *   <li><b>Sample</b> B training prompts × G responses with the current policy (temperature τ, KV cache,
 *       tool calls resolved), recording the sampling log-probs; for {@code remax} also one greedy
 *       response per prompt, whose reward is the group's baseline.</li>
 *   <li><b>Reward</b> each response by the task's verifier (+ DAPO's overlong penalty if on). With
 *       dynamic sampling, groups whose rewards are all equal are dropped and more prompts are
 *       sampled (up to {@code maxGenBatches} rounds) until B groups are kept.</li>
 *   <li><b>Credit</b>: trajectories (one step per response token, tool outputs masked, reward on the
 *       last policy token; minus β·k(t) per token when the KL is in the reward) go to the registry
 *       estimator, whose per-token advantages are used as they are.</li>
 *   <li><b>Update</b>: {@code updateEpochs} passes of {@code minibatches} minibatches; per token the
 *       clipped surrogate of {@code dev.trail.loss.PolicyLoss} with the ratio against the sampling
 *       policy, plus β·KL(π_θ ‖ π_ref) to the frozen initial model when the KL is in the loss,
 *       aggregated by the configured mode (tensor forms in {@link TensorLosses}); Adam.</li>
 * </ol>
 * Every {@code evalEvery} updates (and before the first and after the last) the policy is
 * evaluated on held-out problems ({@link LmEvaluation}). Metrics go to the listener with
 * namespaced names; the final model is written to {@code outDir/checkpoints/final}.
 *
 * <p>Streams: {@code init} (only without {@code --init}), {@code prompts}, {@code sampling},
 * {@code minibatches}; evaluation uses the held-out split with the run's seed.
 */
public final class Grpo {

    /** Non-finite gradient steps in a row after which training stops. */
    static final int MAX_CONSECUTIVE_SKIPS = 8;

    private Grpo() {
    }

    /**
     * What a run produced.
     *
     * @param checkpoint the final checkpoint directory
     * @param before held-out evaluation of the initial policy
     * @param after held-out evaluation of the final policy
     * @param updates updates run
     * @param model the trained policy
     */
    public record Result(Path checkpoint, LmEvaluation.Result before, LmEvaluation.Result after, int updates,
            Transformer model) {
    }

    /**
     * Trains from {@code init} (a checkpoint or run directory, e.g. an SFT run) or, when null, from a
     * fresh model of {@code config.model()}: the CLI's {@code trail train --env ID --algo grpo --init DIR}.
     *
     * @throws IllegalArgumentException if the init checkpoint's vocabulary or shape differs from
     *         what this run uses, naming both
     */
    public static Result run(GrpoConfig config, String envId, long seed, Path init, Path outDir,
            TrainingListener listener) throws IOException {
        TokenTask task = TokenTasks.task(envId);
        Transformer policy;
        if (init != null) {
            LmCheckpoint.Loaded loaded = LmCheckpoint.load(init);
            LmCheckpoint.requireConfig(loaded, config.model());
            policy = loaded.model();
        } else {
            TransformerConfig shape = config.model() != null ? config.model() : TransformerConfig.defaults();
            policy = Transformer.initialize(shape, Seeds.stream(seed, "init"));
        }
        Transformer reference = policy.copy();
        int maxNew = config.maxNewTokens() > 0 ? config.maxNewTokens() : task.defaultMaxResponseTokens();
        SamplingConfig sampling = new SamplingConfig(config.temperature(), config.topP(), false, maxNew, true);
        AdvantageEstimator estimator = AdvantageEstimators.create(config.estimator(), estimatorSettings(config));
        boolean klInLoss = config.klCoef() > 0 && !config.klInReward();
        Adam adam = new Adam(policy.parameters(), 0.9, 0.999, 1e-8);
        Rng prompts = Seeds.stream(seed, "prompts");
        Rng samplingRng = Seeds.stream(seed, "sampling");
        Rng shuffle = Seeds.stream(seed, "minibatches");
        Sampler sampler = new Sampler(policy);
        long start = System.nanoTime();
        long generatedTokens = 0;
        LmEvaluation.Result before;
        LmEvaluation.Result after = null;
        int update = 0;
        int skippedSteps = 0;
        int consecutiveSkips = 0;
        String lastBadTensor = "";
        try (NDManager manager = Torch.newManager()) {
            before = LmEvaluation.evaluate(manager, policy, task, config.evalProblems(), config.evalK(),
                    config.temperature(), seed);
            listener.onUpdate(0, 0, before.metrics());
            while (update < config.iterations()) {
                update++;
                Map<String, Double> metrics = new LinkedHashMap<>();

                // ---- 1-2. sample and reward (with dynamic-sampling refill) ----
                long sampleStart = System.nanoTime();
                long sampleTokens = 0;
                List<Group> groups = new ArrayList<>();
                int rounds = 0;
                int seenGroups = 0;
                double rewardSum = 0, correct = 0, length = 0, toolUse = 0, truncated = 0, malformed = 0;
                int responses = 0;
                while (groups.size() < config.promptsPerBatch() && rounds < (config.dynamicSampling()
                        ? config.maxGenBatches() : 1)) {
                    rounds++;
                    Round round = sampleGroups(manager, sampler, task, config, sampling, prompts, samplingRng,
                            maxNew, update, rounds);
                    sampleTokens += round.tokens();
                    for (Group g : round.groups()) {
                        seenGroups++;
                        for (int i = 0; i < g.samples.size(); i++) {
                            Transcript t = g.samples.get(i).transcript();
                            rewardSum += t.reward();
                            correct += t.verdict().correct() ? 1 : 0;
                            malformed += t.verdict().formatOk() ? 0 : 1;
                            length += t.responseLength();
                            toolUse += t.toolCalls() > 0 ? 1 : 0;
                            truncated += t.truncated() ? 1 : 0;
                            responses++;
                        }
                        if (!config.dynamicSampling() || Dapo.keepGroup(g.rewards)) {
                            if (groups.size() < config.promptsPerBatch()) {
                                groups.add(g);
                            }
                        }
                    }
                }
                double sampleSeconds = (System.nanoTime() - sampleStart) / 1e9;
                generatedTokens += sampleTokens;
                metrics.put("charts/reward_mean", rewardSum / responses);
                metrics.put("charts/accuracy", correct / responses);
                metrics.put("charts/response_length", length / responses);
                metrics.put("charts/tool_call_rate", toolUse / responses);
                metrics.put("charts/truncation_rate", truncated / responses);
                metrics.put("charts/format_error_rate", malformed / responses);
                metrics.put("charts/kept_groups", (double) groups.size());
                metrics.put("charts/generation_rounds", (double) rounds);
                metrics.put("time/sample_tokens_per_second", sampleTokens / sampleSeconds);

                if (!groups.isEmpty()) {
                    // ---- 3. credit ----
                    List<Sampler.Sample> samples = new ArrayList<>();
                    for (Group g : groups) {
                        samples.addAll(g.samples);
                    }
                    List<Transcript> transcripts = samples.stream().map(Sampler.Sample::transcript).toList();
                    int n = samples.size();
                    double[][] oldLogProbs = new double[n][];
                    for (int i = 0; i < n; i++) {
                        oldLogProbs[i] = samples.get(i).logProbs();
                    }
                    double[][] refLogProbs = config.klCoef() > 0
                            ? referenceLogProbs(manager, reference, transcripts, config.temperature())
                            : null;
                    List<TrajectoryGroup> batch = trajectories(groups, oldLogProbs, refLogProbs, config, maxNew);
                    AdvantageResult credit = estimator.estimate(batch);
                    double[][] advantages = credit.advantages();

                    // ---- 4. update ----
                    long updateStart = System.nanoTime();
                    long updateTokens = 0;
                    double policyLoss = 0, kl = 0, clipFraction = 0, approxKl = 0, entropy = 0, gradNorm = 0;
                    int steps = 0;
                    for (int epoch = 0; epoch < config.updateEpochs(); epoch++) {
                        int[] order = permutation(n, shuffle);
                        int size = (n + config.minibatches() - 1) / config.minibatches();
                        for (int from = 0; from < n; from += size) {
                            int to = Math.min(n, from + size);
                            List<Transcript> mbTranscripts = new ArrayList<>();
                            double[][] mbOld = new double[to - from][];
                            double[][] mbRef = new double[to - from][];
                            double[][] mbAdv = new double[to - from][];
                            for (int k = from; k < to; k++) {
                                int i = order[k];
                                mbTranscripts.add(transcripts.get(i));
                                mbOld[k - from] = oldLogProbs[i];
                                mbRef[k - from] = refLogProbs == null ? oldLogProbs[i] : refLogProbs[i];
                                mbAdv[k - from] = advantages[i];
                            }
                            TokenBatch mb = TokenBatch.of(mbTranscripts);
                            try (NDManager sub = manager.newSubManager();
                                    GradientCollector collector = Torch.engine().newGradientCollector()) {
                                Parameters.Bound w = policy.parameters().bind(sub);
                                Transformer.TokenLogProbs lp = policy.tokenLogProbs(w, mb.inputsTensor(sub),
                                        mb.targetsTensor(sub), config.temperature(), true);
                                NDArray mask = mb.tensor(sub, mb.mask());
                                TensorLosses.PolicyTerms terms = TensorLosses.policyLoss(lp.logProbs(),
                                        mb.tensor(sub, mb.scatter(mbOld)), mb.tensor(sub, mb.scatter(mbAdv)), mask,
                                        mb.mask(), mb.width(), config.clip(), config.aggregation(), maxNew);
                                NDArray loss = terms.loss();
                                NDArray klTerm = null;
                                if (config.klCoef() > 0) {
                                    klTerm = TensorLosses.aggregate(TensorLosses.klPerToken(config.klKind(),
                                            lp.logProbs(), mb.tensor(sub, mb.scatter(mbRef)), mask), mb.mask(),
                                            mb.width(), config.aggregation(), maxNew);
                                    if (klInLoss) {
                                        loss = loss.add(klTerm.mul((float) config.klCoef()));
                                    }
                                }
                                NDArray entropyMean = TensorLosses.aggregate(lp.entropy().mul(mask), mb.mask(),
                                        mb.width(), dev.trail.loss.Aggregation.TOKEN_MEAN, maxNew);
                                if (config.entropyCoef() > 0) {
                                    loss = loss.sub(entropyMean.mul((float) config.entropyCoef()));
                                }
                                collector.backward(loss);
                                float[][] grads = w.gradients();
                                double norm = GradientClipping.clipGlobalNorm(grads, config.maxGradNorm());
                                double lossValue = terms.loss().getFloat();
                                if (!Double.isFinite(lossValue)) {
                                    throw new TrainingDivergedException("GRPO", "losses/policy_loss", update, lossValue);
                                }
                                if (!Double.isFinite(norm)) {
                                    // a rare non-finite gradient with a finite loss: skip this step (as mixed-precision
                                    // trainers skip inf steps), record where it was, stop only if it keeps happening
                                    skippedSteps++;
                                    consecutiveSkips++;
                                    lastBadTensor = nonFiniteTensors(policy.parameters(), grads);
                                    if (consecutiveSkips > MAX_CONSECUTIVE_SKIPS) {
                                        throw new TrainingDivergedException("GRPO", "gradient of " + lastBadTensor,
                                                update, norm);
                                    }
                                    continue;
                                }
                                consecutiveSkips = 0;
                                adam.step(policy.parameters(), grads, config.learningRate());
                                policyLoss += lossValue;
                                kl += klTerm == null ? 0 : klTerm.getFloat();
                                clipFraction += terms.clipFraction();
                                approxKl += terms.approxKl();
                                entropy += entropyMean.getFloat();
                                gradNorm += norm;
                                steps++;
                                updateTokens += mb.maskedTokens();
                            }
                        }
                    }
                    double updateSeconds = (System.nanoTime() - updateStart) / 1e9;
                    int done = Math.max(1, steps);
                    metrics.put("losses/policy_loss", policyLoss / done);
                    metrics.put("losses/kl", kl / done);
                    metrics.put("losses/clipfrac", clipFraction / done);
                    metrics.put("losses/approx_kl", approxKl / done);
                    metrics.put("losses/entropy", entropy / done);
                    metrics.put("losses/grad_norm", gradNorm / done);
                    metrics.put("losses/skipped_steps", (double) skippedSteps);
                    metrics.put("charts/advantage_abs_mean", meanAbs(advantages, transcripts));
                    metrics.put("time/update_tokens_per_second", updateTokens / updateSeconds);
                }
                metrics.put("charts/learning_rate", config.learningRate());
                double minutes = (System.nanoTime() - start) / 60e9;
                metrics.put("time/elapsed_minutes", minutes);
                boolean last = update == config.iterations() || (config.maxMinutes() > 0 && minutes >= config.maxMinutes());
                if (last || (config.evalEvery() > 0 && update % config.evalEvery() == 0)) {
                    after = LmEvaluation.evaluate(manager, policy, task, config.evalProblems(), config.evalK(),
                            config.temperature(), seed);
                    metrics.putAll(after.metrics());
                }
                listener.onUpdate(update, generatedTokens, metrics);
                if (last) {
                    break;
                }
            }
        }
        Path dir = outDir.resolve(LmCheckpoint.FINAL);
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("algorithm", config.estimator());
        meta.put("envId", envId);
        meta.put("seed", seed);
        meta.put("updates", update);
        meta.put("skippedSteps", skippedSteps);
        meta.put("lastNonFiniteGradient", lastBadTensor);
        meta.put("eval/pass@1", after.passAt1());
        LmCheckpoint.save(dir, policy, meta);
        listener.onCheckpoint(update, dir);
        return new Result(dir, before, after, update, policy);
    }

    /** The G responses to one prompt, their rewards (shaped) and the greedy baseline reward (remax). */
    private record Group(String id, Problem problem, List<Sampler.Sample> samples, double[] rewards,
            double greedyReward) {
    }

    /** One generation round: B groups and the policy tokens sampled for them. */
    private record Round(List<Group> groups, long tokens) {
    }

    private static Round sampleGroups(NDManager manager, Sampler sampler, TokenTask task, GrpoConfig config,
            SamplingConfig sampling, Rng prompts, Rng samplingRng, int maxNew, int update, int round) {
        int b = config.promptsPerBatch(), g = config.groupSize();
        List<Problem> problems = new ArrayList<>(b);
        List<Problem> rows = new ArrayList<>(b * g);
        for (int i = 0; i < b; i++) {
            Problem p = task.sample(prompts, Split.TRAIN);
            problems.add(p);
            for (int j = 0; j < g; j++) {
                rows.add(p);
            }
        }
        Rng[] streams = samplingRng.split(rows.size());
        List<Sampler.Sample> samples = sampler.sample(manager, task, rows, streams, sampling);
        long tokens = sampler.lastStats().tokensGenerated();
        double[] greedy = new double[b];
        java.util.Arrays.fill(greedy, Double.NaN);
        if (config.estimator().equals("remax")) {
            List<Sampler.Sample> baseline = sampler.sample(manager, task, problems, samplingRng.split(b),
                    SamplingConfig.greedy(maxNew));
            for (int i = 0; i < b; i++) {
                greedy[i] = reward(baseline.get(i).transcript(), config, maxNew);
            }
        }
        List<Group> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            List<Sampler.Sample> members = samples.subList(i * g, (i + 1) * g);
            double[] rewards = new double[g];
            for (int j = 0; j < g; j++) {
                rewards[j] = reward(members.get(j).transcript(), config, maxNew);
            }
            out.add(new Group(update + "." + round + "." + i, problems.get(i), List.copyOf(members), rewards,
                    greedy[i]));
        }
        // throughput counts the G sampled responses; the greedy baseline of remax is extra work on top
        return new Round(out, tokens);
    }

    /** The verifier's reward, plus DAPO's overlong penalty on the response length when shaping is on. */
    private static double reward(Transcript t, GrpoConfig config, int maxNew) {
        double r = t.reward();
        if (config.overlongShaping()) {
            r += Dapo.overlongPenalty(t.responseLength(), maxNew, Math.min(config.overlongCache(), maxNew));
        }
        return r;
    }

    /** Reference log-probs of every response token, {@code [n][T_i]} (no gradient). */
    private static double[][] referenceLogProbs(NDManager manager, Transformer reference, List<Transcript> transcripts,
            double temperature) {
        TokenBatch all = TokenBatch.of(transcripts);
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound w = reference.parameters().constant(sub);
            float[] lp = reference.tokenLogProbs(w, all.inputsTensor(sub), all.targetsTensor(sub), temperature, false)
                    .logProbs().toFloatArray();
            double[] flat = new double[lp.length];
            for (int i = 0; i < lp.length; i++) {
                flat[i] = lp[i];
            }
            return all.gather(flat);
        }
    }

    /** The groups as trajectory records for the estimators (KL penalised rewards when the KL is in the reward). */
    private static List<TrajectoryGroup> trajectories(List<Group> groups, double[][] oldLogProbs,
            double[][] refLogProbs, GrpoConfig config, int maxNew) {
        boolean klInReward = config.klCoef() > 0 && config.klInReward() && !config.estimator().startsWith("reinforce++");
        List<TrajectoryGroup> out = new ArrayList<>(groups.size());
        int row = 0;
        for (Group g : groups) {
            List<Trajectory> members = new ArrayList<>();
            for (int j = 0; j < g.samples.size(); j++, row++) {
                Transcript t = g.samples.get(j).transcript();
                Trajectory base = t.toTrajectory(g.id + "." + j, g.id, 0, oldLogProbs[row]);
                double[] rewards = new double[t.responseLength()];
                rewards[t.lastTrainedIndex()] = g.rewards[j];
                double[] mask = new double[rewards.length];
                boolean[] trained = t.trained();
                for (int s = 0; s < mask.length; s++) {
                    mask[s] = trained[s] ? 1 : 0;
                }
                if (klInReward) {
                    double[] k = KlEstimators.perToken(config.klKind(), oldLogProbs[row], refLogProbs[row], mask);
                    rewards = KlEstimators.penalizeRewards(rewards, k, mask, config.klCoef());
                }
                Map<String, double[]> extras = new LinkedHashMap<>();
                if (refLogProbs != null) {
                    extras.put("refLogProb", refLogProbs[row]);
                }
                members.add(new Trajectory(base.id(), base.groupId(), base.seed(), null, 0, base.actions(), 1, rewards,
                        base.logProbs(), null, base.mask(), base.terminated(), base.truncated(), Double.NaN, extras));
            }
            out.add(new TrajectoryGroup(g.id, members, g.greedyReward, null));
        }
        return out;
    }

    /** Registry options this trainer sets: the KL coefficient of REINFORCE++'s reward shaping. */
    static Map<String, String> estimatorSettings(GrpoConfig config) {
        if (config.estimator().startsWith("reinforce++")) {
            double beta = config.klInReward() ? config.klCoef() : 0.0;
            return Map.of("kl_coef", Double.toString(beta));
        }
        return Map.of();
    }

    /** The names of every tensor whose gradient has a NaN or infinity, comma-separated (for diagnosis). */
    private static String nonFiniteTensors(Parameters parameters, float[][] grads) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < grads.length; i++) {
            for (float g : grads[i]) {
                if (!Float.isFinite(g)) {
                    names.append(names.length() == 0 ? "" : ",").append(parameters.get(i).name());
                    break;
                }
            }
        }
        return names.length() == 0 ? "none" : names.toString();
    }

    private static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    private static double meanAbs(double[][] advantages, List<Transcript> transcripts) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < advantages.length; i++) {
            boolean[] m = transcripts.get(i).trained();
            for (int j = 0; j < m.length; j++) {
                if (m[j]) {
                    s += Math.abs(advantages[i][j]);
                    n++;
                }
            }
        }
        return n == 0 ? 0 : s / n;
    }
}
