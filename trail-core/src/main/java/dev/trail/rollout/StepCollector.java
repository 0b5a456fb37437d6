package dev.trail.rollout;

import dev.trail.env.ArrayEnv;
import dev.trail.env.wrappers.ClipAction;
import dev.trail.env.wrappers.ObservationNormalizer;
import dev.trail.env.wrappers.RewardNormalizer;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.vector.VectorEnv;
import java.util.function.Supplier;

/**
 * I.i.d. collection: {@code horizon} steps of every copy of a {@link VectorEnv} (same-step
 * auto-reset) into a {@link RolloutBuffer}, acting with a {@link VectorPolicy}.
 *
 * <p>Per step: the policy acts on the current observations (drawing from the collector's action
 * stream); continuous actions are stored as sampled and sent to the environment clipped to the
 * action box; finished episodes go to the {@link EpisodeSink} with their raw return; rewards are
 * optionally scaled by a {@link RewardNormalizer} and clipped; a copy whose episode was cut by
 * the time limit (not terminated) gets {@code V(final observation)} for bootstrapping; the next
 * observations are optionally normalised ({@link ObservationNormalizer}, the final observations
 * with the statistics frozen) and clipped. After the last step, {@code V(next observation)} of
 * each row is stored for the rows cut by the horizon.
 *
 * <p><b>Threads.</b> With {@code threads > 1} the copies are split into contiguous chunks, one per
 * thread (the caller's included), and when the policy can split its acting
 * ({@link VectorPolicy#split()}) each thread runs the policy's forward pass for its own copies and
 * then steps them: one hand-off per vector step. The random draws are made first on the caller's
 * thread, in row order, from the same action stream, so every result is bit-identical to
 * {@code threads = 1}. Episode bookkeeping, the normalisers and the bootstrap values stay on the
 * caller's thread.
 *
 * <p>The collector owns the environment copies, the action stream, the episodes in progress and
 * the normalisers: everything a checkpoint needs to continue collection exactly
 * ({@link #vectorEnv()}, {@link #actionRng()}, {@link #episodeReturns()}, ...).
 */
public final class StepCollector implements Collector<VectorPolicy, RolloutBuffer>, AutoCloseable {

    private final VectorEnv envs;
    private final int horizon;
    private final int n;
    private final int obsDim;
    private final int actDim;
    private final Box actionBox;
    private final ObservationNormalizer observationNormalizer;
    private final RewardNormalizer rewardNormalizer;
    private final double clipObservations;
    private final double clipRewards;
    private final EpisodeSink episodes;
    private final RolloutBuffer buffer;
    private Rng actionRng;
    private final float[] current;
    private final double[] episodeReturns;
    private final int[] episodeLengths;
    private long globalStep;
    // acting split across the threads (threads > 1 and a policy with a split())
    private VectorPolicy splitFor;
    private VectorPolicy.RowActor[] rowActors;

    /**
     * Observation and reward processing of a collector.
     *
     * @param observationNormalizer running observation normalisation, or null
     * @param clipObservations bound after observation normalisation
     * @param rewardNormalizer running reward scaling, or null
     * @param clipRewards bound after reward scaling
     */
    public record Processing(ObservationNormalizer observationNormalizer, double clipObservations,
            RewardNormalizer rewardNormalizer, double clipRewards) {

        /** Observations and rewards as the environment gives them. */
        public static final Processing NONE = new Processing(null, Double.POSITIVE_INFINITY, null,
                Double.POSITIVE_INFINITY);
    }

    /**
     * A collector over {@code numEnvs} copies made by {@code factory}, reset with {@code resetSeed}.
     *
     * @param actionRng the stream actions are sampled from
     * @param episodes receives every finished episode
     */
    public StepCollector(Supplier<? extends ArrayEnv<?>> factory, int numEnvs, int horizon, long resetSeed,
            Rng actionRng, Processing processing, EpisodeSink episodes) {
        this(factory, numEnvs, 1, horizon, resetSeed, actionRng, processing, episodes);
    }

