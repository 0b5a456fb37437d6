package dev.trail.trajectory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trajectory of {@code T} steps, column-oriented. Step {@code t} saw observation
 * {@code t}, took action {@code t}, received reward {@code t}.
 *
 * <p>Layouts: {@code observations} is {@code [T + 1, observationSize]} row-major (the last row is
 * the observation after the final step, needed to bootstrap a truncated episode) or empty when
 * observations are not kept; {@code actions} is {@code [T, actionSize]} (discrete and token
 * actions stored as exact float values) or empty. {@code logProbs} and {@code values} have length
 * {@code T} or are null when unknown. {@code mask[t]} says whether step {@code t} is trained on
 * (false for, e.g., tool-output tokens); null means every step is. {@code extras} holds further
 * named per-step columns of length {@code T} (for example {@code progress}, {@code refLogProb}).
 *
 * <p>An outcome-rewarded trajectory (one scalar reward per response) places the reward on its
 * last step and 0 elsewhere, as {@code ALGORITHMS.md} §0.1 does.
 *
 * @param id trajectory id, unique within a batch
 * @param groupId the group (task, prompt) it was sampled for
 * @param seed the seed its episode was reset with (or 0 when unknown)
 * @param observations {@code [(T + 1) * observationSize]} or empty
 * @param observationSize floats per observation (0 when observations are not kept)
 * @param actions {@code [T * actionSize]} or empty
 * @param actionSize scalars per action (0 when actions are not kept)
 * @param rewards {@code [T]}
 * @param logProbs {@code [T]} behaviour-policy log-probabilities, or null
 * @param values {@code [T]} value estimates V(s_t), or null
 * @param mask {@code [T]} trained-on flags, or null for all
 * @param terminated whether the last step reached a terminal state
 * @param truncated whether the trajectory was cut (time limit, length budget)
 * @param bootstrapValue V(s_T) of the final observation, used when {@code truncated}; NaN if unknown
 * @param extras further named per-step columns, each of length T
 * @param taskId the task it solves (environment id, problem id), or null when unknown
 * @param textActions {@code [T]} the actions as text (a token string, a tool call) when they are
 *        not numbers, or null; compare them through {@link ActionText#canonical}, never as hashes
 * @param parentId for a tree rollout, the id of the trajectory (same group) this one branched
 *        from, or null for a trajectory that branched from nobody
 * @param branchStep with a parent, the number of leading steps shared with it (they are the
 *        parent's steps, repeated here so the trajectory is complete); 0 without a parent
 * @param labels further per-trajectory text fields (for example {@code policy}, {@code source}),
 *        never null
 */
public record Trajectory(String id, String groupId, long seed,
        float[] observations, int observationSize,
        float[] actions, int actionSize,
        double[] rewards, double[] logProbs, double[] values, boolean[] mask,
        boolean terminated, boolean truncated, double bootstrapValue,
        Map<String, double[]> extras,
        String taskId, String[] textActions, String parentId, int branchStep, Map<String, String> labels) {

    /** A trajectory without task id, text actions, tree lineage or labels. */
    public Trajectory(String id, String groupId, long seed,
            float[] observations, int observationSize,
            float[] actions, int actionSize,
            double[] rewards, double[] logProbs, double[] values, boolean[] mask,
            boolean terminated, boolean truncated, double bootstrapValue,
            Map<String, double[]> extras) {
        this(id, groupId, seed, observations, observationSize, actions, actionSize, rewards, logProbs, values, mask,
                terminated, truncated, bootstrapValue, extras, null, null, null, 0, null);
    }

    /** The extras column with the frozen reference policy's per-step log-probabilities (KL terms). */
    public static final String REF_LOG_PROB = "refLogProb";

    public Trajectory {
        if (rewards == null) {
            throw new IllegalArgumentException("trajectory " + id + " needs rewards");
        }
        int t = rewards.length;
        if (observations == null) {
            observations = new float[0];
        }
        if (actions == null) {
            actions = new float[0];
        }
        if (observationSize < 0 || actionSize < 0) {
            throw new IllegalArgumentException("trajectory " + id + ": negative observation or action size");
        }
        if (observations.length != 0 && observations.length != (t + 1) * observationSize) {
            throw new IllegalArgumentException("trajectory " + id + ": observations has " + observations.length
                    + " floats, expected (T+1)*observationSize = " + (t + 1) * observationSize);
        }
        if (actions.length != 0 && actions.length != t * actionSize) {
            throw new IllegalArgumentException("trajectory " + id + ": actions has " + actions.length
                    + " values, expected T*actionSize = " + t * actionSize);
        }
        checkLength(id, "logProbs", logProbs == null ? -1 : logProbs.length, t);
        checkLength(id, "values", values == null ? -1 : values.length, t);
        checkLength(id, "mask", mask == null ? -1 : mask.length, t);
        Map<String, double[]> copy = new LinkedHashMap<>();
        if (extras != null) {
            for (Map.Entry<String, double[]> e : extras.entrySet()) {
                checkLength(id, e.getKey(), e.getValue().length, t);
                copy.put(e.getKey(), e.getValue());
            }
        }
        extras = java.util.Collections.unmodifiableMap(copy);
        if (textActions != null) {
            checkLength(id, "textActions", textActions.length, t);
            for (int s = 0; s < t; s++) {
                if (textActions[s] == null) {
                    throw new IllegalArgumentException("trajectory " + id + ": text action at step " + s + " is null");
                }
            }
        }
        if (parentId == null ? branchStep != 0 : branchStep < 0 || branchStep >= t) {
            throw new IllegalArgumentException("trajectory " + id + ": branchStep " + branchStep
                    + (parentId == null ? " without a parent; it must be 0"
                            : " is outside [0, " + t + "); a branch shares fewer steps than it has"));
        }
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    private static void checkLength(String id, String name, int length, int t) {
        if (length >= 0 && length != t) {
            throw new IllegalArgumentException("trajectory " + id + ": " + name + " has length " + length
                    + " but there are " + t + " rewards");
        }
    }

    /** A trajectory known only by its per-step rewards (and optional values). */
    public static Trajectory ofRewards(String id, String groupId, double[] rewards, double[] values,
            boolean terminated, boolean truncated) {
        return new Trajectory(id, groupId, 0, null, 0, null, 0, rewards, null, values, null,
                terminated, truncated, Double.NaN, null);
    }

    /** An outcome-rewarded response of {@code length} steps with reward {@code reward} on its last step. */
    public static Trajectory ofOutcome(String id, String groupId, double reward, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("trajectory " + id + " needs at least one step, got " + length);
        }
        double[] rewards = new double[length];
        rewards[length - 1] = reward;
        return ofRewards(id, groupId, rewards, null, true, false);
    }

    /** Number of steps T. */
    public int length() {
        return rewards.length;
    }

    /** The undiscounted sum of rewards (the outcome reward of a response). */
    public double totalReward() {
        double s = 0;
        for (double r : rewards) {
            s += r;
        }
        return s;
    }

    /** Whether step {@code t} is trained on. */
    public boolean valid(int t) {
        return mask == null || mask[t];
    }

    /** Number of trained-on steps. */
    public int validLength() {
        if (mask == null) {
            return rewards.length;
        }
        int n = 0;
        for (boolean m : mask) {
            n += m ? 1 : 0;
        }
        return n;
    }

    /** The named per-step column, or null. */
    public double[] extra(String name) {
        return extras.get(name);
    }

    /** A copy with the given extra column added or replaced. */
    public Trajectory withExtra(String name, double[] column) {
        Map<String, double[]> e = new LinkedHashMap<>(extras);
        e.put(name, column);
        return new Trajectory(id, groupId, seed, observations, observationSize, actions, actionSize, rewards,
                logProbs, values, mask, terminated, truncated, bootstrapValue, e, taskId, textActions, parentId,
                branchStep, labels);
    }

    /**
     * A copy with numeric actions {@code [T * newActionSize]} (empty and 0 for none), otherwise
     * identical; text actions are dropped.
     */
    public Trajectory withActions(float[] newActions, int newActionSize) {
        return new Trajectory(id, groupId, seed, observations, observationSize, newActions, newActionSize, rewards,
                logProbs, values, mask, terminated, truncated, bootstrapValue, extras, taskId, null, parentId,
                branchStep, labels);
    }

    /** A copy without actions: no numeric or text actions and no behaviour log-probabilities (they were of those actions). */
    public Trajectory withoutActions() {
        return new Trajectory(id, groupId, seed, observations, observationSize, new float[0], 0, rewards,
                null, values, mask, terminated, truncated, bootstrapValue, extras, taskId, null, parentId,
                branchStep, labels);
    }

    /** A copy with the per-trajectory label {@code key} set to {@code value}. */
    public Trajectory withLabel(String key, String value) {
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.put(key, value);
        return new Trajectory(id, groupId, seed, observations, observationSize, actions, actionSize, rewards,
                logProbs, values, mask, terminated, truncated, bootstrapValue, extras, taskId, textActions, parentId,
                branchStep, l);
    }

    /** A copy in group {@code newGroupId}, otherwise identical. */
    public Trajectory withGroupId(String newGroupId) {
        return new Trajectory(id, newGroupId, seed, observations, observationSize, actions, actionSize, rewards,
                logProbs, values, mask, terminated, truncated, bootstrapValue, extras, taskId, textActions, parentId,
                branchStep, labels);
    }

    /** Whether the actions are text ({@link #textActions()} is set). */
    public boolean hasTextActions() {
        return textActions != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Trajectory x)) {
            return false;
        }
        if (!(java.util.Objects.equals(id, x.id) && java.util.Objects.equals(groupId, x.groupId) && seed == x.seed
                && observationSize == x.observationSize && actionSize == x.actionSize
                && terminated == x.terminated && truncated == x.truncated
                && Double.compare(bootstrapValue, x.bootstrapValue) == 0
                && Arrays.equals(observations, x.observations) && Arrays.equals(actions, x.actions)
                && Arrays.equals(rewards, x.rewards) && Arrays.equals(logProbs, x.logProbs)
                && Arrays.equals(values, x.values) && Arrays.equals(mask, x.mask)
                && extras.keySet().equals(x.extras.keySet())
                && java.util.Objects.equals(taskId, x.taskId) && Arrays.equals(textActions, x.textActions)
                && java.util.Objects.equals(parentId, x.parentId) && branchStep == x.branchStep
                && labels.equals(x.labels))) {
            return false;
        }
        for (Map.Entry<String, double[]> e : extras.entrySet()) {
            if (!Arrays.equals(e.getValue(), x.extras.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, groupId, seed, Arrays.hashCode(rewards), Arrays.hashCode(actions),
                Arrays.hashCode(observations), terminated, truncated);
    }

    @Override
    public String toString() {
        return "Trajectory[id=" + id + ", group=" + groupId + ", T=" + rewards.length + ", return=" + totalReward()
                + ", terminated=" + terminated + ", truncated=" + truncated + "]";
    }
}
