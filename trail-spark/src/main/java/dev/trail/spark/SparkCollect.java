package dev.trail.spark;

import dev.trail.data.Labels;
import dev.trail.data.TrajectoryParquet;
import dev.trail.data.TrajectorySink;
import dev.trail.data.TrajectorySource;
import dev.trail.env.ArrayEnv;
import dev.trail.envs.Envs;
import dev.trail.policy.BehaviourPolicy;
import dev.trail.rollout.SeededEpisodes;
import dev.trail.scale.SparkBackend;
import dev.trail.trajectory.Trajectory;
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
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code trail collect --spark}: the episodes of {@link SeededEpisodes} run in Spark tasks.
 *
 * <p>A part (e.g. a recipe's expert episodes) is collected in rounds. Round {@code i} covers the
 * episode indices {@code [first_i, first_i + B_i)}, split into {@code P} shards of consecutive
 * indices, one Spark task each ({@code mapPartitions}): the task builds its environment copy once,
 * loads the broadcast policy, runs its episodes (episode {@code k}'s seeds depend on (seed, part,
 * k) only) and writes them as one Parquet part file {@code p<part>-e<first index>.parquet}
 * (under a temporary name, renamed when complete), returning only the episode lengths and
 * returns. The driver then knows how far the part got: a collection of N episodes is one round;
 * a collection "until S steps" sizes the next round from the mean episode length so far and
 * finally trims the files past the episode that reached S (a task starts a new part file every
 * {@link #FILE_STEPS} steps, so the trim rewrites at most one such file). A retried task recomputes the same
 * episodes and replaces its file with the same bytes' content; the number of partitions and
 * executors only changes where the file boundaries fall. The dataset folder is assembled under a
 * hidden temporary name and renamed into place with its {@code _SUCCESS} marker when the job has
 * committed.
 */
public final class SparkCollect {

    /** Task-local property: the shard whose first attempt throws (tests of task retries). */
    public static final String FAIL_FIRST_ATTEMPT = "trail.test.failFirstAttemptOfShard";
    /** Task-local property: the shard that throws on every attempt (tests of a failing job). */
    public static final String FAIL_ALWAYS = "trail.test.failShard";

    private SparkCollect() {
    }

    /**
     * Steps after which a task starts a new part file (at the next episode boundary): trimming a
     * collection by steps rewrites at most one file of about this size.
     */
    static final int FILE_STEPS = 1 << 17;
    /** Driver-local property: another {@link #FILE_STEPS} (tests of the trim). */
    public static final String FILE_STEPS_PROPERTY = "trail.test.fileSteps";

    /**
     * What a task reports: its shard's first episode index, the episodes' lengths and returns, and
     * its part files in episode order with the number of episodes in each.
     */
    record ShardResult(int part, long first, int[] lengths, double[] returns, String[] files, int[] fileEpisodes)
            implements Serializable {
    }

    /** Runs {@code job} and returns what it wrote. */
    public static SparkBackend.Written run(SparkSession spark, SparkBackend.CollectJob job) {
        Path out = job.out().toAbsolutePath();
        if (Files.exists(out)) {
            throw new IllegalArgumentException("--out " + job.out() + " already exists; a collection writes a new dataset"
                    + " folder");
        }
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp-" + UUID.randomUUID());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int p = job.partitions() > 0 ? job.partitions() : Math.max(1, sc.defaultParallelism());
        String fileStepsProperty = sc.getLocalProperty(FILE_STEPS_PROPERTY);
        int fileSteps = fileStepsProperty == null ? FILE_STEPS : Integer.parseInt(fileStepsProperty);
        long trajectories = 0;
        long steps = 0;
        long stepsRun = 0;
        double returns = 0;
        int rounds = 0;
        double firstRound = 0;
        long started = System.nanoTime();
        try {
            Files.createDirectories(tmp);
            for (SparkBackend.CollectPart part : job.parts()) {
                Broadcast<CheckpointBytes> policy = part.checkpoint() == null ? null
                        : sc.broadcast(CheckpointBytes.read(part.part(), part.checkpoint()));
                try {
                    List<ShardResult> kept = new ArrayList<>();
                    long have = 0;
                    long next = 0;
                    long stepsSoFar = 0;
                    long episodesSoFar = 0;
                    while (have < part.target()) {
                        long size = roundSize(part, have, stepsSoFar, episodesSoFar, p);
                        Worker w = new Worker(job.envId(), job.seed(), part.part(), part.label(), policy, job.epsilon(),
                                job.actionNoise(), next, size, p, tmp.toString(), new HashMap<>(job.metadata()),
                                fileSteps);
                        List<ShardResult> round = new ArrayList<>(sc.parallelize(
                                IntStream.range(0, p).boxed().toList(), p).mapPartitions(w).collect());
                        if (rounds == 0) {
                            firstRound = (System.nanoTime() - started) / 1e9;
                        }
                        round.sort((a, b) -> Long.compare(a.first(), b.first()));
                        rounds++;
                        for (ShardResult r : round) {
                            kept.add(r);
                            for (int len : r.lengths()) {
                                have += part.bySteps() ? len : 1;
                                stepsSoFar += len;
                                episodesSoFar++;
                            }
                        }
                        next += size;
                    }
                    stepsRun += stepsSoFar;
                    // trim: keep the episodes up to the one that reached the target, in index order; only the
                    // file holding that episode is rewritten, the later ones are deleted
                    long need = part.target();
                    long acc = 0;
                    for (ShardResult r : kept) {
                        int i = 0;
                        for (int f = 0; f < r.files().length; f++) {
                            Path file = Path.of(r.files()[f]);
                            int inFile = r.fileEpisodes()[f];
                            if (acc >= need) {
                                Files.deleteIfExists(file);
                                i += inFile;
                                continue;
                            }
                            int[] lengths = java.util.Arrays.copyOfRange(r.lengths(), i, i + inFile);
                            int k = SeededEpisodes.kept(lengths, acc, need, part.bySteps());
                            int take = k < 0 ? inFile : k;
                            for (int j = 0; j < take; j++) {
                                acc += part.bySteps() ? lengths[j] : 1;
                                trajectories++;
                                steps += lengths[j];
                                returns += r.returns()[i + j];
                            }
                            if (take < inFile) {
                                keepFirst(file, take, job.metadata());
                            }
                            i += inFile;
                        }
                    }
                } finally {
                    if (policy != null) {
                        // versioned: this part's policy is released before the next part's is sent
                        policy.destroy();
                    }
                }
            }
            // an attempt that died mid-file (a killed executor) leaves its hidden scratch file behind
            try (var left = Files.list(tmp)) {
                for (Path f : left.filter(f -> f.getFileName().toString().startsWith(".")).toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.writeString(tmp.resolve(TrajectoryParquet.COMMITTED), "");
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            CheckpointBytes.delete(tmp);
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (Exception e) {
            // Spark's SparkException is checked in Java's eyes but thrown undeclared by collect()
            CheckpointBytes.delete(tmp);
            throw e instanceof IllegalArgumentException iae ? iae : Jobs.failed(e);
        }
        return new SparkBackend.Written(trajectories, steps, trajectories == 0 ? Double.NaN : returns / trajectories,
                String.format(Locale.ROOT, "%.1f s, %.0f steps/s; Spark %s, %d tasks per round, %d rounds (the first"
                        + " %.1f s), %d steps run (%.1f%% past the target, discarded)",
                        (System.nanoTime() - started) / 1e9, steps / Math.max((System.nanoTime() - started) / 1e9, 1e-9),
                        spark.sparkContext().master(), p, rounds, firstRound, stepsRun,
                        steps == 0 ? 0.0 : 100.0 * (stepsRun - steps) / steps));
    }

    /** A round collects at most this many times the episodes collected so far (while their mean length is uncertain). */
    static final int ROUND_GROWTH = 8;

    /**
     * Episodes in the next round: all that are missing when counting episodes. When counting steps:
     * 2 per task in the first round, then from the mean episode length so far, at most
     * {@link #ROUND_GROWTH} times the episodes so far (the mean of a few episodes can be far off: a
     * policy whose episodes last 100 to 500 steps). While more than 64 episodes per task are
     * missing, a round aims 3% short of the target (the next, small round finishes it); a small
     * round aims 5% and one episode per task past it, so that one more round is rarely needed.
     * The steps run past the target are then a small round's margin, not a large one's.
     */
    static long roundSize(SparkBackend.CollectPart part, long have, long stepsSoFar, long episodesSoFar, int p) {
        long missing = part.target() - have;
        if (!part.bySteps()) {
            return missing;
        }
        if (episodesSoFar == 0) {
            return 2L * p;
        }
        double episodes = missing / ((double) stepsSoFar / episodesSoFar);
        long size = episodes > 64.0 * p ? (long) Math.ceil(episodes * 0.97) : (long) Math.ceil(episodes * 1.05) + p;
        return Math.max(Math.min(size, ROUND_GROWTH * episodesSoFar), p);
    }

    /** Rewrites a part file with its first {@code n} trajectories. */
    private static void keepFirst(Path file, int n, Map<String, String> meta) throws IOException {
        List<Trajectory> first = new ArrayList<>();
        try (TrajectorySource src = TrajectoryParquet.open(file)) {
            for (Trajectory t = src.next(); t != null && first.size() < n; t = src.next()) {
                first.add(t);
            }
        }
        Files.delete(file);
        if (n == 0) {
            return;
        }
        try (TrajectorySink sink = TrajectoryParquet.create(file, meta)) {
            for (Trajectory t : first) {
                sink.write(t);
            }
            sink.commit();
        }
    }

    /** The rollout worker of one round: the shards of its partition (one per partition). */
    static final class Worker implements FlatMapFunction<Iterator<Integer>, ShardResult> {
        private final String envId;
        private final long seed;
        private final int part;
        private final String label;
        private final Broadcast<CheckpointBytes> policy;
        private final double epsilon;
        private final double actionNoise;
        private final long first;
        private final long size;
        private final int shards;
        private final String dir;
        private final HashMap<String, String> meta;
        private final int fileSteps;

        Worker(String envId, long seed, int part, String label, Broadcast<CheckpointBytes> policy, double epsilon,
                double actionNoise, long first, long size, int shards, String dir, HashMap<String, String> meta,
                int fileSteps) {
            this.fileSteps = fileSteps;
            this.envId = envId;
            this.seed = seed;
            this.part = part;
            this.label = label;
            this.policy = policy;
            this.epsilon = epsilon;
            this.actionNoise = actionNoise;
            this.first = first;
            this.size = size;
            this.shards = shards;
            this.dir = dir;
            this.meta = meta;
        }

        @Override
        public Iterator<ShardResult> call(Iterator<Integer> shardIds) throws IOException {
            List<ShardResult> out = new ArrayList<>();
            while (shardIds.hasNext()) {
                out.add(shard(shardIds.next()));
            }
            return out.iterator();
        }

        private ShardResult shard(int s) throws IOException {
            long lo = first + size * s / shards;
            long hi = first + size * (s + 1) / shards;
            TaskContext ctx = TaskContext.get();
            String fail = ctx == null ? null : ctx.getLocalProperty(FAIL_FIRST_ATTEMPT);
            if (fail != null && Integer.parseInt(fail) == s && ctx.attemptNumber() == 0) {
                throw new IllegalStateException("test: shard " + s + " fails on its first attempt");
            }
            String always = ctx == null ? null : ctx.getLocalProperty(FAIL_ALWAYS);
            if (always != null && Integer.parseInt(always) == s) {
                throw new IllegalStateException("test: shard " + s + " fails on every attempt");
            }
            int n = (int) (hi - lo);
            int[] lengths = new int[n];
            double[] returns = new double[n];
            List<String> files = new ArrayList<>();
            List<Integer> fileEpisodes = new ArrayList<>();
            if (n == 0) {
                return new ShardResult(part, lo, lengths, returns, new String[0], new int[0]);
            }
            ArrayEnv<?> env = Envs.spec(envId).makeArray();
            BehaviourPolicy behaviour = policy == null ? BehaviourPolicy.random(env.actionSpace())
                    : BehaviourPolicy.of(policy.value().load(), env.actionSpace(), epsilon, actionNoise);
            try (SeededEpisodes episodes = new SeededEpisodes(env, seed, part, envId, label + "-",
                    Map.of(Labels.POLICY, label))) {
                int i = 0;
                while (i < n) {
                    // one part file per fileSteps steps (at an episode boundary), named by its first episode
                    Path file = Path.of(dir, String.format(Locale.ROOT, "p%d-e%012d.parquet", part, lo + i));
                    int start = i;
                    long written = 0;
                    try (TrajectorySink sink = TrajectoryParquet.create(file, meta)) {
                        while (i < n && written < fileSteps) {
                            Trajectory t = episodes.episode(lo + i, behaviour, behaviour.reportsLogProbs(),
                                    behaviour.reportsValues());
                            lengths[i] = t.length();
                            returns[i] = t.totalReward();
                            written += t.length();
                            sink.write(t);
                            i++;
                        }
                        sink.commit();
                    }
                    files.add(file.toString());
                    fileEpisodes.add(i - start);
                }
            }
            return new ShardResult(part, lo, lengths, returns, files.toArray(String[]::new),
                    fileEpisodes.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
