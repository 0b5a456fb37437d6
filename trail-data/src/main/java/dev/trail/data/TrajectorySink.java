package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;

/**
 * Trajectories written one at a time to a dataset file. Nothing appears under the final name
 * until {@link #commit()}; closing without committing discards what was written and leaves an
 * existing file as it was.
 */
public interface TrajectorySink extends AutoCloseable {

    void write(Trajectory trajectory) throws IOException;

    /** Finishes the file and moves it into place atomically. */
    void commit() throws IOException;

    /** Discards an uncommitted file; does nothing after {@link #commit()}. */
    @Override
    void close() throws IOException;
}
