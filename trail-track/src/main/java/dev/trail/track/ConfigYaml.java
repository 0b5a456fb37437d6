package dev.trail.track;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code config.yaml} and {@code --config} files, read and written with Jackson's YAML. Reading is
 * strict and follows YAML 1.2's core schema: a duplicate key is an error, quotes make text
 * ({@code '3e-4'} is the text 3e-4, {@code "64,64"} the text 64,64), comments are ignored,
 * booleans are only {@code true}/{@code false} (YAML 1.1's {@code yes}/{@code on} stay text),
 * {@code .inf} and {@code .nan} are floats. Integers read as {@link Long} ({@link BigInteger}
 * beyond), floats as {@link Double}; errors name the file and the line.
 */
public final class ConfigYaml {

    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigYaml() {
    }

    /** Renders a map as YAML, keys in the map's order (nested maps as blocks). */
    public static String write(Map<String, ?> map) {
        try {
            return map.isEmpty() ? "{}\n" : MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a YAML file whose top level is a mapping; an empty file is an empty map. */
    public static Map<String, Object> read(Path file) throws IOException {
        return read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses YAML text whose top level is a mapping.
     *
     * @param source the file name, for messages
     * @throws IllegalArgumentException naming {@code source} and the line
     */
    public static Map<String, Object> read(String text, String source) {
        try (JsonParser p = MAPPER.getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.VALUE_NULL) {
                return new LinkedHashMap<>();
            }
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(source + ": line " + p.currentLocation().getLineNr()
                        + ": expected 'key: value' lines, got '" + p.getText() + "'");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) value(p, t, source);
            return m;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ": line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException(source + where + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl) + " (" + s.substring(nl + 1).strip().replace('\n', ' ') + ")";
    }

    private static Object value(JsonParser p, JsonToken t, String source) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    m.put(key, value(p, p.nextToken(), source));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, t, source));
                }
                return list;
            }
            case VALUE_NULL -> {
                return null;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                return switch (text) {
                    case "true", "True", "TRUE" -> Boolean.TRUE;
                    case "false", "False", "FALSE" -> Boolean.FALSE;
                    default -> text;
                };
            }
            case VALUE_NUMBER_INT -> {
                BigInteger b = p.getBigIntegerValue();
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            case VALUE_NUMBER_FLOAT -> {
                return parseFloat(p.getText());
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            default -> throw new IllegalArgumentException(source + ": line " + p.currentLocation().getLineNr()
                    + ": unexpected " + t);
        }
    }

    private static Object parseFloat(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return switch (l) {
            case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
            case "-.inf" -> Double.NEGATIVE_INFINITY;
            case ".nan" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s.replace("_", ""));
                } catch (NumberFormatException e) {
                    yield s;
                }
            }
        };
    }
}
