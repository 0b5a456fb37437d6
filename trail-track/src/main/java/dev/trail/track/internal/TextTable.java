package dev.trail.track.internal;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with left-aligned text and right-aligned numbers, for terminal output. */
public final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * {@code text} safe to print on a terminal: control characters other than line feed and tab
     * (ESC, BEL, CR, DEL, the C1 range, ...) written as {@code \\uXXXX}, so a run field cannot
     * move the cursor, retitle the window or hide text.
     */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f
                    || c == '\u2028' || c == '\u2029' || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (control) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    public TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    public TextTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header has " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    public String render() {
        int n = header.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        for (int c = 0; c < n; c++) {
            width[c] = header.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
                numeric[c] &= looksNumeric(r.get(c));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, numeric);
        for (List<String> r : rows) {
            line(sb, r, width, numeric);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                l.append("  ");
            }
            String s = cells.get(c);
            String pad = " ".repeat(width[c] - s.length());
            l.append(numeric[c] ? pad + s : s + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static boolean looksNumeric(String s) {
        if (s.isEmpty() || s.equals("-")) {
            return true;
        }
        char c = s.charAt(0);
        if ((c == '-' || c == '+') && s.length() > 1) {
            c = s.charAt(1);
        }
        return c >= '0' && c <= '9' || s.equals("inf") || s.equals("-inf");
    }

    /** Formats a double compactly for tables: up to 4 significant decimals, '-' for NaN. */
    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e7 || a < 1e-3)) {
            return String.format(java.util.Locale.ROOT, "%.3e", v);
        }
        // plain arithmetic instead of String.format: tables of a thousand runs are formatted in a cold JVM
        if (a >= 1000 || v == Math.rint(v)) {
            return Double.toString(Math.round(v * 10) / 10.0);
        }
        int decimals = 3 - (int) Math.floor(Math.log10(a)); // four significant digits
        double scale = Math.pow(10, decimals);
        // an integer divided by a power of ten is the double nearest that decimal, which
        // Double.toString prints back as the decimal itself
        return Double.toString(Math.round(v * scale) / scale);
    }
}
