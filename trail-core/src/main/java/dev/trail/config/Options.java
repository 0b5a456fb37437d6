package dev.trail.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolved option values: every declared option with its default, overridden by user settings.
 * A setting whose key is not declared is rejected, naming the closest declared key. Option names
 * are snake_case ({@code kl_coef}), as the config records' keys are.
 */
public final class Options {

    private final Map<String, Option> declared;
    private final Map<String, Object> values;

    private Options(Map<String, Option> declared, Map<String, Object> values) {
        this.declared = declared;
        this.values = values;
    }

    /**
     * Resolves {@code settings} (raw strings, e.g. from {@code --set key=value}) against the
     * declared options.
     *
     * @param owner what the options belong to, for messages (e.g. {@code estimator grpo})
     * @throws IllegalArgumentException for an unknown key or an invalid value
     */
    public static Options resolve(String owner, List<Option> options, Map<String, String> settings) {
        Map<String, Option> declared = new LinkedHashMap<>();
        for (Option o : options) {
            declared.put(o.name(), o);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option o : options) {
            values.put(o.name(), o.parse(o.defaultValue()));
        }
        if (settings != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
                Option o = declared.get(e.getKey());
                if (o == null) {
                    throw new IllegalArgumentException("unknown option '" + e.getKey() + "' for " + owner
                            + (declared.isEmpty() ? " (it takes no options)" : "; the closest known option is '"
                                    + closest(e.getKey(), declared.keySet()) + "' (known: " + declared.keySet() + ")"));
                }
                values.put(o.name(), o.parse(e.getValue()));
            }
        }
        return new Options(declared, values);
    }

    /** The name in {@code known} nearest to {@code key} by edit distance (Levenshtein). */
    public static String closest(String key, java.util.Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int[] prev = new int[k.length() + 1];
            int[] cur = new int[k.length() + 1];
            for (int j = 0; j <= k.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= key.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= k.length(); j++) {
                    int sub = prev[j - 1] + (key.charAt(i - 1) == k.charAt(j - 1) ? 0 : 1);
                    cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            if (prev[k.length()] < bestDistance) {
                best = k;
                bestDistance = prev[k.length()];
            }
        }
        return best;
    }

    /** Defaults only. */
    public static Options defaults(String owner, List<Option> options) {
        return resolve(owner, options, Map.of());
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null && !values.containsKey(name)) {
            throw new IllegalArgumentException("option " + name + " is not declared; declared: " + declared.keySet());
        }
        return v;
    }

    public double getDouble(String name) {
        Object v = get(name);
        return v instanceof Integer i ? i : (Double) v;
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    /** All resolved values, in declaration order (for provenance and help texts). */
    public Map<String, Object> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }
}