    /**
     * A collector whose copies are stepped, and acted on, by {@code threads} threads (the caller
     * and {@code threads - 1} workers, at most one per copy); the results do not depend on
     * {@code threads}.
     */
    public StepCollector(Supplier<? extends ArrayEnv<?>> factory, int numEnvs, int threads, int horizon,
            long resetSeed, Rng actionRng, Processing processing, EpisodeSink episodes) {
        this.envs = new VectorEnv(factory, numEnvs, threads);
        this.n = numEnvs;
        this.horizon = horizon;
        this.obsDim = envs.observationSize();
        if (envs.singleActionSpace() instanceof Box box) {
            this.actionBox = box;
            this.actDim = box.flatSize();
        } else if (envs.singleActionSpace() instanceof Discrete) {
            this.actionBox = null;
            this.actDim = 1;
        } else {
            envs.close();
            throw new IllegalArgumentException("collection needs Discrete or Box actions, got "
                    + envs.singleActionSpace());
        }
        this.observationNormalizer = processing.observationNormalizer();
        this.rewardNormalizer = processing.rewardNormalizer();
        this.clipObservations = processing.clipObservations();
        this.clipRewards = processing.clipRewards();
        this.episodes = episodes;
        this.actionRng = actionRng;
        this.buffer = new RolloutBuffer(n, horizon, obsDim, actDim, actionBox == null);
        this.current = new float[n * obsDim];
        this.episodeReturns = new double[n];
        this.episodeLengths = new int[n];
        float[] first = envs.reset(resetSeed);
        process(first, current, true);
    }

    /** Fills the buffer with {@code horizon} steps of every copy and returns it (the same buffer every call). */
    @Override
    public RolloutBuffer collect(VectorPolicy policy) {
        return collect(policy, null);
    }

    /**
     * {@link #collect(VectorPolicy)} acting with noise drawn beforehand instead of the action
     * stream (which is left as it is): step {@code t}'s rows take
     * {@code noise[(t * numEnvs + row) * noisePerRow ..]}, what {@link VectorPolicy.Split#drawNoise}
     * would have drawn. So a batch's copies can be collected by separate collectors (shards of the
     * copies) with the noise of the whole batch drawn in row order, as one collector would have
     * drawn it, and the same results. Needs a policy with a {@link VectorPolicy#split()}.
     */
    public RolloutBuffer collect(VectorPolicy policy, double[] noise) {
        VectorPolicy.Split split = noise != null || envs.threads() > 1 ? policy.split() : null;
        if (noise != null) {
            if (split == null) {
                throw new IllegalArgumentException("acting with given noise needs a policy that splits its acting");
            }
            if (noise.length != (long) horizon * n * split.noisePerRow()) {
                throw new IllegalArgumentException("expected " + (long) horizon * n * split.noisePerRow()
                        + " noise values (" + horizon + " steps x " + n + " copies x " + split.noisePerRow()
                        + "), got " + noise.length);
            }
        }
        return collect(policy, split, noise);
    }

