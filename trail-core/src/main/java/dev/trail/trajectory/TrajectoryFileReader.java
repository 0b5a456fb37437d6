package dev.trail.trajectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Reads a trajectory file (JSONL, Parquet, ...) into memory, for code that cannot depend on the
 * module that owns the file formats: learners in trail-learn read their {@code bc_dataset} and
 * {@code start_states} files through it. trail-data provides the implementation (a
 * {@link ServiceLoader} service); {@link #readAll} finds it on the class path.
 */
public interface TrajectoryFileReader {

    /** Every trajectory of {@code file}, in file order. */
    List<Trajectory> read(Path file) throws IOException;

    /**
     * Every trajectory of {@code file} through the service on the class path.
     *
     * @throws IllegalStateException if no reader (trail-data) is on the class path
     */
    static List<Trajectory> readAll(Path file) throws IOException {
        for (TrajectoryFileReader r : ServiceLoader.load(TrajectoryFileReader.class)) {
            return r.read(file);
        }
        throw new IllegalStateException("cannot read " + file + ": no trajectory file reader on the class path "
                + "(trail-data provides it)");
    }
}
