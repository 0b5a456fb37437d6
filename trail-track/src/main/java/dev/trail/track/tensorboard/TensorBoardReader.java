package dev.trail.track.tensorboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TensorBoard event file written by {@link TensorBoardWriter} (or by TensorFlow, as far as
 * scalars with {@code simple_value} go), checking both CRCs of every record.
 */
public final class TensorBoardReader {

    private TensorBoardReader() {
    }

    /** One decoded event; {@code tag} is null for events without a summary value. */
    public record Event(double wallTime, long step, String fileVersion, String tag, float simpleValue) {
    }

    /**
     * The records of a file.
     *
     * @param events      decoded events in file order
     * @param truncated   whether the file ends in an incomplete record (a crash mid-write)
     */
    public record Contents(List<Event> events, boolean truncated) {
        /** The scalar events (those with a tag). */
        public List<Event> scalars() {
            return events.stream().filter(e -> e.tag() != null).toList();
        }
    }

    /**
     * Reads all records.
     *
     * @throws IOException naming the file and byte offset if a CRC does not match or a record is
     *                     not a valid Event
     */
    public static Contents read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<Event> events = new ArrayList<>();
        int pos = 0;
        while (pos < b.length) {
            if (b.length - pos < 12) {
                return new Contents(events, true);
            }
            long len = 0;
            for (int i = 0; i < 8; i++) {
                len |= (b[pos + i] & 0xFFL) << (8 * i);
            }
            int lenCrc = int32(b, pos + 8);
            if (lenCrc != TfRecords.maskedCrc(b, pos, 8)) {
                throw new IOException(file + ": length CRC mismatch at byte " + pos);
            }
            if (len > Integer.MAX_VALUE || b.length - pos - 12 < len + 4) {
                return new Contents(events, true);
            }
            int start = pos + 12;
            int n = (int) len;
            int dataCrc = int32(b, start + n);
            if (dataCrc != TfRecords.maskedCrc(b, start, n)) {
                throw new IOException(file + ": data CRC mismatch in record at byte " + pos);
            }
            events.add(decodeEvent(b, start, start + n, file));
            pos = start + n + 4;
        }
        return new Contents(events, false);
    }

    private static int int32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static long int64(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (b[p + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    private static final class Cursor {
        final byte[] b;
        int p;
        final int end;

        Cursor(byte[] b, int p, int end) {
            this.b = b;
            this.p = p;
            this.end = end;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= end) {
                    throw new IOException("truncated varint");
                }
                int x = b[p++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("varint too long");
        }

        void skip(int wireType) throws IOException {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> p += 8;
                case 2 -> p += (int) varint();
                case 5 -> p += 4;
                default -> throw new IOException("unsupported wire type " + wireType);
            }
            if (p > end) {
                throw new IOException("field runs past the end of its message");
            }
        }
    }

    private static Event decodeEvent(byte[] b, int from, int to, Path file) throws IOException {
        try {
            Cursor c = new Cursor(b, from, to);
            double wall = 0;
            long step = 0;
            String fileVersion = null;
            String tag = null;
            float value = Float.NaN;
            while (c.p < c.end) {
                long key = c.varint();
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 1 && wire == 1) {
                    wall = Double.longBitsToDouble(int64(b, c.p));
                    c.p += 8;
                } else if (field == 2 && wire == 0) {
                    step = c.varint();
                } else if (field == 3 && wire == 2) {
                    int n = (int) c.varint();
                    fileVersion = new String(b, c.p, n, StandardCharsets.UTF_8);
                    c.p += n;
                } else if (field == 5 && wire == 2) {
                    int n = (int) c.varint();
                    Cursor s = new Cursor(b, c.p, c.p + n);
                    c.p += n;
                    while (s.p < s.end) {
                        long sk = s.varint();
                        if ((sk >>> 3) == 1 && (sk & 7) == 2) {
                            int vn = (int) s.varint();
                            Cursor v = new Cursor(b, s.p, s.p + vn);
                            s.p += vn;
                            while (v.p < v.end) {
                                long vk = v.varint();
                                if ((vk >>> 3) == 1 && (vk & 7) == 2) {
                                    int tn = (int) v.varint();
                                    tag = new String(b, v.p, tn, StandardCharsets.UTF_8);
                                    v.p += tn;
                                } else if ((vk >>> 3) == 2 && (vk & 7) == 5) {
                                    value = Float.intBitsToFloat(int32(b, v.p));
                                    v.p += 4;
                                } else {
                                    v.skip((int) (vk & 7));
                                }
                            }
                        } else {
                            s.skip((int) (sk & 7));
                        }
                    }
                } else {
                    c.skip(wire);
                }
            }
            return new Event(wall, step, fileVersion, tag, value);
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new IOException(file + ": record at byte " + (from - 12) + " is not a valid Event: " + e.getMessage(), e);
        }
    }
}
