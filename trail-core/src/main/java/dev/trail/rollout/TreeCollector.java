package dev.trail.rollout;

import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Tree rollouts for token tasks: each batch draws B training problems and grows one rollout tree
 * per problem with a {@link TreeStrategy} (SPO-tree, LATR, ARPO), decoding every live branch of
 * every tree in one batch of a {@link ForkableDecoder}. A fork copies the branch's decoder row
 * (the key/value cache of its prefix), its response state (tool calls included) and hands it a
 * stream, so a prefix shared by several trajectories is computed once.
 *
 * <p>One decoding step: every live branch with a tool output still to feed feeds its next
 * tool-output token; every other live branch asks the strategy what to take (and whether to
 * fork), draws its token ({@link TokenSampling}, log-probability {@code log softmax(logits/τ)}
 * recorded as the batch sampler does), and the new forks draw theirs; then all of them are fed in
 * one batch, except a response's final token, which nothing reads. A branch ends at EOS or at
 * its length budget; the strategy may prune live branches (their tokens stay counted as
 * sampled). Ordinary samples from the prompt that the strategy may need to fill its group
 * ({@link TreeStrategy#reserves}) start with the tree as stand-by branches and decode in the same
 * steps, so a group takes about as many decoding steps as i.i.d. sampling; after every step the
 * latest of them beyond {@link TreeStrategy#reservesNeeded} are dropped (their tokens, too, stay
 * counted as sampled).
 *
 * <p>The result is a {@link GroupRollout} whose groups hold every finished, unpruned branch as a
 * complete response, in creation order (the kept stand-by branches last), with its lineage: the nearest unpruned ancestor and the
 * response tokens shared with it. {@link GroupRollout#groups()} turns that into trajectories with
 * {@code parentId}/{@code branchStep} and a {@link dev.trail.trajectory.TrajectoryTree}.
 *
 * <p>Determinism: problems come from the problem stream, each initial branch gets a stream split
 * off the sampling stream (problem by problem, in order), then each stand-by branch (problem by
 * problem), and forks get streams from their parents ({@link TreeStrategy#childStream}); with
 * one-threaded model evaluation the same weights and streams give the same trees.
 *
 * <p>State (checkpointed by the trainer, {@link #streams}): the problem stream, the sampling stream
 * and the batch counter.
 */
public final class TreeCollector implements Collector<ForkableDecoder.Factory, GroupRollout> {

    /**
     * How tokens are drawn.
     *
     * @param temperature τ of the sampling distribution and of the recorded log-probabilities
     * @param topP nucleus mass
     * @param maxNewTokens response budget in tokens
     * @param contextLength the model's context (prompt and response must fit)
     * @param tasksPerBatch B, problems (trees) per batch
     */
    public record Settings(double temperature, double topP, int maxNewTokens, int contextLength, int tasksPerBatch) {
        public Settings {
            if (!(temperature > 0) || !(topP > 0 && topP <= 1) || maxNewTokens < 1 || tasksPerBatch < 1) {
                throw new IllegalArgumentException("tree rollouts need temperature > 0, topP in (0, 1], maxNewTokens"
                        + " >= 1 and tasksPerBatch >= 1, got " + temperature + ", " + topP + ", " + maxNewTokens + ", "
                        + tasksPerBatch);
            }
        }
    }

    private static final List<TreeStrategy.Draw> SAMPLE_ONLY = List.of(TreeStrategy.Draw.sample());

    private final TokenTask task;
    private final java.util.function.IntFunction<TreeStrategy> strategies;
    private TreeStrategy strategy;
    private final Settings settings;
    private final ToDoubleFunction<Transcript> reward;
    private final TaskStreams streams;

    /**
     * @param reward the reward of a response
     * @param problems the stream training problems are drawn from
     * @param sampling the stream the branches' streams are split from
     */
    public TreeCollector(TokenTask task, TreeStrategy strategy, Settings settings, ToDoubleFunction<Transcript> reward,
            Rng problems, Rng sampling) {
        this(task, batch -> strategy, settings, reward, problems, sampling);
    }

    /**
     * A collector whose strategy depends on the batch (LATR's η schedule): {@code strategies}
     * maps the number of batches collected before this one to the strategy of this one.
     */
    public TreeCollector(TokenTask task, java.util.function.IntFunction<TreeStrategy> strategies, Settings settings,
            ToDoubleFunction<Transcript> reward, Rng problems, Rng sampling) {
        this.task = task;
        this.strategies = strategies;
        this.strategy = strategies.apply(0);
        this.settings = settings;
        this.reward = reward;
        this.streams = new TaskStreams(problems, sampling);
    }

    /** The strategy of the last (or next, before any) batch. */
    public TreeStrategy strategy() {
        return strategy;
    }

    @Override
    public GroupRollout collect(ForkableDecoder.Factory decoders) {
        strategy = strategies.apply(streams.collections());
        int collection = streams.nextCollection();
        List<Problem> batch = new ArrayList<>(settings.tasksPerBatch());
        for (int i = 0; i < settings.tasksPerBatch(); i++) {
            batch.add(task.sample(streams.problemRng(), Split.TRAIN));
        }
        return grow(decoders, batch, collection + ".1.");
    }

    /**
     * Grows one tree per problem (no problem drawn; for {@code trail rollout} and tests).
     *
     * @param groupPrefix group ids are this prefix plus the problem's index
     */
    public GroupRollout grow(ForkableDecoder.Factory decoders, List<Problem> batch, String groupPrefix) {
        long start = System.nanoTime();
        Run run = new Run(batch);
        try (ForkableDecoder decoder = decoders.open(run.contexts())) {
            run.decode(decoder);
            return run.result(decoder, groupPrefix, (System.nanoTime() - start) / 1e9);
        }
    }

    /** The state of one batch of trees. */
    private final class Run implements TreeStrategy.Batch {
        private final List<Problem> batch;
        private final List<List<TreeBranch>> trees = new ArrayList<>();
        private final List<List<TreeBranch>> standBy = new ArrayList<>();
        private final List<TreeBranch> all = new ArrayList<>();
        private final ResponseBuilder[] prompts;
        private ForkableDecoder decoder;
        private int step;
        private long sampled;
        private int prunedCount;

        Run(List<Problem> batch) {
            this.batch = batch;
            this.prompts = new ResponseBuilder[batch.size()];
            for (int p = 0; p < batch.size(); p++) {
                prompts[p] = new ResponseBuilder(task, batch.get(p), settings.contextLength(), settings.maxNewTokens());
                trees.add(new ArrayList<>());
                standBy.add(new ArrayList<>());
            }
        }

        List<int[]> contexts() {
            List<int[]> c = new ArrayList<>();
            for (ResponseBuilder b : prompts) {
                c.add(b.context());
            }
            return c;
        }

        @Override
        public int step() {
            return step;
        }

        @Override
        public List<TreeBranch> branches(int p) {
            return trees.get(p);
        }

        @Override
        public int problems() {
            return batch.size();
        }

        @Override
        public int vocabSize() {
            return decoder.vocabSize();
        }

        void decode(ForkableDecoder d) {
            this.decoder = d;
            // initial branches, problem by problem: the prompt row is the first one, the others fork it
            boolean[] promptTaken = new boolean[batch.size()];
            List<TreeBranch> fresh = new ArrayList<>();
            int[] reserves = new int[batch.size()];
            int allReserves = 0;
            for (int p = 0; p < batch.size(); p++) {
                List<TreeStrategy.Start> starts = strategy.start(p);
                Rng[] branchStreams = streams.samplingRng().split(starts.size());
                for (int k = 0; k < starts.size(); k++) {
                    TreeBranch b = newBranch(p, prompts[p].copy(), branchStreams[k], starts.get(k).depth());
                    trees.get(p).add(b);
                    placeOnPrompt(b, promptTaken, fresh);
                }
                reserves[p] = strategy.reserves(p);
                allReserves += reserves[p];
            }
            // stand-by branches, with streams split off after every initial branch's
            Rng[] reserveStreams = streams.samplingRng().split(allReserves);
            for (int p = 0, k = 0; p < batch.size(); p++) {
                for (int j = 0; j < reserves[p]; j++) {
                    TreeBranch b = newBranch(p, prompts[p].copy(), reserveStreams[k++], 0);
                    b.reserve = true;
                    standBy.get(p).add(b);
                    placeOnPrompt(b, promptTaken, fresh);
                }
            }
            assignRows(fresh);
            releaseUnusedPrompts(promptTaken);
            while (true) {
                List<TreeBranch> live = new ArrayList<>();
                for (TreeBranch b : all) {
                    if (b.live()) {
                        live.add(b);
                    }
                }
                if (live.isEmpty()) {
                    break;
                }
                stepOnce(live);
                step++;
                for (TreeBranch b : strategy.prune(this)) {
                    if (b.live()) {
                        b.pruned = true;
                        prunedCount++;
                        decoder.release(new int[] {b.row});
                    }
                }
                dropUnneededReserves();
            }
        }

        /** The first branch of a problem decodes on its prompt row; later ones fork it. */
        private void placeOnPrompt(TreeBranch b, boolean[] promptTaken, List<TreeBranch> fresh) {
            if (!promptTaken[b.problem()]) {
                promptTaken[b.problem()] = true;
                b.row = b.problem();
            } else {
                fresh.add(b);
            }
        }

        private void releaseUnusedPrompts(boolean[] promptTaken) {
            List<Integer> unused = new ArrayList<>();
            for (int p = 0; p < batch.size(); p++) {
                if (!promptTaken[p]) {
                    unused.add(p);
                }
            }
            if (!unused.isEmpty()) {
                decoder.release(unused.stream().mapToInt(Integer::intValue).toArray());
            }
        }

        /** Drops the latest stand-by branches of each problem beyond what the strategy can still need. */
        private void dropUnneededReserves() {
            for (int p = 0; p < batch.size(); p++) {
                List<TreeBranch> kept = new ArrayList<>();
                for (TreeBranch b : standBy.get(p)) {
                    if (!b.dropped) {
                        kept.add(b);
                    }
                }
                if (kept.isEmpty()) {
                    continue;
                }
                int needed = strategy.reservesNeeded(p, this);
                for (int j = kept.size() - 1; j >= needed; j--) {
                    TreeBranch b = kept.get(j);
                    if (b.live()) {
                        decoder.release(new int[] {b.row});
                    }
                    b.dropped = true;
                }
            }
        }

        private TreeBranch newBranch(int p, ResponseBuilder builder, Rng rng, int depth) {
            TreeBranch b = new TreeBranch(all.size(), p, null, 0, builder, rng, -1);
            b.depth = depth;
            all.add(b);
            return b;
        }

        /** Forks each branch's row off its problem's prompt row. */
        private void assignRows(List<TreeBranch> branches) {
            if (branches.isEmpty()) {
                return;
            }
            int[] parents = new int[branches.size()];
            for (int i = 0; i < parents.length; i++) {
                parents[i] = branches.get(i).problem();
            }
            int[] rows = decoder.fork(parents);
            for (int i = 0; i < rows.length; i++) {
                branches.get(i).row = rows[i];
            }
        }

        private void stepOnce(List<TreeBranch> live) {
            int vocab = decoder.vocabSize();
            List<TreeBranch> fed = new ArrayList<>();
            List<Integer> tokens = new ArrayList<>();
            List<TreeBranch> children = new ArrayList<>();
            List<Integer> childParents = new ArrayList<>();
            List<Integer> childTokens = new ArrayList<>();
            List<float[]> childLogits = new ArrayList<>();
            List<TreeBranch> ended = new ArrayList<>();
            for (TreeBranch b : live) {
                if (!b.pending.isEmpty()) {
                    int t = b.pending.poll();
                    b.record(0.0);
                    if (b.pending.isEmpty()) {
                        b.afterToolReply = true;
                    }
                    feed(b, t, fed, tokens, ended);
                    continue;
                }
                float[] logits = decoder.logits(b.row);
                // a stand-by branch is an ordinary sample: the strategy is not asked about it
                List<TreeStrategy.Draw> draws = b.reserve ? SAMPLE_ONLY : strategy.decide(b, logits, this);
                b.afterToolReply = false;
                // forks copy the branch before its own token is appended
                for (int k = 1; k < draws.size(); k++) {
                    TreeBranch c = b.fork(all.size(), strategy.childStream(b), -1);
                    c.afterToolReply = false;
                    c.depth = strategy.childDepth(b, k);
                    all.add(c);
                    trees.get(b.problem()).add(c);
                    children.add(c);
                    childParents.add(b.row);
                    childTokens.add(draw(draws.get(k), logits, vocab, c.rng));
                    childLogits.add(logits);
                }
                int t = draw(draws.get(0), logits, vocab, b.rng);
                appendPolicyToken(b, t, logits, vocab);
                feed(b, t, fed, tokens, ended);
            }
            // forks first: a parent whose own token just ended its response still lends its row
            if (!children.isEmpty()) {
                int[] rows = decoder.fork(childParents.stream().mapToInt(Integer::intValue).toArray());
                for (int i = 0; i < rows.length; i++) {
                    TreeBranch c = children.get(i);
                    c.row = rows[i];
                    int t = childTokens.get(i);
                    // the fork's next-token distribution is its parent's at the fork point
                    appendPolicyToken(c, t, childLogits.get(i), vocab);
                    feed(c, t, fed, tokens, ended);
                }
            }
            if (!ended.isEmpty()) {
                int[] rows = new int[ended.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = ended.get(i).row;
                }
                decoder.release(rows);
            }
            if (!fed.isEmpty()) {
                int[] rows = new int[fed.size()];
                int[] toks = new int[fed.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = fed.get(i).row;
                    toks[i] = tokens.get(i);
                }
                decoder.step(rows, toks);
            }
        }

        private int draw(TreeStrategy.Draw d, float[] logits, int vocab, Rng rng) {
            if (d.token() >= 0) {
                return d.token();
            }
            return TokenSampling.choose(logits, 0, vocab, settings.temperature(), settings.topP(), d.greedy(), rng);
        }

        private void appendPolicyToken(TreeBranch b, int token, float[] logits, int vocab) {
            b.record(TokenSampling.logProb(logits, 0, vocab, token, settings.temperature()));
            sampled++;
            for (int toolToken : b.builder.append(token)) {
                b.pending.add(toolToken);
            }
        }

        /** Queues {@code token} to be fed to {@code b}'s row, unless it ends the response (nothing reads its output). */
        private void feed(TreeBranch b, int token, List<TreeBranch> fed, List<Integer> tokens,
                List<TreeBranch> ended) {
            if (b.builder.done() && b.pending.isEmpty()) {
                b.finished = true;
                ended.add(b);
                return;
            }
            fed.add(b);
            tokens.add(token);
        }

        GroupRollout result(ForkableDecoder d, String groupPrefix, double seconds) {
            List<GroupRollout.Group> kept = new ArrayList<>();
            int responses = 0, correct = 0, malformed = 0, toolUse = 0, truncated = 0;
            long responseTokens = 0;
            double rewardSum = 0;
            for (int p = 0; p < batch.size(); p++) {
                // the tree's unpruned branches in creation order, then the stand-by branches kept as fills
                List<TreeBranch> members = new ArrayList<>();
                for (TreeBranch b : trees.get(p)) {
                    if (!b.pruned) {
                        members.add(b);
                    }
                }
                for (TreeBranch b : standBy.get(p)) {
                    if (!b.dropped) {
                        members.add(b);
                    }
                }
                if (members.isEmpty()) {
                    continue;
                }
                List<ResponseSampler.Response> rs = new ArrayList<>();
                double[] rewards = new double[members.size()];
                int[] parents = new int[members.size()];
                int[] branchSteps = new int[members.size()];
                for (int j = 0; j < members.size(); j++) {
                    TreeBranch b = members.get(j);
                    Transcript t = b.builder.transcript();
                    rs.add(new ResponseSampler.Response(t, b.logProbs.clone()));
                    rewards[j] = reward.applyAsDouble(t);
                    // the nearest unpruned ancestor shares min(birth) tokens along the chain
                    TreeBranch a = b.parent();
                    int shared = b.birth();
                    while (a != null && a.pruned) {
                        shared = Math.min(shared, a.birth());
                        a = a.parent();
                    }
                    parents[j] = a == null ? -1 : members.indexOf(a);
                    branchSteps[j] = a == null ? 0 : shared;
                    rewardSum += rewards[j];
                    correct += t.verdict().correct() ? 1 : 0;
                    malformed += t.verdict().formatOk() ? 0 : 1;
                    responseTokens += t.responseLength();
                    toolUse += t.toolCalls() > 0 ? 1 : 0;
                    truncated += t.truncated() ? 1 : 0;
                    responses++;
                }
                kept.add(new GroupRollout.Group(groupPrefix + p, batch.get(p), rs, rewards, Double.NaN, parents,
                        branchSteps));
            }
            GroupRollout.Stats stats = new GroupRollout.Stats(responses, rewardSum, correct, malformed, sampled,
                    responseTokens, toolUse, truncated, batch.size(), 1, seconds);
            return new GroupRollout(kept, stats, new GroupRollout.Budget(sampled, d.tokensComputed(),
                    d.positionsEvaluated(), responses));
        }

        int pruned() {
            return prunedCount;
        }
    }

    /** The streams and the batch counter, for checkpoints. */
    public TaskStreams streams() {
        return streams;
    }
}
