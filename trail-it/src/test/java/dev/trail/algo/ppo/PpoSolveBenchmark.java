package dev.trail.algo.ppo;

import dev.trail.algo.Metrics;
import dev.trail.algo.TrainingListener;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * Not a unit test: measures how fast PPO with CleanRL's config solves an environment (rolling mean
 * of the last 100 episodic returns at or above a threshold). Run with the test class path:
 * {@code java ... dev.trail.algo.ppo.PpoSolveBenchmark CartPole-v1 475 500000 1}.
 */
public final class PpoSolveBenchmark {

    private PpoSolveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String envId = args.length > 0 ? args[0] : "CartPole-v1";
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) : 475;
        long totalSteps = args.length > 2 ? Long.parseLong(args[2]) : 500_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        boolean continuous = dev.trail.envs.Envs.makeArray(envId).actionSpace() instanceof dev.trail.space.Box;
        PpoConfig config = continuous ? PpoConfig.continuousDefaults() : PpoConfig.defaults();
        long start = System.nanoTime();
        ArrayDeque<Double> window = new ArrayDeque<>();
        double[] sum = {0};
        long[] solvedAt = {-1};
        double[] solvedSeconds = {-1};
        double[] phase = {0, 0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpisode(long globalStep, int envIndex, double episodicReturn, int length) {
                window.addLast(episodicReturn);
                sum[0] += episodicReturn;
                if (window.size() > 100) {
                    sum[0] -= window.removeFirst();
                }
                if (solvedAt[0] < 0 && window.size() == 100 && sum[0] / 100 >= threshold) {
                    solvedAt[0] = globalStep;
                    solvedSeconds[0] = (System.nanoTime() - start) / 1e9;
                }
            }

            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                phase[0] += metrics.get(Metrics.COLLECT_SECONDS);
                phase[1] += metrics.get(Metrics.OPTIMIZE_SECONDS);
                if (update % (continuous ? 5 : 50) == 0) {
                    System.out.printf("update %d step %d rolling100 %.1f sps %.0f%n", update, globalStep,
                            window.isEmpty() ? 0 : sum[0] / window.size(), metrics.get(Metrics.STEPS_PER_SECOND));
                }
            }
        };
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("trail-ppo-bench");
        Ppo.Result r = Ppo.train(config, dev.trail.envs.Envs.spec(envId), seed, totalSteps, listener, dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s seed %d: %d steps in %.1f s (%.0f steps/s incl. JVM/engine start); final rolling100 %.1f; "
                + "solved (rolling100 >= %.0f) at step %d after %.1f s%n", envId, seed, r.globalStep(), seconds,
                r.globalStep() / seconds, sum[0] / Math.max(1, window.size()), threshold, solvedAt[0], solvedSeconds[0]);
        System.out.printf("collect %.1f s, optimize %.1f s%n", phase[0], phase[1]);
        dev.trail.policy.Evaluation.Result e = dev.trail.policy.Evaluation.evaluate(r.lastCheckpoint(), dev.trail.envs.Envs.spec(envId), 20, 12345,
                true);
        System.out.printf("final checkpoint %s: greedy evaluation over 20 episodes %.1f +- %.1f%n", r.lastCheckpoint(),
                e.meanReturn(), e.stdReturn());
    }
}
