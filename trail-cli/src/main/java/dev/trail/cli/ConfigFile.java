package dev.trail.cli;

import dev.trail.config.bind.ConfigBinder;
import dev.trail.track.ConfigYaml;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A training config file: YAML read by {@link ConfigYaml} (the format a run's {@code config.yaml}
 * is written in; duplicate keys refused, quotes and comments as YAML has them), split into its
 * top-level keys and the section named after the algorithm. Errors name the file and the line.
 *
 * @param file where it came from, for messages (null: no file)
 * @param tree the whole mapping
 */
record ConfigFile(Path file, Map<String, Object> tree) {

    /** No file: an empty mapping. */
    static ConfigFile none() {
        return new ConfigFile(null, Map.of());
    }

    /** Reads {@code file}; a syntax error or duplicate key is a {@link UserError} naming file and line. */
    static ConfigFile read(Path file) {
        try {
            return new ConfigFile(file, ConfigYaml.read(file));
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** A top-level text value (e.g. {@code algo}), or null. */
    String text(String key) {
        Object v = tree.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /**
     * The section named {@code name} (an algorithm's options), or null; anything but a mapping
     * there is an error.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        Object v = tree.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new UserError("--config " + file + ": '" + name + "' must be a section of " + name + " options, got "
                    + v);
        }
        return (Map<String, Object>) v;
    }

    /**
     * The top-level keys other than the section {@code algoName}, bound by {@code binder} with
     * {@code overrides} (command-line options as strings) on top. An unknown key is refused naming
     * the closest known one, and saying where algorithm options go; a key of the algorithm's
     * section ({@code sectionKeys}) at the top level is refused saying where it belongs.
     */
    <R extends Record> R topLevel(ConfigBinder<R> binder, String algoName, java.util.List<String> sectionKeys,
            Map<String, String> overrides) {
        Map<String, Object> keys = new LinkedHashMap<>(tree);
        if (algoName != null) {
            keys.remove(algoName);
        }
        Set<String> known = Set.copyOf(binder.keys());
        for (String k : keys.keySet()) {
            if (!known.contains(k) && sectionKeys.contains(k)) {
                throw new UserError((file == null ? "" : file + ": ") + "'" + k + "' is an option of " + algoName
                        + ": put it in the section '" + algoName + ":'");
            }
            if (!known.contains(k)) {
                String hint = algoName == null ? "" : "; options of " + algoName + " go in a section '" + algoName
                        + ":'";
                try {
                    binder.bind(Map.of(k, ""), null);
                } catch (IllegalArgumentException e) {
                    throw new UserError((file == null ? "" : file + ": ") + e.getMessage() + hint);
                }
            }
        }
        return binder.bind(keys, overrides);
    }
}
