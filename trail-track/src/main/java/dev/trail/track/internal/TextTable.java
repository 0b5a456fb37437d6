package dev.trail.track.internal;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with left-aligned text and right-aligned numbers, for terminal output. */
public final class TextTable {

    private static final java.util.regex.Pattern NUMERIC = java.util.regex.Pattern.compile("[-+]?[0-9][0-9.,eE+-]*( ± [0-9.eE+-]+)?%?");

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

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
        return s.isEmpty() || s.equals("-") || NUMERIC.matcher(s).matches();
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
            return String.format("%.3e", v);
        }
        if (a >= 1000 || v == Math.rint(v)) {
            return String.format("%.1f", v);
        }
        return String.format("%.4g", v);
    }
}
