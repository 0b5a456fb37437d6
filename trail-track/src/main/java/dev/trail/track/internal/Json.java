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
     * skipped), stopping at the field {@code stopAt} if it is met (null: read to the end). A small
     * hand-written scanner rather than Jackson: listing a thousand runs happens in a fresh JVM,
     * where this code runs interpreted and Jackson's general machinery costs ~0.5 ms per file.
     *
     * @throws IOException if the text is not a JSON object (reading up to {@code stopAt})
     */
    public static Map<String, Object> readTopLevelScalars(Path file, String stopAt) throws IOException {
        return new FlatScanner(Files.readAllBytes(file)).topLevel(stopAt);
    }

    /** Minimal JSON scanner over UTF-8 bytes for {@link #readTopLevelScalars}. */
    private static final class FlatScanner {
        private final byte[] b;
        private int i;

        FlatScanner(byte[] b) {
            this.b = b;
        }

        Map<String, Object> topLevel(String stopAt) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            expect('{');
            ws();
            if (peek() == '}') {
                return m;
            }
            while (true) {
                ws();
                String name = string();
                if (name.equals(stopAt)) {
                    return m;
                }
                ws();
                expect(':');
                ws();
                m.put(name, value());
                ws();
                int c = next();
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Object value() throws IOException {
            int c = peek();
            switch (c) {
                case '"':
                    return string();
                case '{':
                case '[':
                    skipNested();
                    return null;
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    return number();
            }
        }

        private Object number() throws IOException {
            int start = i;
            boolean integer = true;
            while (i < b.length) {
                int c = b[i];
                if (c >= '0' && c <= '9' || c == '-' || c == '+') {
                    i++;
                } else if (c == '.' || c == 'e' || c == 'E' || Character.isLetter(c)) {
                    integer = false; // also NaN / Infinity, which the writer may emit
                    i++;
                } else {
                    break;
                }
            }
            if (i == start) {
                throw error("unexpected character");
            }
            String t = new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
            try {
                return integer ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw error("bad number '" + t + "'");
            }
        }

        private String string() throws IOException {
            expect('"');
            int start = i;
            while (i < b.length && b[i] != '"' && b[i] != '\\') {
                i++;
            }
            if (i < b.length && b[i] == '"') {
                return new String(b, start, i++ - start, java.nio.charset.StandardCharsets.UTF_8);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(b, start, i - start);
            while (true) {
                if (i >= b.length) {
                    throw error("unterminated string");
                }
                int c = b[i++];
                if (c == '"') {
                    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (i >= b.length) {
                    throw error("unterminated escape");
                }
                int e = b[i++];
                switch (e) {
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'r' -> out.write('\r');
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'u' -> {
                        if (i + 4 > b.length) {
                            throw error("short \\u escape");
                        }
                        char ch = (char) Integer.parseInt(new String(b, i, 4, java.nio.charset.StandardCharsets.US_ASCII), 16);
                        out.writeBytes(String.valueOf(ch).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        i += 4;
                    }
                    default -> out.write(e);
                }
            }
        }

        private void skipNested() throws IOException {
            int depth = 0;
            while (i < b.length) {
                int c = b[i];
                if (c == '"') {
                    string();
                    continue;
                }
                i++;
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        return;
                    }
                }
            }
            throw error("unterminated object or array");
        }

        private void literal(String word) throws IOException {
            for (int k = 0; k < word.length(); k++) {
                if (i >= b.length || b[i++] != word.charAt(k)) {
                    throw error("expected " + word);
                }
            }
        }

        private void ws() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
                i++;
            }
        }

        private int peek() throws IOException {
            if (i >= b.length) {
                throw error("unexpected end of input");
            }
            return b[i];
        }

        private int next() throws IOException {
            int c = peek();
            i++;
            return c;
        }

        private void expect(char c) throws IOException {
            if (next() != c) {
                i--;
                throw error("expected '" + c + "'");
            }
        }

        private IOException error(String what) {
            return new IOException("malformed JSON at byte " + i + ": " + what);
        }
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
