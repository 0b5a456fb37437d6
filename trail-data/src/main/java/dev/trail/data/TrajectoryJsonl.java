package dev.trail.data;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.trail.advantage.AdvantageResult;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trajectories as JSON lines, one trajectory per line ({@code docs/TRAJECTORIES.md}): the
 * format of {@code trail credit} (see {@code docs/CREDIT.md}) extended with observations, text
 * actions, seeds, task ids and tree lineage; files written before the extension read as before.
 *
 * <p>A line is an object with {@code id}, {@code group}, {@code task}, {@code seed},
 * {@code parent} and {@code branch_step} (tree rollouts), {@code terminated}, {@code truncated},
 * {@code bootstrap_value}, {@code greedy_reward}, {@code final_observation}, further string
 * fields (labels such as {@code policy}), and either {@code steps} — objects with
 * {@code reward}, {@code observation}, {@code action} (a number, an array of numbers, or text /
 * any JSON value), {@code logprob}, {@code value}, {@code mask}, {@code cost} and further
 * numeric fields (extras) — or a top-level {@code reward} for an outcome-rewarded trajectory.
 *
 * <p>{@link #read} keeps each line's text and the offsets where {@link #writeWithCredit} splices
 * {@code advantage} and {@code return} in: the credit path copies the input bytes instead of
 * re-serialising them.
 */
public final class TrajectoryJsonl {

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            // two `steps` (or `reward`) in one object are an error, not silently joined or overwritten
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build(); // nesting: Jackson's StreamReadConstraints refuse lines deeper than 1000

    /** Top-level fields with a meaning; other string fields are labels. */
    private static final Set<String> TOP_LEVEL = Set.of("id", "group", "task", "seed", "steps", "reward", "terminated",
            "truncated", "bootstrap_value", "greedy_reward", "parent", "branch_step", "final_observation", "advantage",
            "return", "rewards", "observations", "actions");

    private TrajectoryJsonl() {
    }

    /**
     * One input line.
     *
     * @param insertAt where {@code advantage} and {@code return} go: the offset of each step
     *        object's closing brace (of the line's closing brace for a line without steps), negated
     *        minus one for an empty object, which needs no leading comma; null when the line
     *        already has such fields and is rewritten token by token instead
     */
    public record Line(int lineNo, String text, Trajectory trajectory, boolean hasSteps, int[] insertAt,
            boolean columnForm) {
    }

    /**
     * A parsed file: its lines in order, the groups in order of first appearance (with their
     * rollout trees where lines carry {@code parent}), and for each estimator result row the
     * index of its line.
     */
    public record Batch(Path file, List<Line> lines, List<TrajectoryGroup> groups, int[] lineOfRow) {

        public long totalSteps() {
            long n = 0;
            for (Line l : lines) {
                n += l.trajectory().length();
            }
            return n;
        }

        /** Reorders an estimator result (group order) into line order. */
        public AdvantageResult toLineOrder(AdvantageResult r) {
            double[][] adv = new double[lines.size()][];
            double[][] ret = new double[lines.size()][];
            for (int row = 0; row < lineOfRow.length; row++) {
                adv[lineOfRow[row]] = r.advantages()[row];
                ret[lineOfRow[row]] = r.returns()[row];
            }
            return new AdvantageResult(adv, ret);
        }

        /** Prefixes an estimator's message with the line of the trajectory it names, if any. */
        public String locate(String message) {
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

        /** The trajectories in line order. */
        public List<Trajectory> trajectories() {
            List<Trajectory> out = new ArrayList<>(lines.size());
            for (Line l : lines) {
                out.add(l.trajectory());
            }
            return out;
        }
    }

    /** Reads and validates a whole file, keeping each line's text for {@link #writeWithCredit}. */
    public static Batch read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        try (Reader r = new Reader(file, true)) {
            Line l;
            while ((l = r.nextLine()) != null) {
                lines.add(l);
            }
        }
        if (lines.isEmpty()) {
            throw new DatasetException(file + ": no trajectories (the file is empty)");
        }
        List<Trajectory> all = new ArrayList<>(lines.size());
        IdentityHashMap<Trajectory, Integer> lineOf = new IdentityHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            all.add(lines.get(i).trajectory());
            lineOf.put(lines.get(i).trajectory(), i);
        }
        List<TrajectoryGroup> groups;
        try {
            groups = Groups.of(all);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            for (Line l : lines) {
                if (msg.contains("trajectory " + l.trajectory().id() + ":")) {
                    throw new DatasetException(file + ": line " + l.lineNo() + ": " + msg, e);
                }
            }
            throw new DatasetException(file + ": " + msg, e);
        }
        int[] lineOfRow = new int[lines.size()];
        int row = 0;
        for (TrajectoryGroup g : groups) {
            for (Trajectory t : g.trajectories()) {
                lineOfRow[row++] = lineOf.get(t);
            }
        }
        return new Batch(file, lines, groups, lineOfRow);
    }

    /** Opens a file for streaming reads. */
    public static Reader open(Path file) throws IOException {
        return new Reader(file, false);
    }

    /** Reads a file line by line; errors name the file, the line and the field. */
    public static final class Reader implements TrajectorySource {
        private final Path file;
        private final BufferedReader in;
        private final boolean keepText;
        private int lineNo;
        private int observationSize = -1;
        private int observationSizeLine;
        private final TextCache texts = new TextCache();

        Reader(Path file, boolean keepText) throws IOException {
            this.file = file;
            this.keepText = keepText;
            try {
                this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new DatasetException(file + ": cannot open: " + e.getMessage(), e);
            }
        }

        @Override
        public Trajectory next() throws IOException {
            Line l = nextLine();
            return l == null ? null : l.trajectory();
        }

        Line nextLine() throws IOException {
            String text;
            try {
                while ((text = in.readLine()) != null) {
                    lineNo++;
                    if (text.isBlank()) {
                        continue;
                    }
                    Parsed p = parse(text, lineNo, texts);
                    Trajectory t = p.toTrajectory();
                    if (t.observationSize() > 0) {
                        if (observationSize < 0) {
                            observationSize = t.observationSize();
                            observationSizeLine = lineNo;
                        } else if (t.observationSize() != observationSize) {
                            throw p.error("field 'observation' has " + t.observationSize() + " numbers but line "
                                    + observationSizeLine + " has " + observationSize
                                    + "; every observation of a file has the same size");
                        }
                    }
                    return new Line(lineNo, keepText ? text : null, t, p.hasSteps,
                            keepText && !p.columnForm ? p.insertAt() : null, p.columnForm);
                }
            } catch (MalformedInputException e) {
                throw new DatasetException(file + ": line " + (lineNo + 1) + ": not UTF-8 text");
            } catch (DatasetException e) {
                throw e.getMessage().startsWith(file.toString()) ? e : new DatasetException(file + ": " + e.getMessage(), e);
            }
            return null;
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The fields of one line. */
    private static final class Parsed {
        final int lineNo;
        String id;
        String group;
        String task;
        long seed;
        String parent;
        int branchStep;
        double topReward = Double.NaN;
        boolean hasTopReward;
        boolean hasSteps;
        boolean terminated = true;
        boolean truncated;
        double bootstrapValue = Double.NaN;
        double greedyReward = Double.NaN;
        float[] finalObservation;
        Map<String, String> labels;
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
        float[] actions;
        int actionSize = -1;
        int numericActionCount;
        String[] textActions;
        int textActionCount;
        float[] observations;
        int observationSize = -1;
        int observationCount;
        final Map<String, double[]> extras = new LinkedHashMap<>();
        final Map<String, Integer> extraCounts = new LinkedHashMap<>();
        int[] stepEnds = new int[16];
        int rootEnd;
        boolean rootEmpty = true;
        boolean hasCreditFields;
        /** The column form {@code trail rollout} wrote before the schema: top-level rewards/observations/actions arrays. */
        boolean columnForm;
        Parsed columns;
        float[] scratch = new float[8];
        final TextCache texts;

        Parsed(int lineNo, TextCache texts) {
            this.lineNo = lineNo;
            this.texts = texts;
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

        Trajectory toTrajectory() {
            if (columnForm) {
                adoptColumns();
            }
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
            int aSize = 0;
            String[] texts = null;
            int actionCount = numericActionCount + textActionCount;
            if (actionCount > 0 && actionCount != t) {
                throw error("field 'action' is given on " + actionCount + " of " + t + " steps; give it on every step or none");
            }
            if (textActionCount > 0) {
                texts = Arrays.copyOf(textActions, t);
                if (numericActionCount > 0) {
                    // a number among text actions is the text of the number
                    for (int s = 0; s < t; s++) {
                        if (texts[s] == null) {
                            texts[s] = numberText(actions, s * actionSize, actionSize);
                        }
                    }
                }
            } else if (numericActionCount > 0) {
                aSize = actionSize;
                acts = Arrays.copyOf(actions, t * aSize);
            }
            float[] obs = null;
            int oSize = 0;
            if (observationCount > 0) {
                if (observationCount != t) {
                    throw error("field 'observation' is given on " + observationCount + " of " + t
                            + " steps; give it on every step or none");
                }
                oSize = observationSize;
                obs = Arrays.copyOf(observations, (t + 1) * oSize);
                if (finalObservation == null) {
                    Arrays.fill(obs, t * oSize, (t + 1) * oSize, Float.NaN);
                } else if (finalObservation.length != oSize) {
                    throw error("field 'final_observation' has " + finalObservation.length + " numbers but the step"
                            + " observations have " + oSize);
                } else {
                    System.arraycopy(finalObservation, 0, obs, t * oSize, oSize);
                }
            } else if (finalObservation != null) {
                throw error("field 'final_observation' is given but the steps have no 'observation'");
            }
            Map<String, String> lb = labels;
            if (!Double.isNaN(greedyReward)) {
                lb = lb == null ? new LinkedHashMap<>() : lb;
                lb.put(Labels.GREEDY_REWARD, Double.toString(greedyReward));
            }
            try {
                return new Trajectory(tid, group, seed, obs, oSize, acts, aSize, rw, lp, v, m, terminated, truncated,
                        bootstrapValue, ex, task, texts, parent, branchStep, lb);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage().replace("branchStep", "branch_step"));
            }
        }

        /** Turns the old column form into per-step fields (observations may include the final one). */
        private void adoptColumns() {
            if (hasSteps) {
                throw error("has both 'steps' and the column arrays 'rewards'/'observations'/'actions'; give one form");
            }
            Parsed c = columns;
            if (!c.anyReward) {
                throw error("missing field 'rewards' (the column form needs a rewards array)");
            }
            hasSteps = true;
            steps = c.steps;
            rewards = c.rewards;
            hasReward = c.hasReward;
            anyReward = true;
            int t = steps;
            if (c.observationCount > 0) {
                if (c.observationCount != t && c.observationCount != t + 1) {
                    throw error("field 'observations' has " + c.observationCount + " rows for " + t + " rewards; give T or"
                            + " T+1 (the last one is the observation after the final step)");
                }
                observationSize = c.observationSize;
                observations = c.observations;
                observationCount = t;
                if (c.observationCount == t + 1) {
                    finalObservation = Arrays.copyOfRange(c.observations, t * c.observationSize, (t + 1) * c.observationSize);
                }
            }
            int actionRows = c.numericActionCount + c.textActionCount;
            if (actionRows > 0 && actionRows != t) {
                throw error("field 'actions' has " + actionRows + " entries for " + t + " rewards");
            }
            actions = c.actions;
            actionSize = c.actionSize;
            numericActionCount = c.numericActionCount;
            textActions = c.textActions;
            textActionCount = c.textActionCount;
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

        DatasetException error(String msg) {
            return new DatasetException("line " + lineNo + (id != null ? " (trajectory " + id + ")" : "") + ": " + msg);
        }
    }

    private static String numberText(float[] a, int from, int n) {
        if (n == 1) {
            return Float.toString(a[from]);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(a[from + i]);
        }
        return b.append(']').toString();
    }

    /**
     * Short text actions repeat (tool names, answers, tokens): one String per distinct short text
     * instead of one per step. A direct-mapped cache of 1024 slots; longer texts are not cached.
     */
    static final class TextCache {
        private final String[] slots = new String[1024];

        String get(char[] buf, int off, int len) {
            if (len > 32) {
                return new String(buf, off, len);
            }
            int h = 0;
            for (int i = 0; i < len; i++) {
                h = 31 * h + buf[off + i];
            }
            int idx = (h ^ (h >>> 16)) & (slots.length - 1);
            String s = slots[idx];
            if (s != null && s.length() == len) {
                boolean same = true;
                for (int i = 0; i < len && same; i++) {
                    same = s.charAt(i) == buf[off + i];
                }
                if (same) {
                    return s;
                }
            }
            s = new String(buf, off, len);
            slots[idx] = s;
            return s;
        }
    }

    private static Parsed parse(String text, int lineNo, TextCache texts) {
        Parsed p = new Parsed(lineNo, texts);
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
                    case "group" -> p.group = nullableText(jp, v, p, "group");
                    case "task" -> p.task = nullableText(jp, v, p, "task");
                    case "parent" -> p.parent = nullableText(jp, v, p, "parent");
                    case "seed" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            throw p.error("field 'seed' must be an integer, got " + describe(jp, v));
                        }
                        p.seed = jp.getLongValue();
                    }
                    case "branch_step" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            throw p.error("field 'branch_step' must be an integer, got " + describe(jp, v));
                        }
                        p.branchStep = jp.getIntValue();
                    }
                    case "reward" -> {
                        p.topReward = finite(jp, v, p, "reward");
                        p.hasTopReward = true;
                    }
                    case "terminated" -> p.terminated = bool(jp, v, p, "terminated");
                    case "truncated" -> p.truncated = bool(jp, v, p, "truncated");
                    case "bootstrap_value" -> p.bootstrapValue = finite(jp, v, p, "bootstrap_value");
                    case "greedy_reward" -> p.greedyReward = finite(jp, v, p, "greedy_reward");
                    case "final_observation" -> {
                        int n = floats(jp, v, p, "final_observation");
                        p.finalObservation = Arrays.copyOf(p.scratch, n);
                    }
                    case "steps" -> parseSteps(jp, v, p);
                    case "rewards", "observations", "actions" -> parseColumn(jp, v, p, f);
                    default -> {
                        if (v == JsonToken.VALUE_STRING) {
                            if (p.labels == null) {
                                p.labels = new LinkedHashMap<>();
                            }
                            p.labels.put(f, jp.getText());
                        } else {
                            jp.skipChildren();
                        }
                    }
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
            throw p.error("malformed JSON (truncated or corrupt line): " + e.getOriginalMessage());
        } catch (IOException e) {
            throw p.error("cannot read: " + e.getMessage());
        }
        return p;
    }

    /** One array of the old column form, parsed as if each element were a step's field. */
    private static void parseColumn(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw p.error("field '" + field + "' must be an array, got " + describe(jp, v));
        }
        p.columnForm = true;
        if (p.columns == null) {
            p.columns = new Parsed(p.lineNo, p.texts);
        }
        Parsed c = p.columns;
        int s = 0;
        JsonToken t;
        while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
            switch (field) {
                case "rewards" -> {
                    if (s == c.rewards.length) {
                        c.rewards = Arrays.copyOf(c.rewards, s * 2);
                        c.hasReward = Arrays.copyOf(c.hasReward, s * 2);
                    }
                    c.rewards[s] = finite(jp, t, p, "rewards[" + s + "]");
                    c.hasReward[s] = true;
                    c.anyReward = true;
                    c.steps = s + 1;
                }
                case "observations" -> {
                    int n;
                    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                        p.scratch[0] = jp.getFloatValue();
                        n = 1;
                    } else {
                        n = floats(jp, t, p, "observations[" + s + "]");
                    }
                    if (c.observationSize < 0) {
                        c.observationSize = n;
                    } else if (n != c.observationSize) {
                        throw p.error("field 'observations[" + s + "]' has " + n + " numbers but the first has "
                                + c.observationSize);
                    }
                    c.observations = putAll(c.observations, s, p.scratch, n);
                    c.observationCount++;
                }
                default -> action(jp, t, c, s);
            }
            s++;
        }
    }

    /** Reads an array of finite numbers into {@code p.scratch}; returns its length. */
    private static int floats(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw p.error("field '" + field + "' must be an array of numbers, got " + describe(jp, v));
        }
        int n = 0;
        JsonToken t;
        while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw p.error("field '" + field + "' must be an array of numbers, got " + describe(jp, t) + " at index " + n);
            }
            if (n == p.scratch.length) {
                p.scratch = Arrays.copyOf(p.scratch, n * 2);
            }
            p.scratch[n++] = jp.getFloatValue();
        }
        return n;
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
                    case "logprob", "log_prob" -> {
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
                        p.anyMask = true;
                    }
                    case "observation" -> {
                        int n = floats(jp, vt, p, "step " + s + ": observation");
                        if (p.observationSize < 0) {
                            p.observationSize = n;
                        } else if (n != p.observationSize) {
                            throw p.error("step " + s + ": field 'observation' has " + n + " numbers but step 0 has "
                                    + p.observationSize + "; every observation has the same size");
                        }
                        if (p.observationCount != s) {
                            throw p.error("step " + s + ": field 'observation' is missing on an earlier step");
                        }
                        p.observations = putAll(p.observations, s, p.scratch, n);
                        p.observationCount++;
                    }
                    case "action" -> action(jp, vt, p, s);
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

    /** A number or an array of numbers is a numeric action; a string or any other JSON value is a text action. */
    private static void action(JsonParser jp, JsonToken vt, Parsed p, int s) throws IOException {
        String text = null;
        int n = -1;
        switch (vt) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                p.scratch[0] = jp.getFloatValue();
                n = 1;
            }
            case VALUE_STRING -> text = p.texts.get(jp.getTextCharacters(), jp.getTextOffset(), jp.getTextLength());
            case START_ARRAY, START_OBJECT -> {
                StringWriter sw = new StringWriter();
                try (JsonGenerator g = FACTORY.createGenerator(sw)) {
                    g.copyCurrentStructure(jp);
                }
                text = sw.toString();
                if (vt == JsonToken.START_ARRAY) {
                    n = numericArray(text, p);
                    if (n >= 0) {
                        text = null;
                    }
                }
            }
            default -> text = jp.getText();
        }
        if (text != null) {
            if (p.textActions == null) {
                p.textActions = new String[Math.max(16, s + 1)];
            } else if (s >= p.textActions.length) {
                p.textActions = Arrays.copyOf(p.textActions, Math.max(s + 1, p.textActions.length * 2));
            }
            p.textActions[s] = text;
            p.textActionCount++;
            return;
        }
        if (p.actionSize < 0) {
            p.actionSize = n;
        } else if (n != p.actionSize) {
            throw p.error("step " + s + ": field 'action' has " + n + " numbers but an earlier step has " + p.actionSize);
        }
        p.actions = putAll(p.actions, s, p.scratch, n);
        p.numericActionCount++;
    }

    /** Parses a JSON array text as numbers into {@code p.scratch}; -1 if it holds anything else. */
    private static int numericArray(String text, Parsed p) throws IOException {
        try (JsonParser q = FACTORY.createParser(text)) {
            q.nextToken();
            int n = 0;
            JsonToken t;
            while ((t = q.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    return -1;
                }
                if (n == p.scratch.length) {
                    p.scratch = Arrays.copyOf(p.scratch, n * 2);
                }
                p.scratch[n++] = q.getFloatValue();
            }
            return n;
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

    /** Stores row {@code i} of width {@code n}, growing {@code arr}; leaves room for one more row. */
    private static float[] putAll(float[] arr, int i, float[] row, int n) {
        int need = (i + 2) * n;
        if (arr == null) {
            arr = new float[Math.max(16 * n, need)];
        } else if (need > arr.length) {
            arr = Arrays.copyOf(arr, Math.max(need, arr.length * 2));
        }
        System.arraycopy(row, 0, arr, i * n, n);
        return arr;
    }

    private static String scalarText(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return jp.getText();
        }
        throw p.error("field '" + field + "' must be a string or a number, got " + describe(jp, v));
    }

    private static String nullableText(JsonParser jp, JsonToken v, Parsed p, String field) throws IOException {
        return v == JsonToken.VALUE_NULL ? null : scalarText(jp, v, p, field);
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
        if (v == null) {
            return "the end of the line";
        }
        return switch (v) {
            case VALUE_STRING -> "\"" + jp.getText() + "\"";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> jp.getText();
        };
    }

    // ---------------------------------------------------------------- writing

    /** Opens a sink writing {@code target} (through a temporary file); with {@code append}, after its current lines. */
    public static TrajectorySink create(Path target, boolean append) throws IOException {
        return new Writer(target, append);
    }

    /**
     * Writes lines to a temporary sibling of the target, renamed into place on commit. Appending
     * first copies the existing file into the temporary one, so a crash at any moment leaves the
     * old file whole: never a half-written line under the final name.
     */
    private static final class Writer implements TrajectorySink {
        private final dev.trail.io.AtomicFiles.Output out;
        private final JsonGenerator g;

        Writer(Path target, boolean append) throws IOException {
            out = dev.trail.io.AtomicFiles.open(target);
            if (append && Files.isRegularFile(target) && !out.streaming()) {
                Files.copy(target, out.stream());
                if (Files.size(target) > 0 && !endsWithNewline(target)) {
                    out.stream().write('\n');
                }
            }
            g = FACTORY.createGenerator(out.stream(), JsonEncoding.UTF8);
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.setRootValueSeparator(null);
        }

        @Override
        public void write(Trajectory t) throws IOException {
            writeTrajectory(g, t, null, null);
            g.writeRaw('\n');
        }

        @Override
        public void commit() throws IOException {
            g.flush();
            out.commit();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b);
            return b.get(0) == '\n';
        }
    }

    /**
     * Writes one trajectory as a JSON object (no newline). With {@code advantages}/{@code returns}
     * (per step, or null) each step also gets {@code advantage} and {@code return}.
     */
    public static void writeTrajectory(JsonGenerator g, Trajectory t, double[] advantages, double[] returns)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        if (t.groupId() != null) {
            g.writeStringField("group", t.groupId());
        }
        if (t.taskId() != null) {
            g.writeStringField("task", t.taskId());
        }
        if (t.seed() != 0) {
            g.writeNumberField("seed", t.seed());
        }
        if (t.parentId() != null) {
            g.writeStringField("parent", t.parentId());
            g.writeNumberField("branch_step", t.branchStep());
        }
        for (Map.Entry<String, String> e : t.labels().entrySet()) {
            if (e.getKey().equals(Labels.GREEDY_REWARD)) {
                g.writeNumberField("greedy_reward", Double.parseDouble(e.getValue()));
            } else if (!TOP_LEVEL.contains(e.getKey())) {
                g.writeStringField(e.getKey(), e.getValue());
            }
        }
        g.writeBooleanField("terminated", t.terminated());
        g.writeBooleanField("truncated", t.truncated());
        if (!Double.isNaN(t.bootstrapValue())) {
            g.writeNumberField("bootstrap_value", t.bootstrapValue());
        }
        int o = t.observationSize();
        boolean hasObs = o > 0 && t.observations().length > 0;
        if (hasObs && !allNaN(t.observations(), t.length() * o, o)) {
            g.writeArrayFieldStart("final_observation");
            for (int i = 0; i < o; i++) {
                g.writeNumber(t.observations()[t.length() * o + i]);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("steps");
        int a = t.actionSize();
        boolean hasActions = a > 0 && t.actions().length > 0;
        for (int s = 0; s < t.length(); s++) {
            g.writeStartObject();
            if (hasObs) {
                g.writeFieldName("observation");
                g.writeStartArray();
                for (int i = 0; i < o; i++) {
                    g.writeNumber(t.observations()[s * o + i]);
                }
                g.writeEndArray();
            }
            if (t.hasTextActions()) {
                g.writeStringField("action", t.textActions()[s]);
            } else if (hasActions) {
                g.writeFieldName("action");
                if (a == 1) {
                    writeAction(g, t.actions()[s]);
                } else {
                    g.writeStartArray();
                    for (int i = 0; i < a; i++) {
                        writeAction(g, t.actions()[s * a + i]);
                    }
                    g.writeEndArray();
                }
            }
            g.writeNumberField("reward", t.rewards()[s]);
            if (t.logProbs() != null) {
                g.writeNumberField("logprob", t.logProbs()[s]);
            }
            if (t.values() != null) {
                g.writeNumberField("value", t.values()[s]);
            }
            if (t.mask() != null) {
                g.writeBooleanField("mask", t.mask()[s]);
            }
            for (Map.Entry<String, double[]> e : t.extras().entrySet()) {
                if (advantages != null && (e.getKey().equals("advantage") || e.getKey().equals("return"))) {
                    continue;
                }
                g.writeNumberField(e.getKey(), e.getValue()[s]);
            }
            if (advantages != null) {
                g.writeNumberField("advantage", advantages[s]);
                g.writeNumberField("return", returns[s]);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Integral actions (discrete, tokens) are written as integers. */
    private static void writeAction(JsonGenerator g, float v) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) < (1 << 24)) {
            g.writeNumber((int) v);
        } else {
            g.writeNumber(v);
        }
    }

    private static boolean allNaN(float[] a, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (!Float.isNaN(a[i])) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- credit output

    /**
     * Writes every input line back unchanged except for an {@code advantage} and a {@code return}
     * added to each step (or to the line itself when it has no steps); existing fields of those
     * names are replaced.
     */
    public static void writeWithCredit(Batch batch, AdvantageResult byLine, OutputStream os) throws IOException {
        if (batch.lines().stream().anyMatch(Line::columnForm)) {
            // lines in the old column form are rewritten in the schema, with steps
            JsonGenerator g = FACTORY.createGenerator(os, JsonEncoding.UTF8);
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.setRootValueSeparator(null);
            for (int li = 0; li < batch.lines().size(); li++) {
                writeTrajectory(g, batch.lines().get(li).trajectory(), byLine.advantages()[li], byLine.returns()[li]);
                g.writeRaw('\n');
            }
            g.flush();
            return;
        }
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
            throw new DatasetException("line " + line.lineNo() + " (trajectory " + line.trajectory().id()
                    + "): the estimator produced a non-finite " + what + " (" + v + ")");
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
