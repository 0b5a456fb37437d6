package dev.trail.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.trail.advantage.AdvantageResult;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trajectory JSONL format of {@code trail credit} (see {@code docs/CREDIT.md}).
 *
 * <p>One JSON object per line: {@code id} (string or number; default {@code line-N}),
 * {@code group} (trajectories with the same group are compared by group estimators; a line
 * without one is a group of its own), and either {@code steps} — an array of objects each with a
 * {@code reward} and optionally {@code value}, {@code logprob}, {@code mask} (false or 0 excludes
 * the step from training), and any further numeric fields (e.g. {@code progress}), which become
 * named per-step columns — or a top-level {@code reward} for an outcome-rewarded trajectory (with
 * {@code steps} present but without rewards, the outcome goes on the last step). Optional
 * top-level fields: {@code terminated} (default true), {@code truncated} (default false),
 * {@code bootstrap_value} (V of the state after the last step, for truncated trajectories),
 * {@code greedy_reward} (ReMax's baseline, for the line's group). Unknown fields are kept as
 * they are in the output, which adds {@code advantage} and {@code return} to each step (or at the
 * top level of a line without steps).
 */
final class TrajectoryJsonl {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private TrajectoryJsonl() {
    }

    /** One input line. */
    /**
     * One input line.
     *
     * @param insertAt where {@code advantage} and {@code return} go: the offset of each step
     *        object's closing brace (of the line's closing brace for a line without steps), negated
     *        minus one for an empty object, which needs no leading comma; null when the line
     *        already has such fields and is rewritten token by token instead
     */
    record Line(int lineNo, String text, Trajectory trajectory, boolean hasSteps, int[] insertAt) {
    }

    /**
     * A parsed file: its lines in order, the groups in order of first appearance, and for each
     * estimator result row the index of its line.
     */
    record Batch(List<Line> lines, List<TrajectoryGroup> groups, int[] lineOfRow) {

        long totalSteps() {
            long n = 0;
            for (Line l : lines) {
                n += l.trajectory().length();
            }
            return n;
        }

        /** Reorders an estimator result (group order) into line order. */
        AdvantageResult toLineOrder(AdvantageResult r) {
            double[][] adv = new double[lines.size()][];
            double[][] ret = new double[lines.size()][];
            for (int row = 0; row < lineOfRow.length; row++) {
                adv[lineOfRow[row]] = r.advantages()[row];
                ret[lineOfRow[row]] = r.returns()[row];
            }
            return new AdvantageResult(adv, ret);
        }

        /** Prefixes an estimator's message with the line of the trajectory it names, if any. */
        String locate(String message) {
            for (Line l : lines) {
                String id = l.trajectory().id();
                if (message.contains("trajectory " + id + " ") || message.contains("trajectory " + id + ":")
                        || message.contains("trajectory " + id + ",") || message.endsWith("trajectory " + id)
                        || message.contains("trajectory '" + id + "'")) {
                    return "line " + l.lineNo() + ": " + message;
                }
            }
            return message;
        }
    }

    /** Reads and validates a file; errors name the line number and the field. */
    static Batch read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        Map<String, Double> greedy = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int lineNo = 0;
            while ((text = r.readLine()) != null) {
                lineNo++;
                if (text.isBlank()) {
                    continue;
                }
                Parsed p = parse(text, lineNo);
                String group = p.group == null ? "\u0000line-" + lineNo : p.group;
                Trajectory t = p.toTrajectory(group);
                lines.add(new Line(lineNo, text, t, p.hasSteps, p.insertAt()));
                byGroup.computeIfAbsent(group, k -> new ArrayList<>()).add(lines.size() - 1);
                if (!Double.isNaN(p.greedyReward)) {
                    Double prev = greedy.put(group, p.greedyReward);
                    if (prev != null && prev != p.greedyReward) {
                        throw new UserError(file + ": line " + lineNo + ": greedy_reward " + p.greedyReward
                                + " differs from " + prev + " given earlier for group " + p.group);
                    }
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file + ": not UTF-8 text");
        } catch (UserError e) {
            throw e.getMessage().startsWith(file.toString()) ? e : new UserError(file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new UserError(file + ": no trajectories (the file is empty)");
        }
        List<TrajectoryGroup> groups = new ArrayList<>();
        int[] lineOfRow = new int[lines.size()];
        int row = 0;
        for (Map.Entry<String, List<Integer>> e : byGroup.entrySet()) {
            List<Trajectory> members = new ArrayList<>();
            for (int idx : e.getValue()) {
                members.add(lines.get(idx).trajectory());
                lineOfRow[row++] = idx;
            }
            groups.add(new TrajectoryGroup(e.getKey(), members, greedy.getOrDefault(e.getKey(), Double.NaN), null));
        }
        return new Batch(lines, groups, lineOfRow);
    }

