package dev.trail.env;

import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * An environment whose episodes start from states along a teacher's trajectories (SnapshotRL,
 * Zhao et al. 2024: "alter the environment, not the algorithm"). With probability
 * {@code fraction} a reset restores one of the {@linkplain #startStates start states}, drawn
 * uniformly; otherwise it is an ordinary reset of the wrapped environment with a seed drawn from
 * this environment's stream. An episode that starts from a snapshot starts its step counter at 0:
 * it has the environment's full time limit, and step-dependent rewards (MiniGrid's
 * {@code 1 - 0.9 · step_count / max_steps}) count from the start state.
 *
 * <p>Observations, actions, rewards and the time limit are the wrapped environment's. The
 * snapshot of this environment holds the wrapped one's (its state, step counter and random
 * stream) and this one's stream, so a checkpointed run resumes exactly.
 *
 * @param <A> the action type of the wrapped environment
 */
public final class StartStateEnv<A> extends ArrayEnv<A> {

    private final ArrayEnv<A> inner;
    private final List<EnvSnapshot> starts;
    private final double fraction;
    private final float[] scratch;
    private long[] pendingInnerRng;

    /**
     * @param inner the environment to start in the given states
     * @param starts the start states (snapshots of {@code inner}'s kind), at least one
     * @param fraction the probability that a reset starts from one of them, in [0, 1]
     */
    public StartStateEnv(ArrayEnv<A> inner, List<EnvSnapshot> starts, double fraction) {
        super(inner.maxEpisodeSteps());
        if (starts == null || starts.isEmpty()) {
            throw new IllegalArgumentException("start states: none given for " + inner.id());
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("start state fraction must be in [0, 1], got " + fraction);
        }
        this.inner = inner;
        this.starts = List.copyOf(starts);
        this.fraction = fraction;
        this.scratch = new float[inner.observationSize()];
    }

    /**
     * The states a teacher's trajectories pass through, by replaying each one in a fresh
     * environment from {@code factory}: {@code reset(seed)}, then its actions, taking a snapshot
     * before every action (the start state included, the state after the last action excluded).
     *
     * @param envId the environment's id; a trajectory whose task is another id is refused
     * @throws IllegalArgumentException naming the trajectory when it belongs to another
     *     environment, has no actions the environment takes, or ends earlier than recorded
     */
    public static List<EnvSnapshot> startStates(Supplier<? extends ArrayEnv<?>> factory, String envId,
            List<Trajectory> teacher) {
        List<EnvSnapshot> out = new ArrayList<>();
        try (ArrayEnv<?> env = factory.get()) {
            Space<?> space = env.actionSpace();
            float[] obs = new float[env.observationSize()];
            for (Trajectory t : teacher) {
                if (t.taskId() != null && !t.taskId().equals(envId)) {
                    throw new IllegalArgumentException("trajectory " + t.id() + " was recorded on " + t.taskId()
                            + ", not " + envId);
                }
                int k = t.actionSize();
                if (t.length() > 0 && (t.actions().length == 0 || k != env.actionSize())) {
                    throw new IllegalArgumentException("trajectory " + t.id() + " has actions of " + k + " values; "
                            + envId + " takes " + env.actionSize() + " (" + space + ")");
                }
                env.resetInto(t.seed(), obs, 0);
                for (int i = 0; i < t.length(); i++) {
                    if (env.needsReset()) {
                        throw new IllegalArgumentException("trajectory " + t.id() + " (seed " + t.seed() + "): " + envId
                                + " ended after " + i + " of its " + t.length() + " actions; it was not recorded on"
                                + " this environment");
                    }
                    out.add(env.snapshot());
                    try {
                        if (space instanceof Discrete) {
                            float a = t.actions()[i];
                            if (a != Math.rint(a)) {
                                throw new IllegalArgumentException("action " + a + " is not an integer");
                            }
                            env.stepInto((int) a, obs, 0);
                        } else if (space instanceof Box) {
                            env.stepInto(Arrays.copyOfRange(t.actions(), i * k, (i + 1) * k), 0, obs, 0);
                        } else {
                            throw new IllegalArgumentException(envId + " has actions in " + space
                                    + "; start states need Discrete or Box actions");
                        }
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("trajectory " + t.id() + " step " + i + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the teacher trajectories of " + envId + " have no steps");
        }
        return out;
    }

    /** The start states a reset chooses among. */
    public List<EnvSnapshot> startStates() {
        return starts;
    }

    /** The wrapped environment. */
    public ArrayEnv<A> inner() {
        return inner;
    }

    @Override
    protected void resetState(Rng rng) {
        if (fraction > 0 && rng.nextDouble() < fraction) {
            EnvSnapshot s = starts.get(rng.nextInt(starts.size()));
            inner.restore(new EnvSnapshot(s.state(), 0, false, s.rngState()));
        } else {
            inner.resetInto(rng.nextLong(), scratch, 0);
        }
    }

    @Override
    protected double advance(int action) {
        double reward = inner.stepInto(action, scratch, 0);
        terminal = inner.terminated();
        return reward;
    }

    @Override
    protected double advance(float[] actions, int offset) {
        double reward = inner.stepInto(actions, offset, scratch, 0);
        terminal = inner.terminated();
        return reward;
    }

    @Override
    protected void observe(float[] out, int offset) {
        inner.observe(out, offset);
    }

    /** {@code [inner step counter, inner needs reset (0/1), the inner state ...]}. */
    @Override
    public double[] state() {
        double[] s = inner.state();
        double[] out = new double[s.length + 2];
        out[0] = inner.elapsedSteps();
        out[1] = inner.needsReset() ? 1 : 0;
        System.arraycopy(s, 0, out, 2, s.length);
        return out;
    }

    @Override
    protected void loadState(double[] state) {
        if (state == null || state.length < 2) {
            throw new IllegalArgumentException("a start-state environment's state is [inner steps, inner needs reset, "
                    + "inner state...], got " + (state == null ? "null" : state.length + " values"));
        }
        long[] rng = pendingInnerRng != null ? pendingInnerRng : inner.snapshot().rngState();
        pendingInnerRng = null;
        inner.restore(new EnvSnapshot(Arrays.copyOfRange(state, 2, state.length), (int) state[0], state[1] != 0, rng));
    }

    /** This environment's snapshot: the inner state in {@link #state()}, both random streams in {@code rngState}. */
    @Override
    public EnvSnapshot snapshot() {
        EnvSnapshot base = super.snapshot();
        long[] own = base.rngState();
        long[] other = inner.snapshot().rngState();
        long[] rng = Arrays.copyOf(own, own.length + other.length);
        System.arraycopy(other, 0, rng, own.length, other.length);
        return new EnvSnapshot(base.state(), base.elapsedSteps(), base.needsReset(), rng);
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        long[] rng = snapshot.rngState();
        if (rng.length <= 2) {
            throw new IllegalArgumentException("a start-state environment's snapshot holds two random streams, got "
                    + rng.length + " values");
        }
        pendingInnerRng = Arrays.copyOfRange(rng, 2, rng.length);
        super.restore(new EnvSnapshot(snapshot.state(), snapshot.elapsedSteps(), snapshot.needsReset(),
                Arrays.copyOf(rng, 2)));
    }

    @Override
    public int observationSize() {
        return inner.observationSize();
    }

    @Override
    public int actionSize() {
        return inner.actionSize();
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public Space<A> actionSpace() {
        return inner.actionSpace();
    }

    @Override
    public Space<float[]> observationSpace() {
        return inner.observationSpace();
    }

    @Override
    public void close() {
        inner.close();
    }
}