    private RolloutBuffer collect(VectorPolicy policy, VectorPolicy.Split split, double[] given) {
        RolloutBuffer b = buffer;
        float[] clipped = actionBox == null ? null : new float[n * actDim];
        double[] scaled = new double[n];
        double[] noise = null;
        VectorPolicy.Acted rows = null;
        if (split != null) {
            if (splitFor != policy) {
                rowActors = new VectorPolicy.RowActor[envs.threads()];
                for (int k = 0; k < rowActors.length; k++) {
                    rowActors[k] = split.newActor();
                }
                splitFor = policy;
            }
            noise = new double[n * split.noisePerRow()];
            rows = new VectorPolicy.Acted(actionBox == null ? new int[n] : null,
                    actionBox == null ? null : new float[n * actDim], new float[n], new float[n]);
        }
        for (int t = 0; t < horizon; t++) {
            globalStep += n;
            if (split != null) {
                if (given == null) {
                    split.drawNoise(actionRng, n, noise);
                } else {
                    System.arraycopy(given, t * noise.length, noise, 0, noise.length);
                }
                actSplit(t, noise, rows, clipped);
            } else {
                VectorPolicy.Acted acted = policy.act(current, n, actionRng);
                store(t, acted, 0, n);
                if (actionBox == null) {
                    envs.step(acted.discreteActions());
                } else {
                    // the sampled (unclipped) action is what the log-probability belongs to; the env gets it clipped
                    ClipAction.clip(actionBox, acted.continuousActions(), clipped);
                    envs.step(clipped);
                }
            }
            double[] raw = envs.rewards();
            boolean[] term = envs.terminated();
            boolean[] trunc = envs.truncated();
            for (int e = 0; e < n; e++) {
                episodeReturns[e] += raw[e];
                episodeLengths[e]++;
                if (term[e] || trunc[e]) {
                    episodes.onEpisode(globalStep, e, episodeReturns[e], episodeLengths[e]);
                    episodeReturns[e] = 0;
                    episodeLengths[e] = 0;
                }
            }
            if (rewardNormalizer != null) {
                rewardNormalizer.normalize(raw, term, trunc, scaled);
                for (int e = 0; e < n; e++) {
                    scaled[e] = Math.max(-clipRewards, Math.min(clipRewards, scaled[e]));
                }
            } else {
                System.arraycopy(raw, 0, scaled, 0, n);
            }
            for (int e = 0; e < n; e++) {
                int i = e * horizon + t;
                b.rewards[i] = scaled[e];
                b.rawRewards[i] = raw[e];
                b.terminateds[i] = term[e];
                b.truncateds[i] = trunc[e] && !term[e];
                b.truncationValues[i] = 0;
            }
            finals(policy, t, term, trunc);
            process(envs.observations(), current, true);
        }
        System.arraycopy(current, 0, b.nextObservations, 0, current.length);
        float[] last = policy.values(current, n);
        for (int e = 0; e < n; e++) {
            b.nextValues[e] = last == null ? 0 : last[e];
        }
        return b;
    }

    /** Acting and stepping of step {@code t}, each chunk of copies on its own thread. */
    private void actSplit(int t, double[] noise, VectorPolicy.Acted rows, float[] clipped) {
        VectorEnv.RowTask task = (chunk, from, to) -> {
            rowActors[chunk].act(current, from, to, noise, rows);
            store(t, rows, from, to);
            if (actionBox != null) {
                float[] sampled = rows.continuousActions();
                for (int o = from * actDim, end = to * actDim; o < end; o += actDim) {
                    for (int j = 0; j < actDim; j++) {
                        float v = sampled[o + j];
                        float lo = actionBox.low(j);
                        float hi = actionBox.high(j);
                        clipped[o + j] = v < lo ? lo : (v > hi ? hi : v);
                    }
                }
            }
        };
        if (actionBox == null) {
            envs.step(rows.discreteActions(), task);
        } else {
            envs.step(clipped, task);
        }
    }

    /** Rows {@code [from, to)} of what the policy did at step {@code t} into the buffer. */
    private void store(int t, VectorPolicy.Acted acted, int from, int to) {
        RolloutBuffer b = buffer;
        for (int e = from; e < to; e++) {
            int i = e * horizon + t;
            System.arraycopy(current, e * obsDim, b.observations, i * obsDim, obsDim);
            b.logProbs[i] = acted.logProbs() == null ? 0f : acted.logProbs()[e];
            b.values[i] = acted.values() == null ? 0 : acted.values()[e];
            if (actionBox == null) {
                b.discreteActions[i] = acted.discreteActions()[e];
            } else {
                System.arraycopy(acted.continuousActions(), e * actDim, b.continuousActions, i * actDim, actDim);
            }
        }
    }

