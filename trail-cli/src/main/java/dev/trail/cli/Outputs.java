package dev.trail.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks made on output paths before any work starts, so a bad path fails fast. */
final class Outputs {

    private Outputs() {
    }

    /** Throws a {@link UserError} naming {@code option} and the path unless it can be written. */
    static void checkWritable(Path path, String option) {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new UserError("cannot write " + option + " " + path + ": it is a folder");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserError("cannot write " + option + " " + path + ": folder " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("cannot write " + option + " " + path + ": folder " + dir + " is not writable");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new UserError("cannot write " + option + " " + path + ": the file is not writable");
        }
    }
}
