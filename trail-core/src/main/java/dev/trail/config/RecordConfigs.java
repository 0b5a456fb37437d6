package dev.trail.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds {@code key=value} settings (from a config file and {@code --set} overrides) onto typed
 * config records: every record component is a key (camelCase, or the snake_case spelling CleanRL
 * users type: {@code learning_rate} for {@code learningRate}), values are parsed to the
 * component's type, and the record's compact constructor validates the result. Unknown keys and
 * unparsable values are rejected naming the key, before any work starts.
 *
 * <p>Supported component types: {@code int}, {@code long}, {@code double}, {@code float},
 * {@code boolean}, {@code String}, enums (by name, case-insensitive, '-' for '_'), and the boxed
 * {@code Integer}/{@code Long}/{@code Double} where {@code none} or {@code null} means null.
 */
public final class RecordConfigs {

    private RecordConfigs() {
    }

    /**
     * A copy of {@code defaults} with {@code settings} applied.
     *
     * @param owner what the config belongs to, for messages (e.g. {@code ppo})
     * @throws IllegalArgumentException for an unknown key, an unparsable value, or a value the
     *         record's constructor rejects
     */
    public static <R extends Record> R bind(String owner, R defaults, Map<String, String> settings) {
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) defaults.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            index.put(components[i].getName(), i);
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            try {
                values[i] = components[i].getAccessor().invoke(defaults);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + owner + " config component " + components[i].getName(), e);
            }
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = camel(e.getKey().trim());
            Integer i = index.get(key);
            if (i == null) {
                throw new IllegalArgumentException("unknown " + owner + " config key '" + e.getKey() + "'; known keys: "
                        + String.join(", ", index.keySet()));
            }
            values[i] = parse(owner, components[i].getName(), types[i], e.getValue());
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(owner + " config: " + iae.getMessage(), iae);
            }
            throw new IllegalStateException("cannot build the " + owner + " config", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build the " + owner + " config", e);
        }
    }

    /** The record's components and values, in declaration order (for writing resolved configs). */
    public static Map<String, Object> toMap(Record config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            try {
                c.getAccessor().setAccessible(true);
                Object v = c.getAccessor().invoke(config);
                out.put(c.getName(), v instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT).replace('_', '-') : v);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read config component " + c.getName(), e);
            }
        }
        return out;
    }

    /** The keys of a config record type, in declaration order. */
    public static List<String> keys(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            keys.add(c.getName());
        }
        return keys;
    }

    /** {@code learning_rate} or {@code learning-rate} to {@code learningRate}; camelCase is kept. */
    static String camel(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        boolean up = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_' || c == '-') {
                up = sb.length() > 0;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    private static Object parse(String owner, String key, Class<?> type, String raw) {
        String v = raw == null ? "" : raw.trim();
        String what = owner + " config key " + key + "=" + raw;
        try {
            if (type == int.class || type == Integer.class) {
                if (type == Integer.class && isNone(v)) {
                    return null;
                }
                return Integer.valueOf(Math.toIntExact(parseLongish(v)));
            }
            if (type == long.class || type == Long.class) {
                if (type == Long.class && isNone(v)) {
                    return null;
                }
                return parseLongish(v);
            }
            if (type == double.class || type == Double.class) {
                if (type == Double.class && isNone(v)) {
                    return null;
                }
                return Double.valueOf(v);
            }
            if (type == float.class) {
                return Float.valueOf(v);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(what + " is not a " + type.getSimpleName().toLowerCase(Locale.ROOT) + " number");
        }
        if (type == boolean.class || type == Boolean.class) {
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalArgumentException(what + " must be true or false");
        }
        if (type == String.class) {
            return v;
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                String name = ((Enum<?>) c).name();
                names.add(name.toLowerCase(Locale.ROOT).replace('_', '-'));
                if (name.equalsIgnoreCase(v.replace('-', '_'))) {
                    return c;
                }
            }
            throw new IllegalArgumentException(what + " must be one of " + names);
        }
        throw new IllegalStateException("config key " + key + " has an unsupported type " + type.getName());
    }

    /** Integers written as {@code 1000000}, {@code 1_000_000} or {@code 1e6}. */
    private static long parseLongish(String v) {
        String s = v.replace("_", "");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            double d = Double.parseDouble(s);
            if (d != Math.rint(d) || Math.abs(d) > 9.0e18) {
                throw new NumberFormatException(v);
            }
            return (long) d;
        }
    }

    private static boolean isNone(String v) {
        return v.isEmpty() || v.equalsIgnoreCase("none") || v.equalsIgnoreCase("null");
    }
}
