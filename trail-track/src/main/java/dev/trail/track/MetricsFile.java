package dev.trail.track;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The append-only metrics log {@code metrics.csv}: a header line {@value #HEADER} then one line
 * per logged scalar, {@code <step>,<wall_time>,<name>,<value>}, e.g.
 * {@code 2048,3.52,charts/episodic_return,21.0}. Wall time is seconds since the run started;
 * values use Java's {@link Double#toString} ({@code NaN}, {@code Infinity} allowed). Metric
 * names never contain commas, quotes or line breaks, so the file is plain CSV that DuckDB, pandas
 * and spreadsheets read as is.
 *
 * <p>The writer appends whole lines only; a line without its final newline can exist only while a
 * write is under way or after a crash in the middle of one, and readers ignore it.
 */
public final class MetricsFile {

    /** The header line, without newline. */
    public static final String HEADER = "step,wall_time,name,value";

    private static final int MAX_REPORTED_PROBLEMS = 5;

    private MetricsFile() {
    }

    /** Receives the rows of a metrics file in file order. */
    @FunctionalInterface
    public interface RowConsumer {
        /**
         * @param line 1-based line number in the file (the header is line 1)
         */
        void accept(long line, long step, double wallTime, String name, double value);
    }

    /**
     * What reading a metrics file found.
     *
     * @param file        the file read
     * @param rows        well-formed rows delivered
     * @param badLines    malformed lines skipped
     * @param problems    the first few problems, each naming the line
     * @param partialTail whether the file ended in a line without newline (ignored)
     * @param prefixCrc32c CRC32C of the first {@code checkBytes} bytes, -1 if the file is shorter
     */
    public record ReadResult(Path file, long rows, long badLines, List<String> problems, boolean partialTail,
                             long prefixCrc32c) {
        /** Whether the file is damaged (bad header or malformed lines). */
        public boolean damaged() {
            return badLines > 0;
        }

        /** One human-readable warning naming the file, or {@code null} if it is intact. */
        public String warning() {
            if (!damaged()) {
                return null;
            }
            return "damaged metrics file " + file + ": " + badLines + " malformed line(s); "
                    + String.join("; ", problems);
        }
    }

    /** Throws {@link IllegalArgumentException} if {@code name} cannot be a metric name. */
    public static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("metric name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                throw new IllegalArgumentException("metric name '" + name.replace("\n", "\\n")
                        + "' contains '" + (c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.valueOf(c))
                        + "'; use names like charts/episodic_return");
            }
        }
    }

    /**
     * Reads every well-formed row of {@code file}, skipping (and counting) malformed lines and an
     * unterminated last line. When {@code nameFilter} is not null only rows of that metric are
     * delivered.
     *
     * @throws IOException if the file cannot be read at all
     */
    public static ReadResult read(Path file, String nameFilter, RowConsumer consumer) throws IOException {
        return read(file, nameFilter, 0, consumer);
    }

    /**
     * As {@link #read(Path, String, RowConsumer)}, also computing the CRC32C of the first
     * {@code checkBytes} bytes (to compare with the one recorded in {@code summary.json}).
     */
    public static ReadResult read(Path file, String nameFilter, long checkBytes, RowConsumer consumer) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        }
        long prefixCrc = -1;
        if (checkBytes <= bytes.length) {
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, (int) checkBytes);
            prefixCrc = crc.getValue();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        long rows = 0;
        long bad = 0;
        int pos = 0;
        long line = 0;
        boolean partial = false;
        int n = text.length();
        while (pos < n) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                partial = true;
                break;
            }
            line++;
            int lineEnd = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (line == 1) {
                if (!text.regionMatches(pos, HEADER, 0, HEADER.length()) || lineEnd - pos != HEADER.length()) {
                    bad++;
                    problems.add("line 1: expected header '" + HEADER + "', got '" + clip(text, pos, lineEnd) + "'");
                }
                pos = end + 1;
                continue;
            }
            String problem = null;
            int c1 = text.indexOf(',', pos);
            int c2 = c1 < 0 || c1 >= lineEnd ? -1 : text.indexOf(',', c1 + 1);
            int c3 = c2 < 0 || c2 >= lineEnd ? -1 : text.indexOf(',', c2 + 1);
            if (c3 < 0 || c3 >= lineEnd || text.indexOf(',', c3 + 1) >= 0 && text.indexOf(',', c3 + 1) < lineEnd) {
                problem = "expected 4 comma-separated fields";
            } else if (c2 - c1 - 1 == 0) {
                problem = "empty metric name";
            } else {
                try {
                    String name = text.substring(c2 + 1, c3);
                    if (nameFilter == null || nameFilter.equals(name)) {
                        long step = Long.parseLong(text, pos, c1, 10);
                        double wall = Double.parseDouble(text.substring(c1 + 1, c2));
                        double value = Double.parseDouble(text.substring(c3 + 1, lineEnd));
                        consumer.accept(line, step, wall, name, value);
                    } else {
                        // validate the numeric fields cheaply so damage is noticed whatever the filter
                        Long.parseLong(text, pos, c1, 10);
                        Double.parseDouble(text.substring(c3 + 1, lineEnd));
                    }
                    rows++;
                } catch (NumberFormatException e) {
                    problem = "not a number (" + e.getMessage() + ")";
                }
            }
            if (problem != null) {
                bad++;
                if (problems.size() < MAX_REPORTED_PROBLEMS) {
                    problems.add("line " + line + ": " + problem + ": '" + clip(text, pos, lineEnd) + "'");
                }
            }
            pos = end + 1;
        }
        if (line == 0 && !partial) {
            bad++;
            problems.add("file is empty (no header line)");
        }
        return new ReadResult(file, rows, bad, List.copyOf(problems), partial, prefixCrc);
    }

    private static String clip(String text, int from, int to) {
        String s = text.substring(from, Math.min(to, from + 60));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0xFFFD ? '?' : c);
        }
        return to - from > 60 ? sb + "..." : sb.toString();
    }

    /**
     * CRC32C of the first {@code length} bytes of {@code file}, or -1 if the file is shorter.
     */
    public static long crc32c(Path file, long length) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        long left = length;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    return -1;
                }
                crc.update(buf, 0, r);
                left -= r;
            }
        }
        return crc.getValue();
    }
}
