package dev.trail.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;

/**
 * The one way Trail writes an output file. What happens depends on what the target is:
 *
 * <ul>
 *   <li><b>A new path or a regular file</b> (also through a symbolic link, which is kept: the file
 *       it points to is replaced): the bytes go to a temporary sibling, fsynced and renamed onto the
 *       target once complete, so a crash or an error never leaves a partial file under the final
 *       name and an existing file is replaced whole or not at all. A new file gets the permissions
 *       the user's umask gives ({@code 0666 & ~umask}); a replaced file keeps its own.</li>
 *   <li><b>Anything else that exists</b> — a device ({@code /dev/null}, {@code /dev/stdout}), a
 *       FIFO, a socket, or a symbolic link to one: the bytes are streamed into it. Such a target is
 *       never removed or replaced, and no temporary file is made beside it.</li>
 *   <li><b>{@code -}</b>: standard output ({@link System#out}), streamed.</li>
 * </ul>
 *
 * Writers that must fill a file by name (DuckDB's {@code COPY ... TO}) write a
 * {@link Output#scratchFile scratch file} and hand it to {@link Output#commitFrom}.
 */
public final class AtomicFiles {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** The path that means standard output. */
    public static final String STDOUT = "-";

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Whether {@code path} is {@code -}, standard output. */
    public static boolean isStandardOutput(Path path) {
        return path != null && path.toString().equals(STDOUT);
    }

    /**
     * Whether writing {@code target} streams into it ({@code -}, or an existing device, FIFO or
     * socket, also through a link) instead of replacing it atomically.
     */
    public static boolean streamsInto(Path target) {
        if (isStandardOutput(target)) {
            return true;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
            return !a.isRegularFile() && !a.isDirectory();
        } catch (IOException e) {
            return false; // does not exist (or a dangling link): a new file
        }
    }

    /**
     * Whether {@code a} and {@code b} name the same existing file (through links, hard links,
     * {@code .} and {@code ..}); false if either does not exist or is {@code -}.
     */
    public static boolean sameFile(Path a, Path b) {
        if (isStandardOutput(a) || isStandardOutput(b)) {
            return false;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code target} through {@code writer} as described in the class comment. If the
     * writer throws, a regular target is untouched.
     *
     * @throws IOException naming the target if the folder does not exist or is not writable, the
     *     target is a folder, or the writer fails
     */
    public static void write(Path target, Writer writer) throws IOException {
        try (Output out = open(target)) {
            try {
                writer.write(out.stream());
            } catch (IOException e) {
                throw out.named(e);
            }
            out.commit();
        }
    }

    /** Writes {@code bytes} to {@code target} as {@link #write(Path, Writer)} does. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Opens an output to {@code target}; nothing is visible under the target's name before
     * {@link Output#commit} (for a regular file), and closing without a commit leaves it as it was.
     */
    public static Output open(Path target) throws IOException {
        if (isStandardOutput(target)) {
            return new Output(target, null, null, new FilterOutputStream(System.out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            });
        }
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        if (streamsInto(target)) {
            OutputStream s = Files.newOutputStream(target, StandardOpenOption.WRITE);
            return new Output(target, null, null, new BufferedOutputStream(s, 1 << 16));
        }
        Path file = target;
        if (Files.isSymbolicLink(target) && Files.exists(target)) {
            file = target.toRealPath(); // replace what the link points to, keep the link
        }
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        Path tmp = newSibling(abs, ".tmp" + extension(abs));
        try {
            Files.createFile(tmp); // the permissions of a new file: 0666 & ~umask
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": folder " + dir + " is not writable", e);
        }
        return new Output(target, abs, tmp, null);
    }

