package dev.trail.checkpoint;

import dev.trail.nn.Parameters;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file of named float tensors. Layout, all integers and floats little-endian:
 * <pre>
 *   magic    8 bytes  "TRAILTNS"
 *   version  int32    1
 *   count    int32    number of tensors
 *   count times:
 *     nameLength int32, name UTF-8 bytes,
 *     rank int32, dims int32[rank],
 *     values float32[product(dims)]   (row-major)
 * </pre>
 * Readable from Python with {@code numpy.frombuffer}. Integrity is checked by the SHA-256 that
 * {@link Checkpoint} records for the file; this reader also refuses bad magic, bad sizes and
 * trailing bytes.
 */
public final class TensorFile {

    /** The first 8 bytes of every tensor file. */
    public static final byte[] MAGIC = "TRAILTNS".getBytes(StandardCharsets.US_ASCII);
    /** The format version written. */
    public static final int VERSION = 1;

    private TensorFile() {
    }

    /** Writes {@code tensors} to {@code file}. */
    public static void write(Path file, Parameters tensors) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(MAGIC);
            writeInt(out, VERSION);
            writeInt(out, tensors.count());
            for (Parameters.Tensor t : tensors.tensors()) {
                byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
                writeInt(out, name.length);
                out.write(name);
                int[] shape = t.shape();
                writeInt(out, shape.length);
                for (int d : shape) {
                    writeInt(out, d);
                }
                ByteBuffer buf = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.data());
                out.write(buf.array());
            }
        }
    }

    /** Reads a tensor file; throws {@link IOException} naming the file if it is malformed. */
    public static Parameters read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a Trail tensor file (bad magic)");
            }
            int version = readInt(in);
            if (version != VERSION) {
                throw new IOException(file + " has tensor format version " + version + "; this Trail reads " + VERSION);
            }
            int count = readInt(in);
            checkRange(file, "tensor count", count, 100_000);
            Parameters p = new Parameters();
            for (int k = 0; k < count; k++) {
                int nameLength = readInt(in);
                checkRange(file, "name length", nameLength, 10_000);
                byte[] name = new byte[nameLength];
                in.readFully(name);
                int rank = readInt(in);
                checkRange(file, "rank", rank, 16);
                int[] shape = new int[rank];
                long size = 1;
                for (int i = 0; i < rank; i++) {
                    shape[i] = readInt(in);
                    checkRange(file, "dimension", shape[i], Integer.MAX_VALUE);
                    size *= shape[i];
                }
                if (size > (1L << 31) / 4) {
                    throw new IOException(file + ": tensor " + k + " claims " + size + " values");
                }
                byte[] raw = new byte[(int) size * 4];
                in.readFully(raw);
                float[] data = new float[(int) size];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
                p.add(new String(name, StandardCharsets.UTF_8), shape, data);
            }
            if (in.read() != -1) {
                throw new IOException(file + " has trailing bytes after " + count + " tensors");
            }
            return p;
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static void checkRange(Path file, String what, long value, long max) throws IOException {
        if (value < 0 || value > max) {
            throw new IOException(file + " is malformed: " + what + " " + value);
        }
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private static int readInt(InputStream in) throws IOException {
        int a = in.read();
        int b = in.read();
        int c = in.read();
        int d = in.read();
        if ((a | b | c | d) < 0) {
            throw new EOFException();
        }
        return a | (b << 8) | (c << 16) | (d << 24);
    }
}
