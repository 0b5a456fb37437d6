package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The {@link TrajectoryFileReader} service: {@link TrajectoryFiles#readAll} with the format from the file name. */
public final class TrajectoryFilesReader implements TrajectoryFileReader {

    @Override
    public List<Trajectory> read(Path file) throws IOException {
        return TrajectoryFiles.readAll(file, null);
    }
}
