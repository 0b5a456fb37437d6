/**
 * Checkpoints as plain files (never Java serialization): a directory holding
 * {@code checkpoint.json} (metadata: what was trained on what, shapes, counters, random-stream and
 * normaliser states, and a SHA-256 of every data file) and tensor files in a small documented
 * binary format ({@link dev.trail.checkpoint.TensorFile}). A checkpoint is written to a temporary
 * directory and renamed into place, so a crash never leaves a half checkpoint under the final
 * name; a truncated or corrupted file is refused when read, naming the file.
 */
package dev.trail.checkpoint;
