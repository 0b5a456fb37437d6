package dev.trail.cli;

import dev.trail.seed.Rng;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail bench credit}: end-to-end throughput of {@code trail credit} (read JSONL, estimate,
 * write JSONL) on a synthetic file of agent-like trajectories.
 */
@Command(name = "credit", mixinStandardHelpOptions = true,
        description = "Time `trail credit` end to end on a generated JSONL file and print steps/s.")
final class CreditBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--estimator", defaultValue = "gae", paramLabel = "NAME", description = "Estimator (default: ${DEFAULT-VALUE}).")
    String estimator;

    @Option(names = "--steps", defaultValue = "2000000", paramLabel = "N", description = "Steps in the file (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--length", defaultValue = "100", paramLabel = "T", description = "Steps per trajectory (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--group-size", defaultValue = "8", paramLabel = "G", description = "Trajectories per group (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "R", description = "Repeats; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws IOException {
        UserError.requirePositive("--steps", steps);
        UserError.requirePositive("--length", length);
        UserError.requirePositive("--group-size", groupSize);
        UserError.requirePositive("--repeats", repeats);
        PrintWriter w = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("trail-bench-credit");
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        try {
            int trajectories = Math.max(groupSize, steps / length / groupSize * groupSize);
            generate(in, trajectories, length, groupSize);
            long bytes = Files.size(in);
            credit(in, out); // warm-up
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                String failure = credit(in, out);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (failure != null) {
                    throw new IllegalStateException("trail credit failed: " + failure);
                }
                rates[r] = (double) trajectories * length / secs;
            }
            w.printf(Locale.ROOT, "credit --estimator %s: %d trajectories x %d steps (%.1f MB): %,.0f steps/s (median of %d)%n",
                    estimator, trajectories, length, bytes / 1e6, BenchCommand.median(rates), repeats);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
        w.flush();
        return Trail.OK;
    }

    /** Agent-like lines: rewards, values, log-probs and a short text action per step. */
    static void generate(Path file, int trajectories, int length, int groupSize) throws IOException {
        Rng rng = new Rng(1);
        try (BufferedWriter bw = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder(length * 64);
            for (int i = 0; i < trajectories; i++) {
                sb.setLength(0);
                sb.append("{\"id\":\"t").append(i).append("\",\"group\":\"g").append(i / groupSize).append("\",\"steps\":[");
                for (int t = 0; t < length; t++) {
                    if (t > 0) {
                        sb.append(',');
                    }
                    double reward = t == length - 1 ? (rng.nextDouble() < 0.5 ? 1 : 0) : 0;
                    sb.append("{\"reward\":").append(reward)
                            .append(",\"value\":").append(Math.round(rng.nextDouble() * 1e4) / 1e4)
                            .append(",\"logprob\":").append(-Math.round(rng.nextDouble() * 1e4) / 1e4)
                            .append(",\"action\":\"a").append(rng.nextInt(10)).append("\"}");
                }
                sb.append("]}\n");
                bw.write(sb.toString());
            }
        }
    }

    /** Runs {@code trail credit} in-process, as a user would; returns its error output if it failed. */
    private String credit(Path in, Path out) {
        StringWriter err = new StringWriter();
        int code = Trail.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "credit", "--estimator", estimator,
                "--in", in.toString(), "--out", out.toString());
        return code == 0 ? null : err.toString();
    }
}
