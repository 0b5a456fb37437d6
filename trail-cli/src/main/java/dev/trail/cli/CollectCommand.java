package dev.trail.cli;

import dev.trail.data.Labels;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.data.TrajectorySource;
import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSpec;
import dev.trail.envs.classic.MountainCarContinuous;
import dev.trail.envs.classic.MountainCarExpert;
import dev.trail.envs.grid.MiniGridEnv;
import dev.trail.envs.grid.MiniGridEnvs;
import dev.trail.envs.grid.ShortestPathExpert;
import dev.trail.policy.BehaviourPolicy;
import dev.trail.policy.PolicyCheckpoint;
import dev.trail.rollout.EpisodeAssembler;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.rollout.SeededEpisodes;
import dev.trail.scale.SparkBackend;
import dev.trail.rollout.StepCollector;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.space.Space;
import dev.trail.track.Provenance;
import dev.trail.track.Run;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail collect}: builds an offline-RL dataset from Trail's environments and policies, the
 * way D4RL and the trajectory-weighting paper do, through the rollout layer (a
 * {@link StepCollector} whose buffers an {@link EpisodeAssembler} turns into whole episodes).
 *
 * <p>Recipes: {@code random} (uniform actions), {@code expert} (the last checkpoint of a trained run),
 * {@code medium} (a partly trained checkpoint: {@code RUN@update-000120}, or by default the middle
 * checkpoint of the run), {@code mixed} ({@code --expert-fraction} of the episodes from the expert,
 * the rest random) and {@code medium-replay} (every trajectory a training run saw, recorded with
 * {@code trail train --record-trajectories}). Noise: {@code --epsilon} (discrete) or
 * {@code --action-noise} (continuous). The dataset records its provenance (recipe, policies, seeds,
 * env, Trail version) and the reference returns for normalised scores (random and expert policy on
 * that env) as key-value metadata (Parquet) or in {@code FILE.provenance.json} beside a JSONL file.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Build an offline-RL dataset (.parquet or .jsonl) from a recipe.",
            "Example: trail collect --env CartPole-v1 --recipe expert --policy runs/<ppo-run> --episodes 100 --out e.parquet",
            "MiniGrid: trail collect --env MiniGrid-DoorKey-8x8-v0 --policy expert --episodes 100 --out demos.parquet"
                    + " (the scripted shortest-path expert).",
            "Recipes: random, medium (RUN@CHECKPOINT or the run's middle checkpoint), expert (the run's last"
                    + " checkpoint), mixed (--expert-fraction of expert episodes among random ones), medium-replay"
                    + " (every trajectory of a run trained with --record-trajectories)."})
final class CollectCommand implements Callable<Integer> {

    /** What {@code trail train --record-trajectories} writes in the run folder. */
    static final String REPLAY_FILE = "trajectories.jsonl";

    enum Recipe { random, medium, expert, mixed, medium_replay }

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Environment id (see `trail envs`).")
    String envId;

    @Option(names = "--recipe", paramLabel = "RECIPE",
            description = "random, medium, expert, mixed or medium-replay (with --policy expert: expert, the default).")
    String recipe;

    @Option(names = "--policy", paramLabel = "RUN[@CHECKPOINT]",
            description = "The trained policy: a run folder (its last checkpoint; medium: its middle one), RUN@NAME for"
                    + " a named checkpoint, or a checkpoint folder. For medium-replay: the run whose trajectories to take."
                    + " `expert`: the scripted shortest-path expert of the MiniGrid ids (it sees the full grid), or on"
                    + " MountainCarContinuous-v0 full force along the velocity (--recipe expert or mixed).")
    String policy;

    @Option(names = "--episodes", paramLabel = "N", description = "Episodes to collect (default 100 unless --steps).")
    Integer episodes;

    @Option(names = "--steps", paramLabel = "N", description = "Collect whole episodes until at least N steps.")
    Long steps;

