package dev.trail.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.nn.Parameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint directory: {@code checkpoint.json} plus one {@link TensorFile} per named tensor set
 * ({@code <name>.bin}, e.g. {@code parameters.bin}, {@code optimizer.bin}).
 *
 * <p>The metadata is free-form JSON chosen by the algorithm, to which {@link #write} adds
 * {@code "format": "trail-checkpoint"}, {@code "formatVersion"}, {@code "software"} (Java, DJL and OS
 * versions) and {@code "files"}: for each
 * tensor file its byte size and SHA-256. The metadata's own SHA-256 is in
 * {@code checkpoint.json.sha256} ({@code sha256sum -c} checks it). {@link #read} refuses, with a message naming the file, a
 * directory without metadata, unparseable (e.g. truncated) metadata, a missing data file, or one
 * whose size or checksum differs.
 *
 * @param metadata the metadata as written by the algorithm (with the added fields)
 * @param tensors the tensor sets by name
 */
public record Checkpoint(ObjectNode metadata, Map<String, Parameters> tensors) {

    /** The metadata file's name. */
    public static final String METADATA_FILE = "checkpoint.json";
    /** The file holding the SHA-256 of the metadata file, in {@code sha256sum} format. */
    public static final String METADATA_CHECKSUM_FILE = "checkpoint.json.sha256";
    /** The format name written into the metadata. */
    public static final String FORMAT = "trail-checkpoint";
    /** The format version written. */
    public static final int FORMAT_VERSION = 1;

    /** Shared JSON mapper (pretty-printed output). */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The tensor set {@code name}; throws naming the available sets if absent. */
    public Parameters tensors(String name) {
        Parameters p = tensors.get(name);
        if (p == null) {
            throw new IllegalArgumentException("checkpoint has no tensor file " + name + ".bin; has " + tensors.keySet());
        }
        return p;
    }

    /**
     * Writes a checkpoint to {@code dir} atomically: everything goes to a temporary sibling
     * directory that is then renamed to {@code dir} (an existing {@code dir} is replaced).
     */
    public static void write(Path dir, ObjectNode metadata, Map<String, Parameters> tensors) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        // not createTempDirectory (0700): a checkpoint gets the user's umask, as every output does
        Path tmp = Files.createDirectory(parent.resolve("." + absolute.getFileName() + ".tmp-"
                + Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36)));
        try {
            ObjectNode meta = metadata.deepCopy();
            meta.put("format", FORMAT);
            meta.put("formatVersion", FORMAT_VERSION);
            ObjectNode software = meta.putObject("software");
            software.put("java", System.getProperty("java.version"));
            software.put("djl", ai.djl.engine.Engine.getDjlVersion());
            software.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            ObjectNode files = meta.putObject("files");
            for (Map.Entry<String, Parameters> e : tensors.entrySet()) {
                String fileName = e.getKey() + ".bin";
                Path file = tmp.resolve(fileName);
                TensorFile.write(file, e.getValue());
                ObjectNode f = files.putObject(fileName);
                f.put("bytes", Files.size(file));
                f.put("sha256", sha256(file));
            }
            Files.write(tmp.resolve(METADATA_FILE), JSON.writeValueAsBytes(meta));
            Files.writeString(tmp.resolve(METADATA_CHECKSUM_FILE), sha256(tmp.resolve(METADATA_FILE)) + "  "
                    + METADATA_FILE + "\n");
            if (Files.exists(absolute)) {
                Path old = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".old-");
                Files.delete(old);
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
                moveIntoPlace(tmp, absolute);
                deleteTree(old);
            } else {
                moveIntoPlace(tmp, absolute);
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("could not rename " + tmp + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and verifies a checkpoint directory.
     *
     * @throws IOException naming the file if anything is missing, truncated or corrupt
     */
    public static Checkpoint read(Path dir) throws IOException {
        ObjectNode meta = verify(dir);
        Map<String, Parameters> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("files").fields(); it.hasNext();) {
            String fileName = it.next().getKey();
            String name = fileName.endsWith(".bin") ? fileName.substring(0, fileName.length() - 4) : fileName;
            tensors.put(name, TensorFile.read(dir.resolve(fileName)));
        }
        return new Checkpoint(meta, tensors);
    }

    /**
     * Checks a checkpoint directory without loading its tensors: the metadata's checksum, format
     * and version, and every listed file's size and SHA-256.
     *
     * @return the metadata
     * @throws IOException naming the file if anything is missing, truncated or corrupt
     */
    public static ObjectNode verify(Path dir) throws IOException {
        Path metaFile = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(metaFile)) {
            throw new IOException("not a Trail checkpoint: " + metaFile + " does not exist");
        }
        Path sumFile = dir.resolve(METADATA_CHECKSUM_FILE);
        if (!Files.isRegularFile(sumFile)) {
            throw new IOException("corrupt checkpoint: " + sumFile + " is missing");
        }
        String expectedSum = Files.readString(sumFile).trim().split("\\s+")[0];
        String actualSum = sha256(metaFile);
        if (!actualSum.equals(expectedSum)) {
            throw new IOException("corrupt checkpoint: SHA-256 of " + metaFile + " is " + actualSum + ", "
                    + sumFile.getFileName() + " says " + expectedSum + " (truncated or edited?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(metaFile.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException("corrupt checkpoint: " + metaFile + " is not valid JSON (truncated?): "
                    + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode meta) || !FORMAT.equals(meta.path("format").asText())) {
            throw new IOException("not a Trail checkpoint: " + metaFile + " lacks \"format\": \"" + FORMAT + "\"");
        }
        int version = meta.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IOException(metaFile + " has checkpoint format version " + version + "; this Trail reads "
                    + FORMAT_VERSION);
        }
        JsonNode files = meta.path("files");
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException("corrupt checkpoint: " + file + " is missing");
            }
            long bytes = Files.size(file);
            long expectedBytes = e.getValue().path("bytes").asLong(-1);
            if (bytes != expectedBytes) {
                throw new IOException("corrupt checkpoint: " + file + " has " + bytes + " bytes, the metadata says "
                        + expectedBytes + " (truncated?)");
            }
            String sum = sha256(file);
            String expected = e.getValue().path("sha256").asText();
            if (!sum.equals(expected)) {
                throw new IOException("corrupt checkpoint: SHA-256 of " + file + " is " + sum + ", the metadata says "
                        + expected);
            }
        }
        return meta;
    }

    /** The hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temporary directory is harmless and named as such
        }
    }
}
