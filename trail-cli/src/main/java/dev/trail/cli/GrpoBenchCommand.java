package dev.trail.cli;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.grpo.Grpo;
import dev.trail.algo.grpo.GrpoConfig;
import dev.trail.envs.Envs;
import dev.trail.lm.TransformerConfig;
import dev.trail.token.TokenEnv;
import dev.trail.token.Vocabulary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail bench grpo}: GRPO updates of a fixed model shape and batch, timed per phase, so that
 * token-level throughput is measured the same way every time (docs/BENCHMARKS.md).
 */
@Command(name = "grpo", mixinStandardHelpOptions = true,
        description = "Run GRPO updates of a fresh transformer of a fixed shape on a token task and print"
                + " completions/s, generated tokens/s and the split of each update into sampling,"
                + " reference log-probs and the gradient steps (medians over the measured updates).")
final class GrpoBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--env", defaultValue = "Arithmetic-v0", paramLabel = "ID",
            description = "Token task (default: ${DEFAULT-VALUE}).")
    String envId;

    @Option(names = "--prompts", defaultValue = "8", paramLabel = "B", description = "Prompts per update (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--group", defaultValue = "8", paramLabel = "G", description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--max-new-tokens", defaultValue = "8", paramLabel = "T",
            description = "Response budget in tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--layers", defaultValue = "4", paramLabel = "L", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--width", defaultValue = "128", paramLabel = "D", description = "Model width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--heads", defaultValue = "4", paramLabel = "H", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "E",
            description = "Passes over each batch (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--minibatches", defaultValue = "1", paramLabel = "M",
            description = "Minibatches per pass (default: ${DEFAULT-VALUE}: one gradient step per update).")
    int minibatches;

    @Option(names = "--kl-coef", defaultValue = "0", paramLabel = "BETA",
            description = "KL coefficient; > 0 adds the reference model's log-probs (default: ${DEFAULT-VALUE}).")
    double klCoef;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "Updates not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--updates", defaultValue = "20", paramLabel = "N", description = "Measured updates (default: ${DEFAULT-VALUE}).")
    int updates;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        UserError.requirePositive("--prompts", prompts);
        UserError.requirePositive("--group", group);
        UserError.requirePositive("--max-new-tokens", maxNewTokens);
        UserError.requirePositive("--updates", updates);
        UserError.requirePositive("--epochs", epochs);
        UserError.requirePositive("--minibatches", minibatches);
        if (warmup < 0) {
            throw new UserError("--warmup must be >= 0, got " + warmup);
        }
        var env = Envs.spec(envId);
        try (var e = env.make()) {
            if (!(e instanceof TokenEnv)) {
                throw new UserError("bench grpo needs a token task, and " + envId + " is not one");
            }
        }
        TransformerConfig shape = TransformerConfig.defaults().withSizes(layers, width, heads);
        GrpoConfig base = GrpoConfig.defaults();
        GrpoConfig config = GrpoConfig.binder("grpo").withDefaults(base.withModel(shape)
                .withBatch(group, prompts, minibatches).withBudget(warmup + updates, 0).withEval(0, base.evalProblems(), 0))
                .parse(Map.of("update_epochs", Integer.toString(epochs), "kl_coef", Double.toString(klCoef),
                        "max_new_tokens", Integer.toString(maxNewTokens)));
        double[] wall = new double[updates];
        double[] sample = new double[updates];
        double[] reference = new double[updates];
        double[] optimize = new double[updates];
        double[] tokens = new double[updates];
        double[] cpu = new double[updates];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long parameters;
        try (Grpo grpo = Grpo.create(config, env, seed, null)) {
            parameters = grpo.policy().parameters().scalarCount();
            for (int u = 0; u < warmup + updates; u++) {
                long t0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                Map<String, Double> m = grpo.iterate(TrainingListener.NONE);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpuSecs = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
                if (u >= warmup) {
                    int i = u - warmup;
                    wall[i] = secs;
                    cpu[i] = cpuSecs;
                    sample[i] = m.get("time/sample_seconds");
                    reference[i] = m.get("time/reference_seconds");
                    optimize[i] = m.get(Metrics.OPTIMIZE_SECONDS);
                    tokens[i] = m.get("time/sample_tokens_per_second") * sample[i];
                }
            }
        }
        double w = BenchCommand.median(wall);
        int completions = prompts * group;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "grpo %s: model %d layers x width %d x %d heads (%,d parameters, vocabulary %d),"
                + " %d prompts x %d completions, <= %d new tokens, %d epoch(s) x %d minibatch(es), kl_coef %s%n",
                envId, layers, width, heads, parameters, Vocabulary.size(), prompts, group, maxNewTokens, epochs,
                minibatches, klCoef, warmup);
        out.printf(Locale.ROOT, "%d updates measured after %d warm-up: %.1f completions/s, %.0f generated tokens/s"
                + " (median update %.1f ms; CPU time of the training thread %.1f ms)%n", updates, warmup,
                completions / w, BenchCommand.median(tokens) / w, w * 1e3, BenchCommand.median(cpu) * 1e3);
        out.printf(Locale.ROOT, "phases (median ms): sampling %.1f, reference log-probs %.1f, gradient steps %.1f,"
                + " other %.1f%n", BenchCommand.median(sample) * 1e3, BenchCommand.median(reference) * 1e3,
                BenchCommand.median(optimize) * 1e3,
                (w - BenchCommand.median(sample) - BenchCommand.median(reference) - BenchCommand.median(optimize))
                        * 1e3);
        out.flush();
        return Trail.OK;
    }
}
