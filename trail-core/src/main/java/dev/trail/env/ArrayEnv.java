package dev.trail.env;

import dev.trail.seed.Rng;
import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;

/**
 * An environment with flat {@code float} observations and a primitive-array fast path: it can
 * write observations into a caller's array and take actions without allocating, which is what
 * {@link dev.trail.vector.VectorEnv} steps. It also implements the object {@link Env} API on top of
 * that path, the registry's time limit, the {@code step}-after-end check, and snapshots.
 *
 * <p>A subclass supplies the dynamics through four hooks: {@link #resetState(Rng)},
 * {@link #advance(int)} or {@link #advance(float[], int)}, {@link #observe(float[], int)},
 * and {@link #state()} / {@link #setState(double[])}. Actions reach {@code advance} validated.
 *
 * <p>Seeding ({@link Seeding}): by default {@code reset(seed)} seeds Trail's {@link Rng} and the
 * start state is drawn in {@link #resetState(Rng)}. An environment ported from Python that must
 * reproduce Gymnasium's {@code reset(seed=s)} is built with {@link Seeding#NUMPY}: its stream is
 * then NumPy's {@code default_rng(s)} ({@link Generator}) and it draws in
 * {@link #resetState(Generator)}. Either stream is part of the {@linkplain #snapshot() snapshot}.
 *
 * <p>Time limit: with {@code maxEpisodeSteps > 0}, the step that reaches it returns
 * {@code truncated = true} (and also {@code terminated} if the dynamics terminated on that same
 * step), as Gymnasium's {@code TimeLimit} wrapper does.
 *
 * @param <A> action type: {@code Integer} for discrete spaces, {@code float[]} for boxes
 */
public abstract class ArrayEnv<A> implements Env<float[], A>, Snapshottable<EnvSnapshot> {

    /** Which random stream {@code reset(seed)} seeds. */
    public enum Seeding {
        /** Trail's {@link Rng} (SplitMix64) seeded with the seed; the hook is {@link #resetState(Rng)}. */
        SPLIT_MIX,
        /**
         * NumPy's {@code np.random.default_rng(seed)} ({@link Generator}: PCG64 through SeedSequence),
         * as Gymnasium seeds an environment; the hook is {@link #resetState(Generator)}. A negative
         * {@code long} seed stands for NumPy's seed {@code seed + 2^64}.
         */
        NUMPY
    }

    private final int maxEpisodeSteps;
    private final Seeding seeding;
    private Rng rng = new Rng(0);
    private Generator npRandom;
    private int elapsedSteps;
    private boolean needsReset = true;
    private boolean lastTerminated;
    private boolean lastTruncated;

    /** Set by {@link #advance}: whether the step reached a terminal state. */
    protected boolean terminal;

    /** @param maxEpisodeSteps the time limit in steps, or 0 for none */
    protected ArrayEnv(int maxEpisodeSteps) {
        this(maxEpisodeSteps, Seeding.SPLIT_MIX);
    }

    /**
     * @param maxEpisodeSteps the time limit in steps, or 0 for none
     * @param seeding which random stream {@code reset(seed)} seeds
     */
    protected ArrayEnv(int maxEpisodeSteps, Seeding seeding) {
        if (maxEpisodeSteps < 0) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 0, got " + maxEpisodeSteps);
        }
        if (seeding == null) {
            throw new IllegalArgumentException("seeding must be SPLIT_MIX or NUMPY, got null");
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
        this.seeding = seeding;
        if (seeding == Seeding.NUMPY) {
            npRandom = Generator.seeded(0);
        }
    }

    // ---- hooks --------------------------------------------------------------------------------

