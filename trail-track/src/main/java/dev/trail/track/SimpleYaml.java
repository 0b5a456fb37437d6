package dev.trail.track;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The YAML subset of {@code config.yaml}: nested block maps ({@code key: value}, children indented
 * by two spaces) whose leaves are scalars (null, booleans, integers, floats incl. {@code .nan} and
 * {@code .inf}, plain or double-quoted strings) or flow lists/maps ({@code [1, 2]},
 * {@code {a: 1}}). The reader also accepts block lists ({@code - item}) and {@code #} comments.
 * Writing then reading gives back the same values (integers as {@link Long}, floats as
 * {@link Double}).
 */
public final class SimpleYaml {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./+-]*");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?");

    private SimpleYaml() {
    }

    // ---------------------------------------------------------------- writing

    /** Renders a map as YAML text, keys in the map's iteration order. */
    public static String write(Map<String, ?> map) {
        StringBuilder out = new StringBuilder();
        writeMap(out, map, 0);
        return out.toString();
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, int indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.append("  ".repeat(indent)).append(key(String.valueOf(e.getKey()))).append(':');
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                out.append('\n');
                writeMap(out, m, indent + 1);
            } else {
                out.append(' ').append(flow(v)).append('\n');
            }
        }
    }

    private static String key(String k) {
        return PLAIN.matcher(k).matches() || INTEGER.matcher(k).matches() ? k : quote(k);
    }

    private static String flow(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return ".nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? ".inf" : "-.inf";
            }
            String s = Double.toString(d);
            return s;
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(key(String.valueOf(e.getKey()))).append(": ").append(flow(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof Iterable<?> it) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : it) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(flow(o));
            }
            return sb.append(']').toString();
        }
        if (v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            int n = java.lang.reflect.Array.getLength(v);
            for (int i = 0; i < n; i++) {
                list.add(java.lang.reflect.Array.get(v, i));
            }
            return flow(list);
        }
        String s = v.toString();
        boolean plain = PLAIN.matcher(s).matches() && !isReserved(s);
        return plain ? s : quote(s);
    }

    private static boolean isReserved(String s) {
        return switch (s) {
            case "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
                 ".nan", ".NaN", ".inf", ".Inf", "-.inf", "+.inf" -> true;
            default -> FLOAT.matcher(s).matches();
        };
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses YAML text of the supported subset into nested {@link LinkedHashMap}s.
     *
     * @throws IllegalArgumentException naming the line that is outside the subset
     */
    public static Map<String, Object> read(String text) {
        List<Line> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = stripComment(raw[i]);
            if (l.isBlank() || l.strip().equals("---")) {
                continue;
            }
            int indent = 0;
            while (indent < l.length() && l.charAt(indent) == ' ') {
                indent++;
            }
            if (indent < l.length() && l.charAt(indent) == '\t') {
                throw new IllegalArgumentException("line " + (i + 1) + ": tabs are not allowed for indentation");
            }
            lines.add(new Line(i + 1, indent, l.strip()));
        }
        int[] pos = {0};
        Map<String, Object> map = readMap(lines, pos, lines.isEmpty() ? 0 : lines.get(0).indent);
        if (pos[0] < lines.size()) {
            Line l = lines.get(pos[0]);
            throw new IllegalArgumentException("line " + l.number + ": unexpected indentation: '" + l.text + "'");
        }
        return map;
    }

    private record Line(int number, int indent, String text) {
    }

    private static Map<String, Object> readMap(List<Line> lines, int[] pos, int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (pos[0] < lines.size()) {
            Line l = lines.get(pos[0]);
            if (l.indent < indent) {
                break;
            }
            if (l.indent > indent) {
                throw new IllegalArgumentException("line " + l.number + ": unexpected indentation: '" + l.text + "'");
            }
            Cursor c = new Cursor(l.text, l.number);
            String key = c.peek() == '"' ? c.quoted() : c.until(':');
            c.skipSpaces();
            if (c.done() || c.peek() != ':') {
                throw new IllegalArgumentException("line " + l.number + ": expected 'key: value', got '" + l.text + "'");
            }
            c.i++;
            c.skipSpaces();
            pos[0]++;
            if (c.done()) {
                if (pos[0] < lines.size() && lines.get(pos[0]).indent > indent) {
                    Line child = lines.get(pos[0]);
                    map.put(key.strip(), child.text.startsWith("- ") || child.text.equals("-")
                            ? readList(lines, pos, child.indent)
                            : readMap(lines, pos, child.indent));
                } else if (pos[0] < lines.size() && lines.get(pos[0]).indent == indent
                        && lines.get(pos[0]).text.startsWith("- ")) {
                    map.put(key.strip(), readList(lines, pos, indent));
                } else {
                    map.put(key.strip(), null);
                }
            } else {
                Object v = c.value();
                c.skipSpaces();
                if (!c.done()) {
                    throw new IllegalArgumentException("line " + l.number + ": unexpected text after value: '" + l.text + "'");
                }
                map.put(key.strip(), v);
            }
        }
        return map;
    }

    private static List<Object> readList(List<Line> lines, int[] pos, int indent) {
        List<Object> list = new ArrayList<>();
        while (pos[0] < lines.size()) {
            Line l = lines.get(pos[0]);
            if (l.indent != indent || !(l.text.startsWith("- ") || l.text.equals("-"))) {
                break;
            }
            Cursor c = new Cursor(l.text.substring(1).strip(), l.number);
            list.add(c.done() ? null : c.value());
            pos[0]++;
        }
        return list;
    }

    private static String stripComment(String line) {
        boolean inQuote = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && inQuote) {
                i++;
            } else if (c == '"') {
                inQuote = !inQuote;
            } else if (c == '#' && !inQuote && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Reads one flow value at a time from a line. */
    private static final class Cursor {
        final String s;
        final int line;
        int i;

        Cursor(String s, int line) {
            this.s = s;
            this.line = line;
        }

        boolean done() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }

        String until(char stop) {
            int start = i;
            while (i < s.length() && s.charAt(i) != stop) {
                i++;
            }
            return s.substring(start, i);
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("line " + line + ": " + what + " in '" + s + "'");
        }

        Object value() {
            skipSpaces();
            if (done()) {
                throw error("missing value");
            }
            char c = peek();
            if (c == '"') {
                return quoted();
            }
            if (c == '[') {
                i++;
                List<Object> list = new ArrayList<>();
                skipSpaces();
                if (!done() && peek() == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skipSpaces();
                    if (done()) {
                        throw error("unclosed '['");
                    }
                    char d = s.charAt(i++);
                    if (d == ']') {
                        return list;
                    }
                    if (d != ',') {
                        throw error("expected ',' or ']'");
                    }
                }
            }
            if (c == '{') {
                i++;
                Map<String, Object> map = new LinkedHashMap<>();
                skipSpaces();
                if (!done() && peek() == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    skipSpaces();
                    String k = !done() && peek() == '"' ? quoted() : until(':').strip();
                    if (done()) {
                        throw error("expected ':' in flow map");
                    }
                    i++;
                    map.put(k, value());
                    skipSpaces();
                    if (done()) {
                        throw error("unclosed '{'");
                    }
                    char d = s.charAt(i++);
                    if (d == '}') {
                        return map;
                    }
                    if (d != ',') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            int start = i;
            while (i < s.length() && ",]}".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return scalar(s.substring(start, i).strip());
        }

        String quoted() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                if (done()) {
                    throw error("unclosed '\"'");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (done()) {
                    throw error("dangling '\\'");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("unknown escape '\\" + e + "'");
                }
            }
        }
    }

    /** Interprets a plain scalar: null, boolean, integer, float or string. */
    static Object scalar(String t) {
        switch (t) {
            case "", "null", "Null", "NULL", "~" -> {
                return null;
            }
            case "true", "True", "TRUE" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE" -> {
                return Boolean.FALSE;
            }
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            case ".inf", ".Inf", "+.inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                if (INTEGER.matcher(t).matches()) {
                    try {
                        return Long.parseLong(t);
                    } catch (NumberFormatException e) {
                        return Double.parseDouble(t);
                    }
                }
                if (FLOAT.matcher(t).matches()) {
                    return Double.parseDouble(t);
                }
                return t;
            }
        }
    }
}
