package dev.trail.bench;

import dev.trail.envs.grid.MiniGridEnv;
import dev.trail.envs.grid.MiniGridEnvs;
import dev.trail.seed.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A MiniGrid environment stepping on one thread through the primitive fast path, with the
 * egocentric 7×7×3 observation written every step, random actions drawn in advance, auto-reset
 * (a full {@code reset()}: NumPy draws and grid generation) included: steps per second = ops/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class GridStepBenchmark {

    static final int STEPS = 4096;

    @Param({"MiniGrid-DoorKey-8x8-v0"})
    public String envId;

    private MiniGridEnv env;
    private float[] observation;
    private int[] actions;

    @Setup
    public void setup() {
        env = MiniGridEnvs.make(envId);
        observation = new float[env.observationSize()];
        actions = new int[STEPS];
        Rng rng = new Rng(1);
        for (int i = 0; i < STEPS; i++) {
            actions[i] = rng.nextInt(7);
        }
        env.resetInto(0, observation, 0);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public double gridStep() {
        double sum = 0;
        for (int i = 0; i < STEPS; i++) {
            sum += env.stepInto(actions[i], observation, 0);
            if (env.needsReset()) {
                env.resetInto(observation, 0);
            }
        }
        return sum + observation[0];
    }

    /**
     * Steps per second of thread CPU time, median of rounds, robust to other processes on the
     * machine (JMH reports wall time): {@code java -cp 'trail-bench/target/classes:trail-bench/target/lib/*'
     * dev.trail.bench.GridStepBenchmark [envId] [rounds] [stepsPerRound]}; {@code bin/grid-speed} runs it
     * with and without the cache of finished images ({@code -Dtrail.minigrid.cache=false}).
     */
    public static void main(String[] args) {
        GridStepBenchmark b = new GridStepBenchmark();
        b.envId = args.length > 0 ? args[0] : "MiniGrid-DoorKey-8x8-v0";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int calls = (args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000) / STEPS;
        b.setup();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double sink = 0;
        for (int warm = 0; warm < 3 * calls; warm++) {
            sink += b.gridStep();
        }
        double[] cpu = new double[rounds];
        double[] wall = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long w0 = System.nanoTime();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                sink += b.gridStep();
            }
            long t1 = mx.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            cpu[r] = (double) calls * STEPS / ((t1 - t0) / 1e9);
            wall[r] = (double) calls * STEPS / ((w1 - w0) / 1e9);
        }
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(wall);
        System.out.printf("%s, %d rounds of %d steps: %.2f M steps per CPU-second (median; min %.2f, max %.2f), "
                + "wall %.2f M steps/s (median)  [cache %s, %s]%n", b.envId, rounds, calls * STEPS,
                cpu[rounds / 2] / 1e6, cpu[0] / 1e6, cpu[rounds - 1] / 1e6, wall[rounds / 2] / 1e6,
                "false".equals(System.getProperty("trail.minigrid.cache")) ? "off" : "on",
                Double.isNaN(sink) ? "NaN" : "ok");
    }
}
