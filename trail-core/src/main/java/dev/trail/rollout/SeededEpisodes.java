package dev.trail.rollout;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whole episodes, each a pure function of (root seed, part, episode index): episode {@code k} of
 * part {@code p} resets its environment with {@link #resetSeed} and samples its actions from
 * {@link #actionStream}, both split off the root seed by name. No stream is shared between
 * episodes, so the episodes do not depend on how many environment copies, threads, Spark tasks
 * or executors run them, nor on the order they run in, nor on retries: this is the seed scheme
 * of {@code trail collect} and of Trail's Spark workers.
 *
 * <p>A trajectory holds the observations the policy saw (then the final observation), the action
 * the environment was given (clipped to the action {@code Box}; the sampled action's
 * log-probability is kept), the raw rewards, log-probabilities and values when the policy reports
 * them, and whether the episode terminated or was truncated by the time limit (then, with a critic,
 * {@code V(final observation)} as its bootstrap value), as {@link EpisodeAssembler} builds them.
 * Its id is {@code idPrefix + k} and its seed the reset seed.
 *
 * <p>An instance holds one environment copy and reuses it for every episode (not thread-safe; one
 * per thread or task).
 */
public final class SeededEpisodes implements AutoCloseable {

    private final ArrayEnv<?> env;
    private final Box actionBox;
    private final int obsDim;
    private final int actDim;
    private final long rootSeed;
    private final int part;
    private final String envId;
    private final String idPrefix;
    private final Map<String, String> labels;

    /**
     * @param env the environment copy the episodes run on (closed with this instance)
     * @param part which collection of the run (a recipe's expert part and random part are different parts)
     * @param envId recorded as each trajectory's task id
     * @param idPrefix trajectory ids are {@code idPrefix + k}
     * @param labels recorded on each trajectory (e.g. the policy)
     */
    public SeededEpisodes(ArrayEnv<?> env, long rootSeed, int part, String envId, String idPrefix,
            Map<String, String> labels) {
        this.env = env;
        this.actionBox = env.actionSpace() instanceof Box b ? b : null;
        if (actionBox == null && !(env.actionSpace() instanceof dev.trail.space.Discrete)) {
            throw new IllegalArgumentException("collection needs Discrete or Box actions, got " + env.actionSpace());
        }
        this.obsDim = env.observationSize();
        this.actDim = actionBox == null ? 1 : actionBox.flatSize();
        this.rootSeed = rootSeed;
        this.part = part;
        this.envId = envId;
        this.idPrefix = idPrefix;
        this.labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The seed episode {@code k} of part {@code part} resets its environment with. */
    public static long resetSeed(long rootSeed, int part, long k) {
        return Seeds.stream(rootSeed, "collect-" + part + "-episode-" + k + "-env").nextLong();
    }

    /** The stream episode {@code k} of part {@code part} samples its actions from. */
    public static Rng actionStream(long rootSeed, int part, long k) {
        return Seeds.stream(rootSeed, "collect-" + part + "-episode-" + k + "-actions");
    }

    /**
     * Runs episode {@code k} to its end with {@code policy}.
     *
     * @param withLogProbs whether the policy reports log-probabilities (else they are left out)
     * @param withValues whether the policy has a critic (else values are left out)
     */
    public Trajectory episode(long k, VectorPolicy policy, boolean withLogProbs, boolean withValues) {
        long seed = resetSeed(rootSeed, part, k);
        Rng rng = actionStream(rootSeed, part, k);
        int cap = 64;
        float[] obs = new float[(cap + 1) * obsDim];
        float[] actions = new float[cap * actDim];
        double[] rewards = new double[cap];
        double[] logProbs = new double[cap];
        double[] values = new double[cap];
        float[] current = new float[obsDim];
        float[] applied = new float[actDim];
        env.resetInto(seed, current, 0);
        int n = 0;
        while (true) {
            if (n == cap) {
                cap *= 2;
                obs = Arrays.copyOf(obs, (cap + 1) * obsDim);
                actions = Arrays.copyOf(actions, cap * actDim);
                rewards = Arrays.copyOf(rewards, cap);
                logProbs = Arrays.copyOf(logProbs, cap);
                values = Arrays.copyOf(values, cap);
            }
            System.arraycopy(current, 0, obs, n * obsDim, obsDim);
            VectorPolicy.Acted a = policy.act(current, 1, rng);
            logProbs[n] = a.logProbs() == null ? 0 : a.logProbs()[0];
            values[n] = a.values() == null ? 0 : a.values()[0];
            double r;
            if (actionBox == null) {
                int action = a.discreteActions()[0];
                actions[n] = action;
                r = env.stepInto(action, current, 0);
            } else {
                // the sampled (unclipped) action is what the log-probability belongs to; the env gets it clipped
                for (int j = 0; j < actDim; j++) {
                    applied[j] = Math.max(actionBox.low(j), Math.min(actionBox.high(j), a.continuousActions()[j]));
                }
                System.arraycopy(applied, 0, actions, n * actDim, actDim);
                r = env.stepInto(applied, 0, current, 0);
            }
            rewards[n] = r;
            n++;
            if (env.terminated() || env.truncated()) {
                break;
            }
        }
        System.arraycopy(current, 0, obs, n * obsDim, obsDim);
        boolean terminated = env.terminated();
        double bootstrap = Double.NaN;
        if (!terminated && withValues) {
            float[] v = policy.values(current, 1);
            bootstrap = v == null ? Double.NaN : v[0];
        }
        return new Trajectory(idPrefix + k, null, seed, Arrays.copyOf(obs, (n + 1) * obsDim), obsDim,
                Arrays.copyOf(actions, n * actDim), actDim, Arrays.copyOf(rewards, n),
                withLogProbs ? Arrays.copyOf(logProbs, n) : null, withValues ? Arrays.copyOf(values, n) : null,
                null, terminated, !terminated, bootstrap, null, envId, null, null, 0, labels);
    }

    /**
     * Episodes {@code 0, 1, 2, ...} of one part in order, until {@code target} episodes, or (with
     * {@code bySteps}) until they hold at least {@code target} steps; closes {@code env}.
     */
    public static List<Trajectory> collect(ArrayEnv<?> env, long rootSeed, int part, String envId, String idPrefix,
            Map<String, String> labels, VectorPolicy policy, boolean withLogProbs, boolean withValues, long target,
            boolean bySteps) {
        List<Trajectory> out = new ArrayList<>();
        try (SeededEpisodes episodes = new SeededEpisodes(env, rootSeed, part, envId, idPrefix, labels)) {
            long have = 0;
            for (long k = 0; have < target; k++) {
                Trajectory t = episodes.episode(k, policy, withLogProbs, withValues);
                out.add(t);
                have += bySteps ? t.length() : 1;
            }
        }
        return out;
    }

    /**
     * How many of {@code lengths} (the episode lengths of a part, in order) a collection of
     * {@code target} episodes or steps keeps: the first {@code k} that reach the target, or -1 if
     * they all fall short.
     */
    public static int kept(int[] lengths, long have, long target, boolean bySteps) {
        for (int i = 0; i < lengths.length; i++) {
            if (have >= target) {
                return i;
            }
            have += bySteps ? lengths[i] : 1;
        }
        return have >= target ? lengths.length : -1;
    }

    @Override
    public void close() {
        env.close();
    }
}
