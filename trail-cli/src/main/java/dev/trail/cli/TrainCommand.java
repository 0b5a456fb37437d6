package dev.trail.cli;

import dev.trail.algo.Algorithm;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.grpo.Grpo;
import dev.trail.algo.grpo.GrpoConfig;
import dev.trail.envs.token.TokenTasks;
import dev.trail.config.Param;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.env.Env;
import dev.trail.envs.Envs;
import dev.trail.policy.Evaluation;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
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
            "Token tasks: trail train --env Arithmetic-v0 --algo grpo --init runs/<sft-run>"})
final class TrainCommand implements Callable<Integer> {

    /**
     * The top-level keys of a PPO or SAC config file (and of a run's {@code config.yaml}); the
     * command-line options of the same names override them.
     */
    record RunKeys(
            @Param("environment id (see trail envs)") String env,
            @Param("algorithm (see trail train --list)") String algo,
            @Param("root seed") long seed,
            @Param(value = "environment steps to train for", min = 1) long totalSteps,
            @Param(value = "checkpoint (and evaluate) about every this many environment steps; none: a tenth of the run",
                    min = 1) Long checkpointEvery,
            @Param(value = "evaluation episodes at each checkpoint, 0 for none", min = 0, max = 1_000_000)
                    int evalEpisodes,
            @Param("the checkpoint a resumed run started from (written by --resume)") String resumedFrom) {
    }

    /** The top-level keys of a token-level (GRPO-family) config file. */
    record TokenRunKeys(
            @Param("token task id (Arithmetic-v0, Countdown-v0, Calculator-v0)") String env,
            @Param("the estimator: grpo, dr-grpo, rloo, remax, reinforce++, reinforce++-baseline, lite-ppo") String algo,
            @Param("seed") long seed,
            @Param("the model to start from (an SFT run or checkpoint)") String init) {
    }

