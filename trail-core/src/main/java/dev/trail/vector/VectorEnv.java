package dev.trail.vector;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * N copies of an {@link ArrayEnv} stepped as one batch on primitive arrays.
 *
 * <h2>Layout</h2>
 * Observations are {@code float[N * obsDim]}, row {@code i} (offset {@code i * obsDim}) belonging
 * to environment {@code i}. Actions are {@code int[N]} for a {@link Discrete} action space
 * ({@link #step(int[])}) or {@code float[N * actionDim]} for a {@link Box} ({@link #step(float[])}).
 *
 * <h2>Auto-reset (same step)</h2>
 * When environment {@code i} terminates or is truncated, it is reset within the same
 * {@code step}, continuing its own random stream: {@link #observations()} row {@code i} then holds
 * the first observation of the new episode, and {@link #finalObservations()} row {@code i} the
 * last observation of the episode that ended (bootstrap from it when the episode was truncated).
 * {@link #rewards()}, {@link #terminated()} and {@link #truncated()} describe the step that was
 * taken, as usual. Rows of {@code finalObservations()} for environments that did not end on this
 * step hold stale values.
 *
 * <h2>Buffers</h2>
 * The arrays returned by {@link #observations()}, {@link #rewards()}, {@link #terminated()},
 * {@link #truncated()}, {@link #finalObservations()}, {@link #episodeReturns()} and
 * {@link #episodeLengths()} are owned by this object and reused: their contents are valid until
 * the next {@code step} or {@code reset}, which overwrite them in place. Copy what you keep.
 * The caller may read them but must not write them.
 *
 * <h2>Seeding and threads</h2>
 * {@link #reset(long)} seeds environment {@code i} with {@code Seeds.split(seed, N)[i]}; from
 * then on each environment draws only from its own stream. With {@code threads = T > 1}, the
 * environments are split into {@code T} contiguous chunks of nearly equal size, the caller steps
 * the first and {@code T - 1} daemon threads named {@code trail-vector-<n>} step the others. No
 * state is shared between environments, and episode records are collected in environment order
 * after each batch, so every result is bit-identical whatever the thread count. One step of a
 * classic-control environment takes tens of nanoseconds and a hand-off between threads about a
 * microsecond: use threads only when a chunk holds enough work (many or slow environments), or
 * give each chunk's thread the work that picks its actions too ({@link #step(int[], RowTask)}).
 *
 * <p>A {@code VectorEnv} is used from one thread at a time. {@link #close()} stops its threads and
 * closes the environments.
 *
 * <h2>Errors</h2>
 * A wrong action array length is an {@link IllegalArgumentException} giving both lengths; an action
 * outside the space is an {@link IllegalArgumentException} naming the environment index, detected
 * before any environment steps (a rejected batch changes nothing); stepping before the first reset
 * is an {@link IllegalStateException}. An exception from an environment's dynamics is rethrown
 * naming the environment; the batch is then partly applied, and the vector needs a {@code reset}.
 */
public final class VectorEnv implements AutoCloseable {

    /** How many finished episodes are kept for {@link #drainEpisodes()} before the oldest are dropped. */
    public static final int MAX_PENDING_EPISODES = 100_000;

    private final ArrayEnv<?>[] envs;
    private final int n;
    private final int obsDim;
    private final int actionDim;
    private final Space<?> actionSpace;
    private final Discrete discrete; // null for continuous actions
    private final Box box; // null for discrete actions
    private final int[] chunkStart; // chunk k covers [chunkStart[k], chunkStart[k + 1])
    private final ChunkRunner runner; // null when sequential

    private final float[] observations;
    private final float[] finalObservations;
    private final double[] rewards;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final double[] runningReturns;
    private final int[] runningLengths;
    private final ArrayDeque<EpisodeInfo> pending = new ArrayDeque<>();

    // the batch in flight, read by the chunk workers
    private int[] discreteActions;
    private float[] continuousActions;
    private long[] resetSeeds;
    private RowTask beforeStep; // the caller's work on each chunk's rows before they step, or null
    private final ChunkRunner.Chunk stepChunk = this::stepChunk;
    private final ChunkRunner.Chunk resetChunk = this::resetChunk;

    private boolean started;
    private boolean closed;

    /** {@code numEnvs} environments from {@code factory}, stepped sequentially in the caller's thread. */
    public VectorEnv(Supplier<? extends ArrayEnv<?>> factory, int numEnvs) {
        this(factory, numEnvs, 1);
    }

    /**
     * {@code numEnvs} environments from {@code factory} (each call must return a new instance).
     *
     * @param threads 1 to step in the caller's thread; {@code T > 1} for the caller plus
     *     {@code T - 1} workers (capped at {@code numEnvs})
     */
    public VectorEnv(Supplier<? extends ArrayEnv<?>> factory, int numEnvs, int threads) {
        this(create(factory, numEnvs), threads);
    }

    /**
     * The given environments, which must be distinct instances with the same observation size and
     * action space.
     *
     * @param threads as in {@link #VectorEnv(Supplier, int, int)}
     */
    public VectorEnv(List<? extends ArrayEnv<?>> envs, int threads) {
        if (envs == null || envs.isEmpty()) {
            throw new IllegalArgumentException("a VectorEnv needs N >= 1 environments, got N = "
                    + (envs == null ? "null" : "0"));
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.envs = envs.toArray(new ArrayEnv<?>[0]);
        this.n = this.envs.length;
        Map<ArrayEnv<?>, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            if (this.envs[i] == null) {
                throw new IllegalArgumentException("environment " + i + " is null");
            }
            Integer before = seen.put(this.envs[i], i);
            if (before != null) {
                throw new IllegalArgumentException("environments " + before + " and " + i
                        + " are the same instance; each copy needs its own state");
            }
        }
        ArrayEnv<?> first = this.envs[0];
        this.obsDim = first.observationSize();
        this.actionSpace = first.actionSpace();
        for (int i = 1; i < n; i++) {
            if (this.envs[i].observationSize() != obsDim || !this.envs[i].actionSpace().equals(actionSpace)) {
                throw new IllegalArgumentException("environment " + i + " (" + this.envs[i].id() + ", observation size "
                        + this.envs[i].observationSize() + ", actions " + this.envs[i].actionSpace()
                        + ") differs from environment 0 (" + first.id() + ", observation size " + obsDim
                        + ", actions " + actionSpace + ")");
            }
        }
        if (actionSpace instanceof Discrete d) {
            this.discrete = d;
            this.box = null;
        } else if (actionSpace instanceof Box b) {
            this.discrete = null;
            this.box = b;
        } else {
            throw new IllegalArgumentException("VectorEnv supports Discrete and Box action spaces, "
                    + first.id() + " has " + actionSpace);
        }
        this.actionDim = actionSpace.flatSize();

        int t = Math.min(threads, n);
        chunkStart = new int[t + 1];
        for (int k = 0; k <= t; k++) {
            chunkStart[k] = (int) ((long) k * n / t);
        }
        runner = t > 1 ? new ChunkRunner(t) : null;

        observations = new float[n * obsDim];
        finalObservations = new float[n * obsDim];
        rewards = new double[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
        runningReturns = new double[n];
        runningLengths = new int[n];
    }

    private static List<ArrayEnv<?>> create(Supplier<? extends ArrayEnv<?>> factory, int numEnvs) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("a VectorEnv needs N >= 1 environments, got N = " + numEnvs);
        }
        List<ArrayEnv<?>> list = new ArrayList<>(numEnvs);
        for (int i = 0; i < numEnvs; i++) {
            list.add(factory.get());
        }
        return list;
    }

    // ---- shape ----------------------------------------------------------------------------------

    /** Number of environments N. */
    public int numEnvs() {
        return n;
    }

    /** The first row of chunk {@code k} ({@code k = threads()} gives N): chunk k steps rows {@code [chunkStart(k), chunkStart(k + 1))}. */
    public int chunkStart(int k) {
        return chunkStart[k];
    }

    /** Number of threads stepping the batch (the caller included). */
    public int threads() {
        return chunkStart.length - 1;
    }

    /** Floats per observation. */
    public int observationSize() {
        return obsDim;
    }

    /** Scalars per action (1 for a discrete space). */
    public int actionSize() {
        return actionDim;
    }

    /** The action space of one environment. */
    public Space<?> singleActionSpace() {
        return actionSpace;
    }

    /** The observation space of one environment. */
    public Space<float[]> singleObservationSpace() {
        return envs[0].observationSpace();
    }

    /** Whether actions are discrete ({@link #step(int[])}) rather than continuous ({@link #step(float[])}). */
    public boolean discreteActions() {
        return discrete != null;
    }

    /** Environment {@code i} (for inspection and snapshots; stepping it directly desynchronizes the batch). */
    public ArrayEnv<?> env(int i) {
        return envs[i];
    }

    // ---- reset and step -------------------------------------------------------------------------

    /**
     * Seeds environment {@code i} with {@code Seeds.split(seed, N)[i]}, starts new episodes (any
     * episode in progress is dropped from the statistics) and returns {@link #observations()}.
     */
    public float[] reset(long seed) {
        checkOpen();
        resetSeeds = Seeds.split(seed, n);
        run(resetChunk);
        resetSeeds = null;
        java.util.Arrays.fill(rewards, 0);
        java.util.Arrays.fill(terminated, false);
        java.util.Arrays.fill(truncated, false);
        java.util.Arrays.fill(runningReturns, 0);
        java.util.Arrays.fill(runningLengths, 0);
        started = true;
        return observations;
    }

    /**
     * Steps every environment with its discrete action {@code actions[i]} and auto-resets those
     * that end; results are in the buffers ({@link #observations()}, ...).
     */
    public void step(int[] actions) {
        checkReady();
        if (discrete == null) {
            throw new IllegalArgumentException("these environments take continuous actions in " + actionSpace
                    + "; call step(float[]) with " + n * actionDim + " floats");
        }
        if (actions.length != n) {
            throw new IllegalArgumentException("expected " + n + " actions (one per environment), got " + actions.length);
        }
        for (int i = 0; i < n; i++) {
            if (!discrete.contains(actions[i])) {
                throw new IllegalArgumentException("env " + i + ": action " + actions[i] + " is outside the space "
                        + discrete);
            }
        }
        discreteActions = actions;
        try {
            run(stepChunk);
        } finally {
            discreteActions = null;
        }
        collectEpisodes();
    }

    /**
     * Steps every environment with its continuous action {@code actions[i * actionSize() ..]} and
     * auto-resets those that end; results are in the buffers ({@link #observations()}, ...).
     */
    public void step(float[] actions) {
        checkReady();
        if (box == null) {
            throw new IllegalArgumentException("these environments take discrete actions in " + actionSpace
                    + "; call step(int[]) with " + n + " ints");
        }
        if (actions.length != n * actionDim) {
            throw new IllegalArgumentException("expected " + n * actionDim + " floats (" + n + " environments x "
                    + actionDim + " action components), got " + actions.length);
        }
        for (int i = 0; i < n; i++) {
            try {
                box.validate(actions, i * actionDim);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("env " + i + ": " + e.getMessage(), e);
            }
        }
        continuousActions = actions;
        try {
            run(stepChunk);
        } finally {
            continuousActions = null;
        }
        collectEpisodes();
    }

    /**
     * Work that each chunk's thread does on its own rows {@code [from, to)} just before they step
     * (see {@link #step(int[], RowTask)}); {@code chunk} is the chunk's index in
     * {@code [0, threads())}, constant for a thread, so per-thread scratch can be indexed by it.
     */
    @FunctionalInterface
    public interface RowTask {
        void run(int chunk, int from, int to);
    }

    /**
     * Like {@link #step(int[])}, but {@code actions} is filled by {@code beforeStep} during the
     * step: each chunk's thread first runs {@code beforeStep} on its rows, which must write
     * {@code actions[from .. to)}, then steps those rows. So the work that picks the actions (a
     * policy's forward pass) runs on the threads of the environments it acts for, one hand-off
     * per step. Each chunk checks its actions before any of its environments step; a bad action
     * is an {@link IllegalArgumentException} naming the environment (the other chunks may then
     * have stepped: reset the vector). Results depend only on what {@code beforeStep} writes,
     * not on the thread count.
     */
    public void step(int[] actions, RowTask beforeStep) {
        checkReady();
        if (discrete == null) {
            throw new IllegalArgumentException("these environments take continuous actions in " + actionSpace
                    + "; call step(float[], RowTask) with " + n * actionDim + " floats");
        }
        if (actions.length != n) {
            throw new IllegalArgumentException("expected " + n + " actions (one per environment), got " + actions.length);
        }
        discreteActions = actions;
        this.beforeStep = beforeStep;
        try {
            run(stepChunk);
        } finally {
            discreteActions = null;
            this.beforeStep = null;
        }
        collectEpisodes();
    }

    /**
     * {@link #step(int[], RowTask)} for continuous actions: {@code beforeStep} writes
     * {@code actions[from * actionSize() .. to * actionSize())}.
     */
    public void step(float[] actions, RowTask beforeStep) {
        checkReady();
        if (box == null) {
            throw new IllegalArgumentException("these environments take discrete actions in " + actionSpace
                    + "; call step(int[], RowTask) with " + n + " ints");
        }
        if (actions.length != n * actionDim) {
            throw new IllegalArgumentException("expected " + n * actionDim + " floats (" + n + " environments x "
                    + actionDim + " action components), got " + actions.length);
        }
        continuousActions = actions;
        this.beforeStep = beforeStep;
        try {
            run(stepChunk);
        } finally {
            continuousActions = null;
            this.beforeStep = null;
        }
        collectEpisodes();
    }

    /** Checks the actions of rows {@code [from, to)} that a {@link RowTask} wrote. */
    private void checkActions(int from, int to) {
        for (int i = from; i < to; i++) {
            if (discreteActions != null) {
                if (!discrete.contains(discreteActions[i])) {
                    throw new IllegalArgumentException("env " + i + ": action " + discreteActions[i]
                            + " is outside the space " + discrete);
                }
            } else {
                try {
                    box.validate(continuousActions, i * actionDim);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("env " + i + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private void run(ChunkRunner.Chunk chunk) {
        if (runner == null) {
            chunk.run(0);
        } else {
            runner.run(chunk);
        }
    }

    private void resetChunk(int chunk) {
        for (int i = chunkStart[chunk], end = chunkStart[chunk + 1]; i < end; i++) {
            try {
                envs[i].resetInto(resetSeeds[i], observations, i * obsDim);
            } catch (RuntimeException e) {
                throw named(i, e);
            }
        }
    }

    private void stepChunk(int chunk) {
        int[] ints = discreteActions;
        float[] floats = continuousActions;
        RowTask before = beforeStep;
        if (before != null) {
            before.run(chunk, chunkStart[chunk], chunkStart[chunk + 1]);
            checkActions(chunkStart[chunk], chunkStart[chunk + 1]);
        }
        for (int i = chunkStart[chunk], end = chunkStart[chunk + 1]; i < end; i++) {
            ArrayEnv<?> env = envs[i];
            int offset = i * obsDim;
            try {
                double reward = ints != null
                        ? env.stepInto(ints[i], observations, offset)
                        : env.stepInto(floats, i * actionDim, observations, offset);
                boolean term = env.terminated();
                boolean trunc = env.truncated();
                rewards[i] = reward;
                terminated[i] = term;
                truncated[i] = trunc;
                runningReturns[i] += reward;
                runningLengths[i]++;
                if (term || trunc) {
                    System.arraycopy(observations, offset, finalObservations, offset, obsDim);
                    env.resetInto(observations, offset);
                }
            } catch (RuntimeException e) {
                throw named(i, e);
            }
        }
    }

    private void collectEpisodes() {
        for (int i = 0; i < n; i++) {
            if (terminated[i] || truncated[i]) {
                if (pending.size() == MAX_PENDING_EPISODES) {
                    pending.removeFirst();
                }
                pending.addLast(new EpisodeInfo(i, runningReturns[i], runningLengths[i], terminated[i], truncated[i]));
                runningReturns[i] = 0;
                runningLengths[i] = 0;
            }
        }
    }

    private static RuntimeException named(int i, RuntimeException e) {
        String message = "env " + i + ": " + e.getMessage();
        if (e instanceof IllegalArgumentException) {
            return new IllegalArgumentException(message, e);
        }
        if (e instanceof IllegalStateException) {
            return new IllegalStateException(message, e);
        }
        if (e instanceof UnsupportedOperationException) {
            return new UnsupportedOperationException(message, e);
        }
        return new IllegalStateException(message, e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this VectorEnv is closed");
        }
    }

    private void checkReady() {
        checkOpen();
        if (!started) {
            throw new IllegalStateException("step() called before reset(seed); reset the VectorEnv first");
        }
    }

    // ---- buffers --------------------------------------------------------------------------------

    /** {@code float[N * obsDim]}: each environment's current observation (after auto-reset). Reused. */
    public float[] observations() {
        return observations;
    }

    /**
     * {@code float[N * obsDim]}: row {@code i} is the last observation of the episode that
     * environment {@code i} ended on the last step; stale for environments that did not end. Reused.
     */
    public float[] finalObservations() {
        return finalObservations;
    }

    /** {@code double[N]}: rewards of the last step. Reused. */
    public double[] rewards() {
        return rewards;
    }

    /** {@code boolean[N]}: whether the last step reached a terminal state. Reused. */
    public boolean[] terminated() {
        return terminated;
    }

    /** {@code boolean[N]}: whether the last step hit the time limit. Reused. */
    public boolean[] truncated() {
        return truncated;
    }

    // ---- episode statistics ---------------------------------------------------------------------

    /** {@code double[N]}: the return so far of each environment's episode in progress. Reused. */
    public double[] episodeReturns() {
        return runningReturns;
    }

    /** {@code int[N]}: the length so far of each environment's episode in progress. Reused. */
    public int[] episodeLengths() {
        return runningLengths;
    }

    /**
     * The episodes finished since the last call (at most {@value #MAX_PENDING_EPISODES}, the most
     * recent), in the order they finished; environments finishing on the same step are in index
     * order.
     */
    public List<EpisodeInfo> drainEpisodes() {
        if (pending.isEmpty()) {
            return Collections.emptyList();
        }
        List<EpisodeInfo> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Stops the worker threads and closes the environments. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (runner != null) {
            runner.close();
        }
        for (ArrayEnv<?> env : envs) {
            env.close();
        }
    }

    /** The worker threads (for tests). */
    Thread[] workerThreads() {
        return runner == null ? new Thread[0] : runner.threads();
    }

    @Override
    public String toString() {
        return "VectorEnv[" + n + " x " + envs[0].id() + ", threads=" + threads() + "]";
    }
}
