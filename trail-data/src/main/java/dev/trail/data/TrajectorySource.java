package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.util.Map;

/** Trajectories read one at a time from a dataset file, in file order, without holding the dataset. */
public interface TrajectorySource extends AutoCloseable {

    /** The next trajectory, or null at the end. Bad input throws a {@link DatasetException} naming file, line or row, and field. */
    Trajectory next() throws IOException;

    /** File-level metadata (Parquet key-value metadata, Minari dataset metadata); empty for JSONL. */
    Map<String, String> metadata();

    @Override
    void close() throws IOException;
}