    static final ConfigBinder<RunKeys> RUN_KEYS = ConfigBinder.of("config", RunKeys.class,
            new RunKeys(null, null, 1, 500_000, null, 10, null));
    static final ConfigBinder<TokenRunKeys> TOKEN_RUN_KEYS = ConfigBinder.of("config", TokenRunKeys.class,
            new TokenRunKeys(null, null, 1, null));

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

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS",
            description = "Checkpoint (and evaluate) about every this many environment steps (default: a tenth of the run).")
    Long checkpointEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "Evaluation episodes at each checkpoint, 0 for none (default: 10).")
    Integer evalEpisodes;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a stopped run from its last checkpoint.")
    Path resume;

    @Option(names = "--init", paramLabel = "RUN_OR_CHECKPOINT",
            description = "Token-level algorithms: start from this model (e.g. an SFT run).")
    Path init;

    @Option(names = "--list", description = "List the algorithms with their options and exit.")
    boolean list;

    @Option(names = "--no-track", description = "Do not record the run (for overhead measurements).")
    boolean noTrack;

    /** The fully resolved settings of a training run. */
    record Plan(String env, Algorithm algorithm, long seed, long totalSteps, long checkpointEverySteps,
            int evalEpisodes, Record algoConfig, Path resumeFrom) {

        Map<String, Object> toConfig() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("env", env);
            c.put("algo", algorithm.name());
            c.put("seed", seed);
            c.put("total_steps", totalSteps);
            c.put("checkpoint_every", checkpointEverySteps);
            c.put("eval_episodes", evalEpisodes);
            if (resumeFrom != null) {
                c.put("resumed_from", resumeFrom.toString());
            }
            c.put(algorithm.name(), algorithm.config(env).toMap(algoConfig));
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
            printOptions(w, String.join("|", GrpoConfig.ESTIMATORS), "token-level RL on token tasks (needs --init "
                    + "runs/<sft-run>; the name picks the advantage estimator)", GrpoConfig.binder("grpo").options());
            return Trail.OK;
        }
        String algoName = algo;
        if (algoName == null && config != null) {
            algoName = ConfigFile.read(config).text("algo");
        }
        if (algoName != null && GrpoConfig.ESTIMATORS.contains(algoName)) {
            return trainTokenPolicy(algoName);
        }
        if (init != null) {
            throw new UserError("--init is for token-level algorithms (" + String.join(", ", GrpoConfig.ESTIMATORS) + ")");
        }
        Plan plan = plan();
        Files.createDirectories(out);
        long unit = plan.algorithm().stepsPerCheckpointUnit(plan.algoConfig());
        int every = (int) Math.max(1, Math.min(Integer.MAX_VALUE, plan.checkpointEverySteps() / unit));
        RunInfo info = new RunInfo(plan.env(), plan.algorithm().name(), plan.seed(), plan.toConfig(), commandLine());
        Progress progress = new Progress(w, Progress.stdoutIsTerminal(), plan.totalSteps());
        Run run = noTrack ? null : Run.start(out, info);
        MetricsListener metrics = run == null ? MetricsListener.NONE : MetricsListener.recordingTo(run);
        Path checkpointDir = run == null ? Files.createTempDirectory("trail-checkpoints") : run.dir().resolve("checkpoints");
        if (run != null) {
            w.println("run " + run.id() + " -> " + run.dir());
        }
        w.printf(Locale.ROOT, "training %s on %s, seed %d, %,d steps%n", plan.algorithm().name(), plan.env(), plan.seed(),
                plan.totalSteps());
        w.flush();
        long[] lastStep = {0};
        Path[] lastCheckpoint = {null};
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
                progress.update(globalStep, false);
            }

            @Override
            public void onCheckpoint(int update, Path path) {
                lastCheckpoint[0] = path;
                if (plan.evalEpisodes() > 0) {
                    evaluate(path, plan, lastStep[0], run);
                }
            }
        };
        RunStatus status = RunStatus.FAILED;
        try {
            Path last = plan.resumeFrom() != null
                    ? plan.algorithm().resume(plan.resumeFrom(), listener, checkpointDir, every)
                    : plan.algorithm().train(plan.algoConfig(), plan.env(), plan.seed(), plan.totalSteps(), listener,
                            checkpointDir, every);
            status = RunStatus.FINISHED;
            progress.update(lastStep[0], true);
            progress.close();
            summary(w, plan, progress, last == null ? lastCheckpoint[0] : last, run);
            return Trail.OK;
        } catch (TrainingDivergedException e) {
            progress.close();
            spec.commandLine().getErr().println("train: " + e.getMessage() + (lastCheckpoint[0] == null ? ""
                    : "; the last good checkpoint is " + lastCheckpoint[0]));
            spec.commandLine().getErr().flush();
            return Trail.FAILURE;
        } finally {
            if (run != null) {
                run.finish(status);
            }
        }
    }

    static void printOptions(PrintWriter w, String name, String description, List<dev.trail.config.Option> options) {
        w.println(name + " - " + description);
        for (dev.trail.config.Option o : options) {
            w.printf("    %s=%s  %s  (%s)%n", o.name(), o.defaultValue(), o.description(), o.rangeText());
        }
        w.flush();
    }

    /** {@code trail train --env Arithmetic-v0 --algo grpo --init runs/<sft-run>}: the GRPO-family trainer. */
    private int trainTokenPolicy(String estimator) throws IOException {
        ConfigFile file = config == null ? ConfigFile.none() : ConfigFile.read(config);
        Map<String, String> flags = new LinkedHashMap<>();
        putIfSet(flags, "env", envId);
        putIfSet(flags, "algo", estimator);
        putIfSet(flags, "seed", seed);
        putIfSet(flags, "init", init);
        ConfigBinder<GrpoConfig> binder = GrpoConfig.binder(estimator);
        TokenRunKeys keys = file.topLevel(TOKEN_RUN_KEYS, estimator, binder.keys(), flags);
        String env = keys.env();
        if (env == null || !TokenTasks.ids().contains(env)) {
            throw new UserError(estimator + " trains token-level policies on " + TokenTasks.ids() + "; got --env " + env);
        }
        if (resume != null) {
            throw new UserError("--resume is not supported for " + estimator + " yet; start again from --init");
        }
        long s = keys.seed();
        GrpoConfig cfg = bindSection(binder, file, estimator);
        if (!cfg.estimator().equals(estimator)) {
            throw new UserError(estimator + " estimator=" + cfg.estimator() + " contradicts --algo " + estimator
                    + "; the algorithm name picks the estimator");
        }
        Path initPath = keys.init() == null ? null : Path.of(keys.init());
        if (initPath != null && !Files.exists(initPath)) {
            throw new UserError("--init " + initPath + " does not exist");
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("env", env);
        c.put("algo", estimator);
        c.put("seed", s);
        c.put("init", initPath == null ? null : initPath.toString());
        c.put(estimator, binder.toMap(cfg));
        PrintWriter w = spec.commandLine().getOut();
        return LmTraining.run(w, spec.commandLine().getErr(), out, new RunInfo(env, estimator, s, c, commandLine()),
                (dir, listener) -> {
                    Grpo.Result r = Grpo.run(cfg, env, s, initPath, dir, listener);
                    LmTraining.printEvaluation(w, "before", r.before());
                    LmTraining.printEvaluation(w, "after " + r.updates() + " updates", r.after());
                    w.println("checkpoint: " + r.checkpoint());
                });
    }

    private Plan plan() throws IOException {
        ConfigFile file = config == null ? ConfigFile.none() : ConfigFile.read(config);
        Path resumeFrom = null;
        if (resume != null) {
            if (!Files.isDirectory(resume)) {
                throw new UserError("--resume " + resume + " is not a run folder");
            }
            resumeFrom = Checkpoints.latest(resume).orElseThrow(() -> new UserError("--resume " + resume
                    + " has no checkpoint to resume from (checkpoints/ is empty)"));
            Path runConfig = resume.resolve(Run.CONFIG_FILE);
            if (config == null && Files.isRegularFile(runConfig)) {
                file = ConfigFile.read(runConfig);
            }
            if (!overrides.isEmpty()) {
                throw new UserError("--set cannot change a resumed run (it continues with its own config)");
            }
        }
        String algoName = first(algo, file.text("algo"), null);
        Map<String, String> flags = new LinkedHashMap<>();
        putIfSet(flags, "env", envId);
        putIfSet(flags, "algo", algo);
        putIfSet(flags, "seed", seed);
        putIfSet(flags, "total_steps", totalSteps);
        putIfSet(flags, "checkpoint_every", checkpointEvery);
        putIfSet(flags, "eval_episodes", evalEpisodes);
        List<String> sectionKeys = algoName != null && Algorithms.names().contains(algoName)
                ? Algorithms.get(algoName).config(null).keys() : List.of();
        RunKeys keys = file.topLevel(RUN_KEYS, algoName, sectionKeys, flags);
        String env = keys.env();
        if (env == null) {
            throw new UserError("--env is required (see `trail envs`)");
        }
        if (algoName == null) {
            throw new UserError("--algo is required; known: " + String.join(", ", Algorithms.names()));
        }
        Algorithm algorithm = Algorithms.get(algoName);
        checkSpaces(env, algorithm);
        long total = keys.totalSteps();
        long ckpt = keys.checkpointEvery() != null ? keys.checkpointEvery() : Math.max(1, total / 10);
        Record algoConfig = bindSection(algorithm.config(env), file, algorithm.name());
        return new Plan(env, algorithm, keys.seed(), total, ckpt, keys.evalEpisodes(), algoConfig, resumeFrom);
    }

    private static void putIfSet(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }

    /**
     * The algorithm's config: its defaults, the config file's section named after it, then
     * {@code --set} ({@code algo.key} or {@code key}). Every key is checked before any value.
     */
    private <R extends Record> R bindSection(ConfigBinder<R> binder, ConfigFile file, String algoName) {
        String prefix = algoName + ".";
        Map<String, String> sets = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String k = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            sets.put(k, e.getValue());
        }
        Map<String, Object> section = file.section(algoName);
        try {
            return binder.bind(section, sets);
        } catch (IllegalArgumentException e) {
            throw new UserError((section != null ? file.file() + ": " : "") + e.getMessage(), e);
        }
    }

    private static void checkSpaces(String env, Algorithm algorithm) {
        try (Env<?, ?> e = Envs.make(env)) {
            boolean discrete = e.actionSpace() instanceof Discrete;
            boolean box = e.actionSpace() instanceof Box;
            if (discrete && !algorithm.supportsDiscreteActions() || box && !algorithm.supportsContinuousActions()
                    || !discrete && !box) {
                throw new UserError(algorithm.name() + " cannot train on " + env + " (actions in " + e.actionSpace()
                        + ")");
            }
        }
    }

    private void evaluate(Path checkpoint, Plan plan, long globalStep, Run run) {
        try {
            Evaluation.Result r = Evaluation.evaluate(checkpoint, plan.env(), plan.evalEpisodes(), plan.seed() + 1_000_003L,
                    true);
            if (run != null) {
                run.log(globalStep, Map.of("eval/mean_return", r.meanReturn(), "eval/std_return", r.stdReturn(),
                        "eval/mean_length", r.meanLength()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void summary(PrintWriter w, Plan plan, Progress progress, Path lastCheckpoint, Run run) throws IOException {
        w.printf(Locale.ROOT, "done: %,d episodes, mean return of the last 100: %.2f, %.1f s%n", progress.episodes(),
                progress.recentMean(), progress.elapsedSeconds());
        if (lastCheckpoint != null && plan.evalEpisodes() > 0) {
            Evaluation.Result r = Evaluation.evaluate(lastCheckpoint, plan.env(), plan.evalEpisodes(),
                    plan.seed() + 1_000_003L, true);
            w.printf(Locale.ROOT, "evaluation (%d episodes, deterministic): mean return %.2f ± %.2f, mean length %.1f%n",
                    plan.evalEpisodes(), r.meanReturn(), r.stdReturn(), r.meanLength());
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
