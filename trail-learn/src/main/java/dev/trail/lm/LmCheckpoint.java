package dev.trail.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.token.Vocabulary;
import dev.trail.nn.Parameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checkpoints of a {@link Transformer} through {@link Checkpoint}: {@code parameters.bin} plus
 * metadata holding {@code "kind": "trail-lm"}, the {@link TransformerConfig} ({@code "transformer"}),
 * the vocabulary ({@code "vocabulary": {"size", "sha256"}}, the SHA-256 of the decoded id list) and
 * whatever the trainer adds (env id, steps, metrics).
 *
 * <p>{@link #load} refuses a checkpoint whose vocabulary differs from this build's
 * {@link Vocabulary}, and {@link #requireConfig} one whose shape differs from what a run asks for;
 * both messages name the checkpoint's and the expected value.
 */
public final class LmCheckpoint {

    /** The value of the metadata key {@code kind}. */
    public static final String KIND = "trail-lm";
    /** Where trainers write their last checkpoint inside a run directory. */
    public static final String FINAL = "checkpoints/final";

    private LmCheckpoint() {
    }

    /**
     * A loaded model and its metadata.
     *
     * @param model the model with the saved weights
     * @param metadata everything in {@code checkpoint.json}
     * @param directory the checkpoint directory actually read
     */
    public record Loaded(Transformer model, ObjectNode metadata, Path directory) {
        /** The env id the model was trained on, or empty. */
        public String envId() {
            return metadata.path("envId").asText("");
        }
    }

    /** The vocabulary as JSON: size and the SHA-256 of every id's rendering, in order. */
    public static ObjectNode vocabularyJson() {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.put("size", Vocabulary.size());
        v.put("sha256", vocabularyHash());
        return v;
    }

    static String vocabularyHash() {
        int[] ids = new int[Vocabulary.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Vocabulary.decode(ids).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code model} to {@code dir} atomically, with {@code extra} merged into the metadata. */
    public static void save(Path dir, Transformer model, ObjectNode extra) throws IOException {
        save(dir, model, extra, Map.of());
    }

    /**
     * {@link #save(Path, Transformer, ObjectNode)} with further tensor files beside the model's
     * {@code parameters} (a trainer's optimizer state, a reference model).
     */
    public static void save(Path dir, Transformer model, ObjectNode extra, Map<String, Parameters> files)
            throws IOException {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("kind", KIND);
        meta.set("transformer", model.config().toJson());
        meta.set("vocabulary", vocabularyJson());
        if (extra != null) {
            meta.setAll(extra);
        }
        Map<String, Parameters> all = new java.util.LinkedHashMap<>();
        all.put("parameters", model.parameters());
        all.putAll(files);
        Checkpoint.write(dir, meta, all);
    }

    /**
     * The checkpoint directory for {@code path}: {@code path} itself if it holds
     * {@code checkpoint.json}, else (a run directory) {@code path/checkpoints/final} if it exists
     * (an SFT run), else the latest {@code path/checkpoints/update-*} (a GRPO run).
     */
    public static Path resolve(Path path) throws IOException {
        if (Files.isRegularFile(path.resolve(Checkpoint.METADATA_FILE))) {
            return path;
        }
        Path fin = path.resolve(FINAL);
        if (Files.isRegularFile(fin.resolve(Checkpoint.METADATA_FILE))) {
            return fin;
        }
        Path checkpoints = path.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (var dirs = Files.list(checkpoints)) {
                java.util.Optional<Path> latest = dirs
                        .filter(d -> d.getFileName().toString().startsWith("update-"))
                        .filter(d -> Files.isRegularFile(d.resolve(Checkpoint.METADATA_FILE)))
                        .max(java.util.Comparator.comparing(d -> d.getFileName().toString()));
                if (latest.isPresent()) {
                    return latest.get();
                }
            }
        }
        throw new IOException("no language-model checkpoint at " + path + ": neither " + path.resolve(
                Checkpoint.METADATA_FILE) + " nor " + fin.resolve(Checkpoint.METADATA_FILE)
                + " nor a checkpoints/update-* folder exists");
    }

    /**
     * Reads a checkpoint (or a run directory's final checkpoint).
     *
     * @throws IllegalArgumentException if it is not a language model or its vocabulary differs, naming both
     * @throws IOException if files are missing or corrupt
     */
    public static Loaded load(Path path) throws IOException {
        Path dir = resolve(path);
        Checkpoint cp = Checkpoint.read(dir);
        ObjectNode meta = cp.metadata();
        if (!KIND.equals(meta.path("kind").asText())) {
            throw new IllegalArgumentException("checkpoint " + dir + " is not a language model (kind '"
                    + meta.path("kind").asText("none") + "', expected '" + KIND + "')");
        }
        JsonNode vocab = meta.path("vocabulary");
        int size = vocab.path("size").asInt(-1);
        String hash = vocab.path("sha256").asText("");
        if (size != Vocabulary.size() || !hash.equals(vocabularyHash())) {
            throw new IllegalArgumentException("checkpoint " + dir + " was trained with vocabulary size " + size
                    + " (sha256 " + abbreviate(hash) + ") but the token tasks use vocabulary size " + Vocabulary.size()
                    + " (sha256 " + abbreviate(vocabularyHash()) + "); it cannot be used");
        }
        TransformerConfig config = TransformerConfig.fromJson(meta.path("transformer"));
        if (config.vocabSize() != Vocabulary.size()) {
            throw new IllegalArgumentException("checkpoint " + dir + " has a transformer over " + config.vocabSize()
                    + " token ids but the vocabulary has " + Vocabulary.size());
        }
        Parameters p = cp.tensors("parameters");
        Transformer model;
        try {
            model = new Transformer(config, p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
        return new Loaded(model, meta, dir);
    }

    /**
     * Refuses a loaded model whose shape differs from {@code expected} (when a run fixes one),
     * naming both.
     */
    public static void requireConfig(Loaded loaded, TransformerConfig expected) {
        if (expected != null && !expected.equals(loaded.model().config())) {
            throw new IllegalArgumentException("--init checkpoint " + loaded.directory() + " has transformer "
                    + loaded.model().config().describe() + " but the run asks for " + expected.describe());
        }
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : (hash.isEmpty() ? "missing" : hash);
    }
}