    /** Draws the start state of an episode from {@code rng} ({@link Seeding#SPLIT_MIX} environments). */
    protected void resetState(Rng rng) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is seeded with " + seeding
                + " and must override resetState(" + (seeding == Seeding.NUMPY ? "Generator" : "Rng") + ")");
    }

    /**
     * Draws the start state of an episode from NumPy's generator ({@link Seeding#NUMPY}
     * environments), making the same calls in the same order as the Python original.
     */
    protected void resetState(Generator npRandom) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is seeded with " + seeding
                + " and must override resetState(" + (seeding == Seeding.NUMPY ? "Generator" : "Rng") + ")");
    }

    /** Applies a validated discrete action; returns the reward and sets {@link #terminal}. */
    protected double advance(int action) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes continuous actions");
    }

    /**
     * Applies the validated continuous action {@code actions[offset .. offset + actionSize())};
     * returns the reward and sets {@link #terminal}.
     */
    protected double advance(float[] actions, int offset) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes discrete actions");
    }

    /** Writes the current observation into {@code out[offset .. offset + observationSize())}. */
    protected abstract void observe(float[] out, int offset);

    /** The internal state in the environment's documented layout (a copy). */
    public abstract double[] state();

    /**
     * Sets the internal state (layout as {@link #state()}) and makes the episode steppable; the
     * time-limit counter is kept.
     */
    public void setState(double[] state) {
        loadState(state);
        needsReset = false;
    }

    /** Copies {@code state} into the dynamics; called by {@link #setState} and {@link #restore}. */
    protected abstract void loadState(double[] state);

    // ---- primitive fast path -----------------------------------------------------------------

    /** Number of floats in one observation. */
    public abstract int observationSize();

    /** Number of scalars in one action (1 for a discrete space). */
    public int actionSize() {
        return actionSpace().flatSize();
    }

    /** The time limit in steps, or 0 for none. */
    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Steps taken since the last reset. */
    public int elapsedSteps() {
        return elapsedSteps;
    }

    /** Reseeds the environment's stream with {@code seed}, starts an episode, writes its observation. */
    public final void resetInto(long seed, float[] observation, int offset) {
        if (seeding == Seeding.NUMPY) {
            npRandom = Generator.seeded(seed);
        } else {
            rng = new Rng(seed);
        }
        resetInto(observation, offset);
    }

    /** Starts an episode continuing the environment's stream, and writes its first observation. */
    public final void resetInto(float[] observation, int offset) {
        if (seeding == Seeding.NUMPY) {
            resetState(npRandom);
        } else {
            resetState(rng);
        }
        elapsedSteps = 0;
        needsReset = false;
        lastTerminated = false;
        lastTruncated = false;
        observe(observation, offset);
    }

    /**
     * Steps with a discrete action, writes the next observation, returns the reward; the flags
     * are then available from {@link #terminated()} and {@link #truncated()}.
     */
    public final double stepInto(int action, float[] observation, int offset) {
        checkRunning();
        if (!(actionSpace() instanceof Discrete d)) {
            throw new IllegalArgumentException(id() + " takes actions in " + actionSpace() + ", not a discrete action");
        }
        d.validate(action);
        terminal = false;
        double reward = advance(action);
        finishStep(observation, offset);
        return reward;
    }

    /** Steps with the continuous action {@code actions[actionOffset ..]}; see {@link #stepInto(int, float[], int)}. */
    public final double stepInto(float[] actions, int actionOffset, float[] observation, int offset) {
        checkRunning();
        if (!(actionSpace() instanceof Box box)) {
            throw new IllegalArgumentException(id() + " takes actions in " + actionSpace() + ", not a continuous action");
        }
        box.validate(actions, actionOffset);
        terminal = false;
        double reward = advance(actions, actionOffset);
        finishStep(observation, offset);
        return reward;
    }

    private void checkRunning() {
        if (needsReset) {
            throw new IllegalStateException(id() + ": step() called after the episode ended; call reset() first");
        }
    }

    private void finishStep(float[] observation, int offset) {
        elapsedSteps++;
        lastTerminated = terminal;
        lastTruncated = maxEpisodeSteps > 0 && elapsedSteps >= maxEpisodeSteps;
        needsReset = lastTerminated || lastTruncated;
        observe(observation, offset);
    }

    /** Whether the last step reached a terminal state. */
    public boolean terminated() {
        return lastTerminated;
    }

    /** Whether the last step hit the time limit. */
    public boolean truncated() {
        return lastTruncated;
    }

    /** Whether the episode has ended (or not started) and a reset is due. */
    public boolean needsReset() {
        return needsReset;
    }

    /** A short name for messages; the simple class name unless overridden. */
    public String id() {
        return getClass().getSimpleName();
    }

    // ---- object API ---------------------------------------------------------------------------

    @Override
    public float[] reset(long seed) {
        float[] obs = new float[observationSize()];
        resetInto(seed, obs, 0);
        return obs;
    }

    @Override
    public float[] reset() {
        float[] obs = new float[observationSize()];
        resetInto(obs, 0);
        return obs;
    }

    @Override
    public StepResult<float[]> step(A action) {
        float[] obs = new float[observationSize()];
        double reward;
        if (action instanceof Integer i) {
            reward = stepInto(i.intValue(), obs, 0);
        } else if (action instanceof float[] a) {
            if (a.length != actionSize()) {
                throw new IllegalArgumentException("action has " + a.length + " components but " + actionSpace()
                        + " needs " + actionSize());
            }
            reward = stepInto(a, 0, obs, 0);
        } else {
            throw new IllegalArgumentException("action " + action + " is not an element of " + actionSpace());
        }
        return new StepResult<>(obs, reward, lastTerminated, lastTruncated);
    }

    // ---- snapshots ------------------------------------------------------------------------------

    @Override
    public EnvSnapshot snapshot() {
        return new EnvSnapshot(state(), elapsedSteps, needsReset,
                seeding == Seeding.NUMPY ? npRandom.state() : rng.state());
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        loadState(snapshot.state());
        elapsedSteps = snapshot.elapsedSteps();
        needsReset = snapshot.needsReset();
        if (seeding == Seeding.NUMPY) {
            npRandom = Generator.fromState(snapshot.rngState());
        } else {
            rng = Rng.fromState(snapshot.rngState());
        }
        lastTerminated = false;
        lastTruncated = false;
    }

    /** The environment's random stream (for subclasses that draw during steps). */
    protected Rng rng() {
        return rng;
    }

    /** NumPy's generator of a {@link Seeding#NUMPY} environment (for subclasses that draw during steps). */
    protected Generator npRandom() {
        if (npRandom == null) {
            throw new IllegalStateException(id() + " is seeded with " + seeding + ", it has no NumPy generator");
        }
        return npRandom;
    }

    /** Which random stream {@code reset(seed)} seeds. */
    public Seeding seeding() {
        return seeding;
    }

    @Override
    public abstract Space<A> actionSpace();
}
