package dev.trail.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.data.Groups;
import dev.trail.data.TrajectoryParquet;
import dev.trail.data.TrajectorySink;
import dev.trail.scale.SparkBackend;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code trail credit --spark}: the estimator of the local command, applied group by group across
 * the cluster.
 *
 * <p>Spark reads the Parquet dataset (a file, or a folder of part files with its {@code _SUCCESS}
 * marker), hash-partitions the rows by group id (a trajectory without one is a group of its own)
 * and sorts each partition by group, then by position in the input (file, row), so that a group's
 * members arrive together in the order the local command sees them. Each task rebuilds the
 * trajectories ({@link TrajectoryRows}), applies the estimator to each group — the same pure
 * functions of {@code dev.trail.advantage} — and writes its groups, with {@code advantage} and
 * {@code return} columns, as one Parquet part file. The result equals the local command's
 * trajectory by trajectory; the order of the trajectories in the output folder is by partition
 * and group, not the input order.
 *
 * <p>An estimator that normalises over the whole batch (e.g. REINFORCE++'s whitening across
 * groups) is not group-local: applied group by group it would give other numbers. Each task
 * checks this on its first two groups (the estimate of both together must equal the estimates of
 * each) and the job stops with a message saying so.
 */
public final class SparkCredit {

    static final String NOT_GROUP_LOCAL = "not group-local: ";

    private SparkCredit() {
    }

    record PartResult(long trajectories, long groups, long steps) implements Serializable {
    }

