package dev.trail.cli;

import dev.trail.algo.Algorithm;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.grpo.Grpo;
import dev.trail.algo.grpo.GrpoConfig;
import dev.trail.algo.grpo.GrpoOptions;
import dev.trail.envs.token.TokenTasks;
import dev.trail.config.Options;
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
            "Token tasks: trail train --env Arithmetic-v0 --algo grpo --init runs/<sft-run>"})
final class TrainCommand implements Callable<Integer> {

    private static final Set<String> TOP_LEVEL = Set.of("env", "algo", "seed", "total_steps", "checkpoint_every",
            "eval_episodes");

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
            int evalEpisodes, Map<String, String> algoSettings, Options resolved, Path resumeFrom) {

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
            c.put(algorithm.name(), new LinkedHashMap<>(resolved.asMap()));
            return c;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        if (list) {
            for (String name : Algorithms.names()) {
                Algorithm a = Algorithms.get(name);
                printOptions(w, name, a.description(), a.options());
            }
            printOptions(w, String.join("|", GrpoConfig.ESTIMATORS), "token-level RL on token tasks (needs --init "
                    + "runs/<sft-run>; the name picks the advantage estimator)", GrpoOptions.options());
            return Trail.OK;
        }
        String algoName = algo;
        if (algoName == null && config != null) {
            algoName = ConfigFile.read(config).get("algo");
        }
        if (algoName != null && GrpoConfig.ESTIMATORS.contains(algoName)) {
            return trainTokenPolicy(algoName);
        }
        if (init != null) {
            throw new UserError("--init is for token-level algorithms (" + String.join(", ", GrpoConfig.ESTIMATORS) + ")");
        }
        Plan plan = plan();
        Files.createDirectories(out);
        long unit = plan.algorithm().stepsPerCheckpointUnit(plan.resolved());
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
                    : plan.algorithm().train(plan.algoSettings(), plan.env(), plan.seed(), plan.totalSteps(), listener,
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
        Map<String, String> file = config == null ? Map.of() : ConfigFile.read(config);
        String env = first(envId, file.get("env"), null);
        if (env == null || !TokenTasks.ids().contains(env)) {
            throw new UserError(estimator + " trains token-level policies on " + TokenTasks.ids() + "; got --env " + env);
        }
        if (resume != null) {
            throw new UserError("--resume is not supported for " + estimator + " yet; start again from --init");
        }
        long s = seed != null ? seed : parseLong(file.get("seed"), "seed", 1);
        Map<String, String> settings = algorithmSettings(file, estimator, Set.of("env", "algo", "seed", "init"), config);
        Options resolved = Options.resolve(estimator, GrpoOptions.options(), settings);
        GrpoConfig cfg = GrpoOptions.fromOptions(estimator, resolved, settings.keySet());
        Path initPath = init != null ? init : file.containsKey("init") ? Path.of(file.get("init")) : null;
        if (initPath != null && !Files.exists(initPath)) {
            throw new UserError("--init " + initPath + " does not exist");
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("env", env);
        c.put("algo", estimator);
        c.put("seed", s);
        c.put("init", initPath == null ? null : initPath.toString());
        c.put(estimator, new LinkedHashMap<>(resolved.asMap()));
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
        Map<String, String> file = config == null ? Map.of() : ConfigFile.read(config);
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
        }
        String env = first(envId, file.get("env"), null);
        String algoName = first(algo, file.get("algo"), null);
        if (env == null) {
            throw new UserError("--env is required (see `trail envs`)");
        }
        if (algoName == null) {
            throw new UserError("--algo is required; known: " + String.join(", ", Algorithms.names()));
        }
        Algorithm algorithm = Algorithms.get(algoName);
        checkSpaces(env, algorithm);
        long s = seed != null ? seed : parseLong(file.get("seed"), "seed", 1);
        long total = totalSteps != null ? totalSteps : parseLong(file.get("total_steps"), "total_steps", 500_000);
        if (total < 1) {
            throw new UserError("--total-steps must be at least 1, got " + total);
        }
        long ckpt = checkpointEvery != null ? checkpointEvery
                : parseLong(file.get("checkpoint_every"), "checkpoint_every", Math.max(1, total / 10));
        if (ckpt < 1) {
            throw new UserError("--checkpoint-every must be at least 1, got " + ckpt);
        }
        int evals = evalEpisodes != null ? evalEpisodes : (int) parseLong(file.get("eval_episodes"), "eval_episodes", 10);
        if (evals < 0) {
            throw new UserError("--eval-episodes must be >= 0, got " + evals);
        }
        Set<String> topLevel = new java.util.HashSet<>(TOP_LEVEL);
        topLevel.add("resumed_from");
        Map<String, String> settings = algorithmSettings(file, algorithm.name(), topLevel, config != null ? config : resume);
        Options resolved = Options.resolve(algorithm.name(), algorithm.options(env), settings);
        if (resumeFrom != null && !overrides.isEmpty()) {
            throw new UserError("--set cannot change a resumed run (it continues with its own config)");
        }
        return new Plan(env, algorithm, s, total, ckpt, evals, settings, resolved, resumeFrom);
    }

    /**
     * The algorithm's options from a config file (the section named after it; any other key must
     * be one of {@code topLevel}) with {@code --set} applied on top ({@code algo.key} or {@code key}).
     */
    private Map<String, String> algorithmSettings(Map<String, String> file, String algoName, Set<String> topLevel,
            Path source) {
        String prefix = algoName + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : file.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                settings.put(e.getKey().substring(prefix.length()), e.getValue());
            } else if (!topLevel.contains(e.getKey())) {
                throw new UserError("unknown config key '" + e.getKey() + "' in " + source + "; top-level keys: "
                        + new java.util.TreeSet<>(topLevel) + ", and options under '" + algoName + ":'");
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String k = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            settings.put(k, e.getValue());
        }
        return settings;
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

    private static long parseLong(String v, String key, long fallback) {
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(v);
                if (d == Math.rint(d)) {
                    return (long) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UserError("config key " + key + "=" + v + " is not an integer");
        }
    }
}
