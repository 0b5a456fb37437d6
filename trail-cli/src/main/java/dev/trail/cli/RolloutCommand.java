package dev.trail.cli;

import dev.trail.algo.grpo.TreeRolloutConfig;
import dev.trail.data.Labels;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.env.ArrayEnv;
import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.envs.Envs;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.policy.PolicySpec;
import dev.trail.policy.SquashedGaussianActor;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.space.Tokens;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail rollout}: roll out a policy on an environment, print episode statistics, and
 * optionally write the trajectories in Trail's schema ({@code docs/TRAJECTORIES.md}), which
 * {@code trail credit --in} reads directly.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Roll out a policy (random, or the last checkpoint of a run) on an environment; print"
                + " per-episode return and length and a summary, and optionally write the trajectories"
                + " (.jsonl or .parquet, the schema of docs/TRAJECTORIES.md).")
final class RolloutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Environment id (see `trail envs`).")
    String envId;

    @Option(names = "--episodes", defaultValue = "10", paramLabel = "N", description = "Episodes to run (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Root seed; episode i is reset with the i-th seed split off it (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--policy", defaultValue = "random", paramLabel = "random|RUN",
            description = "`random`, or a run folder (its last checkpoint) or a checkpoint folder; a trained policy"
                    + " also writes log_prob and, with a critic, value (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--deterministic", description = "With a trained policy: take its most likely action instead of sampling.")
    boolean deterministic;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the trajectories here: .jsonl (one per line) or .parquet (one row per step).")
    Path out;

    @Option(names = "--append", description = "Add the trajectories to an existing JSONL --out file (its content is kept"
            + " whole even if the command is interrupted).")
    boolean append;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Re-run every episode of FILE (Trail's trajectory schema) from its recorded seed with its"
                    + " recorded actions, print where the environment now differs from the file, and write what it"
                    + " returns to --out (--episodes, --seed and --policy are not used).")
    Path replay;

    @Option(names = "--tree", paramLabel = "iid|spo|latr|arpo",
            description = "Token tasks with a language-model --policy (an SFT or GRPO run; `random`: fresh weights):"
                    + " --episodes problems, --group-size responses each, sampled independently (iid) or as one rollout"
                    + " tree per problem (SPO-tree, LATR, ARPO); tree members carry parent and branch_step"
                    + " (docs/TRAJECTORIES.md).")
    String tree;

    @Option(names = "--group-size", defaultValue = "8", paramLabel = "G",
            description = "With --tree: responses per problem (default: ${DEFAULT-VALUE}; spo: the product of tree.branching).")
    int groupSize;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "With --tree: sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-new-tokens", defaultValue = "0", paramLabel = "N",
            description = "With --tree: response budget in tokens (default: the task's).")
    int maxNewTokens;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "With --tree: a tree strategy setting, the keys of `trail train --algo grpo --list` under"
                    + " tree. without the prefix (branching=2x2x2, segment_tokens=4, latr_tau_abs=0.25, ...).")
    Map<String, String> treeSettings = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        if (replay != null) {
            return replay();
        }
        UserError.requirePositive("--episodes", episodes);
        if (tree == null && !treeSettings.isEmpty()) {
            throw new UserError("--set " + treeSettings.keySet() + " configures tree rollouts; it needs --tree");
        }
        if (out != null) {
            Outputs.checkWritable(out, "--out");
            TrajectoryFiles.Format f = TrajectoryFiles.formatOf(out);
            if (f == TrajectoryFiles.Format.MINARI) {
                throw new UserError("--out " + out + ": use a .jsonl or .parquet name (Minari: `trail data convert`)");
            }
            if (append && f != TrajectoryFiles.Format.JSONL) {
                throw new UserError("--append works for JSONL files only, not " + out);
            }
        }
        PrintWriter w = out == null ? spec.commandLine().getOut() : Outputs.summary(spec, out);
        if (tree != null) {
            return treeRollouts(w);
        }
        long[] seeds = Seeds.split(seed, episodes);
        List<Trajectory> done = new ArrayList<>();
        long steps = 0;
        long start = System.nanoTime();
        Episodes runner = policy.equals("random") ? new RandomEpisodes() : new PolicyEpisodes(loadPolicy());
        try {
            w.printf("%-8s %-21s %12s %8s  %s%n", "episode", "seed", "return", "length", "end");
            for (int e = 0; e < episodes; e++) {
                Trajectory t = runner.run(envId + "-" + e, seeds[e]);
                steps += t.length();
                done.add(t);
                w.printf("%-8d %-21d %12s %8d  %s%n", e, t.seed(), Tables.number(t.totalReward()), t.length(),
                        t.terminated() ? "terminated" : t.truncated() ? "truncated" : "-");
            }
        } finally {
            runner.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        printSummary(w, done, steps, seconds);
        if (out != null) {
            try (TrajectorySink sink = TrajectoryFiles.create(out, null, Map.of("env", envId), append)) {
                for (Trajectory t : done) {
                    sink.write(t);
                }
                sink.commit();
            } catch (IOException ex) {
                throw new UserError("cannot write --out " + out + ": " + ex.getMessage(), ex);
            }
            w.println((append ? "appended " : "wrote ") + done.size() + " trajectories to " + out);
        }
        w.flush();
        return Trail.OK;
    }

    /**
     * {@code --replay FILE}: for each trajectory, {@code reset(seed)} then its actions, as recorded.
     * Everything is checked before anything is written: the file's {@code env} metadata and each
     * trajectory's task must be {@code --env}, and every action must lie in the action space
     * (otherwise exit 2 naming the file, trajectory, step and value). An episode the environment
     * ends before its recorded actions run out is written up to that end and reported.
     */
    private Integer replay() throws IOException {
        if (out != null) {
            Outputs.checkWritable(out, "--out");
            if (TrajectoryFiles.formatOf(out) == TrajectoryFiles.Format.MINARI) {
                throw new UserError("--out " + out + ": use a .jsonl or .parquet name (Minari: `trail data convert`)");
            }
            if (append) {
                throw new UserError("--append is not used with --replay");
            }
        }
        if (!java.nio.file.Files.isRegularFile(replay)) {
            throw new UserError("--replay " + replay + " is not a file");
        }
        List<Trajectory> recorded;
        String fileEnv;
        try (dev.trail.data.TrajectorySource src = TrajectoryFiles.open(replay, null)) {
            fileEnv = src.metadata().get("env");
            recorded = new ArrayList<>();
            for (Trajectory t = src.next(); t != null; t = src.next()) {
                recorded.add(t);
            }
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot read --replay " + replay + ": " + e.getMessage(), e);
        }
        if (fileEnv != null && !fileEnv.equals(envId)) {
            throw new UserError("--replay " + replay + " was recorded on " + fileEnv + ", not --env " + envId);
        }
        @SuppressWarnings("unchecked")
        Env<Object, Object> env;
        try {
            env = (Env<Object, Object>) Envs.make(envId);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        List<Trajectory> done = new ArrayList<>();
        int identical = 0;
        try (env) {
            dev.trail.space.Space<?> space = env.actionSpace();
            for (Trajectory t : recorded) {
                if (t.taskId() != null && !t.taskId().equals(envId)) {
                    throw new UserError("--replay " + replay + ": trajectory " + t.id() + " was recorded on " + t.taskId()
                            + ", not --env " + envId);
                }
                Object[] actions = replayActions(t, space);
                Trajectory now = replayOne(env, t, actions);
                done.add(now);
                String diff = firstDifference(t, now);
                identical += diff == null ? 1 : 0;
                w.printf("%-24s seed %-21d %s%n", t.id(), t.seed(), diff == null ? "identical" : diff);
            }
        }
        w.printf("replayed %d trajectories of %s: %d identical, %d differ%n", done.size(), replay, identical,
                done.size() - identical);
        if (out != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("env", envId);
            meta.put("replay_of", replay.toString());
            try (TrajectorySink sink = TrajectoryFiles.create(out, null, meta, false)) {
                for (Trajectory t : done) {
                    sink.write(t);
                }
                sink.commit();
            } catch (IOException ex) {
                throw new UserError("cannot write --out " + out + ": " + ex.getMessage(), ex);
            }
            w.println("wrote " + done.size() + " trajectories to " + out);
        }
        w.flush();
        return Trail.OK;
    }

    /** The recorded actions of {@code t} as the environment takes them, each checked against {@code space}. */
    private Object[] replayActions(Trajectory t, dev.trail.space.Space<?> space) {
        int k = t.actionSize();
        int steps = t.length();
        if (steps > 0 && (k == 0 || t.actions().length == 0)) {
            throw new UserError("--replay " + replay + ": trajectory " + t.id() + " has no numeric actions to replay");
        }
        Object[] actions = new Object[steps];
        for (int i = 0; i < steps; i++) {
            float[] a = Arrays.copyOfRange(t.actions(), i * k, (i + 1) * k);
            String where = "--replay " + replay + ": trajectory " + t.id() + " step " + i + ": action ";
            if (space instanceof dev.trail.space.Discrete d) {
                float v = a[0];
                if (k != 1 || v != Math.rint(v) || v < d.start() || v >= d.start() + d.n()) {
                    throw new UserError(where + (k == 1 ? Tables.number(v) : Arrays.toString(a)) + " is outside " + d
                            + " (an integer in " + d.start() + ".." + (d.start() + d.n() - 1) + ")");
                }
                actions[i] = (int) v;
            } else if (space instanceof Box b) {
                if (k != b.flatSize()) {
                    throw new UserError(where + Arrays.toString(a) + " has " + k + " components, " + b + " needs "
                            + b.flatSize());
                }
                try {
                    b.validate(a, 0);
                } catch (IllegalArgumentException e) {
                    throw new UserError(where + Arrays.toString(a) + ": " + e.getMessage(), e);
                }
                actions[i] = a;
            } else {
                throw new UserError("--replay works for Discrete and Box action spaces; " + envId + " has " + space);
            }
        }
        return actions;
    }

    /** {@code reset(seed)} and the actions, as a trajectory of what the environment returned. */
    private Trajectory replayOne(Env<Object, Object> env, Trajectory t, Object[] actions) {
        FloatRows obs = new FloatRows();
        obs.add(floats(env.reset(t.seed())));
        int n = 0;
        double[] rewards = new double[actions.length];
        boolean terminated = false;
        boolean truncated = false;
        while (n < actions.length && !(terminated || truncated)) {
            StepResult<Object> r = env.step(actions[n]);
            rewards[n++] = r.reward();
            obs.add(floats(r.observation()));
            terminated = r.terminated();
            truncated = r.truncated();
        }
        Map<String, String> labels = new LinkedHashMap<>(t.labels());
        labels.put("replay_of", t.id());
        if ((Object) env instanceof dev.trail.envs.grid.MiniGridEnv grid) {
            labels.put("mission", grid.mission());
        }
        int k = t.actionSize();
        return new Trajectory(t.id(), t.groupId(), t.seed(), obs.values(), obs.width(),
                Arrays.copyOf(t.actions(), n * k), k, Arrays.copyOf(rewards, n), null, null, null, terminated, truncated,
                Double.NaN, null, envId, null, null, 0, labels);
    }

    /** Where {@code now} first departs from {@code recorded} (observations, rewards, flags, length), or null. */
    static String firstDifference(Trajectory recorded, Trajectory now) {
        int d = now.observationSize();
        boolean hasObs = recorded.observationSize() > 0 && recorded.observations().length > 0;
        if (hasObs && recorded.observationSize() != d) {
            return "observations of " + recorded.observationSize() + " values recorded, the env returns " + d;
        }
        int steps = Math.min(recorded.length(), now.length());
        for (int i = 0; i <= steps; i++) {
            if (hasObs && (i + 1) * d <= recorded.observations().length && !Arrays.equals(recorded.observations(), i * d,
                    (i + 1) * d, now.observations(), i * d, (i + 1) * d)) {
                return "observation " + i + " differs";
            }
            if (i < steps && Double.compare(recorded.rewards()[i], now.rewards()[i]) != 0) {
                return "reward " + i + " differs: recorded " + recorded.rewards()[i] + ", now " + now.rewards()[i];
            }
        }
        if (now.length() < recorded.length()) {
            return "the env ended after " + now.length() + " of " + recorded.length() + " recorded steps";
        }
        if (recorded.terminated() != now.terminated() || recorded.truncated() != now.truncated()) {
            return "end flags differ: recorded terminated=" + recorded.terminated() + " truncated="
                    + recorded.truncated() + ", now terminated=" + now.terminated() + " truncated=" + now.truncated();
        }
        return null;
    }

    /** {@code --tree}: groups of G responses per problem from a language model, i.i.d. or as trees. */
    private int treeRollouts(PrintWriter w) throws IOException {
        TreeRolloutConfig.Kind kind = TokenTreeRollouts.kind(tree);
        TreeRolloutConfig settings = TokenTreeRollouts.settings(treeSettings);
        UserError.requirePositive("--group-size", groupSize);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new UserError("--temperature must be positive and finite, got " + temperature);
        }
        dev.trail.token.TokenTask task = TokenTreeRollouts.task(envId);
        dev.trail.lm.Transformer model = TokenTreeRollouts.policy(policy, seed);
        TokenTreeRollouts.Result r = TokenTreeRollouts.run(envId, task, model, kind, settings, episodes, groupSize,
                temperature, maxNewTokens, seed, policy);
        w.println(TokenTreeRollouts.summary(r));
        if (out != null) {
            try (TrajectorySink sink = TrajectoryFiles.create(out, null, Map.of("env", envId, "rollout", kind.cliName()),
                    append)) {
                for (Trajectory t : r.trajectories()) {
                    sink.write(t);
                }
                sink.commit();
            } catch (IOException ex) {
                throw new UserError("cannot write --out " + out + ": " + ex.getMessage(), ex);
            }
            w.println((append ? "appended " : "wrote ") + r.trajectories().size() + " trajectories to " + out);
        }
        w.flush();
        return Trail.OK;
    }

    private PolicyCheckpoint.Loaded loadPolicy() throws IOException {
        Path checkpoint = Checkpoints.resolve(Path.of(policy), "--policy");
        try {
            return PolicyCheckpoint.load(checkpoint);
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot load --policy " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** Runs one episode and returns it as a trajectory. */
    private interface Episodes extends AutoCloseable {
        Trajectory run(String id, long episodeSeed);

        @Override
        void close();
    }

    /** Uniformly random actions from the action space, on any environment. */
    private final class RandomEpisodes implements Episodes {
        private final Env<Object, Object> env;
        private final Rng actionRng = Seeds.stream(seed, "policy");

        @SuppressWarnings("unchecked")
        RandomEpisodes() {
            env = (Env<Object, Object>) Envs.make(envId);
        }

        @Override
        public Trajectory run(String id, long episodeSeed) {
            boolean tokens = (Object) env.observationSpace() instanceof Tokens;
            FloatRows obs = new FloatRows();
            FloatRows actions = new FloatRows();
            double[] rewards = new double[64];
            int n = 0;
            Object first = env.reset(episodeSeed);
            if (!tokens) {
                obs.add(floats(first));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(Labels.POLICY, "random");
            if (tokens) {
                labels.put("prompt_tokens", tokenText(first));
            }
            while (true) {
                Object action = env.actionSpace().sample(actionRng);
                StepResult<Object> r = env.step(action);
                actions.add(floats(action));
                if (n == rewards.length) {
                    rewards = Arrays.copyOf(rewards, n * 2);
                }
                rewards[n++] = r.reward();
                if (!tokens) {
                    obs.add(floats(r.observation()));
                }
                if (r.terminated() || r.truncated()) {
                    return new Trajectory(id, null, episodeSeed, tokens ? null : obs.values(), tokens ? 0 : obs.width(),
                            actions.values(), actions.width(), Arrays.copyOf(rewards, n), null, null, null,
                            r.terminated(), r.truncated(), Double.NaN, null, envId, null, null, 0, labels);
                }
            }
        }

        @Override
        public void close() {
            env.close();
        }
    }

    /** A trained policy on the environment's primitive-array path, recording log-probs and values. */
    private final class PolicyEpisodes implements Episodes {
        private final PolicyCheckpoint.Loaded loaded;
        private final ArrayEnv<?> env;
        private final Rng rng = Seeds.stream(seed, "actions");

        PolicyEpisodes(PolicyCheckpoint.Loaded loaded) {
            this.loaded = loaded;
            this.env = Envs.makeArray(envId);
            PolicySpec spec = loaded.spec();
            PolicySpec expected = PolicySpec.forSpaces(env.observationSpace(), env.actionSpace(), spec.hidden(),
                    spec.activation()).withEncoder(spec.encoder());
            if (!expected.equals(spec)) {
                env.close();
                throw new UserError("--policy " + policy + " (trained on " + loaded.envId() + ") is shaped "
                        + spec.describe() + " but " + envId + " needs " + expected.describe());
            }
        }

        @Override
        public Trajectory run(String id, long episodeSeed) {
            int d = env.observationSize();
            boolean discrete = loaded.spec().discrete();
            Box box = discrete ? null : (Box) env.actionSpace();
            int a = discrete ? 1 : box.flatSize();
            float[] obs = new float[64 * d];
            float[] acts = new float[64 * a];
            double[] rewards = new double[64];
            double[] logProbs = new double[64];
            double[] values = new double[64];
            boolean hasLogProbs = loaded.policy() instanceof ActorCritic || loaded.policy() instanceof SquashedGaussianActor;
            boolean hasValues = loaded.policy() instanceof ActorCritic;
            float[] input = new float[d];
            float[] raw = new float[a];
            float[] action = new float[a];
            int[] choice = new int[1];
            float[] lp = new float[1];
            env.resetInto(episodeSeed, obs, 0);
            int n = 0;
            while (true) {
                if ((n + 2) * d > obs.length) {
                    obs = Arrays.copyOf(obs, obs.length * 2);
                }
                if (n == rewards.length) {
                    rewards = Arrays.copyOf(rewards, n * 2);
                    logProbs = Arrays.copyOf(logProbs, n * 2);
                    values = Arrays.copyOf(values, n * 2);
                    acts = Arrays.copyOf(acts, n * 2 * a);
                }
                System.arraycopy(obs, n * d, input, 0, d);
                loaded.prepareObservations(input);
                if (loaded.policy() instanceof ActorCritic ac) {
                    ActorCritic.Acted r = deterministic ? ac.actDeterministic(input, 1) : ac.act(input, 1, rng);
                    if (discrete) {
                        choice[0] = r.discreteActions()[0];
                    } else {
                        System.arraycopy(r.continuousActions(), 0, raw, 0, a);
                    }
                    logProbs[n] = r.logProbs()[0];
                    values[n] = r.values()[0];
                } else if (loaded.policy() instanceof SquashedGaussianActor sg && !deterministic) {
                    System.arraycopy(sg.act(input, 1, rng, lp), 0, raw, 0, a);
                    logProbs[n] = lp[0];
                } else {
                    loaded.policy().actOne(input, rng, deterministic, choice, raw);
                }
                double reward;
                if (discrete) {
                    acts[n] = choice[0];
                    reward = env.stepInto(choice[0], obs, (n + 1) * d);
                } else {
                    for (int j = 0; j < a; j++) {
                        action[j] = Math.max(box.low(j), Math.min(box.high(j), raw[j]));
                        acts[n * a + j] = action[j];
                    }
                    reward = env.stepInto(action, 0, obs, (n + 1) * d);
                }
                rewards[n++] = reward;
                if (env.terminated() || env.truncated()) {
                    boolean lps = hasLogProbs && !(deterministic && !(loaded.policy() instanceof ActorCritic));
                    double bootstrap = Double.NaN;
                    if (!env.terminated() && loaded.policy() instanceof ActorCritic ac) {
                        // a truncated episode carries V(final observation), so that GAE can bootstrap it from the file
                        System.arraycopy(obs, n * d, input, 0, d);
                        loaded.prepareObservations(input);
                        bootstrap = ac.values(input, 1)[0];
                    }
                    return new Trajectory(id, null, episodeSeed, Arrays.copyOf(obs, (n + 1) * d), d,
                            Arrays.copyOf(acts, n * a), a, Arrays.copyOf(rewards, n),
                            lps ? Arrays.copyOf(logProbs, n) : null, hasValues ? Arrays.copyOf(values, n) : null,
                            null, env.terminated(), env.truncated(), bootstrap, null, envId, null, null, 0,
                            Map.of(Labels.POLICY, policy));
                }
            }
        }

        @Override
        public void close() {
            env.close();
        }
    }

    /** Rows of equal width, grown as needed. */
    private static final class FloatRows {
        private float[] data = new float[64];
        private int size;
        private int width = -1;

        void add(float[] row) {
            if (width < 0) {
                width = row.length;
            } else if (row.length != width) {
                throw new IllegalStateException("rows of " + row.length + " and " + width + " values");
            }
            if (size + row.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + row.length));
            }
            System.arraycopy(row, 0, data, size, row.length);
            size += row.length;
        }

        float[] values() {
            return Arrays.copyOf(data, size);
        }

        int width() {
            return Math.max(width, 0);
        }
    }

    /** An observation or action as floats: a vector, a number, a discrete choice or token ids. */
    static float[] floats(Object v) {
        return switch (v) {
            case float[] a -> a.clone();
            case double[] a -> {
                float[] f = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    f[i] = (float) a[i];
                }
                yield f;
            }
            case int[] a -> {
                float[] f = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    f[i] = a[i];
                }
                yield f;
            }
            case Number x -> new float[] {x.floatValue()};
            case Boolean b -> new float[] {b ? 1f : 0f};
            default -> throw new IllegalArgumentException("cannot store a " + v.getClass().getSimpleName()
                    + " as numbers");
        };
    }

    private static String tokenText(Object tokens) {
        StringBuilder b = new StringBuilder();
        for (float f : floats(tokens)) {
            b.append(b.isEmpty() ? "" : " ").append((int) f);
        }
        return b.toString();
    }

    private static void printSummary(PrintWriter w, List<Trajectory> eps, long steps, double seconds) {
        double[] returns = eps.stream().mapToDouble(Trajectory::totalReward).toArray();
        double[] lengths = eps.stream().mapToDouble(Trajectory::length).toArray();
        Stats r = Stats.of(returns);
        Stats l = Stats.of(lengths);
        w.printf(java.util.Locale.ROOT, "summary: %d episodes, %d steps; return mean %s ± %s (min %s, max %s);"
                + " length mean %s; %.2f s%n", eps.size(), steps, Tables.number(r.mean()), Tables.number(r.std()),
                Tables.number(r.min()), Tables.number(r.max()), Tables.number(l.mean()), seconds);
    }
}
