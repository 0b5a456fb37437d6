package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records each episode's return, length and wall time, as Gymnasium's
 * {@code RecordEpisodeStatistics}. On the step that ends an episode (terminated or truncated) the
 * step's info gains {@value #RETURN} (the undiscounted sum of rewards, {@code Double}),
 * {@value #LENGTH} (steps, {@code Integer}) and {@value #TIME} (seconds since the reset,
 * {@code Double}). The last {@code bufferLength} episodes stay in bounded queues.
 *
 * <p>Rewards are summed as the inner environment returns them: put this wrapper inside any reward
 * normalization to log raw returns.
 */
public final class EpisodeStatistics<O, A> extends Wrapper<O, A> {

    /** Info key of the episode's return. */
    public static final String RETURN = "episode_return";
    /** Info key of the episode's length in steps. */
    public static final String LENGTH = "episode_length";
    /** Info key of the episode's wall time in seconds. */
    public static final String TIME = "episode_time";

    private final int bufferLength;
    private final LongSupplier nanoClock;
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();
    private double episodeReturn;
    private int episodeLength;
    private long episodeStart;
    private long episodeCount;

    /** Keeps the last 100 episodes, timed by {@link System#nanoTime()}. */
    public EpisodeStatistics(Env<O, A> env) {
        this(env, 100, System::nanoTime);
    }

    /**
     * @param bufferLength how many recent episodes the queues keep, at least 1
     * @param nanoClock a monotonic clock in nanoseconds (tests pass a fake one)
     */
    public EpisodeStatistics(Env<O, A> env, int bufferLength, LongSupplier nanoClock) {
        super(env);
        if (bufferLength < 1) {
            throw new IllegalArgumentException("bufferLength must be >= 1, got " + bufferLength);
        }
        this.bufferLength = bufferLength;
        this.nanoClock = nanoClock;
    }

    @Override
    public O reset(long seed) {
        O obs = env.reset(seed);
        started();
        return obs;
    }

    @Override
    public O reset() {
        O obs = env.reset();
        started();
        return obs;
    }

    private void started() {
        episodeReturn = 0;
        episodeLength = 0;
        episodeStart = nanoClock.getAsLong();
    }

    @Override
    public StepResult<O> step(A action) {
        StepResult<O> result = env.step(action);
        episodeReturn += result.reward();
        episodeLength++;
        if (!result.done()) {
            return result;
        }
        double seconds = (nanoClock.getAsLong() - episodeStart) * 1e-9;
        episodeCount++;
        if (recent.size() == bufferLength) {
            recent.removeFirst();
        }
        recent.addLast(new double[] {episodeReturn, episodeLength, seconds});
        Map<String, Object> info = new HashMap<>(result.info());
        info.put(RETURN, episodeReturn);
        info.put(LENGTH, episodeLength);
        info.put(TIME, seconds);
        return new StepResult<>(result.observation(), result.reward(), result.terminated(), result.truncated(), info);
    }

    /** Return of the episode in progress so far. */
    public double episodeReturn() {
        return episodeReturn;
    }

    /** Steps of the episode in progress so far. */
    public int episodeLength() {
        return episodeLength;
    }

    /** Episodes finished since this wrapper was created. */
    public long episodeCount() {
        return episodeCount;
    }

    /** Returns of the last (at most {@code bufferLength}) episodes, oldest first. */
    public double[] returnQueue() {
        return column(0);
    }

    /** Lengths of the last episodes, oldest first. */
    public int[] lengthQueue() {
        double[] lengths = column(1);
        int[] out = new int[lengths.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) lengths[i];
        }
        return out;
    }

    /** Wall times in seconds of the last episodes, oldest first. */
    public double[] timeQueue() {
        return column(2);
    }

    private double[] column(int c) {
        double[] out = new double[recent.size()];
        int i = 0;
        for (double[] e : recent) {
            out[i++] = e[c];
        }
        return out;
    }
}
