package dev.trail.bench;

import dev.trail.envs.Envs;
import dev.trail.seed.Rng;
import dev.trail.vector.VectorEnv;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** 64 CartPole-v1 copies in a {@link VectorEnv} on 1 or 2 threads: env steps per second = ops/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class VectorEnvBenchmark {

    static final int ENVS = 64;
    static final int BATCHES = 64;

    @Param({"1", "2"})
    public int threads;

    private VectorEnv vec;
    private int[][] actions;

    @Setup(Level.Trial)
    public void setup() {
        vec = new VectorEnv(() -> Envs.makeArray("CartPole-v1"), ENVS, threads);
        vec.reset(0);
        Rng rng = new Rng(2);
        actions = new int[BATCHES][ENVS];
        for (int[] row : actions) {
            for (int i = 0; i < ENVS; i++) {
                row[i] = rng.nextInt(2);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        vec.close();
    }

    @Benchmark
    @OperationsPerInvocation(ENVS * BATCHES)
    public double step64Envs() {
        double sum = 0;
        for (int b = 0; b < BATCHES; b++) {
            vec.step(actions[b]);
            sum += vec.rewards()[0];
        }
        return sum;
    }
}
