package dev.trail.spark;

import dev.trail.policy.PolicyCheckpoint;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A policy checkpoint folder as bytes, the payload the driver broadcasts to the executors: the
 * checkpoint's own files (parameters and JSON metadata, never Java-serialised objects), tagged
 * with the policy version they hold. An executor writes them to a private temporary folder and
 * loads them with {@link PolicyCheckpoint#load}.
 *
 * @param version the policy version (the training iteration, or 0 for a fixed collection policy)
 * @param files relative path to content
 */
public record CheckpointBytes(long version, Map<String, byte[]> files) implements Serializable {

    /** Reads every file under {@code dir}. */
    public static CheckpointBytes read(long version, Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        }
        return new CheckpointBytes(version, files);
    }

    /** Writes the files to a fresh temporary folder, loads the policy, removes the folder. */
    public PolicyCheckpoint.Loaded load() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("trail-policy-v" + version + "-");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            return PolicyCheckpoint.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the broadcast policy v" + version + ": " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
