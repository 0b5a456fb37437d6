package dev.trail.rollout;

import dev.trail.advantage.AdvantageResult;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code horizon} steps of {@code numEnvs} environment copies in {@code [env, time]} layout: step
 * {@code t} of copy {@code e} is at index {@code e * horizon + t} of every per-step array (and at
 * {@code (e * horizon + t) * size} of observations and actions). This is the layout of
 * {@link dev.trail.advantage.Gae#computeBatch} and of PPO's minibatch sampling.
 *
 * <p>{@link #groups()} views the buffer as trajectories: each copy's row is cut at its episode
 * ends into segments, one {@link Trajectory} per segment in a group of its own, in row order. A
 * segment that ended by termination is {@code terminated}; one cut by the time limit is
 * {@code truncated} with {@code bootstrapValue = V(final observation)}; the last segment of a row,
 * cut by the horizon, is {@code truncated} with {@code bootstrapValue = V(next observation)}.
 * Observations are those the policy saw (normalised, when the collector normalises), with the
 * observation after the segment's last step as the final row; rewards are the (scaled) rewards
 * credit is assigned on, and {@link #rawRewards()} keeps the environment's. A row without an
 * episode end is handed out as its own arrays where the record allows (rewards, values); the
 * other columns are copied per segment (a few microseconds per update for classic control).
 * {@link #scatter} maps an estimator's rows back to the buffer layout. The buffer is refilled by
 * every collection: views and arrays taken from it are valid until the next one.
 */
public final class RolloutBuffer implements Rollout {

    private final int numEnvs;
    private final int horizon;
    private final int observationSize;
    private final int actionSize;
    private final boolean discrete;

    final float[] observations;
    final float[] finalObservations;
    final int[] discreteActions;
    final float[] continuousActions;
    final float[] logProbs;
    final double[] values;
    final double[] rewards;
    final double[] rawRewards;
    final boolean[] terminateds;
    final boolean[] truncateds;
    final double[] truncationValues;
    final float[] nextObservations;
    final double[] nextValues;

    /**
     * An empty buffer.
     *
     * @param actionSize 1 for discrete actions, the action dimension otherwise
     */
    public RolloutBuffer(int numEnvs, int horizon, int observationSize, int actionSize, boolean discrete) {
        if (numEnvs < 1 || horizon < 1 || observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("a rollout buffer needs positive sizes, got numEnvs=" + numEnvs
                    + " horizon=" + horizon + " observationSize=" + observationSize + " actionSize=" + actionSize);
        }
        this.numEnvs = numEnvs;
        this.horizon = horizon;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.discrete = discrete;
        int b = numEnvs * horizon;
        this.observations = new float[b * observationSize];
        this.finalObservations = new float[b * observationSize];
        this.discreteActions = discrete ? new int[b] : null;
        this.continuousActions = discrete ? null : new float[b * actionSize];
        this.logProbs = new float[b];
        this.values = new double[b];
        this.rewards = new double[b];
        this.rawRewards = new double[b];
        this.terminateds = new boolean[b];
        this.truncateds = new boolean[b];
        this.truncationValues = new double[b];
        this.nextObservations = new float[numEnvs * observationSize];
        this.nextValues = new double[numEnvs];
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int horizon() {
        return horizon;
    }

    /** Steps held, {@code numEnvs × horizon}. */
    public int size() {
        return numEnvs * horizon;
    }

    public int observationSize() {
        return observationSize;
    }

    public int actionSize() {
        return actionSize;
    }

    public boolean discrete() {
        return discrete;
    }

    /** {@code [env, time, observationSize]}: what the policy saw at each step. */
    public float[] observations() {
        return observations;
    }

    /**
     * {@code [env, time, observationSize]}: at a step that ended an episode, the episode's final
     * observation (processed like the others, the running statistics not updated); undefined elsewhere.
     */
    public float[] finalObservations() {
        return finalObservations;
    }

    /** {@code [env, time]} categories, or null for continuous actions. */
    public int[] discreteActions() {
        return discreteActions;
    }

    /** {@code [env, time, actionSize]} sampled (unclipped) actions, or null for discrete actions. */
    public float[] continuousActions() {
        return continuousActions;
    }

    /** {@code [env, time]} behaviour log-probabilities. */
    public float[] logProbs() {
        return logProbs;
    }

    /** {@code [env, time]} critic values at collection time (0 without a critic). */
    public double[] values() {
        return values;
    }

    /** {@code [env, time]} rewards credit is assigned on (after any scaling). */
    public double[] rewards() {
        return rewards;
    }

    /** {@code [env, time]} the environment's rewards. */
    public double[] rawRewards() {
        return rawRewards;
    }

    /** {@code [env, time]} whether the step reached a terminal state. */
    public boolean[] terminateds() {
        return terminateds;
    }

    /** {@code [env, time]} whether the step was cut by the time limit (and did not terminate). */
    public boolean[] truncateds() {
        return truncateds;
    }

    /** {@code [env, time]} {@code V(final observation)} at truncated steps, 0 elsewhere. */
    public double[] truncationValues() {
        return truncationValues;
    }

    /** {@code [env, observationSize]}: the observation after the last step of each row. */
    public float[] nextObservations() {
        return nextObservations;
    }

    /** {@code [env]}: {@code V(next observation)} of each row (0 without a critic). */
    public double[] nextValues() {
        return nextValues;
    }

    @Override
    public List<TrajectoryGroup> groups() {
        List<TrajectoryGroup> out = new ArrayList<>();
        for (int e = 0; e < numEnvs; e++) {
            int start = 0;
            for (int t = 0; t < horizon; t++) {
                int i = e * horizon + t;
                boolean end = terminateds[i] || truncateds[i];
                if (end || t == horizon - 1) {
                    Trajectory segment = segment(e, start, t + 1, end);
                    out.add(new TrajectoryGroup(segment.id(), List.of(segment), Double.NaN, null));
                    start = t + 1;
                }
            }
        }
        return out;
    }

    private Trajectory segment(int e, int from, int to, boolean episodeEnd) {
        int base = e * horizon;
        int len = to - from;
        boolean whole = from == 0 && to == horizon;
        double[] segRewards = copy(rewards, base + from, len, whole && numEnvs == 1);
        double[] segValues = copy(values, base + from, len, whole && numEnvs == 1);
        double[] segLogProbs = new double[len];
        float[] segActions = new float[len * actionSize];
        for (int k = 0; k < len; k++) {
            int i = base + from + k;
            segLogProbs[k] = logProbs[i];
            if (discrete) {
                segActions[k] = discreteActions[i];
            } else {
                System.arraycopy(continuousActions, i * actionSize, segActions, k * actionSize, actionSize);
            }
        }
        float[] segObs = new float[(len + 1) * observationSize];
        System.arraycopy(observations, (base + from) * observationSize, segObs, 0, len * observationSize);
        int last = base + to - 1;
        boolean terminated = episodeEnd && terminateds[last];
        boolean truncated = !terminated;
        double bootstrap;
        if (episodeEnd) {
            System.arraycopy(finalObservations, last * observationSize, segObs, len * observationSize, observationSize);
            bootstrap = terminated ? Double.NaN : truncationValues[last];
        } else {
            System.arraycopy(nextObservations, e * observationSize, segObs, len * observationSize, observationSize);
            bootstrap = nextValues[e];
        }
        return new Trajectory("env" + e + "/" + from, "env" + e + "/" + from, 0, segObs, observationSize, segActions,
                actionSize, segRewards, segLogProbs, segValues, null, terminated, truncated, bootstrap, null);
    }

    private static double[] copy(double[] a, int from, int len, boolean whole) {
        if (whole && from == 0 && len == a.length) {
            return a;
        }
        double[] out = new double[len];
        System.arraycopy(a, from, out, 0, len);
        return out;
    }

    /**
     * Writes an estimator's rows (for {@link #groups()} of this buffer, in that order) into
     * {@code [env, time]} arrays.
     *
     * @throws IllegalArgumentException if the result does not have the rows and lengths of {@link #groups()}
     */
    public void scatter(AdvantageResult credit, double[] advantagesOut, double[] returnsOut) {
        if (advantagesOut.length != size() || returnsOut.length != size()) {
            throw new IllegalArgumentException("outputs need " + size() + " entries, got " + advantagesOut.length
                    + " and " + returnsOut.length);
        }
        int row = 0;
        for (int e = 0; e < numEnvs; e++) {
            int start = 0;
            for (int t = 0; t < horizon; t++) {
                int i = e * horizon + t;
                if (terminateds[i] || truncateds[i] || t == horizon - 1) {
                    if (row >= credit.size()) {
                        throw new IllegalArgumentException("the credit has " + credit.size() + " rows, fewer than the "
                                + "buffer's segments");
                    }
                    double[] a = credit.advantages()[row];
                    double[] r = credit.returns()[row];
                    if (a.length != t + 1 - start) {
                        throw new IllegalArgumentException("credit row " + row + " has " + a.length + " steps, the "
                                + "segment " + (t + 1 - start));
                    }
                    System.arraycopy(a, 0, advantagesOut, e * horizon + start, a.length);
                    System.arraycopy(r, 0, returnsOut, e * horizon + start, r.length);
                    row++;
                    start = t + 1;
                }
            }
        }
        if (row != credit.size()) {
            throw new IllegalArgumentException("the credit has " + credit.size() + " rows, the buffer " + row
                    + " segments");
        }
    }
}