    /** The fields of one line. */
    private static final class Parsed {
        final int lineNo;
        String id;
        String group;
        double topReward = Double.NaN;
        boolean hasTopReward;
        boolean hasSteps;
        boolean terminated = true;
        boolean truncated;
        double bootstrapValue = Double.NaN;
        double greedyReward = Double.NaN;
        int steps;
        double[] rewards = new double[16];
        boolean anyReward;
        boolean[] hasReward = new boolean[16];
        double[] values;
        int valueCount;
        double[] logProbs;
        int logProbCount;
        boolean[] mask;
        boolean anyMask;
        double[] actions;
        int actionCount;
        final Map<String, double[]> extras = new LinkedHashMap<>();
        final Map<String, Integer> extraCounts = new LinkedHashMap<>();
        int[] stepEnds = new int[16];
        int rootEnd;
        boolean rootEmpty = true;
        boolean hasCreditFields;

        Parsed(int lineNo) {
            this.lineNo = lineNo;
        }

        /** See {@link Line#insertAt()}. */
        int[] insertAt() {
            if (hasCreditFields) {
                return null;
            }
            if (!hasSteps) {
                return new int[] {rootEmpty ? -rootEnd - 1 : rootEnd};
            }
            return Arrays.copyOf(stepEnds, steps);
        }

        Trajectory toTrajectory(String groupId) {
            String tid = id == null ? "line-" + lineNo : id;
            double[] rw;
            if (!hasSteps) {
                if (!hasTopReward) {
                    throw error("missing field 'reward' (a line needs `steps` or a top-level `reward`)");
                }
                rw = new double[] {topReward};
            } else {
                if (steps == 0) {
                    throw error("field 'steps' is empty");
                }
                rw = Arrays.copyOf(rewards, steps);
                if (hasTopReward) {
                    if (anyReward) {
                        throw error("has both a top-level 'reward' and per-step rewards; give one or the other");
                    }
                    rw[steps - 1] = topReward;
                } else {
                    for (int s = 0; s < steps; s++) {
                        if (!hasReward[s]) {
                            throw error("step " + s + ": missing field 'reward'");
                        }
                    }
                }
            }
            int t = rw.length;
            double[] v = column("value", values, valueCount, t);
            double[] lp = column("logprob", logProbs, logProbCount, t);
            boolean[] m = anyMask ? Arrays.copyOf(mask, t) : null;
            Map<String, double[]> ex = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : extras.entrySet()) {
                ex.put(e.getKey(), column(e.getKey(), e.getValue(), extraCounts.get(e.getKey()), t));
            }
            float[] acts = null;
            int actionSize = 0;
            if (actions != null && actionCount == t) {
                acts = new float[t];
                for (int s = 0; s < t; s++) {
                    acts[s] = (float) actions[s];
                }
                actionSize = 1;
            }
            try {
                return new Trajectory(tid, groupId, 0, null, 0, acts, actionSize, rw, lp, v, m, terminated, truncated,
                        bootstrapValue, ex);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        private double[] column(String name, double[] data, int count, int t) {
            if (data == null || count == 0) {
                return null;
            }
            if (count != t) {
                throw error("field '" + name + "' is given on " + count + " of " + t + " steps; give it on every step or none");
            }
            return Arrays.copyOf(data, t);
        }

        UserError error(String msg) {
            return new UserError("line " + lineNo + (id != null ? " (trajectory " + id + ")" : "") + ": " + msg);
        }
    }

