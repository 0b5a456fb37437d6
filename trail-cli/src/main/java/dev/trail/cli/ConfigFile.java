package dev.trail.cli;

import dev.trail.track.SimpleYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a training config file (the YAML subset of {@link SimpleYaml}, the same format a run's
 * {@code config.yaml} is written in) as flat {@code key=value} settings: nested sections are
 * joined with dots ({@code ppo:} / {@code   learning_rate: 3e-4} is {@code ppo.learning_rate}).
 * Errors name the file and the line.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read --config " + file + ": " + e.getMessage());
        }
        Map<String, Object> tree;
        try {
            tree = SimpleYaml.read(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("--config " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", tree, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                flatten(key + ".", m, out);
            } else if (v instanceof List<?> list) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, v == null ? "none" : String.valueOf(v));
            }
        }
    }
}
