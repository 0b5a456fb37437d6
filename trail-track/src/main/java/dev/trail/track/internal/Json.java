package dev.trail.track.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trail.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON for the run files: ordered maps in, pretty-printed UTF-8 out, atomic whole-file writes. */
public final class Json {

    /** Shared mapper: NaN/Infinity allowed (metrics may be non-finite), pretty output. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /** Writes {@code value} as JSON to {@code target} through a temp file and rename. */
    public static void writeAtomic(Path target, Object value) throws IOException {
        byte[] bytes = toBytes(value);
        AtomicFiles.write(target, bytes);
    }

    public static byte[] toBytes(Object value) {
        try {
            return (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON object into an ordered map. */
    public static Map<String, Object> readMap(Path file) throws IOException {
        Map<String, Object> m = MAPPER.readValue(Files.readAllBytes(file), MAP);
        if (m == null) {
            throw new IOException("empty JSON document");
        }
        return m;
    }

    public static String string(Map<String, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    public static long longValue(Map<String, ?> m, String key, long fallback) {
        return m.get(key) instanceof Number n ? n.longValue() : fallback;
    }

    public static double doubleValue(Map<String, ?> m, String key, double fallback) {
        return m.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }
}
