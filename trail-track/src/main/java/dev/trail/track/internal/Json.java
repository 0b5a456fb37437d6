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
    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** The shared mapper (built on first use). */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** A bare streaming factory: listing runs must not pay for building an ObjectMapper. */
    private static final class Streaming {
        static final com.fasterxml.jackson.core.JsonFactory FACTORY = com.fasterxml.jackson.core.JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    }

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
            return (Mapper.MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON object into an ordered map. */
    public static Map<String, Object> readMap(Path file) throws IOException {
        Map<String, Object> m = Mapper.MAPPER.readValue(Files.readAllBytes(file), MAP);
        if (m == null) {
            throw new IOException("empty JSON document");
        }
        return m;
    }

    /**
     * Reads only the top-level scalar fields of a JSON object (nested objects and arrays are
     * skipped without being built), stopping at the field {@code stopAt} if it is met (pass null
     * to read to the end): the fast path for listing many runs.
     */
    public static Map<String, Object> readTopLevelScalars(Path file, String stopAt) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = Streaming.FACTORY.createParser(Files.readAllBytes(file))) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (name.equals(stopAt)) {
                    return m;
                }
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                if (v == null) {
                    throw new IOException("unexpected end of input after field '" + name + "'");
                }
                switch (v) {
                    case START_OBJECT, START_ARRAY -> p.skipChildren();
                    case VALUE_STRING -> m.put(name, p.getText());
                    case VALUE_NUMBER_INT -> m.put(name, p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> m.put(name, p.getDoubleValue());
                    case VALUE_TRUE -> m.put(name, Boolean.TRUE);
                    case VALUE_FALSE -> m.put(name, Boolean.FALSE);
                    default -> m.put(name, null);
                }
            }
            if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
                throw new IOException("malformed JSON object");
            }
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
