package dev.trail.offline;

import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.trajectory.Trajectory;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trajectory dataset flattened into transitions, in memory, for offline learners (D4RL's
 * {@code qlearning_dataset} layout): transition {@code k} saw {@code observations[k]}, took
 * {@code actions[k]}, received {@code rewards[k]} and reached {@code nextObservations[k]}.
 * Transitions are stored trajectory by trajectory: trajectory {@code i} holds transitions
 * {@code [episodeStarts[i], episodeStarts[i + 1])}, which is the layout of
 * {@link TrajectoryWeights}.
 *
 * <p>{@code terminals[k]} is true only on the last step of a trajectory that reached a terminal
 * state (no bootstrapping from {@code nextObservations[k]}); {@code timeouts[k]} on the last step of
 * a trajectory cut by a time limit (bootstrapping continues: {@code nextObservations[k]} is the
 * observation the episode was cut at). A trajectory that ended neither way (a collection budget
 * cut it) is marked as a timeout.
 *
 * <p>Actions are {@code actionSize} floats per transition; discrete actions are one exact float
 * category index ({@code actionSize = 1}). {@code actionCategories} is the number of categories
 * for discrete actions, 0 for continuous ones, and -1 while the dataset has not been checked
 * against an environment ({@link #fitted}): learners take fitted datasets.
 *
 * @param source the file it was read from (named in every error message)
 * @param contentHash a hash of the file's content ({@code sha256:...}), recorded in run configs; may be empty
 * @param observationSize floats per observation
 * @param actionSize floats per action (1 for discrete actions)
 * @param actionCategories categories of discrete actions, 0 for continuous, -1 when not yet fitted
 * @param observations {@code [N * observationSize]}
 * @param actions {@code [N * actionSize]}
 * @param rewards {@code [N]}
 * @param nextObservations {@code [N * observationSize]}
 * @param terminals {@code [N]} terminal-state flags
 * @param timeouts {@code [N]} truncation flags (last step of a cut trajectory)
 * @param episodeStarts {@code [E + 1]} first transition of each trajectory, then {@code N}
 * @param episodeReturns {@code [E]} undiscounted return of each trajectory
 * @param referenceReturnRandom the random policy's mean return for normalised scores, or NaN
 * @param referenceReturnExpert the expert policy's mean return for normalised scores, or NaN
 * @param metadata the file's metadata (recipe, env, policies, ...)
 */
public record TransitionDataset(String source, String contentHash, int observationSize, int actionSize,
        int actionCategories, float[] observations, float[] actions, float[] rewards, float[] nextObservations,
        boolean[] terminals, boolean[] timeouts, int[] episodeStarts, double[] episodeReturns,
        double referenceReturnRandom, double referenceReturnExpert, Map<String, String> metadata) {

    /** The metadata key of the random policy's reference return (written by {@code trail collect}). */
    public static final String REFERENCE_RETURN_RANDOM = "reference_return_random";
    /** The metadata key of the expert policy's reference return (written by {@code trail collect}). */
    public static final String REFERENCE_RETURN_EXPERT = "reference_return_expert";

    public TransitionDataset {
        int n = rewards.length;
        if (n == 0) {
            throw new IllegalArgumentException(source + ": field rewards: the dataset has no transitions");
        }
        check(source, "observations", observations.length, (long) n * observationSize);
        check(source, "nextObservations", nextObservations.length, (long) n * observationSize);
        check(source, "actions", actions.length, (long) n * actionSize);
        check(source, "terminals", terminals.length, n);
        check(source, "timeouts", timeouts.length, n);
        if (episodeStarts.length < 2 || episodeStarts[0] != 0 || episodeStarts[episodeStarts.length - 1] != n) {
            throw new IllegalArgumentException(source + ": episodeStarts must run from 0 to " + n);
        }
        for (int i = 1; i < episodeStarts.length; i++) {
            if (episodeStarts[i] <= episodeStarts[i - 1]) {
                throw new IllegalArgumentException(source + ": trajectory " + (i - 1) + " has no transitions");
            }
        }
        check(source, "episodeReturns", episodeReturns.length, episodeStarts.length - 1);
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        contentHash = contentHash == null ? "" : contentHash;
    }

    private static void check(String source, String field, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(source + ": field " + field + " has " + actual + " values, expected "
                    + expected);
        }
    }

    /** Number of transitions N. */
    public int size() {
        return rewards.length;
    }

    /** Number of trajectories E. */
    public int episodeCount() {
        return episodeStarts.length - 1;
    }

    /** Transitions of each trajectory. */
    public int[] episodeLengths() {
        int[] l = new int[episodeCount()];
        for (int i = 0; i < l.length; i++) {
            l[i] = episodeStarts[i + 1] - episodeStarts[i];
        }
        return l;
    }

    /** The first observation of each trajectory, {@code [E][observationSize]} (for advantage weighting). */
    public double[][] initialObservations() {
        double[][] s = new double[episodeCount()][observationSize];
        for (int i = 0; i < s.length; i++) {
            int o = episodeStarts[i] * observationSize;
            for (int j = 0; j < observationSize; j++) {
                s[i][j] = observations[o + j];
            }
        }
        return s;
    }

    /** Whether actions are discrete categories (only known once {@link #fitted}). */
    public boolean discrete() {
        return actionCategories > 0;
    }

    /** Whether both reference returns are known (then {@link #normalizedScore} is defined). */
    public boolean hasReferenceReturns() {
        return Double.isFinite(referenceReturnRandom) && Double.isFinite(referenceReturnExpert)
                && referenceReturnExpert != referenceReturnRandom;
    }

    /** D4RL's normalised score {@code 100 · (R − R_random) / (R_expert − R_random)}; NaN without reference returns. */
    public double normalizedScore(double meanReturn) {
        return normalizedScore(meanReturn, referenceReturnRandom, referenceReturnExpert);
    }

    /** {@code 100 · (R − R_random) / (R_expert − R_random)}; NaN when either reference is unknown or they are equal. */
    public static double normalizedScore(double meanReturn, double randomReturn, double expertReturn) {
        if (!Double.isFinite(randomReturn) || !Double.isFinite(expertReturn) || expertReturn == randomReturn) {
            return Double.NaN;
        }
        return 100 * (meanReturn - randomReturn) / (expertReturn - randomReturn);
    }

    /** Per-dimension mean of the observations. */
    public double[] observationMean() {
        double[] m = new double[observationSize];
        for (int k = 0; k < size(); k++) {
            for (int j = 0; j < observationSize; j++) {
                m[j] += observations[k * observationSize + j];
            }
        }
        for (int j = 0; j < observationSize; j++) {
            m[j] /= size();
        }
        return m;
    }

    /** Per-dimension population variance of the observations. */
    public double[] observationVariance() {
        double[] m = observationMean();
        double[] v = new double[observationSize];
        for (int k = 0; k < size(); k++) {
            for (int j = 0; j < observationSize; j++) {
                double d = observations[k * observationSize + j] - m[j];
                v[j] += d * d;
            }
        }
        for (int j = 0; j < observationSize; j++) {
            v[j] /= size();
        }
        return v;
    }

    /**
     * This dataset checked against an environment's spaces, with {@code actionCategories} set:
     * observations must be a {@link Box} of {@code observationSize} values; discrete actions one
     * integer in {@code [0, n)} per step, continuous ones {@code actionSize} finite values inside the
     * box. A mismatch throws one line naming the file and the field.
     */
    public TransitionDataset fitted(Space<?> observationSpace, Space<?> actionSpace) {
        if (!(observationSpace instanceof Box obs)) {
            throw new IllegalArgumentException(source + ": offline learners need Box observations, the environment has "
                    + observationSpace);
        }
        if (obs.flatSize() != observationSize) {
            throw new IllegalArgumentException(source + ": field observations has " + observationSize
                    + " values per step but the environment's observations are " + observationSpace + " ("
                    + obs.flatSize() + " values)");
        }
        int categories;
        if (actionSpace instanceof Discrete d) {
            if (actionSize != 1) {
                throw new IllegalArgumentException(source + ": field actions has " + actionSize
                        + " values per step but the environment's actions are " + actionSpace + " (one category index)");
            }
            for (int k = 0; k < size(); k++) {
                float a = actions[k];
                if (a != Math.rint(a) || a < d.start() || a >= d.start() + d.n()) {
                    throw new IllegalArgumentException(source + ": field actions: transition " + k + " has action " + a
                            + ", not a category of " + actionSpace);
                }
            }
            if (d.start() != 0) {
                throw new IllegalArgumentException(source + ": discrete actions must start at 0, the environment has "
                        + actionSpace);
            }
            categories = d.n();
        } else if (actionSpace instanceof Box box) {
            if (box.flatSize() != actionSize) {
                throw new IllegalArgumentException(source + ": field actions has " + actionSize
                        + " values per step but the environment's actions are " + actionSpace + " (" + box.flatSize()
                        + " values)");
            }
            for (int k = 0; k < size(); k++) {
                for (int j = 0; j < actionSize; j++) {
                    float a = actions[k * actionSize + j];
                    if (!(a >= box.low(j) - 1e-5f && a <= box.high(j) + 1e-5f)) {
                        throw new IllegalArgumentException(source + ": field actions: transition " + k + " has action "
                                + a + " in dimension " + j + ", outside " + actionSpace);
                    }
                }
            }
            categories = 0;
        } else {
            throw new IllegalArgumentException(source + ": offline learners take Discrete or Box actions, the environment"
                    + " has " + actionSpace);
        }
        for (int k = 0; k < observations.length; k++) {
            if (!Float.isFinite(observations[k]) || !Float.isFinite(nextObservations[k])) {
                throw new IllegalArgumentException(source + ": field observations: transition " + k / observationSize
                        + " has a non-finite value");
            }
        }
        for (int k = 0; k < size(); k++) {
            if (!Float.isFinite(rewards[k])) {
                throw new IllegalArgumentException(source + ": field rewards: transition " + k + " has reward "
                        + rewards[k]);
            }
        }
        return new TransitionDataset(source, contentHash, observationSize, actionSize, categories, observations,
                actions, rewards, nextObservations, terminals, timeouts, episodeStarts, episodeReturns,
                referenceReturnRandom, referenceReturnExpert, metadata);
    }

    /**
     * The transitions of whole trajectories, in order. Every trajectory needs observations
     * ({@code T + 1} rows: the last is the observation after the final step) and actions; the
     * reference returns come from {@code metadata} ({@link #REFERENCE_RETURN_RANDOM},
     * {@link #REFERENCE_RETURN_EXPERT}), NaN when absent.
     *
     * @throws IllegalArgumentException one line naming {@code source}, the trajectory and the field
     */
    public static TransitionDataset of(String source, String contentHash, Iterable<Trajectory> trajectories,
            Map<String, String> metadata) {
        Builder b = new Builder(source);
        for (Trajectory t : trajectories) {
            b.add(t);
        }
        return b.build(contentHash, metadata);
    }

    /** Accumulates trajectories one at a time (a streaming reader's sink); {@link #build} makes the dataset. */
    public static final class Builder {
        private final String source;
        private int observationSize = -1;
        private int actionSize = -1;
        private float[] observations = new float[1024];
        private float[] nextObservations = new float[1024];
        private float[] actions = new float[256];
        private float[] rewards = new float[256];
        private boolean[] terminals = new boolean[256];
        private boolean[] timeouts = new boolean[256];
        private int[] starts = new int[64];
        private double[] returns = new double[64];
        private int n;
        private int episodes;

        /** A builder for the dataset read from {@code source}. */
        public Builder(String source) {
            this.source = source;
        }

        /** Appends the transitions of {@code t}; a trajectory with no steps is skipped. */
        public Builder add(Trajectory t) {
            int len = t.length();
            if (len == 0) {
                return this;
            }
            String where = source + ": trajectory " + t.id();
            if (t.observationSize() == 0 || t.observations().length == 0) {
                throw new IllegalArgumentException(where + " has no field observations; offline learners need them");
            }
            if (t.actionSize() == 0 || t.actions().length == 0) {
                throw new IllegalArgumentException(where + " has no field actions"
                        + (t.hasTextActions() ? " (its actions are text)" : "") + "; offline learners need them");
            }
            if (observationSize < 0) {
                observationSize = t.observationSize();
                actionSize = t.actionSize();
            } else if (t.observationSize() != observationSize) {
                throw new IllegalArgumentException(where + ": field observations has " + t.observationSize()
                        + " values per step, earlier trajectories " + observationSize);
            } else if (t.actionSize() != actionSize) {
                throw new IllegalArgumentException(where + ": field actions has " + t.actionSize()
                        + " values per step, earlier trajectories " + actionSize);
            }
            grow(n + len);
            int d = observationSize;
            System.arraycopy(t.observations(), 0, observations, n * d, len * d);
            System.arraycopy(t.observations(), d, nextObservations, n * d, len * d);
            System.arraycopy(t.actions(), 0, actions, n * actionSize, len * actionSize);
            double g = 0;
            for (int s = 0; s < len; s++) {
                rewards[n + s] = (float) t.rewards()[s];
                g += t.rewards()[s];
            }
            terminals[n + len - 1] = t.terminated();
            timeouts[n + len - 1] = !t.terminated();
            if (episodes + 2 > starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                returns = Arrays.copyOf(returns, returns.length * 2);
            }
            starts[episodes] = n;
            returns[episodes] = g;
            episodes++;
            n += len;
            return this;
        }

        private void grow(int need) {
            if (need > rewards.length) {
                int cap = Math.max(need, rewards.length * 2);
                rewards = Arrays.copyOf(rewards, cap);
                terminals = Arrays.copyOf(terminals, cap);
                timeouts = Arrays.copyOf(timeouts, cap);
            }
            long obsNeed = (long) need * observationSize;
            if (obsNeed > observations.length) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(obsNeed, 2L * observations.length));
                observations = Arrays.copyOf(observations, cap);
                nextObservations = Arrays.copyOf(nextObservations, cap);
            }
            long actNeed = (long) need * actionSize;
            if (actNeed > actions.length) {
                actions = Arrays.copyOf(actions, (int) Math.max(actNeed, 2L * actions.length));
            }
        }

        /** Transitions so far. */
        public int size() {
            return n;
        }

        /** The dataset (not yet {@link TransitionDataset#fitted} to an environment). */
        public TransitionDataset build(String contentHash, Map<String, String> metadata) {
            if (n == 0) {
                throw new IllegalArgumentException(source + ": field rewards: the dataset has no transitions"
                        + (episodes == 0 ? " (no trajectories with steps)" : ""));
            }
            Map<String, String> meta = metadata == null ? Map.of() : metadata;
            int[] s = Arrays.copyOf(starts, episodes + 1);
            s[episodes] = n;
            return new TransitionDataset(source, contentHash, observationSize, actionSize, -1,
                    Arrays.copyOf(observations, n * observationSize), Arrays.copyOf(actions, n * actionSize),
                    Arrays.copyOf(rewards, n), Arrays.copyOf(nextObservations, n * observationSize),
                    Arrays.copyOf(terminals, n), Arrays.copyOf(timeouts, n), s, Arrays.copyOf(returns, episodes),
                    reference(meta, REFERENCE_RETURN_RANDOM), reference(meta, REFERENCE_RETURN_EXPERT), meta);
        }

        private double reference(Map<String, String> meta, String key) {
            String v = meta.get(key);
            if (v == null || v.isBlank()) {
                return Double.NaN;
            }
            try {
                double x = Double.parseDouble(v.trim());
                if (!Double.isFinite(x)) {
                    throw new NumberFormatException();
                }
                return x;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": metadata field " + key + " is '" + v
                        + "', not a finite number");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransitionDataset d && source.equals(d.source) && contentHash.equals(d.contentHash)
                && observationSize == d.observationSize && actionSize == d.actionSize
                && actionCategories == d.actionCategories && Arrays.equals(observations, d.observations)
                && Arrays.equals(actions, d.actions) && Arrays.equals(rewards, d.rewards)
                && Arrays.equals(nextObservations, d.nextObservations) && Arrays.equals(terminals, d.terminals)
                && Arrays.equals(timeouts, d.timeouts) && Arrays.equals(episodeStarts, d.episodeStarts)
                && Arrays.equals(episodeReturns, d.episodeReturns)
                && Double.compare(referenceReturnRandom, d.referenceReturnRandom) == 0
                && Double.compare(referenceReturnExpert, d.referenceReturnExpert) == 0 && metadata.equals(d.metadata);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rewards) * 31 + Arrays.hashCode(episodeStarts);
    }

    @Override
    public String toString() {
        return "TransitionDataset[" + source + ", " + size() + " transitions, " + episodeCount() + " trajectories, obs "
                + observationSize + ", actions " + actionSize + (discrete() ? " (" + actionCategories + " categories)" : "")
                + "]";
    }
}
