package dev.trail.algo.sac;

import dev.trail.seed.Rng;

/**
 * A uniform replay buffer of transitions {@code (s, a, r, s', terminated)} on primitive arrays,
 * overwriting the oldest when full. {@code s'} is the true next observation (the final one when
 * the episode was cut), and only {@code terminated} stops bootstrapping.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int obsDim;
    private final int actDim;
    private final float[] observations;
    private final float[] nextObservations;
    private final float[] actions;
    private final float[] rewards;
    private final boolean[] terminated;
    private int next;
    private int size;

    public ReplayBuffer(int capacity, int obsDim, int actDim) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.observations = new float[Math.multiplyExact(capacity, obsDim)];
        this.nextObservations = new float[Math.multiplyExact(capacity, obsDim)];
        this.actions = new float[Math.multiplyExact(capacity, actDim)];
        this.rewards = new float[capacity];
        this.terminated = new boolean[capacity];
    }

    /** Adds one transition, copying {@code obs[obsOffset ..]}, {@code nextObs[...]} and {@code action[...]}. */
    public void add(float[] obs, int obsOffset, float[] nextObs, int nextOffset, float[] action, int actionOffset,
            double reward, boolean isTerminated) {
        System.arraycopy(obs, obsOffset, observations, next * obsDim, obsDim);
        System.arraycopy(nextObs, nextOffset, nextObservations, next * obsDim, obsDim);
        System.arraycopy(action, actionOffset, actions, next * actDim, actDim);
        rewards[next] = (float) reward;
        terminated[next] = isTerminated;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The contents as tensors (for checkpoints): every row of the capacity, plus {@link #position()}. */
    public dev.trail.nn.Parameters toTensors() {
        dev.trail.nn.Parameters p = new dev.trail.nn.Parameters();
        p.add("observations", new int[] {observations.length}, observations.clone());
        p.add("nextObservations", new int[] {nextObservations.length}, nextObservations.clone());
        p.add("actions", new int[] {actions.length}, actions.clone());
        p.add("rewards", new int[] {rewards.length}, rewards.clone());
        float[] t = new float[capacity];
        for (int i = 0; i < capacity; i++) {
            t[i] = terminated[i] ? 1f : 0f;
        }
        p.add("terminated", new int[] {capacity}, t);
        return p;
    }

    /** Restores the contents saved by {@link #toTensors()} with its {@code position} and {@code size}. */
    public void restore(dev.trail.nn.Parameters tensors, int position, int storedSize) {
        copy(tensors.get("observations").data(), observations);
        copy(tensors.get("nextObservations").data(), nextObservations);
        copy(tensors.get("actions").data(), actions);
        copy(tensors.get("rewards").data(), rewards);
        float[] t = tensors.get("terminated").data();
        if (t.length != capacity || position < 0 || position >= capacity || storedSize < 0 || storedSize > capacity) {
            throw new IllegalArgumentException("replay state for capacity " + t.length + " (position " + position
                    + ", size " + storedSize + ") does not fit a buffer of capacity " + capacity);
        }
        for (int i = 0; i < capacity; i++) {
            terminated[i] = t[i] != 0f;
        }
        this.next = position;
        this.size = storedSize;
    }

    private static void copy(float[] from, float[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("replay state has " + from.length + " values where the buffer has "
                    + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /** The row the next transition goes to. */
    public int position() {
        return next;
    }

    /** Transitions stored. */
    public int size() {
        return size;
    }

    /**
     * A batch of {@code n} transitions drawn uniformly with replacement, as SB3's buffer.
     *
     * @param observations {@code [n, obsDim]}
     * @param actions {@code [n, actDim]}
     * @param rewards {@code [n]}
     * @param notDone {@code [n]}: 1 where the episode did not terminate
     * @param nextObservations {@code [n, obsDim]}
     */
    public record Batch(float[] observations, float[] actions, float[] rewards, float[] notDone,
            float[] nextObservations) {
    }

    /** Samples a batch with indices from {@code rng}. */
    public Batch sample(int n, Rng rng) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample from an empty replay buffer");
        }
        float[] o = new float[n * obsDim];
        float[] a = new float[n * actDim];
        float[] r = new float[n];
        float[] d = new float[n];
        float[] o2 = new float[n * obsDim];
        for (int k = 0; k < n; k++) {
            int i = rng.nextInt(size);
            System.arraycopy(observations, i * obsDim, o, k * obsDim, obsDim);
            System.arraycopy(nextObservations, i * obsDim, o2, k * obsDim, obsDim);
            System.arraycopy(actions, i * actDim, a, k * actDim, actDim);
            r[k] = rewards[i];
            d[k] = terminated[i] ? 0f : 1f;
        }
        return new Batch(o, a, r, d, o2);
    }
}
