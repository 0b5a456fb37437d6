package dev.trail.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds checkpoints in run directories. */
final class Checkpoints {

    /** The metadata file every checkpoint directory holds. */
    static final String METADATA = "checkpoint.json";

    private Checkpoints() {
    }

    /**
     * The latest checkpoint of a run directory (its {@code checkpoints/} sub-folder, or the folder
     * itself), by name ({@code update-000123}, {@code step-000001000} sort in training order).
     */
    static Optional<Path> latest(Path runOrCheckpointsDir) throws IOException {
        Path dir = Files.isDirectory(runOrCheckpointsDir.resolve("checkpoints"))
                ? runOrCheckpointsDir.resolve("checkpoints") : runOrCheckpointsDir;
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(METADATA)))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    /**
     * The global step a checkpoint was written at ({@code globalStep} in its metadata: environment
     * steps, or sampled tokens for token-level runs).
     *
     * @throws UserError if the metadata cannot be read or has no step
     */
    static long globalStep(Path checkpoint) {
        Path meta = checkpoint.resolve(METADATA);
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(meta.toFile());
            if (!node.path("globalStep").canConvertToLong()) {
                throw new UserError("checkpoint " + checkpoint + " records no globalStep in " + METADATA);
            }
            return node.path("globalStep").asLong();
        } catch (IOException e) {
            throw new UserError("cannot read " + meta + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint a run resumes from: its latest, verified ({@link dev.trail.checkpoint.Checkpoint#verify}).
     * A damaged latest checkpoint is a {@link UserError} naming the damage and the previous intact
     * checkpoint, if any, with how to resume from it; nothing is changed.
     */
    static Path forResume(Path runDir) throws IOException {
        Path dir = Files.isDirectory(runDir.resolve("checkpoints")) ? runDir.resolve("checkpoints") : runDir;
        java.util.List<Path> all;
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            all = s.filter(p -> Files.isRegularFile(p.resolve(METADATA)) && !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        if (all.isEmpty()) {
            throw new UserError("--resume " + runDir + " has no checkpoint to resume from (checkpoints/ is empty)");
        }
        Path latest = all.get(0);
        try {
            dev.trail.checkpoint.Checkpoint.verify(latest);
            return latest;
        } catch (IOException damage) {
            Path intact = null;
            for (Path p : all.subList(1, all.size())) {
                try {
                    dev.trail.checkpoint.Checkpoint.verify(p);
                    intact = p;
                    break;
                } catch (IOException ignored) {
                    // older and damaged too
                }
            }
            throw new UserError("--resume " + runDir + ": the last checkpoint " + latest.getFileName() + " is damaged ("
                    + damage.getMessage() + "); " + (intact == null ? "no earlier checkpoint is intact"
                    : "the previous intact checkpoint is " + intact.getFileName() + ": to resume from it, move the"
                    + " damaged one out of " + dir + " (mv " + latest + " " + latest.resolveSibling("." + latest.getFileName()
                    + ".damaged") + ")"), damage);
        }
    }

    /** Whether the run folder's {@code summary.json} says it finished. */
    static boolean finished(Path runDir) {
        Path summary = runDir.resolve("summary.json");
        if (!Files.isRegularFile(summary)) {
            return false;
        }
        try {
            return "finished".equals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toFile())
                    .path("status").asText());
        } catch (IOException e) {
            throw new UserError("cannot read " + summary + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint path as given, or the latest one inside a run directory; a clear error if none. */
    static Path resolve(Path given, String option) throws IOException {
        if (Files.isRegularFile(given.resolve(METADATA))) {
            return given;
        }
        if (Files.isRegularFile(given) && given.getFileName().toString().equals(METADATA)) {
            return given.getParent();
        }
        if (!Files.exists(given)) {
            throw new UserError(option + " " + given + " does not exist");
        }
        return latest(given).orElseThrow(() -> new UserError(option + " " + given
                + " holds no checkpoint (a folder with " + METADATA + ")"));
    }
}
