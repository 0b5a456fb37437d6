package dev.trail.rollout;

import dev.trail.space.Box;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whole episodes out of consecutive {@link RolloutBuffer}s of one {@link StepCollector}: each
 * copy's steps are gathered across collections (an episode cut by the horizon continues in the
 * next buffer) and handed out as one {@link Trajectory} when the episode ends, for datasets
 * ({@code trail collect}, recording the trajectories a training run saw).
 *
 * <p>A trajectory holds the observations the policy saw (then the final observation), the action
 * the environment was given (clipped to the action {@code Box}; the sampled action's log-probability
 * is kept), the environment's raw rewards, log-probabilities and values when the policy reports
 * them, and whether the episode terminated or was truncated by the time limit (then, with a critic,
 * {@code V(final observation)} as its bootstrap value).
 */
public final class EpisodeAssembler {

    private final int numEnvs;
    private final int obsDim;
    private final int actDim;
    private final Box actionBox;
    private final String envId;
    private final String idPrefix;
    private final Map<String, String> labels;
    private final Builder[] open;
    private long episodes;

    /**
     * @param actionBox the action space when continuous (applied actions are clipped to it), else null
     * @param envId recorded as each trajectory's task id
     * @param idPrefix trajectory ids are {@code idPrefix + k} for the k-th completed episode
     * @param labels recorded on each trajectory (e.g. the policy)
     */
    public EpisodeAssembler(int numEnvs, int observationSize, int actionSize, Box actionBox, String envId,
            String idPrefix, Map<String, String> labels) {
        this.numEnvs = numEnvs;
        this.obsDim = observationSize;
        this.actDim = actionSize;
        this.actionBox = actionBox;
        this.envId = envId;
        this.idPrefix = idPrefix;
        this.labels = labels == null ? Map.of() : Map.copyOf(labels);
        this.open = new Builder[numEnvs];
        for (int e = 0; e < numEnvs; e++) {
            open[e] = new Builder();
        }
    }

    /**
     * Adds a freshly collected buffer and returns the episodes it completed, in the order they ended
     * (by step, then copy).
     *
     * @param withLogProbs whether the policy reports log-probabilities (else they are left out)
     * @param withValues whether the policy has a critic (else values are left out)
     */
    public List<Trajectory> accept(RolloutBuffer b, boolean withLogProbs, boolean withValues) {
        if (b.numEnvs() != numEnvs || b.observationSize() != obsDim || b.actionSize() != actDim) {
            throw new IllegalArgumentException("a buffer of " + b.numEnvs() + " copies x " + b.observationSize()
                    + " observation values does not fit this assembler's " + numEnvs + " x " + obsDim);
        }
        List<Trajectory> done = new ArrayList<>();
        int h = b.horizon();
        float[] action = new float[actDim];
        for (int t = 0; t < h; t++) {
            for (int e = 0; e < numEnvs; e++) {
                int i = e * h + t;
                Builder x = open[e];
                if (b.discrete()) {
                    action[0] = b.discreteActions()[i];
                } else {
                    System.arraycopy(b.continuousActions(), i * actDim, action, 0, actDim);
                    for (int j = 0; j < actDim; j++) {
                        action[j] = Math.max(actionBox.low(j), Math.min(actionBox.high(j), action[j]));
                    }
                }
                x.add(b.observations(), i * obsDim, action, b.rawRewards()[i], b.logProbs()[i], b.values()[i]);
                if (b.terminateds()[i] || b.truncateds()[i]) {
                    done.add(x.finish(idPrefix + episodes++, b.finalObservations(), i * obsDim, b.terminateds()[i],
                            withLogProbs, withValues, b.truncationValues()[i]));
                    open[e] = new Builder();
                }
            }
        }
        return done;
    }

    /** Episodes completed so far. */
    public long episodes() {
        return episodes;
    }

    private final class Builder {
        float[] obs = new float[64 * obsDim];
        float[] actions = new float[64 * actDim];
        double[] rewards = new double[64];
        double[] logProbs = new double[64];
        double[] values = new double[64];
        int n;

        void add(float[] observations, int offset, float[] action, double reward, double logProb, double value) {
            if ((n + 2) * obsDim > obs.length) {
                obs = Arrays.copyOf(obs, obs.length * 2);
            }
            if (n == rewards.length) {
                rewards = Arrays.copyOf(rewards, n * 2);
                logProbs = Arrays.copyOf(logProbs, n * 2);
                values = Arrays.copyOf(values, n * 2);
                actions = Arrays.copyOf(actions, n * 2 * actDim);
            }
            System.arraycopy(observations, offset, obs, n * obsDim, obsDim);
            System.arraycopy(action, 0, actions, n * actDim, actDim);
            rewards[n] = reward;
            logProbs[n] = logProb;
            values[n] = value;
            n++;
        }

        Trajectory finish(String id, float[] finals, int offset, boolean terminated, boolean withLogProbs,
                boolean withValues, double truncationValue) {
            System.arraycopy(finals, offset, obs, n * obsDim, obsDim);
            // a truncated episode carries V(final observation), so that GAE can bootstrap it from the file
            double bootstrap = !terminated && withValues ? truncationValue : Double.NaN;
            return new Trajectory(id, null, 0, Arrays.copyOf(obs, (n + 1) * obsDim), obsDim,
                    Arrays.copyOf(actions, n * actDim), actDim, Arrays.copyOf(rewards, n),
                    withLogProbs ? Arrays.copyOf(logProbs, n) : null, withValues ? Arrays.copyOf(values, n) : null,
                    null, terminated, !terminated, bootstrap, null, envId, null, null, 0, labels);
        }
    }
}