    /** Runs the job; {@code out} (a new folder) appears only when complete. */
    public static SparkBackend.Written run(SparkSession spark, String estimator, Map<String, String> settings,
            Path in, Path out, int partitions) {
        AdvantageEstimators.create(estimator, settings); // unknown names and bad options fail here, on the driver
        if (Files.isDirectory(in) && !Files.isRegularFile(in.resolve(TrajectoryParquet.COMMITTED))) {
            throw new IllegalArgumentException("--in " + in + " is a folder without " + TrajectoryParquet.COMMITTED
                    + " (the job that wrote it did not finish)");
        }
        if (!Files.exists(in)) {
            throw new IllegalArgumentException("--in " + in + " does not exist");
        }
        Path target = out.toAbsolutePath();
        if (Files.exists(target)) {
            throw new IllegalArgumentException("--out " + out + " already exists; credit on Spark writes a new dataset"
                    + " folder");
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        long start = System.nanoTime();
        try {
            Files.createDirectories(tmp);
            Dataset<Row> rows = spark.read().option("mergeSchema", "true").parquet(in.toAbsolutePath().toString())
                    .select(col("*"), col("_metadata.file_path").as("_trail_file"),
                            col("_metadata.row_index").as("_trail_row"));
            rows = rows.withColumn("_trail_group", coalesce(col("group_id"), col("trajectory_id")));
            int p = partitions > 0 ? partitions : Math.max(1, spark.sparkContext().defaultParallelism());
            Dataset<Row> grouped = rows.repartition(p, col("_trail_group"))
                    .sortWithinPartitions(col("_trail_group"), col("_trail_file"), col("_trail_row"));
            TrajectoryRows schema = new TrajectoryRows(grouped.schema(),
                    Set.of("_trail_file", "_trail_row", "_trail_group"));
            int groupColumn = grouped.schema().fieldIndex("_trail_group");
            HashMap<String, String> meta = new HashMap<>();
            meta.put("trail.credit.estimator", estimator);
            Task task = new Task(schema, groupColumn, estimator, new HashMap<>(settings), tmp.toString(), meta);
            List<PartResult> parts = grouped.javaRDD().mapPartitionsWithIndex(task, false).collect();
            long trajectories = 0;
            long groups = 0;
            long steps = 0;
            for (PartResult r : parts) {
                trajectories += r.trajectories();
                groups += r.groups();
                steps += r.steps();
            }
            if (trajectories == 0) {
                throw new IllegalArgumentException(in + ": no trajectories (the dataset is empty)");
            }
            Files.writeString(tmp.resolve(TrajectoryParquet.COMMITTED), "");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new SparkBackend.Written(trajectories, steps, Double.NaN, String.format(Locale.ROOT,
                    "%s: %d groups on Spark %s, %d tasks, %.0f steps/s", estimator, groups,
                    spark.sparkContext().master(), p, steps / Math.max(seconds, 1e-9)));
        } catch (IOException e) {
            CheckpointBytes.delete(tmp);
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (Exception e) {
            CheckpointBytes.delete(tmp);
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            IllegalStateException failed = Jobs.failed(e);
            int at = failed.getMessage().indexOf(NOT_GROUP_LOCAL);
            if (at >= 0) {
                String msg = failed.getMessage().substring(at + NOT_GROUP_LOCAL.length());
                throw new IllegalArgumentException(msg.replace(" (no dataset was written)", ""), e);
            }
            throw failed;
        }
    }

    /** One partition: its groups, credited, as one part file. */
    static final class Task implements Function2<Integer, Iterator<Row>, Iterator<PartResult>> {
        private final TrajectoryRows schema;
        private final int groupColumn;
        private final String estimator;
        private final HashMap<String, String> settings;
        private final String dir;
        private final HashMap<String, String> meta;

        Task(TrajectoryRows schema, int groupColumn, String estimator, HashMap<String, String> settings, String dir,
                HashMap<String, String> meta) {
            this.schema = schema;
            this.groupColumn = groupColumn;
            this.estimator = estimator;
            this.settings = settings;
            this.dir = dir;
            this.meta = meta;
        }

        @Override
        public Iterator<PartResult> call(Integer partition, Iterator<Row> rows) throws IOException {
            AdvantageEstimator est = AdvantageEstimators.create(estimator, settings);
            long trajectories = 0;
            long groups = 0;
            long steps = 0;
            if (!rows.hasNext()) {
                return List.of(new PartResult(0, 0, 0)).iterator();
            }
            Path file = Path.of(dir, String.format(Locale.ROOT, "part-%05d.parquet", partition));
            Path partial = Path.of(dir, String.format(Locale.ROOT, ".part-%05d-%s.parquet", partition,
                    UUID.randomUUID()));
            List<List<Trajectory>> firstTwo = new ArrayList<>();
            try (TrajectorySink sink = TrajectoryParquet.create(partial, meta)) {
                Row pending = rows.next();
                while (pending != null) {
                    String key = pending.getString(groupColumn);
                    List<Trajectory> members = new ArrayList<>();
                    List<Row> steps0 = new ArrayList<>();
                    String id = null;
                    // the group's rows: consecutive; a trajectory's rows consecutive within it
                    while (pending != null && key.equals(pending.getString(groupColumn))) {
                        String tid = pending.getString(schema.trajectoryIdColumn());
                        if (id != null && (!tid.equals(id) || ((Number) pending.get(schema.stepColumn())).intValue() == 0)) {
                            members.add(schema.trajectory(steps0));
                            steps0 = new ArrayList<>();
                        }
                        id = tid;
                        steps0.add(pending);
                        pending = rows.hasNext() ? rows.next() : null;
                    }
                    members.add(schema.trajectory(steps0));
                    List<TrajectoryGroup> batch = Groups.of(members);
                    AdvantageResult r = est.estimate(batch);
                    if (firstTwo.size() < 2) {
                        firstTwo.add(members);
                        if (firstTwo.size() == 2) {
                            checkGroupLocal(est, firstTwo);
                        }
                    }
                    int row = 0;
                    for (TrajectoryGroup g : batch) {
                        for (Trajectory t : g.trajectories()) {
                            sink.write(withCredit(t, r.advantages()[row], r.returns()[row]));
                            steps += t.length();
                            row++;
                            trajectories++;
                        }
                        groups++;
                    }
                }
                sink.commit();
            }
            // a retried or speculative attempt replaces the file with the same content
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.of(new PartResult(trajectories, groups, steps)).iterator();
        }

        private void checkGroupLocal(AdvantageEstimator est, List<List<Trajectory>> two) {
            List<Trajectory> all = new ArrayList<>(two.get(0));
            all.addAll(two.get(1));
            AdvantageResult together = est.estimate(Groups.of(all));
            AdvantageResult a = est.estimate(Groups.of(two.get(0)));
            AdvantageResult b = est.estimate(Groups.of(two.get(1)));
            int n = a.advantages().length;
            for (int i = 0; i < together.advantages().length; i++) {
                double[] apart = i < n ? a.advantages()[i] : b.advantages()[i - n];
                double[] retApart = i < n ? a.returns()[i] : b.returns()[i - n];
                if (!java.util.Arrays.equals(apart, together.advantages()[i])
                        || !java.util.Arrays.equals(retApart, together.returns()[i])) {
                    throw new IllegalArgumentException(NOT_GROUP_LOCAL + "estimator " + estimator + " uses statistics of"
                            + " the whole batch (its results for a group depend on the other groups), so it cannot be"
                            + " applied group by group on Spark; run `trail credit` without --spark");
                }
            }
        }

        private static Trajectory withCredit(Trajectory t, double[] advantages, double[] returns) {
            for (int s = 0; s < advantages.length; s++) {
                if (!Double.isFinite(advantages[s]) || !Double.isFinite(returns[s])) {
                    throw new IllegalArgumentException("trajectory " + t.id() + ": the estimator produced a non-finite"
                            + " advantage or return at step " + s);
                }
            }
            return t.withExtra("advantage", advantages).withExtra("return", returns);
        }
    }
}
