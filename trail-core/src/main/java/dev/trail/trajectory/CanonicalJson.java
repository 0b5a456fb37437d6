package dev.trail.trajectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal JSON canonicaliser for text actions ({@link ActionText}): object keys sorted, no insignificant
 * whitespace, strings and numbers kept as written. Not a general JSON library.
 */
final class CanonicalJson {

    private final String s;
    private int pos;

    private CanonicalJson(String s) {
        this.s = s;
    }

    /** The canonical form of {@code json}; throws IllegalArgumentException if it is not JSON. */
    static String canonicalise(String json) {
        CanonicalJson p = new CanonicalJson(json);
        StringBuilder out = new StringBuilder();
        p.value(out);
        p.skipWhitespace();
        if (p.pos != json.length()) {
            throw p.error("trailing text");
        }
        return out.toString();
    }

    private void value(StringBuilder out) {
        skipWhitespace();
        if (pos >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> object(out);
            case '[' -> array(out);
            case '"' -> out.append(string());
            default -> out.append(literal());
        }
    }

    private void object(StringBuilder out) {
        pos++;
        Map<String, String> members = new TreeMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            out.append("{}");
            return;
        }
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            StringBuilder v = new StringBuilder();
            value(v);
            members.put(key, v.toString());
            skipWhitespace();
            char c = next();
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw error("expected , or }");
            }
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : members.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(e.getKey()).append(':').append(e.getValue());
        }
        out.append('}');
    }

    private void array(StringBuilder out) {
        pos++;
        List<String> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            out.append("[]");
            return;
        }
        while (true) {
            StringBuilder v = new StringBuilder();
            value(v);
            items.add(v.toString());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                break;
            }
            if (c != ',') {
                throw error("expected , or ]");
            }
        }
        out.append('[').append(String.join(",", items)).append(']');
    }

    /** A string token, returned with its quotes and escapes as written. */
    private String string() {
        int start = pos;
        expect('"');
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '\\') {
                pos++;
            } else if (c == '"') {
                return s.substring(start, pos);
            }
        }
        throw error("unterminated string");
    }

    private String literal() {
        int start = pos;
        while (pos < s.length() && "{}[],:\" \t\r\n".indexOf(s.charAt(pos)) < 0) {
            pos++;
        }
        String lit = s.substring(start, pos);
        if (lit.equals("true") || lit.equals("false") || lit.equals("null")
                || lit.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return lit;
        }
        throw error("bad literal '" + lit + "'");
    }

    private void skipWhitespace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected " + c);
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not JSON at " + pos + ": " + what);
    }
}
