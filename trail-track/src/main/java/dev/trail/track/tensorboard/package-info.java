/**
 * TensorBoard event files without TensorFlow: scalars as {@code Event} protocol-buffer records
 * in TFRecord framing, written by {@link dev.trail.track.tensorboard.TensorBoardWriter} and read
 * back (with CRC checks) by {@link dev.trail.track.tensorboard.TensorBoardReader}.
 *
 * <p>TFRecord framing of each record: {@code uint64 length} (little endian),
 * {@code uint32 masked_crc32c(length bytes)}, {@code data[length]}, {@code uint32 masked_crc32c(data)},
 * where {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8}.
 *
 * <p>Protocol-buffer fields used (tensorflow/core/util/event.proto, framework/summary.proto):
 * {@code Event{1: double wall_time, 2: int64 step, 3: string file_version, 5: Summary summary}},
 * {@code Summary{1: repeated Value value}}, {@code Value{1: string tag, 2: float simple_value}}.
 */
package dev.trail.track.tensorboard;
