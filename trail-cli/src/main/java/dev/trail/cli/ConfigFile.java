package dev.trail.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML subset Trail's config files use: {@code key: value} lines, {@code #} comments,
 * quoted or plain scalars, and nested sections by indentation, flattened with dots
 * ({@code ppo:} / {@code   learning_rate: 3e-4} becomes {@code ppo.learning_rate}). Errors name
 * the file and the line.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read --config " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<Integer> indents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String raw = stripComment(lines.get(n));
            if (raw.isBlank() || raw.strip().equals("---")) {
                continue;
            }
            int indent = 0;
            while (indent < raw.length() && raw.charAt(indent) == ' ') {
                indent++;
            }
            if (raw.charAt(indent) == '\t') {
                throw new UserError(file + ": line " + (n + 1) + ": tabs are not allowed for indentation");
            }
            String line = raw.strip();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new UserError(file + ": line " + (n + 1) + ": expected 'key: value', got '" + line + "'");
            }
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                prefixes.remove(prefixes.size() - 1);
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            String full = (prefixes.isEmpty() ? "" : prefixes.get(prefixes.size() - 1)) + key;
            if (value.isEmpty()) {
                indents.add(indent);
                prefixes.add(full + ".");
                continue;
            }
            if (out.put(full, unquote(value)) != null) {
                throw new UserError(file + ": line " + (n + 1) + ": key '" + full + "' is given twice");
            }
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
