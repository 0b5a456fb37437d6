package dev.trail.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trail.envs.token.TokenTasks;
import dev.trail.lm.LmEvaluation;
import dev.trail.policy.Evaluation;
import dev.trail.policy.PolicyCheckpoint;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trail eval}: evaluate a trained policy and print a JSON summary. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a run's last checkpoint (or a given checkpoint) and print a JSON summary:"
                + " mean, std, min, max of return and length.")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--run", paramLabel = "RUN_DIR", description = "A run folder: its last checkpoint is evaluated.")
        Path run;

        @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint folder.")
        Path checkpoint;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--env", paramLabel = "ID",
            description = "Environment (default: the one the policy was trained on; required for token tasks).")
    String envId;

    @Option(names = "--episodes", defaultValue = "10", paramLabel = "N", description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--deterministic", description = "Take the most likely action instead of sampling.")
    boolean deterministic;

    @Option(names = "--k", defaultValue = "0", paramLabel = "K",
            description = "Token tasks: samples per held-out problem for pass@k (default: ${DEFAULT-VALUE}, greedy pass@1 only).")
    int k;

    @Override
    public Integer call() throws IOException {
        UserError.requirePositive("--episodes", episodes);
        if (k < 0) {
            throw new UserError("--k must be >= 0, got " + k);
        }
        if (envId == null && source.run != null
                && java.nio.file.Files.isRegularFile(source.run.resolve(dev.trail.track.Run.CONFIG_FILE))) {
            String recorded = ConfigFile.read(source.run.resolve(dev.trail.track.Run.CONFIG_FILE)).text("env");
            if (recorded != null && TokenTasks.ids().contains(recorded)) {
                envId = recorded;
            }
        }
        if (envId != null && TokenTasks.ids().contains(envId)) {
            return evaluateTokenPolicy();
        }
        Path checkpoint = source.run != null ? Checkpoints.resolve(source.run, "--run")
                : Checkpoints.resolve(source.checkpoint, "--checkpoint");
        PolicyCheckpoint.Loaded loaded;
        try {
            loaded = PolicyCheckpoint.load(checkpoint);
        } catch (IOException e) {
            throw new UserError("cannot load checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
        String env = envId != null ? envId : loaded.envId();
        Evaluation.Result r = Evaluation.evaluate(loaded, TrainCommand.envSpec(env), episodes, seed, deterministic);
        double[] lengths = Arrays.stream(r.lengths()).asDoubleStream().toArray();
        Stats ret = Stats.of(r.returns());
        Stats len = Stats.of(lengths);
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("env", env);
            g.writeStringField("checkpoint", checkpoint.toString());
            g.writeStringField("algorithm", loaded.algorithm());
            g.writeNumberField("episodes", episodes);
            g.writeNumberField("seed", seed);
            g.writeBooleanField("deterministic", deterministic);
            g.writeObjectFieldStart("return");
            stats(g, ret);
            g.writeEndObject();
            g.writeObjectFieldStart("length");
            stats(g, len);
            g.writeEndObject();
            g.writeEndObject();
        }
        spec.commandLine().getOut().println(sw);
        spec.commandLine().getOut().flush();
        return Trail.OK;
    }

    /** Held-out pass@1 / pass@k of a transformer policy on a token task, as JSON. */
    private int evaluateTokenPolicy() throws IOException {
        Path given = source.run != null ? source.run : source.checkpoint;
        if (!java.nio.file.Files.exists(given)) {
            throw new UserError((source.run != null ? "--run " : "--checkpoint ") + given + " does not exist");
        }
        LmEvaluation.Result r;
        try {
            r = LmEvaluation.evaluate(given, TrainCommand.envSpec(envId), episodes, k, seed);
        } catch (IOException e) {
            throw new UserError("cannot load checkpoint " + given + ": " + e.getMessage(), e);
        }
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("env", envId);
            g.writeStringField("checkpoint", given.toString());
            g.writeNumberField("problems", r.problems());
            g.writeNumberField("seed", seed);
            for (java.util.Map.Entry<String, Double> e : r.metrics().entrySet()) {
                g.writeNumberField(e.getKey().substring("eval/".length()), e.getValue());
            }
            g.writeEndObject();
        }
        spec.commandLine().getOut().println(sw);
        spec.commandLine().getOut().flush();
        return Trail.OK;
    }

    private static void stats(JsonGenerator g, Stats s) throws IOException {
        g.writeNumberField("mean", s.mean());
        g.writeNumberField("std", s.std());
        g.writeNumberField("min", s.min());
        g.writeNumberField("max", s.max());
    }
}
