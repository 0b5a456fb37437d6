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
}
