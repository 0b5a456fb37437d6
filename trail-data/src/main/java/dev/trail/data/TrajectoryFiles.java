package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Opens trajectory files by format: chosen by {@code --format} or by the file's extension. */
public final class TrajectoryFiles {

    /** The on-disk forms of the schema. */
    public enum Format {
        /** One trajectory per line ({@code .jsonl}). */
        JSONL,
        /** One row per step ({@code .parquet}). */
        PARQUET,
        /** A Minari dataset folder (arrow layout on write; arrow or hdf5 on read). */
        MINARI;

        /** The format named on the command line, case-insensitive. */
        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new DatasetException("unknown format '" + name + "'; known: jsonl, parquet, minari");
        }
    }

    private TrajectoryFiles() {
    }

    /** The format of {@code file} by extension ({@code .jsonl}, {@code .parquet}), or a Minari folder. */
    public static Format formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (dev.trail.io.AtomicFiles.streamsInto(file)) {
            return Format.JSONL; // standard output, a device or a FIFO: a stream of lines
        }
        if (java.nio.file.Files.isDirectory(file) || !name.contains(".")) {
            return Format.MINARI;
        }
        throw new DatasetException(file + ": unknown file type; use a .jsonl or .parquet name, a Minari dataset"
                + " folder, or --format jsonl|parquet|minari");
    }

    /** Opens {@code file} for streaming reads in {@code format} (null: by extension). */
    public static TrajectorySource open(Path file, Format format) throws IOException {
        return switch (format == null ? formatOf(file) : format) {
            case JSONL -> TrajectoryJsonl.open(file);
            case PARQUET -> TrajectoryParquet.open(file);
            case MINARI -> Minari.open(file);
        };
    }

    /** Opens a sink for {@code file} in {@code format} (null: by extension). */
    public static TrajectorySink create(Path file, Format format, Map<String, String> metadata, boolean append)
            throws IOException {
        Format f = format == null ? formatOf(file) : format;
        if (append && f != Format.JSONL) {
            throw new DatasetException("--append works for JSONL files only, not " + f.name().toLowerCase(Locale.ROOT)
                    + " (" + file + ")");
        }
        return switch (f) {
            case JSONL -> TrajectoryJsonl.create(file, append);
            case PARQUET -> TrajectoryParquet.create(file, metadata);
            case MINARI -> Minari.create(file, metadata);
        };
    }

    /** Reads a whole file. */
    public static List<Trajectory> readAll(Path file, Format format) throws IOException {
        List<Trajectory> out = new ArrayList<>();
        try (TrajectorySource src = open(file, format)) {
            Trajectory t;
            while ((t = src.next()) != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Copies every trajectory of {@code in} to {@code out}; returns how many. */
    public static long copy(TrajectorySource in, TrajectorySink out) throws IOException {
        long n = 0;
        Trajectory t;
        while ((t = in.next()) != null) {
            out.write(t);
            n++;
        }
        return n;
    }
}
