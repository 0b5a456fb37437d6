package dev.trail.cli;

import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.data.TrajectorySource;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail bench data}: write and read throughput of the trajectory files (Parquet through
 * DuckDB, JSONL) for CartPole-sized steps: 4 float observations, one discrete action, a reward.
 * Trajectories are generated on the fly and consumed one at a time, so the dataset is never held.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Time writing and reading CartPole-sized trajectories as Parquet and JSONL; print steps/s"
                + " (medians) and the process's peak resident memory.")
final class DataBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "2000000", paramLabel = "N", description = "Steps per file (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--length", defaultValue = "200", paramLabel = "T", description = "Steps per trajectory (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R", description = "Repeats; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--formats", defaultValue = "parquet,jsonl", split = ",", paramLabel = "F,...",
            description = "Formats to time (default: ${DEFAULT-VALUE}).")
    String[] formats;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the files go (default: a temporary folder).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        UserError.requirePositive("--steps", steps);
        UserError.requirePositive("--length", length);
        UserError.requirePositive("--repeats", repeats);
        PrintWriter w = spec.commandLine().getOut();
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("trail-bench-data");
        long trajectories = Math.max(1, steps / length);
        long total = trajectories * length;
        try {
            for (String f : formats) {
                Path file = work.resolve("bench." + f.strip());
                double[] write = new double[repeats];
                double[] read = new double[repeats];
                double[] writeCpu = new double[repeats];
                double[] readCpu = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long c0 = cpuNanos();
                    long t0 = System.nanoTime();
                    try (TrajectorySink sink = TrajectoryFiles.create(file, null, Map.of(), false)) {
                        SplittableRandom rng = new SplittableRandom(1);
                        for (long i = 0; i < trajectories; i++) {
                            sink.write(cartPole(i, length, rng));
                        }
                        sink.commit();
                    }
                    write[r] = total / ((System.nanoTime() - t0) / 1e9);
                    writeCpu[r] = total / ((cpuNanos() - c0) / 1e9);
                    long c1 = cpuNanos();
                    long t1 = System.nanoTime();
                    long seen = 0;
                    try (TrajectorySource src = TrajectoryFiles.open(file, null)) {
                        Trajectory t;
                        while ((t = src.next()) != null) {
                            seen += t.length();
                        }
                    }
                    read[r] = total / ((System.nanoTime() - t1) / 1e9);
                    readCpu[r] = total / ((cpuNanos() - c1) / 1e9);
                    if (seen != total) {
                        throw new IllegalStateException("read " + seen + " steps, wrote " + total);
                    }
                }
                w.printf(Locale.ROOT, "%-8s %,d steps (%d x %d, %.1f MB): write %,.0f steps/s, read %,.0f steps/s"
                        + " (medians of %d, wall clock; per CPU-second of the process: write %,.0f, read %,.0f)%n", f,
                        total, trajectories, length, Files.size(file) / 1e6, BenchCommand.median(write),
                        BenchCommand.median(read), repeats, BenchCommand.median(writeCpu), BenchCommand.median(readCpu));
                w.flush();
                Files.deleteIfExists(file);
            }
            w.printf(Locale.ROOT, "peak resident memory: %s MB (JVM heap max %d MB)%n", peakRssMb(),
                    Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            if (dir == null) {
                try (Stream<Path> s = Files.list(work)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(work);
            }
        }
        w.flush();
        return Trail.OK;
    }

    /** A CartPole-sized trajectory: observations [T+1, 4], a discrete action, reward 1 per step, terminated. */
    static Trajectory cartPole(long i, int length, SplittableRandom rng) {
        float[] obs = new float[(length + 1) * 4];
        for (int k = 0; k < obs.length; k++) {
            obs[k] = (float) (rng.nextDouble() * 0.1 - 0.05);
        }
        float[] act = new float[length];
        double[] rew = new double[length];
        for (int s = 0; s < length; s++) {
            act[s] = rng.nextInt(2);
            rew[s] = 1.0;
        }
        return new Trajectory("ep-" + i, null, i, obs, 4, act, 1, rew, null, null, null, true, false, Double.NaN, null,
                "CartPole-v1", null, null, 0, null);
    }

    /** CPU time of the whole process (every thread, DuckDB's included). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** VmHWM of this process from /proc (Linux), or "?" elsewhere. */
    static String peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.toString(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "?";
        }
        return "?";
    }
}
