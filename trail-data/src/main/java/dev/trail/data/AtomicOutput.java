package dev.trail.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file written under a temporary sibling name and renamed onto the target on {@link #commit()}
 * (after an fsync), so the target holds either its old content or the complete new one. Closing
 * without committing deletes the temporary file.
 */
final class AtomicOutput implements AutoCloseable {

    private final Path target;
    private final Path tmp;
    private OutputStream stream;
    private boolean committed;

    private AtomicOutput(Path target, Path tmp) {
        this.target = target;
        this.tmp = tmp;
    }

    /** A temporary sibling of {@code target}, with the target's extension (DuckDB picks formats by it). */
    static Path temporarySibling(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : ".tmp";
        try {
            return Files.createTempFile(dir, "." + name + ".", ".tmp" + ext);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": folder " + dir + " is not writable", e);
        }
    }

    static AtomicOutput create(Path target) throws IOException {
        return new AtomicOutput(target, temporarySibling(target));
    }

    /** For writers that fill the temporary file themselves (DuckDB's COPY). */
    static AtomicOutput createForPath(Path target) throws IOException {
        AtomicOutput o = create(target);
        Files.deleteIfExists(o.tmp);
        return o;
    }

    Path temporaryPath() {
        return tmp;
    }

    OutputStream stream() throws IOException {
        if (stream == null) {
            stream = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        }
        return stream;
    }

    void commit() throws IOException {
        if (stream != null) {
            stream.close();
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        moveIntoPlace(tmp, target);
        committed = true;
    }

    static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            if (stream != null) {
                stream.close();
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
