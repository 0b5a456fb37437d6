package dev.trail.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.nn.fast.JavaActorCritic;
import dev.trail.loss.PolicyLoss;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One PPO minibatch step on CleanRL's CartPole configuration (observation 4, 2 actions, separate
 * tanh actor and critic of 64 × 64, minibatch 128, clipped value loss, ε = 0.2, c_ent = 0.01,
 * c_v = 0.5, global-norm clip 0.5, Adam ε = 1e-5): loss, gradients, clipping and Adam.
 * {@code djl} is {@code Ppo.minibatchStep}'s computation (upload, {@code ActorCritic.evaluate},
 * {@code Losses}, autograd, gradients back, Java Adam); {@code java} is
 * {@link JavaActorCritic#step}. The minibatch is gathered beforehand for both (gathering and
 * advantage whitening are the trainer's and the same for both). Time per step.
 *
 * <p>The fork adds {@code jdk.incubator.vector} so {@code java} runs on the Vector API kernels;
 * {@code -jvmArgsAppend -Dtrail.nn.vector=false} measures the plain loops instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class PpoMinibatchBenchmark {

    static final int MINIBATCH = 128;

    /** {@code CartPole}: obs 4, 2 actions; {@code Pendulum}: obs 3, a 1-dimensional Gaussian. */
    @Param({"CartPole", "Pendulum"})
    public String shape;

    ActorCritic policy;
    JavaActorCritic fast;
    Adam adam;
    JavaActorCritic.Batch batch;
    JavaActorCritic.LossSettings settings;
    NDManager manager;
    Engine engine;

    @Setup(Level.Trial)
    public void setup() {
        PolicySpec spec = shape.equals("Pendulum")
                ? PolicySpec.forSpaces(Box.uniform(-8, 8, 3), Box.uniform(-2, 2, 1))
                : PolicySpec.forSpaces(Box.uniform(-5, 5, 4), new Discrete(2));
        policy = ActorCritic.create(spec, new Rng(1));
        fast = JavaActorCritic.attach(spec, policy.parameters());
        adam = new Adam(policy.parameters(), 1e-5);
        settings = JavaActorCritic.LossSettings.ppo(0.2, true, 0.01, 0.5);
        Rng rng = new Rng(2);
        int n = MINIBATCH;
        float[] obs = new float[n * spec.observationSize()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextGaussian();
        }
        ActorCritic.Acted acted = policy.act(obs, n, rng);
        float[] adv = new float[n];
        float[] returns = new float[n];
        for (int r = 0; r < n; r++) {
            adv[r] = (float) rng.nextGaussian();
            returns[r] = acted.values()[r] + (float) rng.nextGaussian();
        }
        batch = new JavaActorCritic.Batch(n, obs, acted.discreteActions(), acted.continuousActions(), acted.logProbs(),
                adv, returns, acted.values());
        engine = Torch.engine();
        manager = Torch.newManager();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public double java() {
        // a tiny learning rate keeps the weights (and so the work) near the start over millions of calls
        return fast.step(batch, settings, 0.5, adam, 1e-7).terms().loss();
    }

    /**
     * Median thread CPU time per step of each path, robust to other processes on the machine
     * (JMH reports wall time): {@code java --add-modules jdk.incubator.vector
     * --enable-native-access=ALL-UNNAMED -cp 'trail-bench/target/classes:trail-bench/target/lib/*'
     * dev.trail.bench.PpoMinibatchBenchmark [CartPole|Pendulum] [rounds] [stepsPerRound]}.
     */
    public static void main(String[] args) {
        PpoMinibatchBenchmark b = new PpoMinibatchBenchmark();
        b.shape = args.length > 0 ? args[0] : "CartPole";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        b.setup();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] javaTimes = new double[rounds];
        double[] djlTimes = new double[rounds];
        double sink = 0;
        for (int warm = 0; warm < 3 * steps; warm++) {
            sink += b.java() + b.djl();
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                sink += b.java();
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                sink += b.djl();
            }
            long t2 = mx.getCurrentThreadCpuTime();
            javaTimes[r] = (t1 - t0) / 1e3 / steps;
            djlTimes[r] = (t2 - t1) / 1e3 / steps;
        }
        b.tearDown();
        java.util.Arrays.sort(javaTimes);
        java.util.Arrays.sort(djlTimes);
        System.out.printf("%s, minibatch %d, %d rounds of %d steps, CPU time per step (median, min-max): "
                + "java %.1f us (%.1f-%.1f), djl %.1f us (%.1f-%.1f), ratio %.1fx  [%s]%n", b.shape, MINIBATCH, rounds,
                steps, javaTimes[rounds / 2], javaTimes[0], javaTimes[rounds - 1], djlTimes[rounds / 2], djlTimes[0],
                djlTimes[rounds - 1], djlTimes[rounds / 2] / javaTimes[rounds / 2], Double.isNaN(sink) ? "NaN" : "ok");
    }

    @Benchmark
    public double djl() {
        int m = batch.size();
        PolicySpec spec = policy.spec();
        float[][] grads;
        float policyLoss;
        try (NDManager sub = manager.newSubManager()) {
            Parameters.Bound params = policy.parameters().bind(sub);
            NDArray obsT = Tensors.create(sub, batch.observations(), m, spec.observationSize());
            NDArray actT;
            if (spec.discrete()) {
                long[] a = new long[m];
                for (int i = 0; i < m; i++) {
                    a[i] = batch.discreteActions()[i];
                }
                actT = Tensors.create(sub, a, m);
            } else {
                actT = Tensors.create(sub, batch.continuousActions(), m, spec.actionSize());
            }
            NDArray returnsT = Tensors.create(sub, batch.returns(), m);
            NDArray pgLoss;
            NDArray vLoss;
            NDArray entropyMean;
            try (GradientCollector gc = engine.newGradientCollector()) {
                ActorCritic.Evaluated ev = policy.evaluate(params, obsT, actT);
                // as Ppo.minibatchStep: the shared loss module, its diagnostics included
                pgLoss = Losses.policyLoss(ev.logProbs(), batch.oldLogProbs(), batch.advantages(),
                        Losses.Reduction.mean(m), PolicyLoss.Clip.ppo(0.2)).loss();
                vLoss = Losses.valueLoss(ev.values(), Tensors.create(sub, batch.oldValues(), m), returnsT, true, 0.2);
                entropyMean = ev.entropy().mean();
                NDArray loss = pgLoss.sub(Tensors.mul(entropyMean, 0.01f)).add(Tensors.mul(vLoss, 0.5f));
                gc.backward(loss);
            }
            grads = params.gradients();
            policyLoss = pgLoss.getFloat();
            vLoss.getFloat();
            entropyMean.getFloat();
        }
        GradientClipping.clipGlobalNorm(grads, 0.5);
        adam.step(policy.parameters(), grads, 1e-7);
        return policyLoss;
    }
}
