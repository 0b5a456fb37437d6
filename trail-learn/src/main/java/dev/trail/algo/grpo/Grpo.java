package dev.trail.algo.grpo;

import dev.trail.nn.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.advantage.Capability;
import dev.trail.algo.Credit;
import dev.trail.algo.OnPolicyAlgorithm;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.TrainingLoop;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.checkpoint.CollectorState;
import dev.trail.env.EnvSpec;
import dev.trail.lm.ForkingDecoder;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.LmEvaluation;
import dev.trail.lm.PrefixBatch;
import dev.trail.lm.Sampler;
import dev.trail.lm.SamplingConfig;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.loss.Aggregation;
import dev.trail.loss.Dapo;
import dev.trail.loss.KlEstimators;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.rollout.GroupCollector;
import dev.trail.rollout.GroupRollout;
import dev.trail.rollout.PrefixValues;
import dev.trail.rollout.SemiOnlineCollector;
import dev.trail.rollout.ResponseSampler;
import dev.trail.rollout.TaskStreams;
import dev.trail.rollout.TreeCollector;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.seed.Shuffle;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.TokenEnv;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Critic-free trajectory-level RL on a token task (ALGORITHMS.md §1, §2.3): GRPO and its family.
 * One update ({@link OnPolicyAlgorithm}):
 * <ol>
 *   <li><b>Collect</b> B training prompts × G responses with the current policy through a
 *       {@link GroupCollector} (temperature τ, KV cache, tool calls resolved, sampling log-probs
 *       recorded; a greedy response per prompt when the estimator needs a greedy baseline; DAPO's
 *       dynamic sampling drops equal-reward groups and refills). With {@code rollout=tree-spo|tree-latr|
 *       tree-arpo} a {@link TreeCollector} grows one rollout tree per prompt instead (forked KV-cache rows,
 *       shared prefixes computed once; {@link TreeRolloutConfig}), and the groups carry their trees, so
 *       {@code spo-tree} credit applies. With {@code rollout_workers=spark} (i.i.d. only) each generation
 *       call is sampled by Spark executor tasks with this update's weights ({@link dev.trail.scale.ResponseWorkers}). Rewards are the verifier's, plus DAPO's overlong penalty if on.</li>
 *   <li><b>Credit</b>: the groups as trajectories (one step per response token, tool outputs masked,
 *       reward on the last policy token; minus β·k(t) per token when the KL is in the reward and the
 *       estimator does not shape it itself) go to the registry estimator; any estimator whose inputs
 *       this trainer can supply (groups, log-probs, reference log-probs, a greedy baseline) works. It also
 *       produces what step-level estimators read: Monte-Carlo values of response prefixes for
 *       {@code spo-chain} ({@link PrefixValues}, {@code step_credit.mc_samples}), per-turn progress
 *       estimates and grounding for {@code spa} ({@link ProgressEstimator}), and one step per agent
 *       turn for turn-level estimators. With {@code rollout=semi-online} a {@link SemiOnlineCollector}
 *       samples UI-S1's semi-online rollouts along the task's expert demonstrations instead.</li>
 *   <li><b>Update</b>: {@code update_epochs} passes of {@code minibatches} minibatches; per token the
 *       clipped surrogate of the shared loss module {@link Losses} with the ratio against the sampling
 *       policy, plus β·KL(π_θ ‖ π_ref) to the frozen initial model when the KL is in the loss, minus
 *       the entropy bonus, aggregated by the configured mode; Adam. A rare non-finite gradient with a
 *       finite loss skips that step (recorded); more than {@value #MAX_CONSECUTIVE_SKIPS} in a row stop
 *       training.</li>
 * </ol>
 * Every {@code eval_every} updates and after the last, the policy is evaluated on held-out problems
 * ({@link LmEvaluation}); {@link #run} also evaluates the initial policy of a fresh run (update 0).
 * Checkpoints ({@code update-000012/}: policy, frozen reference, Adam moments, random streams,
 * counters) let {@link #load} continue a run exactly.
 *
 * <p>Streams: {@code init} (only without {@code --init}), {@code prompts}, {@code sampling},
 * {@code minibatches}; evaluation uses the held-out split with the run's seed.
 */
public final class Grpo extends OnPolicyAlgorithm<GroupRollout> {

    /** Non-finite gradient steps in a row after which training stops. */
    static final int MAX_CONSECUTIVE_SKIPS = 8;

    /** What this trainer can feed an estimator with i.i.d. rollouts on any token task. */
    static final Set<Capability> SUPPLIED = Credit.of(Capability.NEEDS_GROUPS, Capability.NEEDS_LOG_PROBS,
            Capability.NEEDS_GREEDY_BASELINE, Capability.NEEDS_SEGMENT_VALUES, Capability.SHAPES_KL_INTO_REWARDS);

    /** What it can feed an estimator with tree rollouts: the trees, and no greedy baseline. */
    static final Set<Capability> SUPPLIED_WITH_TREES = Credit.of(Capability.NEEDS_GROUPS, Capability.NEEDS_LOG_PROBS,
            Capability.NEEDS_TREE, Capability.NEEDS_SEGMENT_VALUES, Capability.SHAPES_KL_INTO_REWARDS);

    /**
     * What it can feed with semi-online rollouts: the groups of K rollouts of one problem, one step per
     * policy turn (no token log-probs at turn steps).
     */
    static final Set<Capability> SUPPLIED_SEMI_ONLINE = Credit.of(Capability.NEEDS_GROUPS, Capability.NEEDS_TURNS);

    /**
     * What this trainer can feed an estimator on {@code task}: also turns and SPA's progress estimates
     * (its own progress estimator over turns) when the task is multi-turn.
     */
    static Set<Capability> supplied(TokenTask task) {
        return supplied(SUPPLIED, task instanceof MultiTurnTask);
    }

    /** What it can feed under {@code config}'s rollout strategy, on a multi-turn task or not. */
    static Set<Capability> supplied(GrpoConfig config, boolean multiTurn) {
        if (config.rollout() == TreeRolloutConfig.Kind.SEMI_ONLINE) {
            return SUPPLIED_SEMI_ONLINE;
        }
        return supplied(config.rollout().isTree() ? SUPPLIED_WITH_TREES : SUPPLIED, multiTurn);
    }

    private static Set<Capability> supplied(Set<Capability> base, boolean multiTurn) {
        if (!multiTurn) {
            return base;
        }
        Set<Capability> s = java.util.EnumSet.copyOf(base);
        s.add(Capability.NEEDS_TURNS);
        s.add(Capability.NEEDS_PROGRESS);
        return s;
    }

    private final GrpoConfig config;
    private final EnvSpec env;
    private final TokenTask task;
    private final long seed;
    private final Transformer policy;
    private final Transformer reference;
    private final AdvantageEstimators.Entry estimatorEntry;
    private final AdvantageEstimator estimator;
    private final boolean klInReward;
    /** Credit on agent turns (a multi-turn task and an estimator whose steps are turns). */
    private final boolean turnLevel;
    private final boolean klInLoss;
    private final int maxNew;
    private final SamplingConfig sampling;
    private final Adam adam;
    private final GroupCollector collector;
    /** The tree collector when {@code rollout} is a tree strategy, else null. */
    private final TreeCollector trees;
    /** The semi-online collector when {@code rollout=semi-online}, else null. */
    private final SemiOnlineCollector semiOnline;
    /** The last semi-online collection (its episodes give the turn steps). */
    private SemiOnlineCollector.Collection lastSemiOnline;
    private Rng shuffle;
    /** The stream of spo-chain's Monte-Carlo continuations. */
    private Rng segmentRng;
    /** SPA's progress estimator when the estimator needs progress, else null. */
    private final ProgressEstimator progress;
    private final NDManager manager;
    private final Sampler sampler;

    private long generatedTokens;
    private int skippedSteps;
    private int consecutiveSkips;
    private String lastBadTensor = "";
    private final long startNanos = System.nanoTime();
    /** Wall-clock seconds of the last batch's reference-model log-probs (0 without a KL term). */
    private double referenceSeconds;
    private double minutesBefore;
    private LmEvaluation.Result lastEvaluation;

    // the batch being trained on (set by credit, read by optimize)
    private List<Transcript> transcripts;
    private double[][] oldLogProbs;
    private double[][] refLogProbs;
    private double klRewardPenalty;
    private final Map<String, Double> creditMetrics = new LinkedHashMap<>();

    Grpo(GrpoConfig config, EnvSpec env, long seed, Transformer initial) {
        this.config = config;
        this.env = env;
        this.task = TokenEnv.taskOf(env);
        this.seed = seed;
        this.policy = initial;
        this.reference = initial.copy();
        this.estimatorEntry = AdvantageEstimators.entry(config.estimator());
        checkRollout(config);
        this.estimator = Credit.estimator("grpo on " + env.id(), config.estimator(),
                supplied(config, task instanceof MultiTurnTask), Set.of(), estimatorSettings());
        this.turnLevel = task instanceof MultiTurnTask && estimatorEntry.has(Capability.TURN_STEPS);
        this.klInReward = config.klCoef() > 0 && config.klInReward()
                && !estimatorEntry.has(Capability.SHAPES_KL_INTO_REWARDS);
        this.klInLoss = config.klCoef() > 0 && !config.klInReward();
        this.maxNew = config.maxNewTokens() > 0 ? config.maxNewTokens() : task.defaultMaxResponseTokens();
        this.sampling = new SamplingConfig(config.temperature(), config.topP(), false, maxNew, true);
        this.adam = new Adam(policy.parameters(), 0.9, 0.999, 1e-8);
        this.collector = new GroupCollector(task, new GroupCollector.Settings(config.groupSize(),
                config.promptsPerBatch(), estimatorEntry.has(Capability.NEEDS_GREEDY_BASELINE),
                config.dynamicSampling(), config.maxGenBatches()), this::reward, Seeds.stream(seed, "prompts"),
                Seeds.stream(seed, "sampling"));
        this.trees = !config.rollout().isTree() ? null : new TreeCollector(task,
                batch -> config.tree().strategy(config.rollout(), config.groupSize(), maxNew, batch),
                new TreeCollector.Settings(config.temperature(), config.topP(), maxNew,
                        initial.config().contextLength(), config.promptsPerBatch()), this::reward,
                Seeds.stream(seed, "prompts"), Seeds.stream(seed, "sampling"));
        if (config.rollout() == TreeRolloutConfig.Kind.SEMI_ONLINE && !(task instanceof MultiTurnTask)) {
            throw new IllegalArgumentException("grpo rollout=semi-online needs a multi-turn task with expert"
                    + " demonstrations (GridNav-v0, Guess-v0, ...); " + env.id() + " is not multi-turn");
        }
        this.semiOnline = config.rollout() != TreeRolloutConfig.Kind.SEMI_ONLINE ? null
                : new SemiOnlineCollector((MultiTurnTask) task, new SemiOnlineCollector.Settings(config.groupSize(),
                        config.promptsPerBatch(), config.stepCredit().patchThreshold(), config.temperature(),
                        config.topP(), initial.config().contextLength(), maxNew), Seeds.stream(seed, "prompts"),
                        Seeds.stream(seed, "sampling"));
        this.shuffle = Seeds.stream(seed, "minibatches");
        this.segmentRng = Seeds.stream(seed, "segment_values");
        this.progress = estimatorEntry.has(Capability.NEEDS_PROGRESS)
                ? new ProgressEstimator(initial.config().vocabSize()) : null;
        this.manager = Torch.newManager();
        this.sampler = new Sampler(policy);
    }

    // ---- entry points ---------------------------------------------------------------------------------

    /**
     * What a run produced.
     *
     * @param checkpoint the last checkpoint directory, or null
     * @param before held-out evaluation of the initial policy (null for a resumed run)
     * @param after held-out evaluation of the final policy
     * @param updates updates run in total
     * @param model the trained policy
     */
    public record Result(Path checkpoint, LmEvaluation.Result before, LmEvaluation.Result after, int updates,
            Transformer model) {
    }

    /**
     * A fresh run from {@code init} (a checkpoint or run directory, e.g. an SFT run) or, when null,
     * from a new model of {@code config.model()}.
     *
     * @throws IllegalArgumentException if the init checkpoint's vocabulary or shape differs from what
     *     this run uses, naming both, or if the estimator needs inputs this trainer cannot supply
     */
    public static Grpo create(GrpoConfig config, EnvSpec env, long seed, Path init) throws IOException {
        Transformer policy;
        if (init != null) {
            LmCheckpoint.Loaded loaded = LmCheckpoint.load(init);
            LmCheckpoint.requireConfig(loaded, config.model());
            policy = loaded.model();
        } else {
            TransformerConfig shape = config.model() != null ? config.model() : TransformerConfig.defaults();
            policy = Transformer.initialize(shape, Seeds.stream(seed, "init"));
        }
        return new Grpo(config, env, seed, policy);
    }

    /**
     * Refuses, before any work, what does not fit the rollout strategy: an estimator that needs trees
     * with {@code rollout=iid}, one that needs a greedy baseline with a tree rollout (naming the
     * estimator and the rollout), tree rollouts with dynamic sampling, and a tree shape that does not
     * fit the group size.
     */
    static void checkRollout(GrpoConfig config) {
        String rollout = config.rollout().cliName();
        AdvantageEstimators.Entry entry = AdvantageEstimators.entry(config.estimator());
        if (!config.rollout().isTree() && entry.has(Capability.NEEDS_TREE)) {
            throw new IllegalArgumentException("grpo estimator=" + config.estimator() + " needs tree rollouts but rollout="
                    + rollout + " samples independent responses; use rollout=tree-spo, tree-latr or tree-arpo");
        }
        if (config.rollout().isTree() && entry.has(Capability.NEEDS_GREEDY_BASELINE)) {
            throw new IllegalArgumentException("grpo estimator=" + config.estimator() + " needs a greedy rollout per task,"
                    + " which rollout=" + rollout + " does not sample; use rollout=iid");
        }
        if (config.rollout() == TreeRolloutConfig.Kind.SEMI_ONLINE && (config.dynamicSampling() || config.klInReward())) {
            throw new IllegalArgumentException("grpo rollout=semi-online does not work with "
                    + (config.dynamicSampling() ? "dynamic_sampling=true" : "kl_in_reward=true")
                    + " (its rows are single policy turns along an expert trajectory); turn it off");
        }
        if (config.rollout().isTree() && config.dynamicSampling()) {
            throw new IllegalArgumentException("grpo dynamic_sampling=true does not work with rollout=" + rollout
                    + " (a tree is not refilled group by group); use rollout=iid or dynamic_sampling=false");
        }
        if (config.rollout().isTree()) {
            config.tree().strategy(config.rollout(), config.groupSize(), Math.max(1, config.maxNewTokens()), 0);
        }
        if ((config.rollout().isTree() || config.rollout() == TreeRolloutConfig.Kind.SEMI_ONLINE)
                && config.rolloutWorkers().equals("spark")) {
            throw new IllegalArgumentException("grpo rollout_workers=spark samples independent responses; rollout="
                    + rollout + " grows its trees in the learner's JVM; use rollout=iid or rollout_workers=local");
        }
    }

    /**
     * Refuses a config whose advantage estimator this trainer cannot feed on any task under its
     * rollout strategy, naming what it lacks (no work done); {@link #checkCredit(GrpoConfig, EnvSpec)}
     * also checks the task.
     */
    public static void checkCredit(GrpoConfig config) {
        checkRollout(config);
        Credit.estimator("grpo", config.estimator(), supplied(config, true), Set.of(), config.estimatorSettings());
    }

    /**
     * Refuses a config whose estimator this trainer cannot feed on {@code env}, naming the estimator,
     * the environment and what is missing (no work done).
     */
    public static void checkCredit(GrpoConfig config, EnvSpec env) {
        checkRollout(config);
        if (config.rollout() == TreeRolloutConfig.Kind.SEMI_ONLINE && !(TokenEnv.taskOf(env) instanceof MultiTurnTask)) {
            throw new IllegalArgumentException("grpo rollout=semi-online needs a multi-turn task with expert"
                    + " demonstrations (GridNav-v0, Guess-v0, ...); " + env.id() + " is not multi-turn");
        }
        Credit.estimator("grpo on " + env.id(), config.estimator(),
                supplied(config, TokenEnv.taskOf(env) instanceof MultiTurnTask), Set.of(), config.estimatorSettings());
    }

    /** Trains a fresh run to its end: {@code trail train --env ID --algo grpo --init DIR}. */
    public static Result train(GrpoConfig config, EnvSpec env, long seed, Path init, TrainingListener listener,
            Path checkpointDir, int checkpointEvery) throws IOException {
        try (Grpo grpo = create(config, env, seed, init)) {
            return grpo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /** Continues the run saved in {@code checkpoint} exactly as if it had not stopped. */
    public static Result resume(Path checkpoint, EnvSpec env, TrainingListener listener, Path checkpointDir,
            int checkpointEvery) throws IOException {
        try (Grpo grpo = load(checkpoint, env)) {
            return grpo.run(listener, checkpointDir, checkpointEvery);
        }
    }

    /**
     * Runs the remaining updates through {@link TrainingLoop}; a fresh run first evaluates the
     * initial policy and reports it as update 0.
     */
    public Result run(TrainingListener listener, Path checkpointDir, int checkpointEvery) throws IOException {
        LmEvaluation.Result before = null;
        if (update == 0) {
            before = evaluate();
            listener.onUpdate(0, 0, before.metrics());
        }
        TrainingLoop.Result r = TrainingLoop.run(this, listener, checkpointDir, checkpointEvery);
        return new Result(r.lastCheckpoint(), before, lastEvaluation, update, policy);
    }

    @Override
    public boolean done() {
        return update >= config.iterations() || (config.maxMinutes() > 0 && minutes() >= config.maxMinutes())
                || (config.maxSampledTokens() > 0 && generatedTokens >= config.maxSampledTokens());
    }

    /** Minutes of training so far, over every process of the run (the budget {@code max_minutes} counts). */
    private double minutes() {
        return minutesBefore + (System.nanoTime() - startNanos) / 60e9;
    }

    private LmEvaluation.Result evaluate() {
        lastEvaluation = LmEvaluation.evaluate(manager, policy, task, config.evalProblems(), config.evalK(),
                config.temperature(), seed);
        return lastEvaluation;
    }

    // ---- one update -----------------------------------------------------------------------------------

    /** The verifier's reward, plus DAPO's overlong penalty on the response length when shaping is on. */
    private double reward(Transcript t) {
        double r = t.reward();
        if (config.overlongShaping()) {
            r += Dapo.overlongPenalty(t.responseLength(), maxNew, Math.min(config.overlongCache(), maxNew));
        }
        return r;
    }

    private final ResponseSampler responses = new ResponseSampler() {
        @Override
        public List<Response> sample(TokenTask t, List<? extends Problem> problems, Rng[] streams, boolean greedy) {
            List<Sampler.Sample> samples = sampler.sample(manager, t, problems, streams,
                    greedy ? SamplingConfig.greedy(maxNew) : sampling);
            List<Response> out = new ArrayList<>(samples.size());
            for (Sampler.Sample s : samples) {
                out.add(new Response(s.transcript(), s.logProbs()));
            }
            return out;
        }

        @Override
        public long lastTokens() {
            return sampler.lastStats().tokensGenerated();
        }
    };

    // ---- rollout workers on Spark (rollout_workers=spark) ----------------------------------------------

    private dev.trail.scale.ResponseWorkers remote;

    /** Every generation call of the batch on Spark executor tasks, with the weights of this update's policy. */
    private final ResponseSampler remoteResponses = new ResponseSampler() {
        @Override
        public List<Response> sample(TokenTask t, List<? extends Problem> problems, Rng[] streams, boolean greedy) {
            if (remote == null) {
                remote = dev.trail.scale.SparkBackend.find().orElseThrow(() -> new IllegalArgumentException(
                        "rollout_workers=spark needs the trail-spark module on the class path (the trail launcher adds"
                                + " it; docs/SPARK.md)")).responseWorkers(config.sparkMaster());
            }
            return remote.sample(new dev.trail.scale.ResponseWorkers.SamplerSpec(env.id(),
                    policy.config().toJson().toString(), config.rolloutShards()), policy.parameters(), update,
                    problems, streams, greedy ? SamplingConfig.greedy(maxNew) : sampling);
        }

        @Override
        public long lastTokens() {
            return remote == null ? 0 : remote.lastTokens();
        }
    };

    @Override
    protected GroupRollout collect(TrainingListener listener) {
        GroupRollout rollout;
        if (semiOnline != null) {
            lastSemiOnline = semiOnline.collect(ForkingDecoder.factory(manager, policy));
            rollout = lastSemiOnline.rollout();
        } else {
            rollout = trees != null ? trees.collect(ForkingDecoder.factory(manager, policy))
                    : collector.collect(config.rolloutWorkers().equals("spark") ? remoteResponses : responses);
        }
        generatedTokens += rollout.stats().tokens();
        return rollout;
    }

    @Override
    protected AdvantageResult credit(GroupRollout rollout) {
        List<ResponseSampler.Response> all = rollout.responses();
        transcripts = all.stream().map(ResponseSampler.Response::transcript).toList();
        int n = all.size();
        oldLogProbs = new double[n][];
        for (int i = 0; i < n; i++) {
            oldLogProbs[i] = all.get(i).logProbs();
        }
        klRewardPenalty = 0;
        if (n == 0) {
            refLogProbs = null;
            return new AdvantageResult(new double[0][], new double[0][]);
        }
        long referenceStart = System.nanoTime();
        refLogProbs = config.klCoef() > 0 ? referenceLogProbs(transcripts) : null;
        referenceSeconds = (System.nanoTime() - referenceStart) / 1e9;
        creditMetrics.clear();
        if (semiOnline != null) {
            return semiOnlineCredit();
        }
        List<TrajectoryGroup> tokenGroups = withReference(rollout.groups());
        if (estimatorEntry.has(Capability.NEEDS_SEGMENT_VALUES)) {
            tokenGroups = withSegmentValues(rollout, tokenGroups);
        }
        if (!turnLevel) {
            lastEstimatorInput = tokenGroups;
            return estimator.estimate(tokenGroups);
        }
        List<TrajectoryGroup> turnGroups = turnLevel(rollout.turnGroups(), tokenGroups);
        if (progress != null) {
            turnGroups = withProgress(rollout, turnGroups);
        }
        lastEstimatorInput = turnGroups;
        return spreadOverTurns(estimator.estimate(turnGroups));
    }

    /**
     * Credit of semi-online rollouts: per problem, its K rollouts as turn-level trajectories (step k =
     * the rollout's k-th policy turn, observation = the expert step it was taken at, reward = the step
     * reward, extras column {@code match} = 1 for a turn that matched the expert's); the estimator's
     * step advantage goes on that turn's policy tokens of its row (the expert history is masked).
     */
    private AdvantageResult semiOnlineCredit() {
        List<TrajectoryGroup> groups = new ArrayList<>();
        // row index (in rollout order) of each (group, rollout, k)
        List<int[][]> rowOf = new ArrayList<>();
        int row = 0;
        for (SemiOnlineCollector.Episodes e : lastSemiOnline.episodes()) {
            int k = config.groupSize();
            List<List<Integer>> stepsOf = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                stepsOf.add(new ArrayList<>());
            }
            for (int i = 0; i < e.steps().size(); i++) {
                stepsOf.get(e.steps().get(i).rollout()).add(i);
            }
            List<Trajectory> members = new ArrayList<>();
            int[][] rows = new int[k][];
            for (int r = 0; r < k; r++) {
                List<Integer> idx = stepsOf.get(r);
                int n = idx.size();
                float[] observations = new float[n + 1];
                double[] rewards = new double[n];
                double[] match = new double[n];
                String[] texts = new String[n];
                rows[r] = new int[n];
                for (int j = 0; j < n; j++) {
                    SemiOnlineCollector.Step st = e.steps().get(idx.get(j));
                    observations[j] = st.step();
                    rewards[j] = st.reward();
                    match[j] = st.match() ? 1 : 0;
                    texts[j] = st.response().transcript().responseText();
                    rows[r][j] = row + idx.get(j);
                }
                observations[n] = -1;
                boolean ended = n > 0 && match[n - 1] == 0;
                members.add(new Trajectory(e.id() + "." + r, e.id(), 0, observations, 1, null, 0, rewards, null, null,
                        null, !ended, ended, Double.NaN, Map.of("match", match), e.problem().key(), texts, null, 0,
                        null));
            }
            row += e.steps().size();
            rowOf.add(rows);
            groups.add(new TrajectoryGroup(e.id(), members, Double.NaN, null));
        }
        lastEstimatorInput = groups;
        AdvantageResult perStep = estimator.estimate(groups);
        double[][] adv = new double[transcripts.size()][];
        double[][] ret = new double[transcripts.size()][];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = new double[transcripts.get(i).responseLength()];
            ret[i] = new double[adv[i].length];
        }
        int member = 0;
        for (int[][] rows : rowOf) {
            for (int[] trajectoryRows : rows) {
                for (int j = 0; j < trajectoryRows.length; j++) {
                    int i = trajectoryRows[j];
                    boolean[] trained = transcripts.get(i).trained();
                    for (int t = 0; t < trained.length; t++) {
                        if (trained[t]) {
                            adv[i][t] = perStep.advantages()[member][j];
                            ret[i][t] = perStep.returns()[member][j];
                        }
                    }
                }
                member++;
            }
        }
        return new AdvantageResult(adv, ret);
    }

    /** The last semi-online collection (tests). */
    SemiOnlineCollector.Collection lastSemiOnlineForTests() {
        return lastSemiOnline;
    }

    /** The groups the estimator saw in the last {@link #credit} (token or turn steps), for wiring tests. */
    List<TrajectoryGroup> lastEstimatorInput;

    /**
     * SPO-chain's inputs (ALGORITHMS.md §3.1): the cut points of each response from its sampling
     * log-probs (the estimator's {@code threshold}, {@code cutpoint_interval} and {@code prompt_value}
     * options when it declares them), and at each cut {@code c} the mean reward of
     * {@code step_credit.mc_samples} continuations sampled with the current policy from the prompt and
     * response tokens {@code 0..c} ({@link PrefixValues}, forked decoder rows), written to extras
     * column {@code segmentValue[c + 1]} (NaN elsewhere). The continuations' tokens count as sampled
     * tokens of the run.
     */
    private List<TrajectoryGroup> withSegmentValues(GroupRollout rollout, List<TrajectoryGroup> groups) {
        dev.trail.config.Options o = dev.trail.config.Options.resolve(config.estimator(),
                estimatorEntry.options(), config.estimatorSettings());
        java.util.Set<String> declared = new java.util.HashSet<>();
        for (dev.trail.config.Option opt : estimatorEntry.options()) {
            declared.add(opt.name());
        }
        double threshold = declared.contains("threshold") ? o.getDouble("threshold")
                : dev.trail.advantage.SpoChain.DEFAULT_THRESHOLD;
        int interval = declared.contains("cutpoint_interval") ? o.getInt("cutpoint_interval")
                : dev.trail.advantage.SpoChain.DEFAULT_CUTPOINT_INTERVAL;
        boolean promptAlways = declared.contains("prompt_value") && o.getString("prompt_value").equals("always");
        List<PrefixValues.Request> requests = new ArrayList<>();
        int row = 0;
        for (GroupRollout.Group g : rollout.kept()) {
            for (ResponseSampler.Response r : g.responses()) {
                Transcript t = r.transcript();
                boolean[] low = new boolean[t.responseLength()];
                for (int j = 0; j < low.length; j++) {
                    low[j] = t.trained()[j] && Math.exp(oldLogProbs[row][j]) < threshold;
                }
                int[] cuts = dev.trail.advantage.SpoChain.cutPoints(low, interval);
                if (promptAlways && (cuts.length == 0 || cuts[0] != -1)) {
                    int[] withPrompt = new int[cuts.length + 1];
                    withPrompt[0] = -1;
                    System.arraycopy(cuts, 0, withPrompt, 1, cuts.length);
                    cuts = withPrompt;
                }
                requests.add(new PrefixValues.Request(g.problem(), t.responseTokens(), t.trained(), cuts));
                row++;
            }
        }
        PrefixValues.Result values = PrefixValues.estimate(task, requests, ForkingDecoder.factory(manager, policy),
                new PrefixValues.Settings(config.stepCredit().mcSamples(), config.temperature(), config.topP(),
                        policy.config().contextLength(), maxNew), this::reward, segmentRng);
        generatedTokens += values.tokensSampled();
        creditMetrics.put("charts/mc_rollouts", (double) values.rollouts());
        creditMetrics.put("charts/mc_tokens_sampled", (double) values.tokensSampled());
        List<TrajectoryGroup> out = new ArrayList<>(groups.size());
        row = 0;
        for (TrajectoryGroup g : groups) {
            List<Trajectory> members = new ArrayList<>(g.size());
            for (Trajectory t : g.trajectories()) {
                double[] column = new double[t.length()];
                java.util.Arrays.fill(column, Double.NaN);
                int[] cuts = requests.get(row).cuts();
                for (int k = 0; k < cuts.length; k++) {
                    column[cuts[k] + 1] = values.values()[row][k];
                }
                members.add(withExtras(t, Map.of("segmentValue", column)));
                row++;
            }
            out.add(new TrajectoryGroup(g.groupId(), members, g.greedyReward(), g.tree()));
        }
        return out;
    }

    /**
     * SPA's inputs (ALGORITHMS.md §7) on turn-level groups: per turn the features (the frozen
     * reference model's next-token logits at the turn's last policy token), the progress estimator
     * trained for {@code step_credit.progress_steps} Adam steps on this batch's episodes (sum of
     * contributions against the outcome), then its contributions in extras column {@code progress};
     * and {@code grounding} = 1 where the environment accepted the turn's action (its reply was well
     * formed), 0 otherwise (and for a turn the budget cut).
     */
    private List<TrajectoryGroup> withProgress(GroupRollout rollout, List<TrajectoryGroup> turnGroups) {
        double[][][] features = turnFeatures();
        double[] outcomes = new double[transcripts.size()];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = transcripts.get(i).reward();
        }
        double before = 0;
        for (double o : outcomes) {
            before += o * o / outcomes.length;
        }
        double after = progress.train(features, outcomes, config.stepCredit().progressSteps(),
                config.stepCredit().progressLearningRate());
        creditMetrics.put("losses/progress_mse_zero", before);
        creditMetrics.put("losses/progress_mse", after);
        MultiTurnTask multi = (MultiTurnTask) task;
        List<TrajectoryGroup> out = new ArrayList<>(turnGroups.size());
        int row = 0;
        for (int gi = 0; gi < turnGroups.size(); gi++) {
            TrajectoryGroup g = turnGroups.get(gi);
            Problem problem = rollout.kept().get(gi).problem();
            List<Trajectory> members = new ArrayList<>(g.size());
            for (Trajectory t : g.trajectories()) {
                double[] c = progress.contributions(features[row]);
                double[] grounding = new double[t.length()];
                List<Transcript.Turn> turns = transcripts.get(row).turns();
                String[] texts = transcripts.get(row).turnTexts();
                MultiTurnTask.State state = multi.start(problem);
                for (int k = 0; k < grounding.length; k++) {
                    if (!turns.get(k).complete()) {
                        break;
                    }
                    MultiTurnTask.Reply reply = multi.reply(problem, state, texts[k]);
                    grounding[k] = reply.wellFormed() ? 1 : 0;
                    state = reply.next();
                }
                members.add(withExtras(t, Map.of("progress", c, "grounding", grounding)));
                row++;
            }
            out.add(new TrajectoryGroup(g.groupId(), members, g.greedyReward(), g.tree()));
        }
        return out;
    }

    /** Per episode, per turn: the reference model's logits after the turn's last policy token. */
    private double[][][] turnFeatures() {
        int n = transcripts.size();
        int width = 0;
        for (Transcript t : transcripts) {
            width = Math.max(width, t.promptTokens().length + t.responseLength());
        }
        long[] tokens = new long[n * width];
        java.util.Arrays.fill(tokens, dev.trail.token.Vocabulary.PAD);
        for (int i = 0; i < n; i++) {
            int[] seq = transcripts.get(i).tokens();
            for (int j = 0; j < seq.length; j++) {
                tokens[i * width + j] = seq[j];
            }
        }
        double[][][] out = new double[n][][];
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound w = reference.parameters().constant(sub);
            NDArray logits = reference.logits(w, dev.trail.nn.Tensors.create(sub, tokens, n, width));
            int vocab = (int) logits.getShape().get(2);
            float[] flat = logits.toFloatArray();
            for (int i = 0; i < out.length; i++) {
                Transcript t = transcripts.get(i);
                List<Transcript.Turn> turns = t.turns();
                out[i] = new double[turns.size()][vocab];
                for (int k = 0; k < turns.size(); k++) {
                    // position of the turn's last policy token in BOS + prompt + response
                    int at = t.promptTokens().length + turns.get(k).end() - 1;
                    for (int v = 0; v < vocab; v++) {
                        out[i][k][v] = flat[(i * width + at) * vocab + v];
                    }
                }
            }
        }
        return out;
    }

    private static Trajectory withExtras(Trajectory t, Map<String, double[]> columns) {
        Map<String, double[]> extras = new LinkedHashMap<>(t.extras());
        extras.putAll(columns);
        return new Trajectory(t.id(), t.groupId(), t.seed(), t.observations(), t.observationSize(), t.actions(),
                t.actionSize(), t.rewards(), t.logProbs(), t.values(), t.mask(), t.terminated(), t.truncated(),
                t.bootstrapValue(), extras, t.taskId(), t.textActions(), t.parentId(), t.branchStep(), t.labels());
    }

    /**
     * The turn-level groups with each turn's reward as in the token-level groups (the KL penalty, when
     * it is in the reward, summed over the turn's tokens).
     */
    private List<TrajectoryGroup> turnLevel(List<TrajectoryGroup> turnGroups, List<TrajectoryGroup> tokenGroups) {
        if (!klInReward) {
            return turnGroups;
        }
        List<TrajectoryGroup> out = new ArrayList<>(turnGroups.size());
        int row = 0;
        for (int g = 0; g < turnGroups.size(); g++) {
            List<Trajectory> members = new ArrayList<>();
            for (int j = 0; j < turnGroups.get(g).size(); j++, row++) {
                Trajectory turns = turnGroups.get(g).get(j);
                double[] tokenRewards = tokenGroups.get(g).get(j).rewards();
                List<Transcript.Turn> spans = transcripts.get(row).turns();
                double[] rewards = new double[spans.size()];
                for (int k = 0; k < rewards.length; k++) {
                    for (int i = spans.get(k).start(); i < spans.get(k).observationEnd(); i++) {
                        rewards[k] += tokenRewards[i];
                    }
                }
                // the shaping of the outcome (tokenRewards' last policy token) is already in the token rewards
                members.add(new Trajectory(turns.id(), turns.groupId(), turns.seed(), turns.observations(),
                        turns.observationSize(), null, 0, rewards, null, null, null, turns.terminated(),
                        turns.truncated(), Double.NaN, null, turns.taskId(), turns.textActions(), null, 0, null));
            }
            out.add(new TrajectoryGroup(turnGroups.get(g).groupId(), members, turnGroups.get(g).greedyReward(), null));
        }
        return out;
    }

    /** Turn-level advantages and returns spread over each turn's policy tokens. */
    private AdvantageResult spreadOverTurns(AdvantageResult perTurn) {
        double[][] adv = new double[transcripts.size()][];
        double[][] ret = new double[transcripts.size()][];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = transcripts.get(i).spreadOverTurns(perTurn.advantages()[i]);
            ret[i] = transcripts.get(i).spreadOverTurns(perTurn.returns()[i]);
        }
        return new AdvantageResult(adv, ret);
    }

    /** The groups with the reference log-probs as an extra column, and KL-penalised rewards when the KL is in the reward. */
    private List<TrajectoryGroup> withReference(List<TrajectoryGroup> groups) {
        if (refLogProbs == null) {
            return groups;
        }
        List<TrajectoryGroup> out = new ArrayList<>(groups.size());
        int row = 0;
        double penalty = 0;
        for (TrajectoryGroup g : groups) {
            List<Trajectory> members = new ArrayList<>(g.size());
            for (Trajectory t : g.trajectories()) {
                double[] rewards = t.rewards();
                if (klInReward) {
                    double[] mask = new double[rewards.length];
                    for (int s = 0; s < mask.length; s++) {
                        mask[s] = t.valid(s) ? 1 : 0;
                    }
                    double[] k = KlEstimators.perToken(config.klKind(), oldLogProbs[row], refLogProbs[row], mask);
                    double[] shaped = KlEstimators.penalizeRewards(rewards, k, mask, config.klCoef());
                    for (int s = 0; s < shaped.length; s++) {
                        penalty += rewards[s] - shaped[s];
                    }
                    rewards = shaped;
                }
                Map<String, double[]> extras = new LinkedHashMap<>(t.extras());
                extras.put(Trajectory.REF_LOG_PROB, refLogProbs[row]);
                members.add(new Trajectory(t.id(), t.groupId(), t.seed(), t.observations(), t.observationSize(),
                        t.actions(), t.actionSize(), rewards, t.logProbs(), t.values(), t.mask(), t.terminated(),
                        t.truncated(), t.bootstrapValue(), extras));
                row++;
            }
            out.add(new TrajectoryGroup(g.groupId(), members, g.greedyReward(), g.tree()));
        }
        klRewardPenalty = row == 0 ? 0 : penalty / row;
        return out;
    }

    /** Registry options this trainer sets: the KL coefficient of an estimator that shapes the KL itself. */
    private Map<String, String> estimatorSettings() {
        Map<String, String> settings = new LinkedHashMap<>(config.estimatorSettings());
        if (estimatorEntry.has(Capability.SHAPES_KL_INTO_REWARDS)) {
            double beta = config.klInReward() ? config.klCoef() : 0.0;
            settings.put("kl_coef", Double.toString(beta));
        }
        return settings;
    }

    @Override
    protected Map<String, Double> optimize(GroupRollout rollout, AdvantageResult credit) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        int n = transcripts.size();
        if (n > 0) {
            double[][] advantages = credit.advantages();
            long updateStart = System.nanoTime();
            long updateTokens = 0;
            double policyLoss = 0, kl = 0, clipFraction = 0, approxKl = 0, entropy = 0, gradNorm = 0;
            int steps = 0;
            for (int epoch = 0; epoch < config.updateEpochs(); epoch++) {
                int[] order = Shuffle.permutation(n, shuffle);
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
                    PrefixBatch mb = PrefixBatch.of(mbTranscripts);
                    try (NDManager sub = manager.newSubManager();
                            GradientCollector collector = Torch.engine().newGradientCollector()) {
                        Parameters.Bound w = policy.parameters().bind(sub);
                        Transformer.TokenLogProbs lp = policy.responseLogProbs(w, mb, config.temperature(), true);
                        Losses.Reduction reduction = Losses.Reduction.masked(config.aggregation(), mb.mask(),
                                mb.width(), maxNew);
                        Losses.PolicyTerms terms = Losses.policyLoss(lp.logProbs(), floats(mb.scatter(mbOld)),
                                floats(mb.scatter(mbAdv)), reduction, config.clip());
                        NDArray loss = terms.loss();
                        NDArray klTerm = null;
                        if (config.klCoef() > 0) {
                            klTerm = Losses.kl(config.klKind(), lp.logProbs(), mb.tensor(sub, mb.scatter(mbRef)),
                                    reduction);
                            if (klInLoss) {
                                loss = loss.add(Tensors.mul(klTerm, (float) config.klCoef()));
                            }
                        }
                        NDArray entropyMean = reduction.withMode(Aggregation.TOKEN_MEAN).masked(lp.entropy());
                        if (config.entropyCoef() > 0) {
                            loss = loss.sub(Tensors.mul(entropyMean, (float) config.entropyCoef()));
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
                                throw new TrainingDivergedException("GRPO", "gradient of " + lastBadTensor, update,
                                        norm);
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
            if (klInReward) {
                metrics.put("charts/kl_reward_penalty", klRewardPenalty);
            }
            metrics.put("time/update_tokens_per_second", updateTokens / updateSeconds);
        }
        metrics.put("charts/learning_rate", config.learningRate());
        metrics.putAll(creditMetrics);
        return metrics;
    }

    @Override
    protected Map<String, Double> rolloutMetrics(GroupRollout rollout) {
        GroupRollout.Stats s = rollout.stats();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("charts/reward_mean", s.rewardSum() / s.responses());
        m.put("charts/accuracy", (double) s.correct() / s.responses());
        m.put("charts/response_length", (double) s.responseTokens() / s.responses());
        m.put("charts/tool_call_rate", (double) s.withToolCalls() / s.responses());
        m.put("charts/truncation_rate", (double) s.truncated() / s.responses());
        m.put("charts/format_error_rate", (double) s.malformed() / s.responses());
        m.put("charts/kept_groups", (double) rollout.kept().size());
        if (semiOnline != null) {
            // a row is one policy turn along the expert trajectory; "correct" = it matched the expert's action
            m.put("charts/expert_match_rate", (double) s.correct() / Math.max(1, s.responses()));
        } else if (task instanceof MultiTurnTask) {
            long turns = 0;
            for (ResponseSampler.Response r : rollout.responses()) {
                turns += r.transcript().turns().size();
            }
            m.put("charts/turns", rollout.responses().isEmpty() ? 0.0 : (double) turns / rollout.responses().size());
        }
        m.put("charts/generation_rounds", (double) s.rounds());
        m.put("time/sample_tokens_per_second", s.tokens() / s.seconds());
        m.put("time/sample_seconds", s.seconds());
        m.put("time/reference_seconds", referenceSeconds);
        GroupRollout.Budget b = rollout.budget();
        m.put("charts/tokens_sampled", (double) b.tokensSampled());
        m.put("charts/tokens_computed", (double) b.tokensComputed());
        m.put("charts/tokens_computed_per_trajectory", b.tokensComputedPerTrajectory());
        m.put("charts/trajectories", (double) b.trajectories());
        return m;
    }

    @Override
    protected void afterUpdate(Map<String, Double> metrics) {
        metrics.put("time/elapsed_minutes", minutes());
        if (done() || (config.evalEvery() > 0 && update % config.evalEvery() == 0)) {
            metrics.putAll(evaluate().metrics());
        }
    }

    @Override
    public long globalStep() {
        return generatedTokens;
    }

    /** Reference log-probs of every response token, {@code [n][T_i]} (no gradient). */
    private double[][] referenceLogProbs(List<Transcript> batch) {
        PrefixBatch all = PrefixBatch.of(batch);
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound w = reference.parameters().constant(sub);
            float[] lp = reference.responseLogProbs(w, all, config.temperature(), false).logProbs().toFloatArray();
            double[] flat = new double[lp.length];
            for (int i = 0; i < lp.length; i++) {
                flat[i] = lp[i];
            }
            return all.gather(flat);
        }
    }

    // ---- checkpoints ------------------------------------------------------------------------------------

    /**
     * Writes the whole run state to {@code dir} (atomically): {@code parameters.bin} (the policy, as
     * {@link LmCheckpoint#load} reads it for evaluation or {@code --init}), {@code reference.bin} (the
     * frozen reference), {@code optimizer.bin} (Adam's moments) and in {@code checkpoint.json} the
     * config, counters, Adam's step count and the random streams.
     */
    @Override
    public void save(Path dir) throws IOException {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("algorithm", config.estimator());
        meta.put("envId", env.id());
        meta.put("seed", seed);
        meta.put("updates", update);
        meta.put("generatedTokens", generatedTokens);
        meta.put("globalStep", generatedTokens);
        meta.put("skippedSteps", skippedSteps);
        meta.put("consecutiveSkips", consecutiveSkips);
        meta.put("lastNonFiniteGradient", lastBadTensor);
        meta.put("minutes", minutes());
        if (lastEvaluation != null) {
            meta.put("eval/pass@1", lastEvaluation.passAt1());
        }
        meta.putPOJO("config", config.toMap());
        ObjectNode rng = meta.putObject("rng");
        TaskStreams streams = collectorStreams();
        CollectorState.putLongs(rng.putArray("prompts"), streams.problemRng().state());
        CollectorState.putLongs(rng.putArray("sampling"), streams.samplingRng().state());
        CollectorState.putLongs(rng.putArray("minibatches"), shuffle.state());
        CollectorState.putLongs(rng.putArray("segment_values"), segmentRng.state());
        meta.put("collections", streams.collections());
        meta.put("adamStep", adam.stepCount());
        Parameters moments = new Parameters();
        Parameters params = policy.parameters();
        for (int i = 0; i < params.count(); i++) {
            Parameters.Tensor t = params.get(i);
            moments.add("m/" + t.name(), t.shape(), adam.firstMoments()[i].clone());
            moments.add("v/" + t.name(), t.shape(), adam.secondMoments()[i].clone());
        }
        Map<String, Parameters> files = new LinkedHashMap<>();
        files.put("reference", reference.parameters());
        files.put("optimizer", moments);
        if (progress != null) {
            files.put("progress", progress.state());
            meta.put("progressAdamStep", progress.adamSteps());
        }
        LmCheckpoint.save(dir, policy, meta, files);
    }

    /** The checkpointed state of the collector this run samples with. */
    private TaskStreams collectorStreams() {
        return semiOnline != null ? semiOnline.streams() : trees != null ? trees.streams() : collector.streams();
    }

    /** A run restored from a checkpoint written by {@link #save}, on the task it was trained on. */
    public static Grpo load(Path dir, EnvSpec env) throws IOException {
        LmCheckpoint.Loaded loaded = LmCheckpoint.load(dir);
        JsonNode meta = loaded.metadata();
        if (!meta.has("adamStep")) {
            throw new IllegalArgumentException(dir + " is not a resumable GRPO checkpoint (no optimizer state)");
        }
        if (!meta.path("envId").asText().equals(env.id())) {
            throw new IllegalArgumentException(dir + " was trained on " + meta.path("envId").asText() + ", not on "
                    + env.id());
        }
        GrpoConfig config = GrpoConfig.binder(meta.path("algorithm").asText()).bind(meta.path("config"));
        Checkpoint cp = Checkpoint.read(loaded.directory());
        Grpo grpo = new Grpo(config, env, meta.path("seed").asLong(), loaded.model());
        try {
            grpo.reference.parameters().copyFrom(cp.tensors("reference"));
            Parameters opt = cp.tensors("optimizer");
            int count = grpo.policy.parameters().count();
            float[][] m = new float[count][];
            float[][] v = new float[count][];
            for (int i = 0; i < count; i++) {
                String name = grpo.policy.parameters().get(i).name();
                m[i] = opt.get("m/" + name).data();
                v[i] = opt.get("v/" + name).data();
            }
            grpo.adam.restore(m, v, meta.path("adamStep").asLong());
            JsonNode rng = meta.path("rng");
            Rng prompts = Rng.fromState(CollectorState.longs(rng.path("prompts")));
            Rng samplingRng = Rng.fromState(CollectorState.longs(rng.path("sampling")));
            grpo.collectorStreams().restore(prompts, samplingRng, meta.path("collections").asInt());
            grpo.shuffle = Rng.fromState(CollectorState.longs(rng.path("minibatches")));
            if (rng.has("segment_values")) {
                grpo.segmentRng = Rng.fromState(CollectorState.longs(rng.path("segment_values")));
            }
            if (grpo.progress != null) {
                grpo.progress.restore(cp.tensors("progress"), meta.path("progressAdamStep").asLong());
            }
            grpo.update = meta.path("updates").asInt();
            grpo.generatedTokens = meta.path("generatedTokens").asLong();
            grpo.skippedSteps = meta.path("skippedSteps").asInt();
            grpo.consecutiveSkips = meta.path("consecutiveSkips").asInt();
            grpo.lastBadTensor = meta.path("lastNonFiniteGradient").asText("");
            grpo.minutesBefore = meta.path("minutes").asDouble();
            return grpo;
        } catch (RuntimeException e) {
            grpo.close();
            throw e;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

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


    private static float[] floats(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
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

    /** The policy being trained. */
    public Transformer policy() {
        return policy;
    }

    /** The run's config. */
    public GrpoConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
        manager.close();
    }
}
