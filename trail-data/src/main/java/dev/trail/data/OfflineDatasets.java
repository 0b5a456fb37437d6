package dev.trail.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trail.offline.TransitionDataset;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a trajectory file (JSONL, Parquet, Minari, through {@link TrajectoryFiles}) into the
 * in-memory {@link TransitionDataset} that offline learners take, with the file's metadata and a
 * SHA-256 of its content. Metadata: Parquet key-value metadata; for JSONL the
 * {@code FILE.provenance.json} that {@code trail collect} writes beside it; for Minari the
 * dataset's metadata, whose {@code ref_min_score} / {@code ref_max_score} stand in for the
 * reference returns when {@code reference_return_random} / {@code reference_return_expert} are absent.
 */
public final class OfflineDatasets {

    /** The sidecar of a JSONL dataset that holds its metadata. */
    public static final String PROVENANCE_SUFFIX = ".provenance.json";

    private OfflineDatasets() {
    }

    /**
     * The transitions of {@code file} in {@code format} (null: by extension), not yet fitted to an
     * environment.
     *
     * @throws DatasetException one line naming the file and the field, for a missing file, missing
     *         observations or actions, an empty dataset or a malformed reference return
     */
    public static TransitionDataset read(Path file, TrajectoryFiles.Format format) throws IOException {
        if (!Files.exists(file)) {
            throw new DatasetException(file + ": no such dataset file");
        }
        TrajectoryFiles.Format f = format == null ? TrajectoryFiles.formatOf(file) : format;
        String hash = contentHash(file);
        try (TrajectorySource src = TrajectoryFiles.open(file, f)) {
            TransitionDataset.Builder b = new TransitionDataset.Builder(file.toString());
            for (Trajectory t = src.next(); t != null; t = src.next()) {
                b.add(t);
            }
            Map<String, String> meta = new LinkedHashMap<>(src.metadata());
            if (f == TrajectoryFiles.Format.JSONL) {
                meta.putAll(sidecar(file));
            }
            minariReferences(file, meta);
            return b.build(hash, meta);
        } catch (DatasetException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage(), e);
        }
    }

    /** {@code sha256:<hex>} of the file's bytes (of a folder: of its files' relative names and bytes, sorted). */
    public static String contentHash(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isDirectory(file)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(file)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : files) {
                md.update(file.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest(md, p);
            }
        } else {
            digest(md, file);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, Path p) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                md.update(buf, 0, r);
            }
        }
    }

    private static Map<String, String> sidecar(Path file) throws IOException {
        Path side = file.resolveSibling(file.getFileName() + PROVENANCE_SUFFIX);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(side)) {
            return out;
        }
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(side.toFile());
        } catch (IOException e) {
            throw new DatasetException(side + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (n == null || !n.isObject()) {
            throw new DatasetException(side + ": expected a JSON object of metadata");
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
                : e.getValue().toString()));
        return out;
    }

    private static void minariReferences(Path file, Map<String, String> meta) {
        String json = meta.get(Minari.METADATA_KEY);
        if (json == null) {
            return;
        }
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            if (!meta.containsKey(TransitionDataset.REFERENCE_RETURN_RANDOM) && n.path("ref_min_score").isNumber()) {
                meta.put(TransitionDataset.REFERENCE_RETURN_RANDOM, n.path("ref_min_score").asText());
            }
            if (!meta.containsKey(TransitionDataset.REFERENCE_RETURN_EXPERT) && n.path("ref_max_score").isNumber()) {
                meta.put(TransitionDataset.REFERENCE_RETURN_EXPERT, n.path("ref_max_score").asText());
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": Minari metadata is not valid JSON");
        }
    }
}
