package dev.trail.bench;

import dev.trail.advantage.Gae;
import dev.trail.advantage.GroupAdvantages;
import dev.trail.seed.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Credit assignment on one thread: GAE over a [64 × 2048] batch and GRPO over 4096 groups of 16,
 * each with buffers a trainer reuses ({@code ...Into}) and with fresh output arrays. Time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class CreditBenchmark {

    static final int B = 64;
    static final int T = 2048;
    static final int GROUPS = 4096;
    static final int G = 16;

    double[] rewards;
    double[] values;
    boolean[] terminated;
    boolean[] truncated;
    double[] lastValues;
    double[] advantages;
    double[] returns;
    double[] outcomes;
    double[] groupAdvantages;

    @Setup
    public void setup() {
        Rng rng = new Rng(3);
        int n = B * T;
        rewards = new double[n];
        values = new double[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            rewards[i] = rng.nextDouble();
            values[i] = rng.nextDouble();
            terminated[i] = rng.nextInt(200) == 0;
            truncated[i] = rng.nextInt(500) == 0;
        }
        lastValues = new double[B];
        advantages = new double[n];
        returns = new double[n];
        outcomes = new double[GROUPS * G];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = rng.nextInt(2);
        }
        groupAdvantages = new double[outcomes.length];
    }

    @Benchmark
    public double[] gae64x2048Into() {
        Gae.computeBatchInto(B, T, rewards, values, terminated, truncated, values, lastValues, 0.99, 0.95,
                advantages, returns);
        return advantages;
    }

    @Benchmark
    public Gae.Result gae64x2048Allocating() {
        return Gae.computeBatch(B, T, rewards, values, terminated, truncated, values, lastValues, 0.99, 0.95);
    }

    @Benchmark
    public double[] grpo4096x16Into() {
        GroupAdvantages.grpoGroupsInto(outcomes, G, 1, 1e-6, groupAdvantages);
        return groupAdvantages;
    }

    @Benchmark
    public double[] grpo4096x16Allocating() {
        return GroupAdvantages.grpoGroups(outcomes, G, 1, 1e-6, GroupAdvantages.Singleton.RAW_REWARD);
    }
}
