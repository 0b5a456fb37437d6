package dev.trail.env;

/**
 * An environment whose complete state (dynamics, step counter and random stream) can be saved
 * and restored. Restoring a snapshot and replaying the same actions gives the same
 * observations, rewards and flags as the original continuation. Tree rollouts branch from
 * snapshots, and Monte-Carlo value estimates restart from them.
 *
 * @param <S> the snapshot type; snapshots are immutable and may be restored any number of times
 */
public interface Snapshottable<S> {

    /** The current state, without changing it. */
    S snapshot();

    /** Puts the environment back into the state of {@code snapshot}. */
    void restore(S snapshot);
}
