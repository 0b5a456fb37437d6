package dev.trail.cli;

import dev.trail.algo.Algorithm;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.config.Options;
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
    record Plan(String env, EnvSpec spec, Algorithm algorithm, long seed, long totalSteps, long checkpointEverySteps,
            int evalEpisodes, Map<String, String> algoSettings, Options resolved, Path init, Path resumeFrom,
            long resumeStep) {

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
            return Trail.OK;
        }
        Plan plan = plan();
        Files.createDirectories(out);
        long unit = plan.algorithm().stepsPerCheckpointUnit(plan.resolved());
        int every = (int) Math.max(1, Math.min(Integer.MAX_VALUE, plan.checkpointEverySteps() / unit));
        if (!plan.algorithm().countsEnvironmentSteps()) {
            every = (int) Math.max(1, Math.min(Integer.MAX_VALUE, plan.checkpointEverySteps()));
        }
        RunInfo info = new RunInfo(plan.env(), plan.algorithm().name(), plan.seed(), plan.toConfig(), commandLine());
        Progress progress = new Progress(w, Progress.stdoutIsTerminal(),
                plan.algorithm().countsEnvironmentSteps() ? plan.totalSteps() : 0);
        Run run;
        if (noTrack) {
            run = null;
        } else if (plan.resumeFrom() != null) {
            run = Run.resume(resume, plan.resumeStep(), plan.resumeFrom(), commandLine(),
                    Run.Options.defaults());
        } else {
            run = Run.start(out, info);
        }
        MetricsListener metrics = run == null ? MetricsListener.NONE : MetricsListener.recordingTo(run);
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
            Path last = plan.resumeFrom() != null
                    ? plan.algorithm().resume(plan.resumeFrom(), plan.spec(), listener, checkpointDir, every)
                    : plan.algorithm().train(plan.algoSettings(), plan.spec(), plan.seed(), plan.totalSteps(),
                            plan.init(), listener, checkpointDir, every);
            status = Thread.currentThread().isInterrupted() ? RunStatus.INTERRUPTED : RunStatus.FINISHED;
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

    /** The registry entry of {@code id} ({@code class:NAME} for a user environment class); a bad id is a usage error. */
    static EnvSpec envSpec(String id) {
        try {
            return Envs.spec(id);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private Plan plan() throws IOException {
        Map<String, String> file = config == null ? Map.of() : ConfigFile.read(config);
        Path resumeFrom = null;
        long resumeStep = 0;
        if (resume != null) {
            if (!Files.isDirectory(resume)) {
                throw new UserError("--resume " + resume + " is not a run folder");
            }
            if (!overrides.isEmpty() || envId != null || algo != null || seed != null || totalSteps != null
                    || init != null) {
                throw new UserError("--resume continues a run with its own config; --set, --env, --algo, --seed, "
                        + "--total-steps and --init cannot change it");
            }
            if (Checkpoints.finished(resume)) {
                throw new UserError("--resume " + resume + ": run " + resume.getFileName() + " has finished; there is "
                        + "nothing to resume (start a new run with --config " + resume.resolve(Run.CONFIG_FILE) + ")");
            }
            resumeFrom = Checkpoints.latest(resume).orElseThrow(() -> new UserError("--resume " + resume
                    + " has no checkpoint to resume from (checkpoints/ is empty)"));
            resumeStep = Checkpoints.globalStep(resumeFrom);
            Path runConfig = resume.resolve(Run.CONFIG_FILE);
            if (config != null) {
                throw new UserError("--config cannot change a resumed run (it continues with its own config.yaml)");
            }
            if (!Files.isRegularFile(runConfig)) {
                throw new UserError("--resume " + resume + " has no " + Run.CONFIG_FILE);
            }
            file = ConfigFile.read(runConfig);
        }
        String env = first(envId, file.get("env"), null);
        String algoName = first(algo, file.get("algo"), null);
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
        long s = seed != null ? seed : parseLong(file.get("seed"), "seed", 1);
        long total;
        if (algorithm.countsEnvironmentSteps()) {
            total = totalSteps != null ? totalSteps : parseLong(file.get("total_steps"), "total_steps", 500_000);
            if (total < 1) {
                throw new UserError("--total-steps must be at least 1, got " + total);
            }
        } else {
            if (totalSteps != null || file.containsKey("total_steps")) {
                throw new UserError(algorithm.name() + " counts its budget in updates, not environment steps: use "
                        + "--set iterations=N instead of --total-steps");
            }
            total = 0;
        }
        long ckpt = checkpointEvery != null ? checkpointEvery
                : parseLong(file.get("checkpoint_every"), "checkpoint_every",
                        algorithm.countsEnvironmentSteps() ? Math.max(1, total / 10) : 0);
        if (ckpt < 0 || ckpt == 0 && algorithm.countsEnvironmentSteps()) {
            throw new UserError("--checkpoint-every must be at least 1, got " + ckpt);
        }
        int evals = evalEpisodes != null ? evalEpisodes : (int) parseLong(file.get("eval_episodes"), "eval_episodes", 10);
        if (evals < 0) {
            throw new UserError("--eval-episodes must be >= 0, got " + evals);
        }
        Path initPath = init != null ? init : file.containsKey("init") && !file.get("init").equals("none")
                ? Path.of(file.get("init")) : null;
        if (initPath != null && !algorithm.takesInit()) {
            throw new UserError("--init is for the token-level algorithms; " + algorithm.name() + " starts fresh");
        }
        if (initPath != null && !Files.exists(initPath)) {
            throw new UserError("--init " + initPath + " does not exist");
        }
        Set<String> topLevel = new java.util.HashSet<>(TOP_LEVEL);
        topLevel.add("init");
        Map<String, String> settings = algorithmSettings(file, algorithm.name(), topLevel, config != null ? config : resume);
        Options resolved;
        try {
            resolved = Options.resolve(algorithm.name(), algorithm.options(envSpec), settings);
            algorithm.validate(settings, envSpec);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        return new Plan(env, envSpec, algorithm, s, total, ckpt, evals, settings, resolved, initPath, resumeFrom,
                resumeStep);
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

    private Map<String, Double> evaluate(Path checkpoint, Plan plan) {
        try {
            return plan.algorithm().evaluate(checkpoint, plan.spec(), plan.evalEpisodes(), plan.seed() + 1_000_003L);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void summary(PrintWriter w, Plan plan, Progress progress, Path lastCheckpoint, Run run) throws IOException {
        if (plan.algorithm().countsEnvironmentSteps()) {
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
