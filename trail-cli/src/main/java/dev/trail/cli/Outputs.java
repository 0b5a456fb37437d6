package dev.trail.cli;

import dev.trail.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks made on output paths before any work starts, so a bad path fails fast. The writing itself
 * is {@link AtomicFiles}: atomic replacement of regular files, streaming into devices, FIFOs and
 * {@code -} (standard output).
 */
final class Outputs {

    private Outputs() {
    }

    /** Throws a {@link UserError} naming {@code option} and the path unless it can be written. */
    static void checkWritable(Path path, String option) {
        if (AtomicFiles.isStandardOutput(path)) {
            return;
        }
        if (AtomicFiles.streamsInto(path)) {
            if (!Files.isWritable(path)) {
                throw new UserError("cannot write " + option + " " + path + ": it is not writable");
            }
            return;
        }
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

    /**
     * Refuses an output that is the input file (by name, through a link or a hard link): the input
     * would be replaced by the output.
     */
    static void checkNotInput(Path in, String inOption, Path out, String outOption) {
        if (in != null && out != null && AtomicFiles.sameFile(in, out)) {
            throw new UserError(outOption + " " + out + " and " + inOption + " " + in + " are the same file;"
                    + " write the output to another file");
        }
    }

    /**
     * Where a command's summary lines go: standard error when its data goes to standard output
     * ({@code --out -}), so the two never mix; otherwise the command's output.
     */
    static PrintWriter summary(CommandSpec spec, Path out) {
        return AtomicFiles.isStandardOutput(out) ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }
}
