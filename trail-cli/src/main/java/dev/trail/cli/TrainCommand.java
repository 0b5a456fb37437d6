package dev.trail.cli;

import dev.trail.algo.Algorithm;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.OfflineAlgorithm;
import dev.trail.config.Param;
import dev.trail.data.OfflineDatasets;
import dev.trail.offline.TransitionDataset;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.track.MetricsListener;
import dev.trail.track.Run;
import dev.trail.track.RunInfo;
import dev.trail.track.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail train}: trains a policy and records the run ({@code runs/<run-id>/}: resolved
 * config, provenance, metrics of every update and episode, checkpoints, learning curve).
 *
 * <p>Settings come from, in increasing precedence: the algorithm's defaults, {@code --config}
 * (top-level {@code env}, {@code algo}, {@code seed}, {@code total_steps},
 * {@code checkpoint_every}, {@code eval_episodes}, and a section named after the algorithm with
 * its options — the format of a run's {@code config.yaml}), the command-line options, and
 * {@code --set key=value}. Every key and value is checked before any work starts.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a policy and record the run under --out (default runs/).",
            "Example: trail train --env CartPole-v1 --algo ppo --seed 1",
            "Resume a stopped run from its last checkpoint: trail train --resume runs/<run-id>",
            "Token tasks: trail train --env Arithmetic-v0 --algo grpo --init runs/<sft-run>",
            "Your own environment: trail train --env class:com.acme.MyEnv --algo ppo (jar on TRAIL_CLASSPATH)"})
final class TrainCommand implements Callable<Integer> {

    /**
     * The top-level keys of a config file (and of a run's {@code config.yaml}); the command-line
     * options of the same names override them. The algorithm's own options go in a section named
     * after it.
     */
    record RunKeys(
            @Param("environment id (see trail envs), or class:NAME for an Env class on the classpath") String env,
            @Param("algorithm (see trail train --list)") String algo,
            @Param("root seed") long seed,
            @Param(value = "environment steps to train for (default 500000; not for the token-level algorithms, "
                    + "which count iterations)", min = 1) Long totalSteps,
            @Param(value = "checkpoint (and evaluate) about every this many environment steps (token-level: updates); "
                    + "none: a tenth of the run", min = 1) Long checkpointEvery,
            @Param(value = "evaluation episodes at each checkpoint, 0 for none", min = 0, max = 1_000_000)
                    int evalEpisodes,
            @Param("token-level algorithms: the model to start from (an SFT run or checkpoint)") String init,
            @Param("offline algorithms: the trajectory dataset (.parquet, .jsonl or a Minari folder)") String dataset,
            @Param("offline algorithms: the dataset's content hash (recorded; a resumed run checks it)")
                    String datasetSha256,
            @Param("SHA-256 of the other data files the algorithm reads (recorded; a resumed run checks them)")
                    DataSha256 dataSha256) {
    }

