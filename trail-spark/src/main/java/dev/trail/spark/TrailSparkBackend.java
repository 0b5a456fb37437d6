package dev.trail.spark;

import dev.trail.scale.ResponseWorkers;
import dev.trail.scale.RolloutWorkers;
import dev.trail.scale.SparkBackend;
import java.nio.file.Path;
import java.util.Map;

/** The {@link SparkBackend} service: each job on the session of its master. */
public final class TrailSparkBackend implements SparkBackend {

    @Override
    public Written collect(CollectJob job) {
        return SparkCollect.run(Sessions.session(job.master(), "trail collect"), job);
    }

    @Override
    public RolloutWorkers rolloutWorkers(String master) {
        return new SparkRolloutWorkers(Sessions.session(master, "trail train"));
    }

    @Override
    public ResponseWorkers responseWorkers(String master) {
        return new SparkResponseWorkers(Sessions.session(master, "trail train"));
    }

    @Override
    public Written credit(String master, String estimator, Map<String, String> settings, Path in, Path out,
            int partitions) {
        return SparkCredit.run(Sessions.session(master, "trail credit"), estimator, settings, in, out, partitions);
    }
}