    @Option(names = "--expert-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "mixed: the share of expert episodes (default: ${DEFAULT-VALUE}).")
    double expertFraction;

    @Option(names = "--epsilon", defaultValue = "0", paramLabel = "E",
            description = "Discrete actions: a uniform action with this probability (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--action-noise", defaultValue = "0", paramLabel = "SIGMA",
            description = "Continuous actions: Gaussian noise of this std added (default: ${DEFAULT-VALUE}).")
    double actionNoise;

    @Option(names = "--envs", defaultValue = "1", paramLabel = "K",
            description = "Environment copies stepped together (--seeding vector only; default: ${DEFAULT-VALUE}).")
    int numEnvs;

    /** How the episodes of a collection are seeded. */
    enum Seeding {
        /** Episode k of a part is a function of (seed, part, k) alone ({@link SeededEpisodes}): the default. */
        episode,
        /** Trail 0.1's scheme: K copies reset from one seed, actions from one stream, so episodes depend on --envs. */
        vector
    }

    @Option(names = "--seeding", defaultValue = "episode", paramLabel = "SCHEME",
            description = "episode (default: each episode seeded from (seed, part, episode index), the same whatever"
                    + " the number of workers, locally or on Spark) or vector (datasets of Trail before the Spark"
                    + " module: --envs copies share one seed and one action stream).")
    Seeding seeding;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Collect on Apache Spark: local[N], spark://HOST:PORT, or 'submit' for the master spark-submit"
                    + " gives. --out is then a dataset folder (needs the trail-spark module: see docs/SPARK.md).")
    String sparkMaster;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "P",
            description = "--spark: tasks per collection round (default: 0 = Spark's default parallelism).")
    int partitions;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Root seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--reference-episodes", defaultValue = "20", paramLabel = "N",
            description = "Episodes for each reference return, random and expert (default: ${DEFAULT-VALUE}; 0: none).")
    int referenceEpisodes;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The dataset: .parquet or .jsonl.")
    Path out;

    @Override
    public Integer call() throws IOException {
        boolean scripted = SCRIPTED_EXPERT.equals(policy);
        if (scripted && !MountainCarContinuous.ID.equals(envId)) {
            return collectScripted();
        }
        if (scripted && recipe == null) {
            recipe = "expert";
        }
        if (recipe == null) {
            throw new UserError("--recipe is required (random, medium, expert, mixed, medium-replay) unless --policy "
                    + SCRIPTED_EXPERT);
        }
        Recipe r = parseRecipe(recipe);
        if (episodes != null && steps != null) {
            throw new UserError("give --episodes or --steps, not both");
        }
        if (episodes != null) {
            UserError.requirePositive("--episodes", episodes);
        }
        if (steps != null && steps < 1) {
            throw new UserError("--steps must be at least 1, got " + steps);
        }
        UserError.requirePositive("--envs", numEnvs);
        if (!(expertFraction >= 0 && expertFraction <= 1)) {
            throw new UserError("--expert-fraction must be in [0, 1], got " + expertFraction);
        }
        if (referenceEpisodes < 0) {
            throw new UserError("--reference-episodes must be >= 0, got " + referenceEpisodes);
        }
        if (sparkMaster != null) {
            if (scripted) {
                throw new UserError("--policy expert (the scripted " + envId + " expert) collects locally, not on --spark");
            }
            return onSpark(r);
        }
        Outputs.checkWritable(out, "--out");
        TrajectoryFiles.Format format = TrajectoryFiles.formatOf(out);
        if (format == TrajectoryFiles.Format.MINARI) {
            throw new UserError("--out " + out + ": use a .parquet or .jsonl name (Minari: `trail data convert`)");
        }
        EnvSpec env = TrainCommand.envSpec(envId);
        Space<?> actions;
        try (ArrayEnv<?> probe = env.makeArray()) {
            actions = probe.actionSpace();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (r != Recipe.random && policy == null) {
            throw new UserError("--recipe " + recipe + " needs --policy (a trained run)");
        }
        if (scripted && r != Recipe.expert && r != Recipe.mixed) {
            throw new UserError("--policy expert (the scripted " + envId + " expert) goes with --recipe expert or mixed,"
                    + " not " + recipe + " (a noisier dataset: --recipe expert --action-noise SIGMA)");
        }
        if (scripted && epsilon > 0) {
            throw new UserError("--epsilon needs discrete actions; " + envId + " is continuous (use --action-noise)");
        }
        PrintWriter w = Outputs.summary(spec, out);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("recipe", r.name().replace('_', '-'));
        meta.put("env", envId);
        meta.put("seed", Long.toString(seed));
        meta.put("trail_version", Provenance.trailVersion());
        long target = steps != null ? steps : episodes != null ? episodes : 100;
        boolean bySteps = steps != null;
        List<Trajectory> data = new ArrayList<>();
        Path expertCheckpoint = null;
        long started = System.nanoTime();
        if (scripted) {
            data.addAll(scriptedMountainCar(env, actions, r, bySteps, target, meta));
        } else {
            switch (r) {
                case random -> data.addAll(collect(env, BehaviourPolicy.random(actions), "random", bySteps, target, 0));
                case expert, medium -> {
                    Path checkpoint = r == Recipe.medium ? middleCheckpoint(policy) : checkpoint(policy);
                    expertCheckpoint = lastCheckpointOfRun(policy);
                    meta.put("policy", checkpoint.toString());
                    data.addAll(collect(env, behaviour(checkpoint, actions), r.name(), bySteps, target, 0));
                }
                case mixed -> {
                    Path checkpoint = checkpoint(policy);
                    expertCheckpoint = checkpoint;
                    meta.put("policy", checkpoint.toString());
                    meta.put("expert_fraction", Double.toString(expertFraction));
                    long expertPart = Math.round(target * expertFraction);
                    if (expertPart > 0) {
                        data.addAll(collect(env, behaviour(checkpoint, actions), "expert", bySteps, expertPart, 0));
                    }
                    if (target - expertPart > 0) {
                        data.addAll(collect(env, BehaviourPolicy.random(actions), "random", bySteps, target - expertPart,
                                1));
                    }
                }
                case medium_replay -> {
                    Path run = Path.of(policy.contains("@") ? policy.substring(0, policy.indexOf('@')) : policy);
                    Path replay = run.resolve(REPLAY_FILE);
                    if (!Files.isRegularFile(replay)) {
                        throw new UserError("--policy " + run + " has no " + REPLAY_FILE + ": train it with "
                                + "`trail train ... --record-trajectories` to keep every trajectory it saw");
                    }
                    meta.put("policy", run.toString());
                    expertCheckpoint = lastCheckpointOfRun(run.toString());
                    try (TrajectorySource src = TrajectoryFiles.open(replay, null)) {
                        long have = 0;
                        boolean limited = episodes != null || bySteps;
                        for (Trajectory t = src.next(); t != null && (!limited || have < target); t = src.next()) {
                            data.add(t);
                            have += bySteps ? t.length() : 1;
                        }
                    }
                }
            }
        }
        behaviourMetadata(env, actions, expertCheckpoint, scripted, meta);
        double collectSeconds = (System.nanoTime() - started) / 1e9;
        write(data, format, meta);
        double seconds = (System.nanoTime() - started) / 1e9;
        long total = data.stream().mapToLong(Trajectory::length).sum();
        w.printf(Locale.ROOT, "wrote %d trajectories, %d steps, mean return %.2f to %s (%.1f s, %.0f steps/s;"
                + " collection %.1f s)%n", data.size(), total, meanReturn(data), out, seconds,
                total / Math.max(seconds, 1e-9), collectSeconds);
        meta.forEach((k, v) -> w.println("  " + k + ": " + v));
        w.flush();
        return Trail.OK;
    }

    /** The collection as a job for the Spark backend: the same parts, seeds and metadata as the local path. */
    private Integer onSpark(Recipe r) throws IOException {
        if (seeding != Seeding.episode) {
            throw new UserError("--spark collects with --seeding episode (the scheme that does not depend on the workers)");
        }
        if (r == Recipe.medium_replay) {
            throw new UserError("--recipe medium-replay copies a run's recorded trajectories; it has nothing to collect on"
                    + " --spark");
        }
        if (partitions < 0) {
            throw new UserError("--partitions must be >= 0, got " + partitions);
        }
        SparkBackend backend = SparkBackend.find().orElseThrow(() -> new UserError("--spark needs the trail-spark"
                + " module on the class path (the `trail` launcher adds it when --spark is given)"
                + " (docs/SPARK.md)"));
        if (Files.exists(out)) {
            throw new UserError("--out " + out + " already exists; a Spark collection writes a new dataset folder"
                    + " (remove it or choose another name)");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserError("cannot write --out " + out + ": folder " + parent + " does not exist");
        }
        EnvSpec env = TrainCommand.envSpec(envId);
        Space<?> actions;
        try (ArrayEnv<?> probe = env.makeArray()) {
            actions = probe.actionSpace();
        }
        if (r != Recipe.random && policy == null) {
            throw new UserError("--recipe " + recipe + " needs --policy (a trained run)");
        }
        // noise options are checked here (the executors would fail later, less clearly)
        try {
            BehaviourPolicy.of(null, actions, epsilon, actionNoise);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("recipe", r.name().replace('_', '-'));
        meta.put("env", envId);
        meta.put("seed", Long.toString(seed));
        meta.put("trail_version", Provenance.trailVersion());
        long target = steps != null ? steps : episodes != null ? episodes : 100;
        boolean bySteps = steps != null;
        List<SparkBackend.CollectPart> parts = new ArrayList<>();
        Path expertCheckpoint = null;
        switch (r) {
            case random -> parts.add(new SparkBackend.CollectPart("random", 0, null, target, bySteps));
            case expert, medium -> {
                Path checkpoint = r == Recipe.medium ? middleCheckpoint(policy) : checkpoint(policy);
                fitting(load(checkpoint), checkpoint);
                expertCheckpoint = lastCheckpointOfRun(policy);
                meta.put("policy", checkpoint.toString());
                parts.add(new SparkBackend.CollectPart(r.name(), 0, checkpoint, target, bySteps));
            }
            case mixed -> {
                Path checkpoint = checkpoint(policy);
                fitting(load(checkpoint), checkpoint);
                expertCheckpoint = checkpoint;
                meta.put("policy", checkpoint.toString());
                meta.put("expert_fraction", Double.toString(expertFraction));
                long expertPart = Math.round(target * expertFraction);
                if (expertPart > 0) {
                    parts.add(new SparkBackend.CollectPart("expert", 0, checkpoint, expertPart, bySteps));
                }
                if (target - expertPart > 0) {
                    parts.add(new SparkBackend.CollectPart("random", 1, null, target - expertPart, bySteps));
                }
            }
            case medium_replay -> throw new IllegalStateException("refused above");
        }
        // the reference returns are a few episodes: collected on the driver, as the local command does
        behaviourMetadata(env, actions, expertCheckpoint, false, meta);
        String master = "submit".equals(sparkMaster) ? null : sparkMaster;
        SparkBackend.Written written;
        try {
            written = backend.collect(new SparkBackend.CollectJob(master, envId, seed, epsilon, actionNoise, parts, out,
                    meta, partitions));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %d trajectories, %d steps, mean return %.2f to %s (%s)%n", written.trajectories(),
                written.steps(), written.meanReturn(), out, written.detail());
        meta.forEach((k, v) -> w.println("  " + k + ": " + v));
        w.flush();
        return Trail.OK;
    }

    /** The {@code --policy} value of the scripted experts (MiniGrid ids, MountainCarContinuous-v0). */
    static final String SCRIPTED_EXPERT = "expert";

    /** How a dataset names the scripted MountainCarContinuous expert. */
    static final String SCRIPTED_MOUNTAIN_CAR = "scripted mountain-car expert (full force along the velocity)";

    /**
     * {@code --policy expert}: episodes of {@link ShortestPathExpert} on a MiniGrid id, episode
     * {@code i} reset with the {@code i}-th seed split off {@code --seed} (recorded in the file, so
     * that {@code trail rollout --replay} reproduces it).
     */
    private Integer collectScripted() throws IOException {
        if (recipe != null && !recipe.equals("expert")) {
            throw new UserError("--policy expert (the scripted MiniGrid expert) goes with --recipe expert, not --recipe "
                    + recipe);
        }
        if (steps != null) {
            throw new UserError("--policy expert collects --episodes N, not --steps");
        }
        if (epsilon > 0 || actionNoise > 0) {
            throw new UserError("--policy expert follows its plan exactly; --epsilon and --action-noise are not supported");
        }
        int n = episodes != null ? episodes : 100;
        UserError.requirePositive("--episodes", n);
        Outputs.checkWritable(out, "--out");
        TrajectoryFiles.Format format = TrajectoryFiles.formatOf(out);
        if (format == TrajectoryFiles.Format.MINARI) {
            throw new UserError("--out " + out + ": use a .parquet or .jsonl name (Minari: `trail data convert`)");
        }
        ArrayEnv<?> probe;
        try {
            probe = TrainCommand.envSpec(envId).makeArray();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (!(probe instanceof MiniGridEnv grid)) {
            probe.close();
            throw new UserError("--policy expert is the scripted expert of the MiniGrid ids (" + String.join(", ",
                    MiniGridEnvs.ids()) + ") and of " + MountainCarContinuous.ID + "; " + envId
                    + " has none (train one and pass its run folder)");
        }
        ShortestPathExpert expert = new ShortestPathExpert();
        long[] seeds = Seeds.split(seed, n);
        List<Trajectory> data = new ArrayList<>();
        int successes = 0;
        try (grid) {
            for (int e = 0; e < n; e++) {
                Trajectory t = expert.episode(grid, seeds[e], "expert-" + e);
                data.add(t);
                successes += t.terminated() && t.totalReward() > 0 ? 1 : 0;
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("recipe", "expert");
        meta.put("env", envId);
        meta.put("seed", Long.toString(seed));
        meta.put("trail_version", Provenance.trailVersion());
        meta.put("policy", "scripted shortest-path expert (full grid)");
        meta.put("reference_return_expert", Double.toString(meanReturn(data)));
        write(data, format, meta);
        long total = data.stream().mapToLong(Trajectory::length).sum();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "wrote %d trajectories, %d steps, mean return %.4f, success %d/%d to %s%n", data.size(),
                total, meanReturn(data), successes, n, out);
        meta.forEach((k, v) -> w.println("  " + k + ": " + v));
        w.flush();
        return Trail.OK;
    }

    /** {@code --recipe expert|mixed --policy expert} on MountainCarContinuous-v0: the scripted expert, noisy if asked. */
    private List<Trajectory> scriptedMountainCar(EnvSpec env, Space<?> actions, Recipe r, boolean bySteps, long target,
            Map<String, String> meta) {
        meta.put("policy", SCRIPTED_MOUNTAIN_CAR);
        long expertPart = r == Recipe.expert ? target : Math.round(target * expertFraction);
        if (r == Recipe.mixed) {
            meta.put("expert_fraction", Double.toString(expertFraction));
        }
        List<Trajectory> data = new ArrayList<>();
        if (expertPart > 0) {
            data.addAll(collect(env, BehaviourPolicy.scripted(new MountainCarExpert(), actions, actionNoise), "expert",
                    bySteps, expertPart, 0));
        }
        if (target - expertPart > 0) {
            data.addAll(collect(env, BehaviourPolicy.random(actions), "random", bySteps, target - expertPart, 1));
        }
        return data;
    }

    /**
     * The behaviour settings ({@code epsilon}, {@code action_noise}) and, with
     * {@code --reference-episodes}, the random and expert reference returns (the expert: the
     * checkpoint's policy, or the scripted MountainCar expert when {@code scripted}).
     */
    private void behaviourMetadata(EnvSpec env, Space<?> actions, Path expertCheckpoint, boolean scripted,
            Map<String, String> meta) {
        if (epsilon > 0) {
            meta.put("epsilon", Double.toString(epsilon));
        }
        if (actionNoise > 0) {
            meta.put("action_noise", Double.toString(actionNoise));
        }
        if (referenceEpisodes <= 0) {
            return;
        }
        meta.put("reference_return_random", Double.toString(meanReturn(collect(env,
                BehaviourPolicy.random(actions), "random", false, referenceEpisodes, 2))));
        if (expertCheckpoint != null) {
            meta.put("reference_return_expert", Double.toString(meanReturn(collect(env,
                    BehaviourPolicy.of(fitting(load(expertCheckpoint), expertCheckpoint), actions, 0, 0), "expert",
                    false, referenceEpisodes, 3))));
            meta.put("expert_policy", expertCheckpoint.toString());
        } else if (scripted) {
            meta.put("reference_return_expert", Double.toString(meanReturn(collect(env,
                    BehaviourPolicy.scripted(new MountainCarExpert(), actions, 0), "expert", false,
                    referenceEpisodes, 3))));
            meta.put("expert_policy", SCRIPTED_MOUNTAIN_CAR);
        }
    }

    private static Recipe parseRecipe(String name) {
        for (Recipe r : Recipe.values()) {
            if (r.name().replace('_', '-').equals(name)) {
                return r;
            }
        }
        throw new UserError("--recipe " + name + " is not one of random, medium, expert, mixed, medium-replay");
    }

    /** Whole episodes with {@code policy} until {@code target} episodes (or steps); streams from (seed, part). */
    private List<Trajectory> collect(EnvSpec env, BehaviourPolicy policy, String label, boolean bySteps, long target,
            int part) {
        if (seeding == Seeding.episode) {
            return SeededEpisodes.collect(env.makeArray(), seed, part, envId, label + "-", Map.of(Labels.POLICY, label),
                    policy, policy.reportsLogProbs(), policy.reportsValues(), target, bySteps);
        }
        List<Trajectory> out = new ArrayList<>();
        int horizon = 64;
        try (StepCollector c = new StepCollector(env::makeArray, numEnvs, horizon,
                Seeds.stream(seed, "collect-envs-" + part).nextLong(), Seeds.stream(seed, "collect-actions-" + part),
                StepCollector.Processing.NONE, dev.trail.rollout.EpisodeSink.NONE)) {
            Box box = c.vectorEnv().singleActionSpace() instanceof Box b ? b : null;
            EpisodeAssembler assembler = new EpisodeAssembler(numEnvs, c.buffer().observationSize(),
                    c.buffer().actionSize(), box, envId, label + "-", Map.of(Labels.POLICY, label));
            long have = 0;
            while (have < target) {
                RolloutBuffer b = c.collect(policy);
                for (Trajectory t : assembler.accept(b, policy.reportsLogProbs(), policy.reportsValues())) {
                    if (have < target) {
                        out.add(t);
                        have += bySteps ? t.length() : 1;
                    }
                }
            }
        }
        return out;
    }

    private BehaviourPolicy behaviour(Path checkpoint, Space<?> actions) {
        try {
            return BehaviourPolicy.of(fitting(load(checkpoint), checkpoint), actions, epsilon, actionNoise);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** Refuses a policy whose spaces are not the environment's, naming both shapes. */
    private PolicyCheckpoint.Loaded fitting(PolicyCheckpoint.Loaded loaded, Path checkpoint) {
        try (ArrayEnv<?> env = TrainCommand.envSpec(envId).makeArray()) {
            dev.trail.policy.PolicySpec spec = loaded.spec();
            dev.trail.policy.PolicySpec expected = dev.trail.policy.PolicySpec.forSpaces(env.observationSpace(),
                    env.actionSpace(), spec.hidden(), spec.activation()).withEncoder(spec.encoder());
            if (!expected.equals(spec)) {
                throw new UserError("--policy " + checkpoint + " (trained on " + loaded.envId() + ") is shaped "
                        + spec.describe() + " but " + envId + " needs " + expected.describe());
            }
        }
        return loaded;
    }

    private static PolicyCheckpoint.Loaded load(Path checkpoint) {
        try {
            return PolicyCheckpoint.load(checkpoint);
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot load policy checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** {@code RUN@NAME}, a checkpoint folder, or a run folder's last checkpoint. */
    private static Path checkpoint(String given) throws IOException {
        if (given.contains("@")) {
            Path run = Path.of(given.substring(0, given.indexOf('@')));
            Path c = run.resolve(Run.CHECKPOINTS_DIR).resolve(given.substring(given.indexOf('@') + 1));
            if (!Files.isRegularFile(c.resolve(Checkpoints.METADATA))) {
                throw new UserError("--policy " + given + ": " + c + " is not a checkpoint");
            }
            return c;
        }
        return Checkpoints.resolve(Path.of(given), "--policy");
    }

    /** {@code RUN@NAME} or a checkpoint folder as given; a run folder's middle checkpoint (partly trained). */
    private static Path middleCheckpoint(String given) throws IOException {
        Path p = Path.of(given);
        if (given.contains("@") || Files.isRegularFile(p.resolve(Checkpoints.METADATA))) {
            return checkpoint(given);
        }
        Path dir = p.resolve(Run.CHECKPOINTS_DIR);
        if (!Files.isDirectory(dir)) {
            throw new UserError("--policy " + given + " is neither a run folder nor a checkpoint");
        }
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(c -> Files.isRegularFile(c.resolve(Checkpoints.METADATA))).sorted().toList();
        }
        if (all.isEmpty()) {
            throw new UserError("--policy " + given + " has no checkpoints");
        }
        return all.get((all.size() - 1) / 2);
    }

    /** The last checkpoint of the run a policy argument names (for the expert reference return), or null. */
    private static Path lastCheckpointOfRun(String given) throws IOException {
        Path run = Path.of(given.contains("@") ? given.substring(0, given.indexOf('@')) : given);
        return Checkpoints.latest(run).orElse(null);
    }

    private static double meanReturn(List<Trajectory> data) {
        return data.stream().mapToDouble(Trajectory::totalReward).average().orElse(Double.NaN);
    }

    private void write(List<Trajectory> data, TrajectoryFiles.Format format, Map<String, String> meta)
            throws IOException {
        try (TrajectorySink sink = TrajectoryFiles.create(out, format, meta, false)) {
            for (Trajectory t : data) {
                sink.write(t);
            }
            sink.commit();
        } catch (IOException e) {
            throw new UserError("cannot write --out " + out + ": " + e.getMessage(), e);
        }
        if (format == TrajectoryFiles.Format.JSONL && !dev.trail.io.AtomicFiles.streamsInto(out)) {
            // beside a regular file only: not in /dev for --out /dev/stdout
            Path side = out.resolveSibling(out.getFileName() + ".provenance.json");
            dev.trail.io.AtomicFiles.write(side, new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        }
    }
}