    /** The SHA-256 of each data file an algorithm's config names ({@link Algorithm#dataFiles}), by its key. */
    record DataSha256(
            @Param("sha256 of sac's offline_dataset") String offlineDataset,
            @Param("sha256 of ppo's bc_dataset") String bcDataset,
            @Param("sha256 of ppo's start_states") String startStates) {

        Map<String, String> toMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("offline_dataset", offlineDataset);
            m.put("bc_dataset", bcDataset);
            m.put("start_states", startStates);
            return m;
        }
    }

    static final ConfigBinder<RunKeys> RUN_KEYS = ConfigBinder.of("config", RunKeys.class,
            new RunKeys(null, null, 1, null, null, 10, null, null, null, new DataSha256(null, null, null)));

    /** Gradient updates of an offline algorithm when --total-steps is not given. */
    static final long OFFLINE_DEFAULT_UPDATES = 100_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--env", paramLabel = "ID", description = "Environment id (see `trail envs`).")
    String envId;

    @Option(names = "--algo", paramLabel = "ALGO", description = "Algorithm (see `trail train --list`).")
    String algo;

    @Option(names = "--seed", paramLabel = "S", description = "Root seed (default: 1).")
    Long seed;

    @Option(names = "--total-steps", paramLabel = "N", description = "Environment steps to train for (default: 500000).")
    Long totalSteps;

    @Option(names = "--config", paramLabel = "FILE.yaml", description = "Config file (e.g. a run's config.yaml).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Algorithm option, repeatable (see --list).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Tuned options for the algorithm on this environment (see --list); --config and --set "
                    + "override them, and the run's config.yaml records the values.")
    String preset;

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS",
            description = "Checkpoint (and evaluate) about every this many environment steps (default: a tenth of the run);"
                    + " token-level algorithms: every this many updates (default: 20).")
    Long checkpointEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "Evaluation episodes at each checkpoint, 0 for none (default: 10).")
    Integer evalEpisodes;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a stopped run from its last checkpoint.")
    Path resume;

    @Option(names = "--init", paramLabel = "RUN_OR_CHECKPOINT",
            description = "Token-level algorithms: start from this model (e.g. an SFT run).")
    Path init;

    @Option(names = "--dataset", paramLabel = "FILE",
            description = "Offline algorithms (bc, td3bc, iql, cql, ...): the dataset to learn from; --env is then used"
                    + " for the space checks and evaluation, and --total-steps counts gradient updates (default: "
                    + OFFLINE_DEFAULT_UPDATES + ").")
    Path dataset;

    @Option(names = "--list", description = "List the algorithms with their options and exit.")
    boolean list;

    @Option(names = "--no-track", description = "Do not record the run (for overhead measurements).")
    boolean noTrack;

    @Option(names = "--record-trajectories",
            description = "Keep every trajectory the run collects, as whole episodes, in the run folder's "
                    + CollectCommand.REPLAY_FILE + " (for `trail collect --recipe medium-replay`).")
    boolean recordTrajectories;

    /** The fully resolved settings of a training run. */
    record Plan(String env, EnvSpec spec, Algorithm algorithm, long seed, long totalSteps, long checkpointEverySteps,
            int evalEpisodes, Record algoConfig, Path init, Path resumeFrom, long resumeStep,
            TransitionDataset dataset, TransitionDataset companion, Map<String, String> dataSha256) {

        Map<String, Object> toConfig() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("env", env);
            c.put("algo", algorithm.name());
            c.put("seed", seed);
            if (algorithm.countsEnvironmentSteps()) {
                c.put("total_steps", totalSteps);
            }
            c.put("checkpoint_every", checkpointEverySteps);
            c.put("eval_episodes", evalEpisodes);
            if (init != null) {
                c.put("init", init.toString());
            }
            if (dataset != null) {
                c.put("dataset", dataset.source());
                c.put("dataset_sha256", dataset.contentHash());
            }
            if (!dataSha256.isEmpty()) {
                c.put("data_sha256", dataSha256);
            }
            c.put(algorithm.name(), algorithm.config(spec).toMap(algoConfig));
            return c;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        if (list) {
            printOptions(w, "train", "top-level keys of a config file (--env, --seed, ... override them)",
                    RUN_KEYS.options());
            for (String name : Algorithms.names()) {
                Algorithm a = Algorithms.get(name);
                printOptions(w, name, a.description(), a.config(null).options());
            }
            w.println("presets (--preset NAME; --config and --set override their values):");
            for (Presets.Preset p : Presets.all()) {
                w.println("    " + p.name() + ": " + p.algo() + " on " + p.env() + ", tuned for " + p.purpose() + ": "
                        + String.join(" ", p.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                .toList()));
            }
            w.flush();
            return Trail.OK;
        }
        Plan plan = plan();
        if (plan.resumeFrom() == null) {
            Files.createDirectories(out); // a resumed run continues in its own folder; --out is not touched
        }
        long unit = plan.algorithm().stepsPerCheckpointUnit(plan.algoConfig());
        int every = (int) Math.max(1, Math.min(Integer.MAX_VALUE, plan.checkpointEverySteps() / unit));
        RunInfo info = new RunInfo(plan.env(), plan.algorithm().name(), plan.seed(), plan.toConfig(), commandLine());
        Progress progress = new Progress(w, Progress.stdoutIsTerminal(),
                plan.algorithm().countsEnvironmentSteps() ? plan.totalSteps() : 0);
        Run run;
        if (noTrack) {
            run = null;
        } else if (plan.resumeFrom() != null) {
            try {
                run = Run.resume(resume, plan.resumeStep(), plan.resumeFrom(), commandLine(),
                        Run.Options.defaults());
            } catch (Run.RunInUseException e) {
                throw new UserError("--resume: " + e.getMessage(), e);
            }
        } else {
            run = Run.start(out, info);
        }
        MetricsListener metrics = run == null ? MetricsListener.NONE : MetricsListener.recordingTo(run);
        if (recordTrajectories && (run == null || plan.resumeFrom() != null)) {
            throw new UserError("--record-trajectories needs a tracked, fresh run (not --no-track or --resume)");
        }
        TrajectoryRecorder recorder = recordTrajectories
                ? new TrajectoryRecorder(run.dir().resolve(CollectCommand.REPLAY_FILE), plan.spec(),
                        plan.algorithm().name())
                : null;
        Path checkpointDir = run == null ? Files.createTempDirectory("trail-checkpoints") : run.dir().resolve("checkpoints");
        if (run != null) {
            w.println((plan.resumeFrom() != null ? "resuming run " : "run ") + run.id() + " -> " + run.dir()
                    + (plan.resumeFrom() != null ? " from " + plan.resumeFrom().getFileName() : ""));
        }
        w.printf(Locale.ROOT, "training %s on %s, seed %d%s%n", plan.algorithm().name(), plan.env(), plan.seed(),
                plan.algorithm().countsEnvironmentSteps() ? String.format(Locale.ROOT, ", %,d steps", plan.totalSteps())
                        : "");
        w.flush();
        long[] lastStep = {0};
        Path[] lastCheckpoint = {null};
        // Ctrl-C / SIGTERM: the shutdown asks the loop to stop (a checkpoint at the stop) and waits for it
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Thread stopHook = stopOnShutdown(run, stop, stopped);
        boolean evaluateAtCheckpoints = plan.evalEpisodes() > 0 && !plan.algorithm().evaluatesDuringTraining();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
                metrics.onEpisode(globalStep, episodicReturn, length);
                progress.episode(episodicReturn);
            }

            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> values) {
                lastStep[0] = globalStep;
                // episodes are recorded one by one (onEpisode); the update's mean of them would mix
                // two meanings under one metric name
                Map<String, Double> perUpdate = new LinkedHashMap<>(values);
                perUpdate.remove(dev.trail.algo.Metrics.EPISODIC_RETURN);
                perUpdate.remove(dev.trail.algo.Metrics.EPISODIC_LENGTH);
                metrics.onUpdate(globalStep, perUpdate);
                progress.update(plan.algorithm().countsEnvironmentSteps() ? globalStep : update, false);
                if (!plan.algorithm().countsEnvironmentSteps()) {
                    progress.log(update, values);
                }
            }

            @Override
            public void onRollout(dev.trail.rollout.Rollout rollout) {
                if (recorder != null) {
                    recorder.accept(rollout);
                }
            }

            @Override
            public void beforeCheckpoint(long iteration, long globalStep) {
                if (run != null) {
                    try {
                        run.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public boolean stopRequested() {
                return stop.get();
            }

            @Override
            public void onCheckpoint(long iteration, long globalStep, Path path) {
                lastCheckpoint[0] = path;
                if (evaluateAtCheckpoints) {
                    Map<String, Double> r = evaluate(path, plan);
                    if (run != null) {
                        run.log(globalStep, r);
                    }
                }
            }
        };
        RunStatus status = RunStatus.FAILED;
        try {
            if (run != null && plan.resumeFrom() != null && evaluateAtCheckpoints
                    && run.lastStep("eval/mean_return") != plan.resumeStep()) {
                // the stopped process wrote the checkpoint but was killed before its evaluation was on disk
                run.log(plan.resumeStep(), evaluate(plan.resumeFrom(), plan));
            }
            Path last = plan.dataset() != null && plan.init() != null && plan.resumeFrom() == null
                    ? ((OfflineAlgorithm) plan.algorithm()).fineTune(Checkpoints.resolve(plan.init(), "--init"),
                            plan.algoConfig(), plan.dataset(), plan.spec(), plan.seed(), listener, checkpointDir, every)
                    : plan.dataset() != null
                    ? (plan.resumeFrom() != null
                            ? ((OfflineAlgorithm) plan.algorithm()).resume(plan.resumeFrom(), plan.dataset(), plan.spec(),
                                    listener, checkpointDir, every)
                            : ((OfflineAlgorithm) plan.algorithm()).train(plan.algoConfig(), plan.dataset(), plan.spec(),
                                    plan.seed(), plan.totalSteps(), listener, checkpointDir, every))
                    : plan.companion() != null
                    ? (plan.resumeFrom() != null
                            ? plan.algorithm().resume(plan.resumeFrom(), plan.spec(), plan.companion(), listener,
                                    checkpointDir, every)
                            : plan.algorithm().train(plan.algoConfig(), plan.spec(), plan.seed(), plan.totalSteps(),
                                    plan.companion(), listener, checkpointDir, every))
                    : plan.resumeFrom() != null
                    ? plan.algorithm().resume(plan.resumeFrom(), plan.spec(), listener, checkpointDir, every)
                    : plan.algorithm().train(plan.algoConfig(), plan.spec(), plan.seed(), plan.totalSteps(),
                            plan.init(), listener, checkpointDir, every);
            status = stop.get() || Thread.currentThread().isInterrupted() ? RunStatus.INTERRUPTED : RunStatus.FINISHED;
            if (recorder != null) {
                recorder.commit();
                w.println("recorded " + recorder.count() + " trajectories in " + run.dir().resolve(
                        CollectCommand.REPLAY_FILE));
            }
            progress.update(lastStep[0], true);
            progress.close();
            if (status == RunStatus.INTERRUPTED) {
                Path at = last == null ? lastCheckpoint[0] : last;
                w.println("interrupted at step " + lastStep[0] + (at == null ? "" : "; checkpoint: " + at)
                        + (run == null || at == null ? "" : "; continue with: trail train --resume " + run.dir()));
                w.flush();
                return Trail.INTERRUPTED;
            }
            summary(w, plan, progress, last == null ? lastCheckpoint[0] : last, run);
            return Trail.OK;
        } catch (TrainingDivergedException e) {
            progress.close();
            spec.commandLine().getErr().println("train: " + e.getMessage() + (lastCheckpoint[0] == null ? ""
                    : "; the last good checkpoint is " + lastCheckpoint[0]));
            spec.commandLine().getErr().flush();
            return Trail.FAILURE;
        } finally {
            if (recorder != null) {
                recorder.close();
            }
            try {
                if (run != null) {
                    run.finish(status);
                }
            } finally {
                stopped.countDown();
                if (stopHook != null) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(stopHook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: it returns now that the training stopped
                    }
                }
            }
        }
    }

    /** Longest wait of a shutdown for the training to reach its stop checkpoint. */
    static final long STOP_WAIT_SECONDS = 120;

    /**
     * Makes a JVM shutdown set {@code stop} and wait (at most {@value #STOP_WAIT_SECONDS} s) for
     * {@code stopped}: through the run's own shutdown hook when tracked (it marks the run
     * interrupted after), else through a hook of its own, which is returned.
     */
    private static Thread stopOnShutdown(Run run, java.util.concurrent.atomic.AtomicBoolean stop,
            java.util.concurrent.CountDownLatch stopped) {
        Runnable stopAndWait = () -> {
            stop.set(true);
            try {
                stopped.await(STOP_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (run != null) {
            run.onShutdown(stopAndWait);
            return null;
        }
        Thread hook = new Thread(stopAndWait, "trail-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void printOptions(PrintWriter w, String name, String description, List<dev.trail.config.Option> options) {
        w.println(name + " - " + description);
        for (dev.trail.config.Option o : options) {
            w.printf("    %s=%s  %s  (%s)%n", o.name(), o.defaultValue(), o.description(), o.rangeText());
        }
        w.flush();
    }

    /** The registry entry of {@code id} ({@code class:NAME} for a user environment class); a bad id is a usage error. */
    static EnvSpec envSpec(String id) {
        try {
            return Envs.spec(id);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private Plan plan() throws IOException {
        ConfigFile file = config == null ? ConfigFile.none() : ConfigFile.read(config);
        Path resumeFrom = null;
        long resumeStep = 0;
        if (resume != null) {
            if (!Files.isDirectory(resume)) {
                throw new UserError("--resume " + resume + " is not a run folder");
            }
            if (config != null) {
                throw new UserError("--config cannot change a resumed run (it continues with its own config.yaml)");
            }
            if (!overrides.isEmpty() || envId != null || algo != null || seed != null || totalSteps != null
                    || init != null || dataset != null || preset != null) {
                throw new UserError("--resume continues a run with its own config; --set, --preset, --env, --algo, "
                        + "--seed, --total-steps, --init and --dataset cannot change it");
            }
            if (Checkpoints.finished(resume)) {
                throw new UserError("--resume " + resume + ": run " + resume.getFileName() + " has finished; there is "
                        + "nothing to resume (start a new run with --config " + resume.resolve(Run.CONFIG_FILE) + ")");
            }
            Path runConfig = resume.resolve(Run.CONFIG_FILE);
            if (!Files.isRegularFile(runConfig)) {
                throw new UserError("--resume " + resume + " has no " + Run.CONFIG_FILE);
            }
            file = ConfigFile.read(runConfig);
            if ("sft".equals(file.text("algo"))) {
                throw new UserError("--resume " + resume + " is an SFT run (trail sft), which does not resume; start it"
                        + " again with trail sft, or train from it with --init " + resume);
            }
            resumeFrom = Checkpoints.forResume(resume); // verified: a damaged one is refused before anything changes
            resumeStep = Checkpoints.globalStep(resumeFrom);
        }
        String algoName = first(algo, file.text("algo"), null);
        if (algoName != null && !Algorithms.names().contains(algoName)) {
            throw new UserError("unknown algorithm '" + algoName + "'; known: " + String.join(", ", Algorithms.names()));
        }
        Map<String, String> flags = new LinkedHashMap<>();
        putIfSet(flags, "env", envId);
        putIfSet(flags, "algo", algo);
        putIfSet(flags, "seed", seed);
        putIfSet(flags, "total_steps", totalSteps);
        putIfSet(flags, "checkpoint_every", checkpointEvery);
        putIfSet(flags, "eval_episodes", evalEpisodes);
        putIfSet(flags, "init", init);
        putIfSet(flags, "dataset", dataset);
        List<String> sectionKeys = algoName != null ? Algorithms.get(algoName).config(null).keys() : List.of();
        RunKeys keys;
        try {
            keys = file.topLevel(RUN_KEYS, algoName, sectionKeys, flags);
        } catch (IllegalArgumentException e) {
            throw new UserError((file.file() != null ? file.file() + ": " : "") + e.getMessage(), e);
        }
        String env = keys.env();
        if (env == null) {
            throw new UserError("--env is required (see `trail envs`, or class:NAME for your own Env class)");
        }
        if (algoName == null) {
            throw new UserError("--algo is required; known: " + String.join(", ", Algorithms.names()));
        }
        Algorithm algorithm = Algorithms.get(algoName);
        EnvSpec envSpec = envSpec(env);
        try {
            algorithm.checkEnvironment(envSpec);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        boolean offline = algorithm instanceof OfflineAlgorithm;
        if (!offline && keys.dataset() != null) {
            throw new UserError("--dataset is for the offline algorithms; " + algorithm.name() + " collects its own data");
        }
        if (offline && keys.dataset() == null) {
            throw new UserError(algorithm.name() + " learns from a dataset: give --dataset FILE (see `trail collect`)");
        }
        long total;
        if (algorithm.countsEnvironmentSteps()) {
            total = keys.totalSteps() != null ? keys.totalSteps() : offline ? OFFLINE_DEFAULT_UPDATES : 500_000;
        } else {
            if (keys.totalSteps() != null) {
                throw new UserError(algorithm.name() + " counts its budget in updates, not environment steps: use "
                        + "--set iterations=N instead of --total-steps");
            }
            total = 0;
        }
        // environment-step budgets: a tenth of the run; token-level runs: every 20 updates (GRPO's eval_every)
        long ckpt = keys.checkpointEvery() != null ? keys.checkpointEvery()
                : algorithm.countsEnvironmentSteps() ? Math.max(1, total / 10) : 20;
        Path initPath = keys.init() == null || keys.init().equals("none") ? null : Path.of(keys.init());
        if (initPath != null && !algorithm.takesInit()) {
            throw new UserError("--init is for the token-level algorithms and IQL's online fine-tuning; "
                    + algorithm.name() + " starts fresh");
        }
        if (initPath != null && offline && keys.totalSteps() != null && resumeFrom == null) {
            throw new UserError("--init " + initPath + ": the offline updates are the checkpoint's; --total-steps does"
                    + " not apply (set online_steps for the fine-tuning)");
        }
        if (initPath != null && !Files.exists(initPath)) {
            throw new UserError("--init " + initPath + " does not exist");
        }
        Map<String, String> presetValues = preset == null ? Map.of() : Presets.values(preset, algorithm.name(), env);
        Record algoConfig = bindSection(algorithm.config(envSpec), file, algorithm.name(), presetValues);
        try {
            algorithm.validate(algoConfig, envSpec);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        checkBudget(algorithm, algoConfig, total);
        if (offline && initPath != null && resumeFrom == null) {
            Path initCheckpoint = Checkpoints.resolve(initPath, "--init");
            try {
                ((OfflineAlgorithm) algorithm).checkFineTune(algoConfig, initCheckpoint);
            } catch (IllegalArgumentException e) {
                throw new UserError("--init: " + e.getMessage(), e);
            }
            // the run's offline updates are the checkpoint's (recorded as its total_steps)
            total = dev.trail.checkpoint.Checkpoint.read(initCheckpoint).metadata().path("globalStep").asLong();
        }
        TransitionDataset data = offline ? offlineDataset(Path.of(keys.dataset()), resumeFrom != null ? keys.datasetSha256() : null, envSpec,
                (OfflineAlgorithm) algorithm, algoConfig) : null;
        String companionFile = offline ? null : algorithm.companionDataset(algoConfig);
        TransitionDataset companion = companionFile == null ? null : companionDataset(Path.of(companionFile), envSpec);
        Map<String, String> dataSha256 = dataSha256(algorithm.dataFiles(algoConfig),
                resumeFrom != null && keys.dataSha256() != null ? keys.dataSha256().toMap() : Map.of());
        return new Plan(env, envSpec, algorithm, keys.seed(), total, ckpt, keys.evalEpisodes(), algoConfig, initPath,
                resumeFrom, resumeStep, data, companion, dataSha256);
    }

    /**
     * The SHA-256 of each data file (by config key; a folder: of its files' names and contents), and,
     * when resuming, the refusal of one whose hash differs from the one the run recorded.
     */
    private static Map<String, String> dataSha256(Map<String, String> files, Map<String, String> recorded)
            throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path file = Path.of(e.getValue());
            if (!Files.exists(file)) {
                continue; // the algorithm names the missing file in its own message
            }
            String hash = dev.trail.data.OfflineDatasets.contentHash(file);
            String before = recorded.get(e.getKey());
            if (before != null && !before.equals(hash)) {
                throw new UserError(e.getKey() + "=" + file + ": the file changed since the run started (content hash "
                        + hash + ", the run recorded " + before + "); a resumed run must read the data it started with");
            }
            hashes.put(e.getKey(), hash);
        }
        return hashes;
    }

    /**
     * Reads and checks an offline algorithm's dataset before any run folder exists: readable, with
     * observations and actions, not empty, fitting the environment's spaces, what the algorithm
     * needs, and (when resuming) the content the run started with.
     */
    private static TransitionDataset offlineDataset(Path file, String expectedHash, EnvSpec env,
            OfflineAlgorithm algorithm, Record config) throws IOException {
        try {
            TransitionDataset data = OfflineDatasets.read(file.toAbsolutePath().normalize(), null);
            if (expectedHash != null && !expectedHash.equals(data.contentHash())) {
                throw new UserError(file + ": the dataset changed since the run started (content hash "
                        + data.contentHash() + ", the run recorded " + expectedHash + ")");
            }
            try (dev.trail.env.ArrayEnv<?> probe = env.makeArray()) {
                data = data.fitted(probe.observationSpace(), probe.actionSpace());
            }
            algorithm.checkDataset(config, data, env);
            return data;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** The iteration count is an int in every trainer: a budget beyond it is refused, not cut to 0. */
    static void checkBudget(Algorithm algorithm, Record algoConfig, long totalSteps) {
        long unit = Math.max(1, algorithm.stepsPerCheckpointUnit(algoConfig));
        if (algorithm.countsEnvironmentSteps() && totalSteps / unit > Integer.MAX_VALUE) {
            throw new UserError("total_steps=" + totalSteps + " is " + totalSteps / unit + " iterations of " + unit
                    + " steps; at most " + (long) Integer.MAX_VALUE * unit + " steps for " + algorithm.name()
                    + " with these options");
        }
    }

    /** The offline data an online algorithm mixes in (RLPD-style SAC): read and fitted before any run folder exists. */
    private static TransitionDataset companionDataset(Path file, EnvSpec env) throws IOException {
        try (dev.trail.env.ArrayEnv<?> probe = env.makeArray()) {
            return OfflineDatasets.read(file.toAbsolutePath().normalize(), null)
                    .fitted(probe.observationSpace(), probe.actionSpace());
        } catch (IllegalArgumentException e) {
            throw new UserError("offline_dataset: " + e.getMessage(), e);
        }
    }

    private static void putIfSet(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }

    /**
     * The algorithm's config: its defaults, the config file's section named after it, then
     * {@code --set} ({@code algo.key} or {@code key}). Every key is checked before any value.
     * A preset's values ({@code --preset}) come first: the file's section and {@code --set}
     * override them.
     */
    private <R extends Record> R bindSection(ConfigBinder<R> binder, ConfigFile file, String algoName,
            Map<String, String> presetValues) {
        String prefix = algoName + ".";
        Map<String, String> sets = new LinkedHashMap<>();
        Map<String, Object> section = file.section(algoName);
        for (Map.Entry<String, String> e : presetValues.entrySet()) {
            if (section == null || !section.containsKey(e.getKey())) {
                sets.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String k = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            sets.put(k, e.getValue());
        }
        try {
            return binder.bind(section, sets);
        } catch (IllegalArgumentException e) {
            throw new UserError((section != null ? file.file() + ": " : "") + e.getMessage(), e);
        }
    }

    private Map<String, Double> evaluate(Path checkpoint, Plan plan) {
        try {
            return plan.algorithm().evaluate(checkpoint, plan.spec(), plan.evalEpisodes(), plan.seed() + 1_000_003L);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void summary(PrintWriter w, Plan plan, Progress progress, Path lastCheckpoint, Run run) throws IOException {
        if (plan.algorithm().reportsTrainingEpisodes()) {
            w.printf(Locale.ROOT, "done: %,d episodes, mean return of the last 100: %.2f, %.1f s%n", progress.episodes(),
                    progress.recentMean(), progress.elapsedSeconds());
        } else {
            w.printf(Locale.ROOT, "done in %.1f s%n", progress.elapsedSeconds());
        }
        if (lastCheckpoint != null && plan.evalEpisodes() > 0 && !plan.algorithm().evaluatesDuringTraining()) {
            Map<String, Double> r = evaluate(lastCheckpoint, plan);
            if (r.containsKey("eval/mean_return")) {
                w.printf(Locale.ROOT, "evaluation (%d episodes, deterministic): mean return %.2f ± %.2f, mean length %.1f%n",
                        plan.evalEpisodes(), r.get("eval/mean_return"), r.get("eval/std_return"),
                        r.get("eval/mean_length"));
            }
        }
        if (lastCheckpoint != null) {
            w.println("checkpoint: " + lastCheckpoint);
        }
        if (run != null) {
            w.println("run: " + run.dir() + "  (trail runs show " + run.id() + ")");
        }
        w.flush();
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>();
        args.add("trail");
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return args;
    }

    private static String first(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }
}
