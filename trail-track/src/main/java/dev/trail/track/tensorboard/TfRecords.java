package dev.trail.track.tensorboard;

import java.util.zip.CRC32C;

/** TFRecord checksum helpers. */
final class TfRecords {

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {
    }

    /** TFRecord's masked CRC32C of {@code data[off, off+len)}. */
    static int maskedCrc(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