    /** A not-yet-existing hidden name beside {@code abs}, ending in {@code suffix}. */
    private static Path newSibling(Path abs, String suffix) {
        return abs.resolveSibling("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
    }

    /** The extension of a file name with its dot ({@code .parquet}), or empty: DuckDB picks formats by it. */
    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class);
                PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class);
                if (src != null && dst != null) {
                    dst.setPermissions(src.readAttributes().permissions());
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the new file's default permissions then
        }
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** An output being written; see {@link AtomicFiles#open}. */
    public static final class Output implements AutoCloseable {
        private final Path target;
        private final Path file; // the regular file replaced on commit; null when streaming
        private final Path tmp;
        private OutputStream stream;
        private final java.util.List<Path> scratch = new java.util.ArrayList<>();
        private boolean committed;
        private boolean closed;

        private Output(Path target, Path file, Path tmp, OutputStream direct) {
            this.target = target;
            this.file = file;
            this.tmp = tmp;
            this.stream = direct;
        }

        /** The target as given. */
        public Path target() {
            return target;
        }

        /** Whether the bytes are streamed into the target (a device, FIFO, {@code -}) rather than renamed onto it. */
        public boolean streaming() {
            return file == null;
        }

        /** The stream to write the content to (buffered; do not close it, {@link #commit} does). */
        public OutputStream stream() throws IOException {
            if (stream == null) {
                stream = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), 1 << 16);
            }
            return stream;
        }

        /**
         * A new path (not created) for a writer that fills a file by name, ending in
         * {@code suffix}: beside a regular target, in the temporary folder for a streamed one.
         * Every scratch file is deleted on {@link #close}, except one handed to {@link #commitFrom}.
         */
        public Path scratchFile(String suffix) throws IOException {
            Path p;
            if (file != null) {
                p = newSibling(file, suffix);
                try {
                    Files.createFile(p);
                } catch (IOException e) {
                    throw new IOException("cannot write " + target + ": folder " + file.getParent() + " is not writable", e);
                }
            } else {
                p = Files.createTempFile("trail-out-", suffix);
            }
            Files.delete(p);
            scratch.add(p);
            return p;
        }

        /** Makes the written content the target's: fsync and rename for a regular file, a flush otherwise. */
        public void commit() throws IOException {
            checkOpen();
            try {
                if (file == null) {
                    stream.flush();
                    stream.close();
                } else {
                    stream().close();
                    fsync(tmp);
                    copyPermissions(file, tmp); // at the end: a read-only mode would have stopped the writing
                    moveIntoPlace(tmp, file);
                }
                committed = true;
            } catch (IOException e) {
                throw named(e);
            }
        }

        /**
         * Makes the content of {@code scratch} (a {@link #scratchFile}, complete) the target's:
         * renamed onto a regular target, copied into a streamed one.
         */
        public void commitFrom(Path scratchFile) throws IOException {
            checkOpen();
            try {
                if (file == null) {
                    Files.copy(scratchFile, stream);
                    stream.flush();
                    stream.close();
                } else {
                    fsync(scratchFile);
                    if (stream != null) {
                        stream.close();
                    }
                    copyPermissions(file, scratchFile);
                    moveIntoPlace(scratchFile, file);
                    scratch.remove(scratchFile);
                }
                committed = true;
            } catch (IOException e) {
                throw named(e);
            }
        }

        private void checkOpen() throws IOException {
            if (committed || closed) {
                throw new IOException("output " + target + " is already " + (committed ? "committed" : "closed"));
            }
        }

        /** An I/O error that names the target (a full disk says only "No space left on device"). */
        IOException named(IOException e) {
            String m = e.getMessage();
            if (m != null && m.contains(target.toString())) {
                return e;
            }
            return new IOException("cannot write " + target + ": " + (e instanceof NoSuchFileException
                    || e instanceof FileAlreadyExistsException ? e.getClass().getSimpleName() + " " : "") + m, e);
        }

        /** Deletes the temporary and scratch files unless committed; a regular target is then as it was. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            IOException error = null;
            try {
                if (stream != null && !committed) {
                    try {
                        stream.close();
                    } catch (IOException e) {
                        error = file == null ? named(e) : null; // a temp file's close error does not matter
                    }
                }
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(tmp); // gone after commit(); unused after commitFrom()
                }
                for (Path p : scratch) {
                    Files.deleteIfExists(p);
                }
            }
            if (error != null) {
                throw error;
            }
        }
    }
}
