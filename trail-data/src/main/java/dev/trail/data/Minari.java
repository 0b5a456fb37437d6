package dev.trail.data;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.trajectory.Trajectory;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Minari datasets (Farama's offline-RL format) read into and written from Trail's schema.
 *
 * <p>Layout of a dataset folder ({@code <root>/<namespace>/<name>}): {@code data/metadata.json}
 * (totals, {@code data_format}, the observation and action spaces as JSON strings, the env
 * spec) and either {@code data/<episode>/part-0.arrow} + {@code data/<episode>/metadata.json}
 * (arrow backend: one Arrow IPC file per episode with N+1 rows, actions/rewards/terminations/
 * truncations padded with one row) or {@code data/main_data.hdf5} with one group
 * {@code episode_<id>} per episode (hdf5 backend: N+1 observations, N of the rest, episode
 * metadata as attributes). Reading supports both backends and Box (float vector) or Discrete
 * (integer) observation and action spaces; writing produces the arrow layout.
 *
 * <p>Arrow IPC is read and written with Apache Arrow Java (DuckDB cannot read Arrow IPC files
 * without an extension that must be downloaded); HDF5 with jHDF, a pure-Java reader.
 * Python's JSON writes {@code Infinity} for unbounded Box limits; the metadata parser accepts it.
 *
 * <p>Trajectories read from Minari have id = the episode id, seed = the episode's reset seed,
 * task id = the env spec's id, label {@code source} = the dataset id; per-episode metadata is
 * recomputed on export exactly as Minari computes it (NumPy's pairwise summation).
 */
public final class Minari {

    /** Metadata key (in {@link TrajectorySource#metadata()}, Parquet key-value metadata) holding the dataset's metadata.json. */
    public static final String METADATA_KEY = "minari.metadata";
    /** The Minari version whose layout is written. */
    public static final String MINARI_VERSION = "0.5.3";

    static {
        ArrowSettings.apply();
    }

    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Minari() {
    }

    /** One episode as Minari's {@code load_dataset} returns it, with its stored metadata. */
    public record Episode(Trajectory trajectory, ObjectNode metadata) {
    }

    /** A whole dataset: its metadata.json and its episodes in id order. */
    public record MinariDataset(ObjectNode metadata, List<Episode> episodes) {
    }

    /** The folder holding {@code metadata.json}: {@code dir/data} or {@code dir} itself. */
    static Path dataFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve("data").resolve("metadata.json"))) {
            return dir.resolve("data");
        }
        if (Files.isRegularFile(dir.resolve("metadata.json"))) {
            return dir;
        }
        throw new DatasetException(dir + ": not a Minari dataset (no data/metadata.json)");
    }

    /** Reads the dataset metadata, naming the file and the field on any problem. */
    static ObjectNode readMetadata(Path data) {
        Path file = data.resolve("metadata.json");
        JsonNode m;
        try {
            m = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetException(file + ": not valid JSON (corrupt or truncated): " + firstLine(e.getMessage()), e);
        }
        if (!(m instanceof ObjectNode o)) {
            throw new DatasetException(file + ": expected a JSON object");
        }
        for (String key : List.of("total_episodes", "total_steps")) {
            JsonNode v = o.get(key);
            if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                throw new DatasetException(file + ": field '" + key + "' is " + (v == null ? "missing" : v)
                        + "; it must be a non-negative integer");
            }
        }
        String format = o.path("data_format").asText("");
        if (!format.equals("arrow") && !format.equals("hdf5")) {
            throw new DatasetException(file + ": field 'data_format' is '" + format + "'; Trail reads arrow and hdf5");
        }
        for (String key : List.of("observation_space", "action_space")) {
            JsonNode v = o.get(key);
            if (v == null || !v.isTextual()) {
                throw new DatasetException(file + ": field '" + key + "' is " + (v == null ? "missing" : v)
                        + "; it must be a serialised space (a JSON string)");
            }
            space(file, key, v.asText());
        }
        return o;
    }

    /** A parsed space string, checked to be a Box or Discrete space Trail can read. */
    static ObjectNode space(Path file, String key, String text) {
        JsonNode s;
        try {
            s = JSON.readTree(text);
        } catch (IOException e) {
            throw new DatasetException(file + ": field '" + key + "' is not a valid space: " + firstLine(e.getMessage()), e);
        }
        String type = s.path("type").asText("");
        if (!type.equals("Box") && !type.equals("Discrete")) {
            throw new DatasetException(file + ": field '" + key + "' is a " + (type.isEmpty() ? "space without type" : type)
                    + " space; Trail reads Box and Discrete spaces");
        }
        return (ObjectNode) s;
    }

    /** Reads a whole dataset with its per-episode metadata. */
    public static MinariDataset read(Path dir) throws IOException {
        Path data = dataFolder(dir);
        ObjectNode meta = readMetadata(data);
        List<Episode> out = new ArrayList<>();
        try (EpisodeReader r = new EpisodeReader(data, meta)) {
            Episode e;
            while ((e = r.nextEpisode()) != null) {
                out.add(e);
            }
        }
        return new MinariDataset(meta, out);
    }

    /** Opens a dataset for streaming reads. */
    public static TrajectorySource open(Path dir) throws IOException {
        Path data = dataFolder(dir);
        return new EpisodeReader(data, readMetadata(data));
    }

    private static final class EpisodeReader implements TrajectorySource {
        private final Path data;
        private final ObjectNode meta;
        private final String taskId;
        private final String source;
        private final long total;
        private final boolean hdf5;
        private final BufferAllocator allocator;
        private HdfFile hdf;
        private final List<Path> episodeDirs = new ArrayList<>();
        private final List<String> hdfGroups = new ArrayList<>();
        private int next;
        private long steps;

        EpisodeReader(Path data, ObjectNode meta) throws IOException {
            this.data = data;
            this.meta = meta;
            this.total = meta.get("total_episodes").asLong();
            this.hdf5 = meta.get("data_format").asText().equals("hdf5");
            this.source = meta.path("dataset_id").asText(null);
            String envSpec = meta.path("env_spec").asText(null);
            String task = null;
            if (envSpec != null) {
                try {
                    task = JSON.readTree(envSpec).path("id").asText(null);
                } catch (IOException e) {
                    throw new DatasetException(data.resolve("metadata.json") + ": field 'env_spec' is not valid JSON: "
                            + firstLine(e.getMessage()), e);
                }
            }
            this.taskId = task;
            if (hdf5) {
                allocator = null;
                Path file = data.resolve("main_data.hdf5");
                if (!Files.isRegularFile(file)) {
                    throw new DatasetException(data + ": data_format is hdf5 but main_data.hdf5 is missing");
                }
                try {
                    hdf = new HdfFile(file);
                    for (Node n : hdf.getChildren().values()) {
                        if (n instanceof Group && n.getName().startsWith("episode_")) {
                            hdfGroups.add(n.getName());
                        }
                    }
                } catch (RuntimeException e) {
                    throw new DatasetException(file + ": not a readable HDF5 file: " + firstLine(e.getMessage()), e);
                }
                hdfGroups.sort(Comparator.comparingLong(n -> episodeNumber(file, n.substring("episode_".length()))));
                if (hdfGroups.size() != total) {
                    throw new DatasetException(file + ": holds " + hdfGroups.size() + " episodes but metadata.json says"
                            + " total_episodes = " + total);
                }
            } else {
                allocator = new RootAllocator();
                try (Stream<Path> s = Files.list(data)) {
                    s.filter(Files::isDirectory).forEach(episodeDirs::add);
                }
                episodeDirs.sort(Comparator.comparingLong(p -> episodeNumber(p, p.getFileName().toString())));
                if (episodeDirs.size() != total) {
                    allocator.close();
                    throw new DatasetException(data + ": holds " + episodeDirs.size() + " episode folders but"
                            + " metadata.json says total_episodes = " + total);
                }
            }
        }

        private static long episodeNumber(Path where, String name) {
            String n = name.startsWith("episode_id=") ? name.substring("episode_id=".length()) : name;
            try {
                return Long.parseLong(n);
            } catch (NumberFormatException e) {
                throw new DatasetException(where + ": '" + name + "' is not an episode id (a number)");
            }
        }

        @Override
        public Trajectory next() throws IOException {
            Episode e = nextEpisode();
            return e == null ? null : e.trajectory();
        }

        Episode nextEpisode() throws IOException {
            if (next >= total) {
                if (steps != meta.get("total_steps").asLong()) {
                    throw new DatasetException(data.resolve("metadata.json") + ": total_steps is "
                            + meta.get("total_steps").asLong() + " but the episodes hold " + steps + " steps");
                }
                return null;
            }
            Episode e = hdf5 ? readHdf5(hdfGroups.get(next)) : readArrow(episodeDirs.get(next));
            next++;
            steps += e.trajectory().length();
            return e;
        }

        private Episode readArrow(Path dir) throws IOException {
            long id = episodeNumber(dir, dir.getFileName().toString());
            List<Path> parts;
            try (Stream<Path> s = Files.list(dir)) {
                parts = s.filter(p -> p.getFileName().toString().endsWith(".arrow")).sorted().toList();
            }
            if (parts.isEmpty()) {
                throw new DatasetException(dir + ": no .arrow file for episode " + id);
            }
            Columns c = new Columns();
            for (Path part : parts) {
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ);
                        ArrowFileReader r = new ArrowFileReader(ch, allocator)) {
                    VectorSchemaRoot root = r.getVectorSchemaRoot();
                    for (String col : List.of("observations", "actions", "rewards", "terminations", "truncations")) {
                        if (root.getVector(col) == null) {
                            throw new DatasetException(part + ": missing column '" + col + "'");
                        }
                    }
                    while (r.loadNextBatch()) {
                        c.append(part, root);
                    }
                } catch (IOException | RuntimeException e) {
                    if (e instanceof DatasetException d) {
                        throw d;
                    }
                    throw new DatasetException(part + ": not a readable Arrow IPC file: " + firstLine(e.getMessage()), e);
                }
            }
            ObjectNode em = episodeMetadata(dir.resolve("metadata.json"));
            // arrow pads actions, rewards, terminations, truncations with one row: drop it
            int n = c.rows - 1;
            if (n < 1) {
                throw new DatasetException(dir + ": episode " + id + " has no steps");
            }
            return episode(dir.toString(), id, em, c.obs, c.obsSize, c.act, c.actSize, c.discreteActions,
                    Arrays.copyOf(c.rewards, n), Arrays.copyOf(c.term, n), Arrays.copyOf(c.trunc, n));
        }

        private ObjectNode episodeMetadata(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new DatasetException(file + ": missing (every episode folder has its metadata.json)");
            }
            try {
                JsonNode m = JSON.readTree(file.toFile());
                if (!(m instanceof ObjectNode o)) {
                    throw new DatasetException(file + ": expected a JSON object");
                }
                return o;
            } catch (IOException e) {
                throw new DatasetException(file + ": not valid JSON (corrupt or truncated): " + firstLine(e.getMessage()), e);
            }
        }

        private Episode readHdf5(String name) {
            String where = data.resolve("main_data.hdf5") + ": " + name;
            try {
                Group g = (Group) hdf.getChild(name);
                long id = episodeNumber(data, name.substring("episode_".length()));
                float[][] obs = floatRows(where, "observations", g);
                Object actions = dataset(where, "actions", g).getData();
                double[] rewards = doubles(where, "rewards", dataset(where, "rewards", g).getData());
                boolean[] term = booleans(where, "terminations", dataset(where, "terminations", g).getData());
                boolean[] trunc = booleans(where, "truncations", dataset(where, "truncations", g).getData());
                int n = rewards.length;
                int obsSize = obs[0].length;
                float[] o = new float[obs.length * obsSize];
                for (int i = 0; i < obs.length; i++) {
                    System.arraycopy(obs[i], 0, o, i * obsSize, obsSize);
                }
                float[] a;
                int actSize;
                boolean discrete;
                if (actions instanceof long[] l) {
                    a = new float[l.length];
                    for (int i = 0; i < l.length; i++) {
                        a[i] = l[i];
                    }
                    actSize = 1;
                    discrete = true;
                } else if (actions instanceof int[] l) {
                    a = new float[l.length];
                    for (int i = 0; i < l.length; i++) {
                        a[i] = l[i];
                    }
                    actSize = 1;
                    discrete = true;
                } else {
                    float[][] rows = floatRows(where, "actions", g);
                    actSize = rows[0].length;
                    a = new float[rows.length * actSize];
                    for (int i = 0; i < rows.length; i++) {
                        System.arraycopy(rows[i], 0, a, i * actSize, actSize);
                    }
                    discrete = false;
                }
                ObjectNode em = JSON.createObjectNode();
                for (Map.Entry<String, Attribute> e : g.getAttributes().entrySet()) {
                    Object v = e.getValue().getData();
                    switch (v) {
                        case Long l -> em.put(e.getKey(), l);
                        case Integer i -> em.put(e.getKey(), i);
                        case Double d -> em.put(e.getKey(), d);
                        case Float f -> em.put(e.getKey(), f.doubleValue());
                        case String s -> em.put(e.getKey(), s);
                        default -> em.put(e.getKey(), String.valueOf(v));
                    }
                }
                ObjectNode ordered = JSON.createObjectNode();
                for (String k : List.of("id", "total_steps", "seed", "rewards_sum", "rewards_mean", "rewards_std",
                        "rewards_max", "rewards_min")) {
                    if (em.has(k)) {
                        ordered.set(k, em.get(k));
                    }
                }
                ordered.setAll(em);
                return episode(where, id, ordered, o, obsSize, a, actSize, discrete, rewards, term, trunc);
            } catch (DatasetException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DatasetException(where + ": cannot read: " + firstLine(e.getMessage()), e);
            }
        }

        private Episode episode(String where, long id, ObjectNode em, float[] obs, int obsSize, float[] act, int actSize,
                boolean discrete, double[] rewards, boolean[] term, boolean[] trunc) {
            int n = rewards.length;
            if (obs.length != (n + 1) * obsSize) {
                throw new DatasetException(where + ": episode " + id + " has " + obs.length / Math.max(obsSize, 1)
                        + " observations for " + n + " steps; Minari stores N+1");
            }
            if (act.length < n * actSize) {
                throw new DatasetException(where + ": episode " + id + " has " + act.length / actSize + " actions for "
                        + n + " steps");
            }
            for (int s = 0; s < n - 1; s++) {
                if (term[s] || trunc[s]) {
                    throw new DatasetException(where + ": episode " + id + ": step " + s + " is "
                            + (term[s] ? "terminated" : "truncated") + " before the last step " + (n - 1));
                }
            }
            JsonNode seedNode = em.get("seed");
            long seed = seedNode != null && seedNode.canConvertToLong() ? seedNode.asLong() : 0;
            Map<String, String> labels = new LinkedHashMap<>();
            if (source != null) {
                labels.put(Labels.SOURCE, source);
            }
            Trajectory t = new Trajectory(Long.toString(id), null, seed, obs, obsSize,
                    Arrays.copyOf(act, n * actSize), actSize, rewards, null, null, null, term[n - 1], trunc[n - 1],
                    Double.NaN, null, taskId, null, null, 0, labels);
            return new Episode(t, em);
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of(METADATA_KEY, meta.toString());
        }

        @Override
        public void close() throws IOException {
            if (hdf != null) {
                hdf.close();
            }
            if (allocator != null) {
                allocator.close();
            }
        }
    }

    /** Columns accumulated over the record batches of one episode's arrow file(s). */
    private static final class Columns {
        float[] obs = new float[0];
        int obsSize = -1;
        float[] act = new float[0];
        int actSize = -1;
        boolean discreteActions;
        double[] rewards = new double[0];
        boolean[] term = new boolean[0];
        boolean[] trunc = new boolean[0];
        int rows;

        void append(Path part, VectorSchemaRoot root) {
            int n = root.getRowCount();
            int at = rows;
            rows += n;
            int[] size = {obsSize};
            obs = numbers(part, "observations", root.getVector("observations"), obs, at, n, size);
            obsSize = size[0];
            size[0] = actSize;
            FieldVector av = root.getVector("actions");
            discreteActions = av instanceof BigIntVector || av instanceof IntVector;
            act = numbers(part, "actions", av, act, at, n, size);
            actSize = size[0];
            rewards = Arrays.copyOf(rewards, rows);
            term = Arrays.copyOf(term, rows);
            trunc = Arrays.copyOf(trunc, rows);
            FieldVector rv = root.getVector("rewards");
            for (int i = 0; i < n; i++) {
                rewards[at + i] = switch (rv) {
                    case Float8Vector d -> d.isNull(i) ? 0 : d.get(i);
                    case Float4Vector f -> f.isNull(i) ? 0 : f.get(i);
                    default -> throw new DatasetException(part + ": column 'rewards' has type " + rv.getField().getType()
                            + "; expected double");
                };
            }
            bits(part, "terminations", root.getVector("terminations"), term, at, n);
            bits(part, "truncations", root.getVector("truncations"), trunc, at, n);
        }

        private static void bits(Path part, String name, FieldVector v, boolean[] into, int at, int n) {
            if (!(v instanceof BitVector b)) {
                throw new DatasetException(part + ": column '" + name + "' has type " + v.getField().getType()
                        + "; expected bool");
            }
            for (int i = 0; i < n; i++) {
                into[at + i] = !b.isNull(i) && b.get(i) != 0;
            }
        }

        /** Appends n rows of a scalar or fixed-size-list numeric column; size[0] is the row width (-1 unknown). */
        private static float[] numbers(Path part, String name, FieldVector v, float[] into, int at, int n, int[] size) {
            int width;
            FieldVector values;
            if (v instanceof FixedSizeListVector l) {
                width = l.getListSize();
                values = (FieldVector) l.getDataVector();
            } else {
                width = 1;
                values = v;
            }
            if (size[0] >= 0 && size[0] != width) {
                throw new DatasetException(part + ": column '" + name + "' has rows of " + width + " numbers but earlier"
                        + " rows have " + size[0]);
            }
            size[0] = width;
            float[] out = Arrays.copyOf(into, (at + n) * width);
            for (int i = 0; i < n * width; i++) {
                out[at * width + i] = switch (values) {
                    case Float4Vector f -> f.isNull(i) ? 0 : f.get(i);
                    case Float8Vector d -> d.isNull(i) ? 0 : (float) d.get(i);
                    case BigIntVector b -> b.isNull(i) ? 0 : (float) b.get(i);
                    case IntVector b -> b.isNull(i) ? 0 : (float) b.get(i);
                    default -> throw new DatasetException(part + ": column '" + name + "' has type "
                            + v.getField().getType() + "; Trail reads float, double and integer values");
                };
            }
            return out;
        }
    }

    private static Dataset dataset(String where, String name, Group g) {
        Node n = g.getChild(name);
        if (!(n instanceof Dataset d)) {
            throw new DatasetException(where + ": missing dataset '" + name + "'");
        }
        return d;
    }

    private static float[][] floatRows(String where, String name, Group g) {
        Object data = dataset(where, name, g).getData();
        if (data instanceof float[][] f) {
            return f;
        }
        if (data instanceof double[][] d) {
            float[][] out = new float[d.length][];
            for (int i = 0; i < d.length; i++) {
                out[i] = new float[d[i].length];
                for (int j = 0; j < d[i].length; j++) {
                    out[i][j] = (float) d[i][j];
                }
            }
            return out;
        }
        if (data instanceof float[] f) {
            float[][] out = new float[f.length][];
            for (int i = 0; i < f.length; i++) {
                out[i] = new float[] {f[i]};
            }
            return out;
        }
        if (data instanceof long[] l) {
            float[][] out = new float[l.length][];
            for (int i = 0; i < l.length; i++) {
                out[i] = new float[] {l[i]};
            }
            return out;
        }
        throw new DatasetException(where + ": dataset '" + name + "' has type " + data.getClass().getSimpleName()
                + "; Trail reads float or integer rows");
    }

    private static double[] doubles(String where, String name, Object data) {
        if (data instanceof double[] d) {
            return d;
        }
        if (data instanceof float[] f) {
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
        throw new DatasetException(where + ": dataset '" + name + "' has type " + data.getClass().getSimpleName()
                + "; expected float64");
    }

    private static boolean[] booleans(String where, String name, Object data) {
        if (data instanceof boolean[] b) {
            return b;
        }
        if (data instanceof String[] s) {
            // h5py stores numpy bools as an HDF5 enum {FALSE, TRUE}
            boolean[] out = new boolean[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i].equals("TRUE");
            }
            return out;
        }
        if (data instanceof byte[] b) {
            boolean[] out = new boolean[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = b[i] != 0;
            }
            return out;
        }
        throw new DatasetException(where + ": dataset '" + name + "' has type " + data.getClass().getSimpleName()
                + "; expected bool");
    }

    // ---------------------------------------------------------------- episode metadata (NumPy semantics)

    /**
     * NumPy's pairwise summation ({@code np.add.reduce} on a contiguous float64 array): blocks
     * of at most 128 summed with 8 accumulators, larger arrays split in halves rounded to 8.
     */
    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[from + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }

    /** The per-episode metadata Minari stores: id, total_steps, seed and the reward statistics of NumPy. */
    public static ObjectNode episodeMetadata(long id, long seed, double[] rewards) {
        int n = rewards.length;
        double sum = pairwiseSum(rewards, 0, n);
        double mean = sum / n;
        double[] sq = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double d = rewards[i] - mean;
            sq[i] = d * d;
            max = Math.max(max, rewards[i]);
            min = Math.min(min, rewards[i]);
        }
        double std = Math.sqrt(pairwiseSum(sq, 0, n) / n);
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("total_steps", n);
        m.put("seed", seed);
        m.put("rewards_sum", sum);
        m.put("rewards_mean", mean);
        m.put("rewards_std", std);
        m.put("rewards_max", max);
        m.put("rewards_min", min);
        return m;
    }

    // ---------------------------------------------------------------- writing (arrow layout)

    /**
     * Opens a sink writing a Minari dataset folder (arrow layout) at {@code dir}. The spaces,
     * env spec and descriptive fields come from {@code metadata.get(METADATA_KEY)} (a dataset
     * read from Minari) when present; otherwise they are inferred from the data (Discrete for
     * integral scalar actions, unbounded float32 Box otherwise). The folder is built under a
     * temporary name and renamed into place when complete.
     */
    public static TrajectorySink create(Path dir, Map<String, String> metadata) throws IOException {
        return new Writer(dir, metadata == null ? Map.of() : metadata);
    }

    private static final class Writer implements TrajectorySink {
        private final Path target;
        private final Path tmp;
        private final Path data;
        private final ObjectNode source;
        private final BufferAllocator allocator = new RootAllocator();
        private int episodes;
        private long steps;
        private int obsSize = -1;
        private int actSize = -1;
        private boolean integralActions = true;
        private float maxAction = 0;
        private String taskId;
        private String sourceId;
        private boolean committed;
        private double totalBytes;

        Writer(Path target, Map<String, String> metadata) throws IOException {
            this.target = target.toAbsolutePath();
            if (Files.exists(this.target) && !(Files.isDirectory(this.target) && isEmpty(this.target))) {
                throw new DatasetException("cannot write " + target + ": it exists; a Minari dataset is written to a new folder");
            }
            Path parent = this.target.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IOException("cannot write " + target + ": folder " + parent + " does not exist");
            }
            // not createTempDirectory (0700): the dataset's folders get the user's umask, as every output does
            this.tmp = Files.createDirectory(parent.resolve("." + this.target.getFileName() + "."
                    + Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36) + ".tmp"));
            this.data = Files.createDirectory(tmp.resolve("data"));
            String m = metadata.get(METADATA_KEY);
            ObjectNode src = null;
            if (m != null) {
                try {
                    src = (ObjectNode) JSON.readTree(m);
                } catch (IOException | ClassCastException e) {
                    src = null;
                }
            }
            this.source = src;
        }

        private static boolean isEmpty(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.findAny().isEmpty();
            }
        }

        @Override
        public void write(Trajectory t) throws IOException {
            if (t.hasTextActions() || t.actionSize() == 0 || t.actions().length == 0) {
                throw new DatasetException("trajectory " + t.id() + ": Minari needs numeric actions on every step"
                        + (t.hasTextActions() ? " (this one has text actions)" : ""));
            }
            if (t.observationSize() == 0 || t.observations().length == 0) {
                throw new DatasetException("trajectory " + t.id() + ": Minari needs observations (N+1 per episode)");
            }
            int n = t.length();
            int o = t.observationSize();
            int a = t.actionSize();
            if (obsSize >= 0 && obsSize != o || actSize >= 0 && actSize != a) {
                throw new DatasetException("trajectory " + t.id() + ": observation/action sizes " + o + "/" + a
                        + " differ from the earlier trajectories' " + obsSize + "/" + actSize);
            }
            obsSize = o;
            actSize = a;
            for (float v : t.actions()) {
                integralActions &= v == Math.rint(v) && v >= 0;
                maxAction = Math.max(maxAction, v);
            }
            boolean discrete = isDiscrete();
            if (taskId == null) {
                taskId = t.taskId();
            }
            if (sourceId == null) {
                sourceId = t.labels().get(Labels.SOURCE);
            }
            Path epDir = Files.createDirectory(data.resolve(Integer.toString(episodes)));
            Schema schema = new Schema(List.of(
                    floatList("observations", o),
                    discrete ? new Field("actions", FieldType.nullable(new ArrowType.Int(64, true)), null)
                            : floatList("actions", a),
                    new Field("rewards", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                    new Field("terminations", FieldType.nullable(ArrowType.Bool.INSTANCE), null),
                    new Field("truncations", FieldType.nullable(ArrowType.Bool.INSTANCE), null)));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                int rows = n + 1;
                fillFloats((FixedSizeListVector) root.getVector("observations"), t.observations(), o, rows, rows);
                if (discrete) {
                    BigIntVector av = (BigIntVector) root.getVector("actions");
                    av.allocateNew(rows);
                    for (int s = 0; s < rows; s++) {
                        av.set(s, s < n ? (long) t.actions()[s] : 0L);
                    }
                    av.setValueCount(rows);
                } else {
                    fillFloats((FixedSizeListVector) root.getVector("actions"), t.actions(), a, n, rows);
                }
                Float8Vector rv = (Float8Vector) root.getVector("rewards");
                rv.allocateNew(rows);
                BitVector tv = (BitVector) root.getVector("terminations");
                tv.allocateNew(rows);
                BitVector uv = (BitVector) root.getVector("truncations");
                uv.allocateNew(rows);
                for (int s = 0; s < rows; s++) {
                    boolean last = s == n - 1;
                    rv.set(s, s < n ? t.rewards()[s] : 0.0);
                    tv.set(s, last && t.terminated() ? 1 : 0);
                    uv.set(s, last && t.truncated() ? 1 : 0);
                }
                rv.setValueCount(rows);
                tv.setValueCount(rows);
                uv.setValueCount(rows);
                root.setRowCount(rows);
                Path file = epDir.resolve("part-0.arrow");
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
                    w.start();
                    w.writeBatch();
                    w.end();
                }
                totalBytes += Files.size(file);
            }
            ObjectNode em = episodeMetadata(episodes, t.seed(), t.rewards());
            byte[] bytes = JSON.writeValueAsBytes(em);
            Files.write(epDir.resolve("metadata.json"), bytes);
            totalBytes += bytes.length;
            episodes++;
            steps += n;
        }

        private boolean isDiscrete() {
            if (source != null) {
                return source.path("action_space").asText("").contains("\"Discrete\"");
            }
            return actSize == 1 && integralActions;
        }

        private static Field floatList(String name, int size) {
            return new Field(name, FieldType.nullable(new ArrowType.FixedSizeList(size)), List.of(
                    new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)));
        }

        /** Fills {@code rows} rows of width {@code size}: the first {@code given} from {@code values}, the rest zero. */
        private static void fillFloats(FixedSizeListVector v, float[] values, int size, int given, int rows) {
            v.allocateNew();
            Float4Vector child = (Float4Vector) v.getDataVector();
            child.allocateNew(rows * size);
            for (int r = 0; r < rows; r++) {
                v.setNotNull(r);
                for (int j = 0; j < size; j++) {
                    child.set(r * size + j, r < given ? values[r * size + j] : 0f);
                }
            }
            child.setValueCount(rows * size);
            v.setValueCount(rows);
        }

        @Override
        public void commit() throws IOException {
            if (episodes == 0) {
                throw new DatasetException("cannot write " + target + ": no trajectories to write");
            }
            ObjectNode m = JSON.createObjectNode();
            m.put("total_episodes", episodes);
            m.put("total_steps", steps);
            m.put("data_format", "arrow");
            m.put("jpeg_encoding", true);
            if (source != null && source.has("observation_space") && source.has("action_space")) {
                m.put("observation_space", source.get("observation_space").asText());
                m.put("action_space", source.get("action_space").asText());
            } else {
                m.put("observation_space", boxJson(obsSize));
                m.put("action_space", isDiscrete()
                        ? "{\"type\": \"Discrete\", \"dtype\": \"int64\", \"start\": 0, \"n\": " + ((int) maxAction + 1) + "}"
                        : boxJson(actSize));
            }
            if (source != null && source.has("env_spec")) {
                m.set("env_spec", source.get("env_spec"));
            } else if (taskId != null) {
                // the fields Gymnasium's EnvSpec.from_json needs; the env is named, not reconstructed
                ObjectNode spec = JSON.createObjectNode();
                spec.put("id", taskId);
                spec.putNull("entry_point");
                spec.putNull("reward_threshold");
                spec.put("nondeterministic", false);
                spec.putNull("max_episode_steps");
                spec.put("order_enforce", true);
                spec.put("disable_env_checker", false);
                spec.putObject("kwargs");
                spec.putArray("additional_wrappers");
                spec.putNull("vector_entry_point");
                m.put("env_spec", spec.toString());
            }
            m.put("dataset_size", Math.round(totalBytes / 1e5) / 10.0);
            m.put("dataset_id", source != null && source.has("dataset_id") ? source.get("dataset_id").asText()
                    : sourceId != null ? sourceId : "trail/" + (taskId == null ? "dataset" : taskId) + "-v0");
            for (String k : List.of("code_permalink", "author", "author_email", "algorithm_name", "description")) {
                if (source != null && source.has(k)) {
                    m.set(k, source.get(k));
                }
            }
            if (!m.has("algorithm_name")) {
                m.put("algorithm_name", "exported by Trail");
            }
            if (!m.has("description")) {
                m.put("description", "Trail trajectories" + (taskId == null ? "" : " of " + taskId));
            }
            m.put("minari_version", MINARI_VERSION);
            Files.write(data.resolve("metadata.json"), JSON.writeValueAsBytes(m));
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked in the constructor
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        private static String boxJson(int size) {
            ArrayNode low = JSON.createArrayNode();
            ArrayNode high = JSON.createArrayNode();
            ArrayNode shape = JSON.createArrayNode().add(size);
            for (int i = 0; i < size; i++) {
                low.add(Double.NEGATIVE_INFINITY);
                high.add(Double.POSITIVE_INFINITY);
            }
            return "{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": " + shape + ", \"low\": "
                    + low.toString().replace("\"-Infinity\"", "-Infinity") + ", \"high\": "
                    + high.toString().replace("\"Infinity\"", "Infinity") + "}";
        }

        @Override
        public void close() throws IOException {
            allocator.close();
            if (!committed) {
                deleteTree(tmp);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String firstLine(String s) {
        return TrajectoryParquet.firstLine(s);
    }
}