    private static Parsed parse(String text, int lineNo) {
        Parsed p = new Parsed(lineNo);
        try (JsonParser jp = FACTORY.createParser(text)) {
            if (jp.nextToken() != JsonToken.START_OBJECT) {
                throw p.error("malformed line: expected a JSON object");
            }
            JsonToken tok;
            while ((tok = jp.nextToken()) == JsonToken.FIELD_NAME) {
                String f = jp.currentName();
                JsonToken v = jp.nextToken();
                p.rootEmpty = false;
                switch (f) {
                    case "advantage", "return" -> {
                        p.hasCreditFields = true;
                        jp.skipChildren();
                    }
                    case "id" -> p.id = scalarText(jp, v, p, "id");
                    case "group" -> p.group = scalarText(jp, v, p, "group");
                    case "reward" -> {
                        p.topReward = finite(jp, v, p, "reward");
                        p.hasTopReward = true;
                    }
                    case "terminated" -> p.terminated = bool(jp, v, p, "terminated");
                    case "truncated" -> p.truncated = bool(jp, v, p, "truncated");
                    case "bootstrap_value" -> p.bootstrapValue = finite(jp, v, p, "bootstrap_value");
                    case "greedy_reward" -> p.greedyReward = finite(jp, v, p, "greedy_reward");
                    case "steps" -> parseSteps(jp, v, p);
                    default -> jp.skipChildren();
                }
            }
            if (tok != JsonToken.END_OBJECT) {
                throw p.error("malformed line: unexpected " + tok);
            }
            p.rootEnd = (int) jp.currentTokenLocation().getCharOffset();
            if (jp.nextToken() != null) {
                throw p.error("malformed line: text after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw p.error("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw p.error("cannot read: " + e.getMessage());
        }
        return p;
    }

    private static void parseSteps(JsonParser jp, JsonToken v, Parsed p) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw p.error("field 'steps' must be an array of objects");
        }
        p.hasSteps = true;
        JsonToken t;
        while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw p.error("step " + p.steps + ": must be a JSON object");
            }
            int s = p.steps++;
            if (s == p.rewards.length) {
                int n = s * 2;
                p.rewards = Arrays.copyOf(p.rewards, n);
                p.hasReward = Arrays.copyOf(p.hasReward, n);
            }
            if (s == p.stepEnds.length) {
                p.stepEnds = Arrays.copyOf(p.stepEnds, s * 2);
            }
            boolean empty = true;
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                empty = false;
                String f = jp.currentName();
                JsonToken vt = jp.nextToken();
                switch (f) {
                    case "reward" -> {
                        p.rewards[s] = finite(jp, vt, p, "step " + s + ": reward");
                        p.hasReward[s] = true;
                        p.anyReward = true;
                    }
                    case "value" -> {
                        p.values = put(p.values, s, finite(jp, vt, p, "step " + s + ": value"));
                        p.valueCount++;
                    }
                    case "logprob" -> {
                        p.logProbs = put(p.logProbs, s, finite(jp, vt, p, "step " + s + ": logprob"));
                        p.logProbCount++;
                    }
                    case "mask" -> {
                        boolean m = vt == JsonToken.VALUE_NUMBER_INT || vt == JsonToken.VALUE_NUMBER_FLOAT
                                ? jp.getDoubleValue() != 0 : bool(jp, vt, p, "step " + s + ": mask");
                        if (p.mask == null) {
                            p.mask = new boolean[Math.max(16, p.rewards.length)];
                            Arrays.fill(p.mask, true);
                        } else if (s >= p.mask.length) {
                            int old = p.mask.length;
                            p.mask = Arrays.copyOf(p.mask, Math.max(s + 1, old * 2));
                            Arrays.fill(p.mask, old, p.mask.length, true);
                        }
                        p.mask[s] = m;
                        p.anyMask |= !m;
                    }
                    case "action" -> {
                        if (vt == JsonToken.VALUE_NUMBER_INT || vt == JsonToken.VALUE_NUMBER_FLOAT) {
                            p.actions = put(p.actions, s, jp.getDoubleValue());
                            p.actionCount++;
                        } else {
                            p.actions = put(p.actions, s, textKey(jp, vt));
                            p.actionCount++;
                        }
                    }
                    case "advantage", "return" -> {
                        p.hasCreditFields = true;
                        jp.skipChildren();
                    }
                    default -> {
                        if (vt == JsonToken.VALUE_NUMBER_INT || vt == JsonToken.VALUE_NUMBER_FLOAT) {
                            double d = jp.getDoubleValue();
                            if (!Double.isFinite(d)) {
                                throw p.error("step " + s + ": field '" + f + "' is " + d + "; it must be finite");
                            }
                            p.extras.put(f, put(p.extras.get(f), s, d));
                            p.extraCounts.merge(f, 1, Integer::sum);
                        } else {
                            jp.skipChildren();
                        }
                    }
                }
            }
            int end = (int) jp.currentTokenLocation().getCharOffset();
            p.stepEnds[s] = empty ? -end - 1 : end;
        }
        if (p.mask != null && p.mask.length < p.steps) {
            int old = p.mask.length;
            p.mask = Arrays.copyOf(p.mask, p.steps);
            Arrays.fill(p.mask, old, p.steps, true);
        }
    }

    /**
     * A 52-bit identity of a non-numeric JSON value (a tool call, a text action), exactly
     * representable as a double, computed over its canonical text (object keys sorted,
     * whitespace removed, strings trimmed), so equal actions get equal keys.
     */
    private static double textKey(JsonParser jp, JsonToken vt) throws IOException {
        long h = FNV_OFFSET;
        if (vt == JsonToken.VALUE_STRING) {
            // the common case, hashed in place: the same value as hashing canonical(...) = "\"" + strip + "\""
            char[] buf = jp.getTextCharacters();
            int from = jp.getTextOffset();
            int to = from + jp.getTextLength();
            while (from < to && Character.isWhitespace(buf[from])) {
                from++;
            }
            while (to > from && Character.isWhitespace(buf[to - 1])) {
                to--;
            }
            h = fnv(h, '"');
            for (int i = from; i < to; i++) {
                h = fnv(h, buf[i]);
            }
            h = fnv(h, '"');
        } else {
            String canon = canonical(jp, vt);
            for (int i = 0; i < canon.length(); i++) {
                h = fnv(h, canon.charAt(i));
            }
        }
        return (double) (h >>> 12);
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private static long fnv(long h, char c) {
        return (h ^ c) * 0x100000001b3L;
    }

    private static String canonical(JsonParser jp, JsonToken vt) throws IOException {
        switch (vt) {
            case START_OBJECT -> {
                java.util.TreeMap<String, String> fields = new java.util.TreeMap<>();
                while (jp.nextToken() == JsonToken.FIELD_NAME) {
                    String k = jp.currentName();
                    fields.put(k, canonical(jp, jp.nextToken()));
                }
                StringBuilder sb = new StringBuilder("{");
                fields.forEach((k, val) -> sb.append('"').append(k).append("\":").append(val).append(','));
                return sb.append('}').toString();
            }
            case START_ARRAY -> {
                StringBuilder sb = new StringBuilder("[");
                JsonToken t;
                while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
                    sb.append(canonical(jp, t)).append(',');
                }
                return sb.append(']').toString();
            }
            case VALUE_STRING -> {
                return "\"" + jp.getText().strip() + "\"";
            }
            default -> {
                return jp.getText();
            }
        }
    }

    private static double[] put(double[] arr, int i, double v) {
        if (arr == null) {
            arr = new double[Math.max(16, i + 1)];
        } else if (i >= arr.length) {
            arr = Arrays.copyOf(arr, Math.max(i + 1, arr.length * 2));
        }
        arr[i] = v;
        return arr;
    }

    private static String scalarText(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return jp.getText();
        }
        throw p.error("field '" + field + "' must be a string or a number, got " + v);
    }

    private static double finite(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw p.error("field '" + field + "' must be a number, got " + describe(jp, v));
        }
        double d = jp.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw p.error("field '" + field + "' is " + d + "; it must be finite");
        }
        return d;
    }

    private static boolean bool(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (v == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw p.error("field '" + field + "' must be true or false, got " + describe(jp, v));
    }

    private static String describe(JsonParser jp, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> "\"" + jp.getText() + "\"";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> jp.getText();
        };
    }

    /**
     * Writes every input line back unchanged except for an {@code advantage} and a {@code return}
     * added to each step (or to the line itself when it has no steps); existing fields of those
     * names are replaced.
     */
    static void writeWithCredit(Batch batch, AdvantageResult byLine, OutputStream os) throws IOException {
        boolean allFast = batch.lines().stream().allMatch(l -> l.insertAt() != null);
        if (allFast) {
            writeBySplicing(batch, byLine, os);
            return;
        }
        writeByTokens(batch, byLine, os);
    }

    /**
     * The fast path: each line's text is copied as it is, with {@code ,"advantage":A,"return":R}
     * spliced in before the closing brace of every step (offsets recorded while parsing).
     */
    private static void writeBySplicing(Batch batch, AdvantageResult byLine, OutputStream os) throws IOException {
        java.io.Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        StringBuilder sb = new StringBuilder(1024);
        for (int li = 0; li < batch.lines().size(); li++) {
            Line line = batch.lines().get(li);
            double[] adv = byLine.advantages()[li];
            double[] ret = byLine.returns()[li];
            int[] at = line.insertAt();
            String text = line.text();
            sb.setLength(0);
            int last = 0;
            for (int s = 0; s < at.length; s++) {
                int pos = at[s] >= 0 ? at[s] : -at[s] - 1;
                sb.append(text, last, pos);
                if (at[s] >= 0) {
                    sb.append(',');
                }
                appendNumber(sb.append("\"advantage\":"), adv[s], line, "advantage");
                appendNumber(sb.append(",\"return\":"), ret[s], line, "return");
                last = pos;
            }
            sb.append(text, last, text.length()).append('\n');
            out.append(sb);
        }
        out.flush();
    }

    private static void appendNumber(StringBuilder sb, double v, Line line, String what) {
        if (!Double.isFinite(v)) {
            throw new UserError("line " + line.lineNo() + " (trajectory " + line.trajectory().id() + "): the estimator"
                    + " produced a non-finite " + what + " (" + v + ")");
        }
        sb.append(v);
    }

    /** The general path: re-reads each line token by token, replacing existing credit fields. */
    private static void writeByTokens(Batch batch, AdvantageResult byLine, OutputStream os) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(os, JsonEncoding.UTF8);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setRootValueSeparator(null);
        for (int li = 0; li < batch.lines().size(); li++) {
            Line line = batch.lines().get(li);
            double[] adv = byLine.advantages()[li];
            double[] ret = byLine.returns()[li];
            try (JsonParser p = FACTORY.createParser(line.text())) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    switch (t) {
                        case FIELD_NAME -> {
                            String name = p.currentName();
                            if ((name.equals("advantage") || name.equals("return"))
                                    && (isStepObject(p.getParsingContext()) || isRootObject(p.getParsingContext()) && !line.hasSteps())) {
                                p.nextToken();
                                p.skipChildren();
                            } else {
                                g.writeFieldName(name);
                            }
                        }
                        case END_OBJECT -> {
                            JsonStreamContext ctx = p.getParsingContext();
                            if (isStepsArray(ctx)) {
                                int s = ctx.getCurrentIndex();
                                g.writeNumberField("advantage", adv[s]);
                                g.writeNumberField("return", ret[s]);
                            } else if (ctx.inRoot() && !line.hasSteps()) {
                                g.writeNumberField("advantage", adv[0]);
                                g.writeNumberField("return", ret[0]);
                            }
                            g.writeEndObject();
                        }
                        default -> g.copyCurrentEvent(p);
                    }
                }
            }
            g.flush();
            os.write('\n');
        }
        g.flush();
    }

    private static boolean isStepsArray(JsonStreamContext ctx) {
        JsonStreamContext parent = ctx.getParent();
        return ctx.inArray() && parent != null && parent.inObject() && "steps".equals(parent.getCurrentName())
                && parent.getParent() != null && parent.getParent().inRoot();
    }

    private static boolean isStepObject(JsonStreamContext ctx) {
        return ctx.inObject() && ctx.getParent() != null && isStepsArray(ctx.getParent());
    }

    private static boolean isRootObject(JsonStreamContext ctx) {
        return ctx.inObject() && ctx.getParent() != null && ctx.getParent().inRoot();
    }
}
