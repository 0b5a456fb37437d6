package dev.trail.config.bind;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.config.Param;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Binds a config record from a YAML section and {@code --set key=value} strings, and writes it
 * back as a map (for {@code config.yaml} and checkpoint metadata). One binder serves every config
 * record: it reads the record's components by reflection, so a config is declared once — the
 * record, its {@link Param} annotations and its {@code defaults()} — and nothing else.
 *
 * <ul>
 *   <li>Keys are the component names in snake_case ({@code numEnvs} is {@code num_envs}) unless
 *       {@link Param#name()} says otherwise; a nested record is a nested section, and on the
 *       command line a dotted key ({@code model.layers=3}).</li>
 *   <li>Values are YAML scalars, so {@code --set learning_rate=1e-3}, {@code hidden_sizes=64,64}
 *       and {@code target_kl=none} mean what they would mean in the file; a quoted number in the
 *       file ({@code '3e-4'}) is read in the component's type like an unquoted one.</li>
 *   <li>Unknown keys are refused before any value is looked at, naming the key and the closest
 *       known one (edit distance). Values are checked in the declared type: an {@code int} given
 *       {@code 1e300}, {@code 4294967296} or {@code 2.5} is refused, not coerced; booleans are
 *       only {@code true} or {@code false}; numbers must lie in the {@link Param} range. Then the
 *       record's own constructor validates the combination.</li>
 *   <li>A preset ({@link #withPreset}) is a boolean key that, when true, replaces the defaults by
 *       another set of values; keys the user gives still win (GRPO's {@code dapo=true}).</li>
 * </ul>
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message names the owner, the key, the
 * value and what is allowed.
 *
 * @param <R> the config record type
 */
public final class ConfigBinder<R extends Record> {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private final String owner;
    private final Class<R> type;
    private final R defaults;
    private final List<Field> fields;
    private final Map<String, Field> byKey;
    private final String presetKey;
    private final UnaryOperator<R> preset;
    private final Constructor<R> constructor;

    /** One component: its key, reflection handles and declared range. */
    private record Field(String key, RecordComponent component, Class<?> type, Param param, double min, double max) {
    }

    private ConfigBinder(String owner, Class<R> type, R defaults, String presetKey, UnaryOperator<R> preset) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.type = Objects.requireNonNull(type, "type");
        this.defaults = defaults;
        this.presetKey = presetKey;
        this.preset = preset;
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        List<Field> list = new ArrayList<>();
        Map<String, Field> keys = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            Param p = c.getAnnotation(Param.class);
            String key = p != null && !p.name().isEmpty() ? p.name() : SNAKE.translate(c.getName());
            double lo = p == null ? Double.NEGATIVE_INFINITY : p.min();
            double hi = p == null ? Double.POSITIVE_INFINITY : p.max();
            Field f = new Field(key, c, c.getType(), p, lo, hi);
            if (keys.put(key, f) != null) {
                throw new IllegalArgumentException(type.getSimpleName() + " declares the key '" + key + "' twice");
            }
            list.add(f);
        }
        this.fields = List.copyOf(list);
        this.byKey = keys;
        try {
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor in " + type.getName(), e);
        }
        if (presetKey != null) {
            Field f = byKey.get(presetKey);
            if (f == null || f.type() != boolean.class) {
                throw new IllegalArgumentException("preset key '" + presetKey + "' is not a boolean component of "
                        + type.getSimpleName());
            }
        }
    }

    /**
     * A binder for {@code type} with {@code defaults} (the values of keys nobody sets).
     *
     * @param owner what the config belongs to, for messages (e.g. {@code ppo})
     */
    public static <R extends Record> ConfigBinder<R> of(String owner, Class<R> type, R defaults) {
        return new ConfigBinder<>(owner, type, Objects.requireNonNull(defaults, "defaults"), null, null);
    }

    /** This binder with other defaults (e.g. PPO's continuous-control ones). */
    public ConfigBinder<R> withDefaults(R newDefaults) {
        return new ConfigBinder<>(owner, type, Objects.requireNonNull(newDefaults, "defaults"), presetKey, preset);
    }

    /**
     * This binder with a preset: when the boolean {@code key} is true, the defaults are
     * {@code values.apply(defaults)} instead (which must keep {@code key} true); keys the user sets
     * still override them.
     */
    public ConfigBinder<R> withPreset(String key, UnaryOperator<R> values) {
        return new ConfigBinder<>(owner, type, defaults, key, values);
    }

    /** What the config belongs to (e.g. {@code ppo}). */
    public String owner() {
        return owner;
    }

    /** The record type. */
    public Class<R> type() {
        return type;
    }

    /** The defaults. */
    public R defaults() {
        return defaults;
    }

    /** The keys of the top level, in declaration order. */
    public List<String> keys() {
        return List.copyOf(byKey.keySet());
    }

    // ---------------------------------------------------------------- binding

    /** {@link #bind(Map, Map)} with {@code --set} strings only. */
    public R parse(Map<String, String> sets) {
        return bind(null, sets);
    }

    /** {@link #bind(Map, Map)} with a section only (e.g. checkpoint metadata or a config file section). */
    public R bind(Map<String, ?> section) {
        return bind(section, null);
    }

    /** A section given as a JSON tree (checkpoint metadata). */
    public R bind(JsonNode section) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = section == null || section.isNull() || section.isMissingNode() ? null
                : YAML.convertValue(section, Map.class);
        return bind(map, null);
    }

    /**
     * The config: the defaults, overridden by {@code section} (a parsed YAML mapping: scalars,
     * lists and nested maps), then by {@code sets} ({@code key} or {@code section.key} to a raw
     * string, read as a YAML scalar). Every key is checked before any value.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or an invalid value
     */
    public R bind(Map<String, ?> section, Map<String, String> sets) {
        Map<String, Object> given = new LinkedHashMap<>();
        if (section != null) {
            for (Map.Entry<String, ?> e : section.entrySet()) {
                given.put(String.valueOf(e.getKey()), new Given(e.getValue(), null));
            }
        }
        if (sets != null) {
            for (Map.Entry<String, String> e : sets.entrySet()) {
                put(given, e.getKey(), new Given(scalar(e.getValue()), e.getValue()));
            }
        }
        checkKeys(given, "");
        R base = defaults;
        if (presetKey != null) {
            Object flag = given.get(presetKey);
            boolean on = flag == null ? (Boolean) accessor(byKey.get(presetKey), defaults)
                    : (Boolean) convert(byKey.get(presetKey), presetKey, (Given) flag);
            if (on) {
                base = preset.apply(defaults);
            }
        }
        return build(given, base, "");
    }

    /** A value the user gave, with its raw text when it came from the command line. */
    private record Given(Object value, String raw) {
        String text() {
            return raw != null ? raw : String.valueOf(value);
        }
    }

    /** Puts {@code a.b.c} into nested maps. */
    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> given, String dottedKey, Given value) {
        int dot = dottedKey.indexOf('.');
        if (dot < 0) {
            given.put(dottedKey, value);
            return;
        }
        String head = dottedKey.substring(0, dot);
        Object child = given.get(head);
        Map<String, Object> map;
        if (child instanceof Map<?, ?> m) {
            map = (Map<String, Object>) m;
        } else if (child instanceof Given g && g.value() instanceof Map<?, ?> m) {
            map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                map.put(String.valueOf(e.getKey()), new Given(e.getValue(), null));
            }
            given.put(head, map);
        } else {
            map = new LinkedHashMap<>();
            given.put(head, map);
        }
        put(map, dottedKey.substring(dot + 1), value);
    }

    private void checkKeys(Map<String, Object> given, String prefix) {
        for (Map.Entry<String, Object> e : given.entrySet()) {
            Field f = byKey.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException("unknown key '" + prefix + e.getKey() + "' for " + owner
                        + suggestion(e.getKey(), byKey.keySet(), prefix));
            }
            if (f.type().isRecord()) {
                Map<String, Object> sub = asSection(f, prefix, e.getValue());
                if (sub != null) {
                    e.setValue(sub);
                    nested(f, null).checkKeys(sub, prefix + f.key() + ".");
                }
            } else if (e.getValue() instanceof Map<?, ?>) {
                throw new IllegalArgumentException(owner + " key '" + prefix + e.getKey() + "' takes a value, not a "
                        + "section (keys under it: " + ((Map<?, ?>) e.getValue()).keySet() + ")");
            }
        }
    }

    /** A nested record's given value as a map of {@link Given}s; null for an explicit none. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> asSection(Field f, String prefix, Object value) {
        if (value instanceof Map<?, ?> m && !(value instanceof Given)) {
            return (Map<String, Object>) m;
        }
        Given g = (Given) value;
        if (g.value() == null || isNone(g.value())) {
            return null;
        }
        if (g.value() instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), new Given(e.getValue(), null));
            }
            return out;
        }
        throw new IllegalArgumentException(owner + " key '" + prefix + f.key() + "' is a section (keys: "
                + nested(f, null).keys() + "), got " + g.text());
    }

    /** Names the closest known key by edit distance ({@link Options#closest}), for "did you mean". */
    static String suggestion(String key, java.util.Collection<String> known, String prefix) {
        if (known.isEmpty()) {
            return " (it takes no keys)";
        }
        return "; the closest known key is '" + prefix + Options.closest(key, known) + "' (known: "
                + String.join(", ", known) + ")";
    }

    @SuppressWarnings("unchecked")
    private R build(Map<String, Object> given, R base, String prefix) {
        Object[] args = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String key = prefix + f.key();
            Object v = given.get(f.key());
            Object baseValue = base == null ? null : accessor(f, base);
            if (f.type().isRecord()) {
                if (v == null && !given.containsKey(f.key())) {
                    if (base == null) {
                        throw new IllegalArgumentException(owner + " key '" + key + "' is required");
                    }
                    args[i] = baseValue;
                } else if (v == null || v instanceof Given) {
                    args[i] = null; // explicit none
                } else {
                    args[i] = nested(f, (Record) baseValue).build((Map<String, Object>) v, (Record) baseValue, key + ".");
                }
            } else if (v != null) {
                args[i] = convert(f, key, (Given) v);
            } else if (base == null) {
                throw new IllegalArgumentException(owner + " key '" + key + "' is required (" + describeType(f) + ")");
            } else {
                args[i] = baseValue;
            }
        }
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(owner + ": " + iae.getMessage(), iae);
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName() + ": " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ConfigBinder nested(Field f, Record nestedDefaults) {
        return new ConfigBinder(owner, f.type(), nestedDefaults, null, null);
    }

    private static Object accessor(Field f, Record r) {
        try {
            Method m = f.component().getAccessor();
            m.setAccessible(true);
            return m.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + f.component().getName(), e);
        }
    }

    // ---------------------------------------------------------------- values

    private static boolean isNone(Object v) {
        return v instanceof String s && (s.equalsIgnoreCase("none") || s.equalsIgnoreCase("null") || s.equals("~"));
    }

    private Object convert(Field f, String key, Given g) {
        Class<?> t = f.type();
        Object v = g.value();
        if (v == null || isNone(v)) {
            if (!t.isPrimitive()) {
                return null;
            }
            if (f.param() != null && !f.param().none().isEmpty() && (t == double.class || t == float.class)) {
                return toDouble(f, key, new Given(f.param().none(), null));
            }
            throw invalid(f, key, g, "needs " + describeType(f));
        }
        if (t == int.class || t == Integer.class) {
            return integral(f, key, g, Integer.MIN_VALUE, Integer.MAX_VALUE).intValueExact();
        }
        if (t == long.class || t == Long.class) {
            return integral(f, key, g, Long.MIN_VALUE, Long.MAX_VALUE).longValueExact();
        }
        if (t == double.class || t == Double.class) {
            return toDouble(f, key, g);
        }
        if (t == boolean.class || t == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.equals("true") || s.equals("True") || s.equals("TRUE"))) {
                return true;
            }
            if (v instanceof String s && (s.equals("false") || s.equals("False") || s.equals("FALSE"))) {
                return false;
            }
            throw invalid(f, key, g, "must be true or false");
        }
        if (t == String.class) {
            if (v instanceof List<?> list) {
                return String.join(",", list.stream().map(String::valueOf).toList());
            }
            if (v instanceof Map<?, ?>) {
                throw invalid(f, key, g, "must be text");
            }
            return v instanceof String s || g.raw() == null ? String.valueOf(v) : g.raw().trim();
        }
        if (t.isEnum()) {
            String s = String.valueOf(v).trim();
            for (Object c : t.getEnumConstants()) {
                if (spelling((Enum<?>) c).equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw invalid(f, key, g, "must be one of " + choices(t));
        }
        throw new IllegalStateException(type.getSimpleName() + "." + f.component().getName() + ": unsupported config "
                + "type " + t.getName());
    }

    private BigDecimal integral(Field f, String key, Given g, long typeMin, long typeMax) {
        Object v = g.value();
        BigDecimal d;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof BigInteger b) {
            d = new BigDecimal(b);
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double x = ((Number) v).doubleValue();
            if (!Double.isFinite(x)) {
                throw invalid(f, key, g, "is not an integer; allowed: " + range(f, typeMin, typeMax));
            }
            d = v instanceof BigDecimal b ? b : new BigDecimal(x);
        } else if (v instanceof String s) {
            try {
                d = new BigDecimal(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw invalid(f, key, g, "is not an integer; allowed: " + range(f, typeMin, typeMax));
            }
        } else {
            throw invalid(f, key, g, "is not an integer; allowed: " + range(f, typeMin, typeMax));
        }
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw invalid(f, key, g, "is not an integer; allowed: " + range(f, typeMin, typeMax));
        }
        if (d.compareTo(BigDecimal.valueOf(lowest(f, typeMin))) < 0
                || d.compareTo(BigDecimal.valueOf(highest(f, typeMax))) > 0) {
            throw invalid(f, key, g, "is outside the allowed range " + range(f, typeMin, typeMax));
        }
        return d;
    }

    /** The smallest allowed integer: the declared minimum (rounded up) within the type's range. */
    private static long lowest(Field f, long typeMin) {
        double lo = f.min() == Double.MIN_VALUE ? 1 : f.min();
        return lo <= typeMin ? typeMin : (long) Math.ceil(lo);
    }

    /** The largest allowed integer: the declared maximum (rounded down) within the type's range. */
    private static long highest(Field f, long typeMax) {
        return f.max() >= typeMax ? typeMax : (long) Math.floor(f.max());
    }

    private double toDouble(Field f, String key, Given g) {
        Object v = g.value();
        double x;
        if (v instanceof Number n) {
            x = n.doubleValue();
        } else if (v instanceof String s) {
            x = parseDouble(s.trim());
            if (Double.isNaN(x) && !s.trim().toLowerCase(Locale.ROOT).contains("nan")) {
                throw invalid(f, key, g, "is not a number; allowed: " + range(f, Long.MIN_VALUE, Long.MAX_VALUE));
            }
        } else {
            throw invalid(f, key, g, "is not a number; allowed: " + range(f, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        boolean aboveMin = f.min() == Double.MIN_VALUE ? x > 0 : x >= f.min();
        if (Double.isNaN(x) || !aboveMin || x > f.max()) {
            throw invalid(f, key, g, "is outside the allowed range " + range(f, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        return x;
    }

    /** YAML's and Java's spellings of a float; NaN for text that is not a number. */
    private static double parseDouble(String s) {
        switch (s) {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "inf", "+inf", "Infinity", "+Infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf", "-.INF", "-inf", "-Infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(s.replace("_", ""));
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
    }

    private IllegalArgumentException invalid(Field f, String key, Given g, String what) {
        return new IllegalArgumentException(owner + " " + key + "=" + g.text() + " " + what);
    }

    private static String describeType(Field f) {
        Class<?> t = f.type();
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
            return "an integer";
        }
        if (t == double.class || t == Double.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t.isEnum()) {
            return "one of " + choices(t);
        }
        return "a value";
    }

    private static String range(Field f, long typeMin, long typeMax) {
        boolean integer = f.type() == int.class || f.type() == long.class || f.type() == Integer.class
                || f.type() == Long.class;
        String none = f.type() == Double.class || f.type() == Integer.class || f.type() == Long.class ? " or none" : "";
        if (integer) {
            return "[" + lowest(f, typeMin) + ", " + highest(f, typeMax) + "]" + none;
        }
        String low = f.min() == Double.MIN_VALUE ? "(0" : "[" + num(f.min(), false);
        return low + ", " + num(f.max(), false) + "]" + none;
    }

    private static String num(double d, boolean integer) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (integer || d == Math.rint(d) && Math.abs(d) < 1e15) {
            return new BigDecimal(d).toBigInteger().toString();
        }
        return Double.toString(d);
    }

    /** The config spelling of an enum constant: its {@code cliName()} if it has one, else its name in lower case. */
    static String spelling(Enum<?> e) {
        try {
            Method m = e.getDeclaringClass().getMethod("cliName");
            if (m.getReturnType() == String.class) {
                return (String) m.invoke(e);
            }
        } catch (ReflectiveOperationException ignored) {
            // no cliName(): the lower-case name
        }
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> choices(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> spelling((Enum<?>) c)).toList();
    }

    /**
     * Reads {@code raw} as a YAML scalar: null, true/false (only those spellings), an integer
     * ({@link Long}, or {@link BigInteger} beyond), a float ({@link Double}) or text. Text that is
     * not a scalar (e.g. {@code a: b}) stays text.
     */
    public static Object scalar(String raw) {
        if (raw == null) {
            return null;
        }
        try (JsonParser p = YAML.getFactory().createParser(raw)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            if (!t.isScalarValue()) {
                return raw.trim();
            }
            Object v = scalarValue(p, t);
            return p.nextToken() == null ? v : raw.trim();
        } catch (IOException e) {
            return raw.trim();
        }
    }

    /** The current scalar token as a Java value, with YAML 1.2's booleans and floats. */
    private static Object scalarValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                yield switch (text) {
                    case "true", "True", "TRUE" -> Boolean.TRUE;
                    case "false", "False", "FALSE" -> Boolean.FALSE;
                    default -> text; // YAML 1.1's yes/no/on/off are text in YAML 1.2
                };
            }
            case VALUE_NUMBER_INT -> {
                BigInteger b = p.getBigIntegerValue();
                yield b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            case VALUE_NUMBER_FLOAT -> {
                double d = parseDouble(p.getText());
                yield Double.isNaN(d) && !p.getText().toLowerCase(Locale.ROOT).contains("nan") ? p.getText() : d;
            }
            default -> p.getText();
        };
    }

    // ---------------------------------------------------------------- writing

    /**
     * The config as snake_case keys to plain values (numbers, booleans, text, null, enums by their
     * config spelling, nested records as maps), in declaration order; {@link #bind(Map)} of it
     * gives back an equal record.
     */
    public Map<String, Object> toMap(Record config) {
        if (!type.isInstance(config)) {
            throw new IllegalArgumentException("expected a " + type.getSimpleName() + ", got " + config);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : fields) {
            Object v = accessor(f, config);
            if (v instanceof Enum<?> e) {
                v = spelling(e);
            } else if (v instanceof Record r) {
                v = nested(f, r).toMap(r);
            }
            m.put(f.key(), v);
        }
        return m;
    }

    /**
     * {@code config} with the components named by {@code changes} (snake_case keys, as in a config
     * file) replaced by the values given, which have the components' Java types (an enum constant,
     * a nested record, a number); bound as {@link #bind(Map)} binds, so every value is range-checked.
     * The way a record's {@code withX} methods change a few of many components.
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a value out of range
     */
    public R with(R config, Map<String, ?> changes) {
        Map<String, Object> m = toMap(config);
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            Field f = byKey.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException(owner + ": unknown key '" + e.getKey() + "'");
            }
            Object v = e.getValue();
            if (v instanceof Enum<?> en) {
                v = spelling(en);
            } else if (v instanceof Record r) {
                v = nested(f, r).toMap(r);
            }
            m.put(f.key(), v);
        }
        return bind(m);
    }

    /** {@link #toMap} as YAML text (for messages and tests). */
    public String toYaml(Record config) {
        try {
            return YAML.writeValueAsString(toMap(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- listing

    /**
     * Every key with its default, range and meaning, for {@code --list}; nested records appear as
     * dotted keys ({@code model.layers}).
     */
    public List<Option> options() {
        List<Option> out = new ArrayList<>();
        options("", defaults, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private void options(String prefix, Record d, List<Option> out) {
        for (Field f : fields) {
            String key = prefix + f.key();
            Object v = d == null ? null : accessor(f, d);
            String doc = f.param() == null ? "" : f.param().value();
            Class<?> t = f.type();
            if (t.isRecord()) {
                ConfigBinder<?> n = nested(f, (Record) v);
                if (v == null) {
                    out.add(Option.text(key, "none", doc + " (a section: " + String.join(", ", n.keys()) + ")"));
                } else {
                    n.options(key + ".", (Record) v, out);
                }
                continue;
            }
            String def = v == null ? "none" : v instanceof Enum<?> e ? spelling(e) : String.valueOf(v);
            if (f.param() != null && !f.param().none().isEmpty() && v instanceof Double x
                    && x == parseDouble(f.param().none())) {
                def = "none";
            }
            Option o;
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                double lo = t == int.class || t == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
                double hi = t == int.class || t == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
                o = new Option(key, Option.Type.INT, def, doc, List.of(),
                        Math.max(f.min() == Double.MIN_VALUE ? 1 : f.min(), lo), Math.min(f.max(), hi));
            } else if (t == double.class || t == Double.class) {
                o = new Option(key, Option.Type.DOUBLE, def, doc, List.of(), f.min(), f.max());
            } else if (t == boolean.class || t == Boolean.class) {
                o = Option.flag(key, Boolean.TRUE.equals(v), doc);
            } else if (t.isEnum()) {
                o = Option.choice(key, def, choices(t), doc);
            } else {
                o = Option.text(key, def, doc);
            }
            out.add(o);
        }
    }
}
