package dev.trail.cli;

import dev.trail.env.ArrayEnv;
import dev.trail.envs.Envs;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.vector.VectorEnv;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trail bench}: end-to-end benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "End-to-end benchmarks.",
        subcommands = {BenchCommand.EnvBench.class, CreditBenchCommand.class, DataBenchCommand.class,
            GrpoBenchCommand.class, TreeBenchCommand.class})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Trail.USAGE;
    }

    /** Median of a sample. */
    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** {@code trail bench env}: environment stepping throughput through {@link VectorEnv}. */
    @Command(name = "env", mixinStandardHelpOptions = true,
            description = "Step N copies of an environment with random actions (pre-drawn, so the random"
                    + " generator is not measured) on T threads and print steps per second.")
    static final class EnvBench implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--env", required = true, paramLabel = "ID", description = "Environment id.")
        String envId;

        @Option(names = "--envs", defaultValue = "1", paramLabel = "N", description = "Copies (default: ${DEFAULT-VALUE}).")
        int envs;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "T", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--steps", defaultValue = "20000000", paramLabel = "M",
                description = "Measured environment steps per repeat, over all copies (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--repeats", defaultValue = "5", paramLabel = "R",
                description = "Measured repeats; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--actor", paramLabel = "ALGO",
                description = "Act with a freshly initialised policy of ALGO in the loop (ppo: CleanRL's 64x64 tanh"
                        + " actor-critic, sampling actions, log-probabilities and values), through PPO's collector"
                        + " (num_steps 128): each thread acts for and steps its own copies.")
        String actor;

        @Override
        public Integer call() {
            UserError.requirePositive("--envs", envs);
            UserError.requirePositive("--threads", threads);
            UserError.requirePositive("--steps", steps);
            UserError.requirePositive("--repeats", repeats);
            Envs.spec(envId);
            PrintWriter w = spec.commandLine().getOut();
            if (actor != null) {
                if (!actor.equals("ppo")) {
                    throw new UserError("--actor " + actor + " is not supported; known: ppo");
                }
                return withActor(w);
            }
            try (VectorEnv vec = new VectorEnv(() -> Envs.makeArray(envId), envs, threads)) {
                Space<?> space = vec.singleActionSpace();
                int pool = 1024;
                Rng rng = Seeds.stream(seed, "bench-actions");
                int[] discrete = null;
                float[] continuous = null;
                if (space instanceof Discrete d) {
                    discrete = new int[pool * envs];
                    for (int i = 0; i < discrete.length; i++) {
                        discrete[i] = d.sample(rng);
                    }
                } else if (space instanceof Box b) {
                    continuous = new float[pool * envs * b.flatSize()];
                    for (int i = 0; i < pool * envs; i++) {
                        System.arraycopy(b.sample(rng), 0, continuous, i * b.flatSize(), b.flatSize());
                    }
                } else {
                    throw new UserError("bench env supports Discrete and Box action spaces, not " + space);
                }
                vec.reset(seed);
                long batches = Math.max(1, steps / envs);
                run(vec, discrete, continuous, pool, Math.max(1, batches / 2)); // warm-up (JIT)
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    run(vec, discrete, continuous, pool, batches);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    rates[r] = batches * envs / secs;
                }
                double[] sorted = rates.clone();
                Arrays.sort(sorted);
                w.printf(java.util.Locale.ROOT, "%s: %d envs, %d threads, %d steps x %d repeats: %,.0f steps/s"
                        + " (median; min %,.0f, max %,.0f)%n", envId, envs, vec.threads(), batches * envs, repeats,
                        median(rates), sorted[0], sorted[sorted.length - 1]);
            }
            w.flush();
            return Trail.OK;
        }

        /** Collection throughput with PPO's actor-critic in the loop, through {@link dev.trail.rollout.StepCollector}. */
        private Integer withActor(PrintWriter w) {
            int horizon = 128;
            dev.trail.policy.PolicySpec policySpec;
            try (dev.trail.env.ArrayEnv<?> probe = Envs.makeArray(envId)) {
                policySpec = dev.trail.policy.PolicySpec.forSpaces(probe.observationSpace(), probe.actionSpace());
            }
            dev.trail.policy.ActorCritic policy = dev.trail.policy.ActorCritic.create(policySpec,
                    Seeds.stream(seed, "bench-init"));
            try (dev.trail.rollout.StepCollector collector = new dev.trail.rollout.StepCollector(
                    () -> Envs.makeArray(envId), envs, threads, horizon, seed, Seeds.stream(seed, "bench-actions"),
                    dev.trail.rollout.StepCollector.Processing.NONE, (step, env, ret, len) -> { })) {
                long perCollect = (long) envs * horizon;
                long collects = Math.max(1, steps / perCollect);
                for (long c = 0; c < Math.max(1, collects / 2); c++) {
                    collector.collect(policy); // warm-up (JIT)
                }
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    for (long c = 0; c < collects; c++) {
                        collector.collect(policy);
                    }
                    rates[r] = collects * perCollect / ((System.nanoTime() - t0) / 1e9);
                }
                double[] sorted = rates.clone();
                Arrays.sort(sorted);
                w.printf(java.util.Locale.ROOT, "%s with the ppo actor: %d envs, %d threads, %d steps x %d repeats:"
                        + " %,.0f steps/s (median; min %,.0f, max %,.0f)%n", envId, envs,
                        collector.vectorEnv().threads(), collects * perCollect, repeats, median(rates), sorted[0],
                        sorted[sorted.length - 1]);
            }
            w.flush();
            return Trail.OK;
        }

        private static void run(VectorEnv vec, int[] discrete, float[] continuous, int pool, long batches) {
            int n = vec.numEnvs();
            if (discrete != null) {
                int[] actions = new int[n];
                for (long b = 0; b < batches; b++) {
                    System.arraycopy(discrete, (int) (b % pool) * n, actions, 0, n);
                    vec.step(actions);
                }
            } else {
                int dim = vec.actionSize();
                float[] actions = new float[n * dim];
                for (long b = 0; b < batches; b++) {
                    System.arraycopy(continuous, (int) (b % pool) * n * dim, actions, 0, n * dim);
                    vec.step(actions);
                }
            }
        }
    }
}
