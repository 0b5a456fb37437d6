package dev.trail.scale;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Distributed collection and credit assignment on Apache Spark, implemented by the
 * {@code trail-spark} module and found with {@link #find()}. The jobs produce what the local
 * commands produce: the same trajectories, row for row.
 */
public interface SparkBackend {

    /**
     * One part of a collection: {@code target} whole episodes (or whole episodes until at least
     * {@code target} steps) of part number {@code part} of the seed scheme
     * ({@link dev.trail.rollout.SeededEpisodes}), acting with the policy of {@code checkpoint}
     * (null: uniformly random actions), trajectory ids {@code label + "-" + k}, labelled
     * {@code policy=label}.
     */
    record CollectPart(String label, int part, Path checkpoint, long target, boolean bySteps) {
    }

    /**
     * A collection job.
     *
     * @param master the Spark master ({@code local[2]}, {@code spark://host:7077}) or null for the one
     *        {@code spark-submit} configured
     * @param partitions tasks per iteration (0: Spark's default parallelism)
     * @param metadata key-value metadata written with the dataset
     */
    record CollectJob(String master, String envId, long seed, double epsilon, double actionNoise,
            List<CollectPart> parts, Path out, Map<String, String> metadata, int partitions) {
    }

    /** What a finished job wrote. */
    record Written(long trajectories, long steps, double meanReturn, String detail) {
    }

    /** Runs {@code job}; the dataset directory {@code job.out()} appears only when complete. */
    Written collect(CollectJob job);

    /**
     * {@code trail credit} on a cluster: reads the Parquet dataset {@code in} (a file or a directory
     * of part files), groups trajectories by group id, applies the estimator {@code estimator} with
     * {@code settings} to each group, writes the dataset with {@code advantage} and {@code return}
     * columns to the directory {@code out}.
     */
    Written credit(String master, String estimator, Map<String, String> settings, Path in, Path out, int partitions);

    /** Rollout workers for training on the session of {@code master} (null: spark-submit's). */
    RolloutWorkers rolloutWorkers(String master);

    /** Token-level rollout workers for the GRPO family on the session of {@code master} (null: spark-submit's). */
    ResponseWorkers responseWorkers(String master);

    /** The backend on the class path, if {@code trail-spark} is there. */
    static Optional<SparkBackend> find() {
        return ServiceLoader.load(SparkBackend.class).findFirst();
    }
}