    /** Final observations of the copies whose episode ended at step {@code t}; V of the truncated ones. */
    private void finals(VectorPolicy policy, int t, boolean[] term, boolean[] trunc) {
        int ended = 0;
        int truncatedCount = 0;
        for (int e = 0; e < n; e++) {
            if (term[e] || trunc[e]) {
                ended++;
                truncatedCount += term[e] ? 0 : 1;
            }
        }
        if (ended == 0) {
            return;
        }
        float[] all = envs.finalObservations();
        float[] finals = new float[ended * obsDim];
        int k = 0;
        for (int e = 0; e < n; e++) {
            if (term[e] || trunc[e]) {
                System.arraycopy(all, e * obsDim, finals, k++ * obsDim, obsDim);
            }
        }
        process(finals, finals, false);
        k = 0;
        for (int e = 0; e < n; e++) {
            if (term[e] || trunc[e]) {
                System.arraycopy(finals, k++ * obsDim, buffer.finalObservations, (e * horizon + t) * obsDim, obsDim);
            }
        }
        if (truncatedCount == 0) {
            return;
        }
        float[] truncatedFinals = new float[truncatedCount * obsDim];
        k = 0;
        int j = 0;
        for (int e = 0; e < n; e++) {
            if (term[e] || trunc[e]) {
                if (!term[e]) {
                    System.arraycopy(finals, k * obsDim, truncatedFinals, j++ * obsDim, obsDim);
                }
                k++;
            }
        }
        float[] v = policy.values(truncatedFinals, truncatedCount);
        j = 0;
        for (int e = 0; e < n; e++) {
            if (trunc[e] && !term[e]) {
                buffer.truncationValues[e * horizon + t] = v == null ? 0 : v[j++];
            }
        }
    }

    /**
     * Observation normalisation (when on): {@code update} counts the batch in the running
     * statistics (fresh observations) or not (final observations, for bootstrapping).
     */
    private void process(float[] raw, float[] out, boolean update) {
        if (observationNormalizer == null) {
            if (raw != out) {
                System.arraycopy(raw, 0, out, 0, raw.length);
            }
            return;
        }
        if (update) {
            observationNormalizer.normalize(raw, out);
        } else {
            observationNormalizer.transform(raw, out);
        }
        float bound = (float) clipObservations;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-bound, Math.min(bound, out[i]));
        }
    }

    // ---- state, for checkpoints ----------------------------------------------------------------

    /** The environment copies. */
    public VectorEnv vectorEnv() {
        return envs;
    }

    /** The buffer {@link #collect} fills. */
    public RolloutBuffer buffer() {
        return buffer;
    }

    /** The stream actions are sampled from. */
    public Rng actionRng() {
        return actionRng;
    }

    /** Replaces the action stream (restoring a checkpoint). */
    public void restoreActionRng(Rng rng) {
        this.actionRng = rng;
    }

    /** The observations the policy acts on next, {@code [numEnvs, observationSize]} (processed); mutable for restore. */
    public float[] currentObservations() {
        return current;
    }

    /** Returns of the episodes in progress (raw rewards); mutable for restore. */
    public double[] episodeReturns() {
        return episodeReturns;
    }

    /** Lengths of the episodes in progress; mutable for restore. */
    public int[] episodeLengths() {
        return episodeLengths;
    }

    /** The observation normaliser, or null. */
    public ObservationNormalizer observationNormalizer() {
        return observationNormalizer;
    }

    /** The reward normaliser, or null. */
    public RewardNormalizer rewardNormalizer() {
        return rewardNormalizer;
    }

    /** Environment steps collected so far (all copies). */
    public long globalStep() {
        return globalStep;
    }

    /** Sets the step counter (restoring a checkpoint). */
    public void restoreGlobalStep(long step) {
        this.globalStep = step;
    }

    @Override
    public void close() {
        envs.close();
    }
}
