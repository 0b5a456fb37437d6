package dev.trail.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds checkpoints in run directories. */
final class Checkpoints {

    /** The metadata file every checkpoint directory holds. */
    static final String METADATA = "checkpoint.json";

    private Checkpoints() {
    }

    /**
     * The latest checkpoint of a run directory (its {@code checkpoints/} sub-folder, or the folder
     * itself), by name ({@code update-000123}, {@code step-000001000} sort in training order).
     */
    static Optional<Path> latest(Path runOrCheckpointsDir) throws IOException {
        Path dir = Files.isDirectory(runOrCheckpointsDir.resolve("checkpoints"))
                ? runOrCheckpointsDir.resolve("checkpoints") : runOrCheckpointsDir;
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(METADATA)))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    /** A checkpoint path as given, or the latest one inside a run directory; a clear error if none. */
    static Path resolve(Path given, String option) throws IOException {
        if (Files.isRegularFile(given.resolve(METADATA))) {
            return given;
        }
        if (Files.isRegularFile(given) && given.getFileName().toString().equals(METADATA)) {
            return given.getParent();
        }
        if (!Files.exists(given)) {
            throw new UserError(option + " " + given + " does not exist");
        }
        return latest(given).orElseThrow(() -> new UserError(option + " " + given
                + " holds no checkpoint (a folder with " + METADATA + ")"));
    }
}
