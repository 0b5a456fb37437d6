package dev.trail.track.tensorboard;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes scalars to a TensorBoard event file ({@code events.out.tfevents.<unix-seconds>.<host>}).
 * The first record is the {@code file_version: "brain.Event:2"} event; then one event per scalar
 * with {@code wall_time}, {@code step} and {@code summary{value{tag, simple_value}}}. Records are
 * encoded into a buffer and reach the file on {@link #flush()}; a crash loses at most the
 * unflushed records and never leaves a record that readers would accept half-written (its CRC
 * would not match).
 *
 * <p>Not thread-safe: callers serialize access.
 */
public final class TensorBoardWriter implements Closeable {

    /** TensorBoard's file version string. */
    public static final String FILE_VERSION = "brain.Event:2";

    private final Path file;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 14);
    private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(128);

    private TensorBoardWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Creates {@code events.out.tfevents.<unix-seconds>.<host>} in {@code dir} and writes the
     * file-version event.
     */
    public static TensorBoardWriter create(Path dir, double startWallTime, String host) throws IOException {
        String safeHost = host == null || host.isBlank() ? "localhost" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        Path file = dir.resolve("events.out.tfevents." + (long) Math.floor(startWallTime) + "." + safeHost);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        TensorBoardWriter w = new TensorBoardWriter(file, out);
        w.record(w.event(startWallTime, 0, null, 0, FILE_VERSION));
        w.flush();
        return w;
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /** Buffers one scalar event. */
    public void scalar(String tag, long step, double wallTime, double value) {
        record(event(wallTime, step, tag, (float) value, null));
    }

    /** Writes buffered events to the file. */
    public void flush() throws IOException {
        if (pending.size() > 0) {
            pending.writeTo(out);
            pending.reset();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    private byte[] event(double wallTime, long step, String tag, float value, String fileVersion) {
        scratch.reset();
        // Event.wall_time: field 1, wire type 1 (64-bit)
        scratch.write(0x09);
        fixed64(scratch, Double.doubleToRawLongBits(wallTime));
        // Event.step: field 2, varint
        if (step != 0) {
            scratch.write(0x10);
            varint(scratch, step);
        }
        if (fileVersion != null) {
            byte[] fv = fileVersion.getBytes(StandardCharsets.UTF_8);
            scratch.write(0x1a);
            varint(scratch, fv.length);
            scratch.writeBytes(fv);
        }
        if (tag != null) {
            byte[] t = tag.getBytes(StandardCharsets.UTF_8);
            // Value{1: tag, 2: simple_value (fixed32)}
            int valueLen = 1 + varintSize(t.length) + t.length + 1 + 4;
            // Summary{1: Value}
            int summaryLen = 1 + varintSize(valueLen) + valueLen;
            scratch.write(0x2a);
            varint(scratch, summaryLen);
            scratch.write(0x0a);
            varint(scratch, valueLen);
            scratch.write(0x0a);
            varint(scratch, t.length);
            scratch.writeBytes(t);
            scratch.write(0x15);
            fixed32(scratch, Float.floatToRawIntBits(value));
        }
        return scratch.toByteArray();
    }

    private void record(byte[] data) {
        byte[] len = new byte[8];
        long n = data.length;
        for (int i = 0; i < 8; i++) {
            len[i] = (byte) (n >>> (8 * i));
        }
        pending.writeBytes(len);
        fixed32(pending, TfRecords.maskedCrc(len, 0, 8));
        pending.writeBytes(data);
        fixed32(pending, TfRecords.maskedCrc(data, 0, data.length));
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }

    static void fixed32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) {
            out.write((v >>> (8 * i)) & 0xFF);
        }
    }

    static void fixed64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) ((v >>> (8 * i)) & 0xFF));
        }
    }
}
