package dev.trail.policy;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.env.EnvSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a trained policy for whole episodes and reports the undiscounted returns.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * Results of an evaluation.
     *
     * @param envId the environment
     * @param returns undiscounted return of each episode
     * @param lengths length of each episode
     */
    public record Result(String envId, double[] returns, int[] lengths) {

        /** Mean return. */
        public double meanReturn() {
            double s = 0;
            for (double r : returns) {
                s += r;
            }
            return s / returns.length;
        }

        /** Population standard deviation of the returns. */
        public double stdReturn() {
            double m = meanReturn();
            double s = 0;
            for (double r : returns) {
                s += (r - m) * (r - m);
            }
            return Math.sqrt(s / returns.length);
        }

        /** Mean episode length. */
        public double meanLength() {
            double s = 0;
            for (int l : lengths) {
                s += l;
            }
            return s / lengths.length;
        }
    }

    /**
     * Loads the policy in {@code policyCheckpoint} and runs {@code episodes} episodes of
     * {@code envId}, episode {@code k} reset with seed {@code Seeds.split(seed, episodes)[k]}.
     *
     * @param deterministic take the most likely action (argmax or Gaussian mean) instead of sampling
     * @throws IllegalArgumentException if the policy does not fit the environment's spaces (naming both shapes)
     */
    public static Result evaluate(Path policyCheckpoint, EnvSpec env, int episodes, long seed, boolean deterministic)
            throws IOException {
        return evaluate(PolicyCheckpoint.load(policyCheckpoint), env, episodes, seed, deterministic);
    }

    /** {@link #evaluate(Path, EnvSpec, int, long, boolean)} for an already loaded policy. */
    public static Result evaluate(PolicyCheckpoint.Loaded loaded, EnvSpec envSpec, int episodes, long seed,
            boolean deterministic) {
        String envId = envSpec.id();
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
        }
        Actor policy = loaded.policy();
        PolicySpec spec = loaded.spec();
        try (ArrayEnv<?> env = envSpec.makeArray()) {
            PolicySpec expected = PolicySpec.forSpaces(env.observationSpace(), env.actionSpace(), spec.hidden(),
                    spec.activation()).withEncoder(spec.encoder());
            if (!expected.equals(spec)) {
                throw new IllegalArgumentException("the policy (trained on " + loaded.envId() + ") is shaped "
                        + spec.describe() + " but " + envId + " needs " + expected.describe());
            }
            long[] seeds = Seeds.split(seed, episodes);
            Rng rng = Seeds.stream(seed, "actions");
            int obsDim = env.observationSize();
            float[] obs = new float[obsDim];
            float[] input = new float[obsDim];
            Box box = spec.discrete() ? null : (Box) env.actionSpace();
            float[] action = box == null ? null : new float[box.flatSize()];
            float[] raw = box == null ? null : new float[box.flatSize()];
            int[] choice = new int[1];
            double[] returns = new double[episodes];
            int[] lengths = new int[episodes];
            for (int k = 0; k < episodes; k++) {
                env.resetInto(seeds[k], obs, 0);
                double ret = 0;
                int len = 0;
                while (true) {
                    System.arraycopy(obs, 0, input, 0, obsDim);
                    loaded.prepareObservations(input);
                    policy.actOne(input, rng, deterministic, choice, raw);
                    if (box == null) {
                        ret += env.stepInto(choice[0], obs, 0);
                    } else {
                        for (int j = 0; j < action.length; j++) {
                            action[j] = Math.max(box.low(j), Math.min(box.high(j), raw[j]));
                        }
                        ret += env.stepInto(action, 0, obs, 0);
                    }
                    len++;
                    if (env.terminated() || env.truncated()) {
                        break;
                    }
                }
                returns[k] = ret;
                lengths[k] = len;
            }
            return new Result(envId, returns, lengths);
        }
    }
}
