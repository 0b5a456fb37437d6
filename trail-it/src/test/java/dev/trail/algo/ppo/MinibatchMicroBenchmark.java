package dev.trail.algo.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.objective.Losses;
import dev.trail.optim.Adam;
import dev.trail.policy.ActorCritic;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Not a unit test: thread-CPU time of the phases of one PPO minibatch step (CartPole shapes, 128 rows). */
public final class MinibatchMicroBenchmark {

    private MinibatchMicroBenchmark() {
    }

    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ActorCritic ac = ActorCritic.create(PolicySpec.forSpaces(Box.uniform(-5, 5, 4), new Discrete(2)), new Rng(1));
        Adam adam = new Adam(ac.parameters(), 1e-5);
        int m = 128;
        Rng rng = new Rng(2);
        float[] obs = new float[m * 4];
        long[] act = new long[m];
        float[] f = new float[m];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            act[i] = rng.nextInt(2);
            f[i] = (float) rng.nextGaussian();
        }
        Engine engine = Torch.engine();
        long[] t = new long[5];
        try (NDManager manager = Torch.newManager()) {
            for (int it = 0; it < iters; it++) {
                if (it == iters / 4) {
                    java.util.Arrays.fill(t, 0);
                }
                long c0 = mx.getCurrentThreadCpuTime();
                float[][] grads;
                try (NDManager sub = manager.newSubManager()) {
                    Parameters.Bound b = ac.parameters().bind(sub);
                    NDArray o = Tensors.create(sub, obs, m, 4);
                    NDArray a = Tensors.create(sub, act, m);
                    NDArray ret = Tensors.create(sub, f, m);
                    NDArray oldV = Tensors.create(sub, f, m);
                    long c1 = mx.getCurrentThreadCpuTime();
                    NDArray pg;
                    NDArray v;
                    NDArray e;
                    long c2;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        ActorCritic.Evaluated ev = ac.evaluate(b, o, a);
                        pg = Losses.policyLoss(ev.logProbs(), f, f, Losses.Reduction.mean(m),
                                dev.trail.loss.PolicyLoss.Clip.ppo(0.2)).loss();
                        v = Losses.valueLoss(ev.values(), oldV, ret, true, 0.2);
                        e = ev.entropy().mean();
                        NDArray loss = pg.sub(e.mul(0.01f)).add(v.mul(0.5f));
                        c2 = mx.getCurrentThreadCpuTime();
                        gc.backward(loss);
                    }
                    long c3 = mx.getCurrentThreadCpuTime();
                    grads = b.gradients();
                    pg.getFloat();
                    v.getFloat();
                    e.getFloat();
                    long c4 = mx.getCurrentThreadCpuTime();
                    t[0] += c1 - c0;
                    t[1] += c2 - c1;
                    t[2] += c3 - c2;
                    t[3] += c4 - c3;
                }
                long c5 = mx.getCurrentThreadCpuTime();
                adam.step(ac.parameters(), grads, 1e-9);
                t[4] += mx.getCurrentThreadCpuTime() - c5;
            }
        }
        int measured = iters - iters / 4;
        String[] names = {"bind+inputs", "forward+loss", "backward", "read grads+scalars", "adam (java)"};
        double total = 0;
        for (int i = 0; i < 5; i++) {
            System.out.printf("%-20s %7.1f us%n", names[i], t[i] / 1e3 / measured);
            total += t[i] / 1e3 / measured;
        }
        System.out.printf("%-20s %7.1f us per minibatch step (thread CPU)%n", "total", total);
    }
}
