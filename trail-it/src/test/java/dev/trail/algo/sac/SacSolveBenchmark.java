package dev.trail.algo.sac;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import java.util.Map;

/** Not a unit test: SAC with CleanRL's config on Pendulum-v1; prints the return curve and steps/s. */
public final class SacSolveBenchmark {

    private SacSolveBenchmark() {
    }

    public static void main(String[] args) {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        long start = System.nanoTime();
        Sac.train(SacConfig.defaults(), dev.trail.envs.Envs.spec("Pendulum-v1"), seed, total, new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                if (metrics.containsKey(Metrics.EPISODIC_RETURN)) {
                    System.out.printf("step %d return %.1f alpha %.3f qf_loss %.3f sps %.0f%n", globalStep,
                            metrics.get(Metrics.EPISODIC_RETURN), metrics.get(Metrics.ALPHA),
                            metrics.get(Metrics.QF_LOSS), metrics.get(Metrics.STEPS_PER_SECOND));
                }
            }
        });
        System.out.printf("%d steps in %.1f s%n", total, (System.nanoTime() - start) / 1e9);
    }
}
