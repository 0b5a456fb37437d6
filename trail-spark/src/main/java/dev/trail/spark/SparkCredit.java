package dev.trail.spark;

import dev.trail.scale.SparkBackend;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

final class SparkCredit {
    static SparkBackend.Written run(SparkSession spark, String estimator, Map<String, String> settings, Path in,
            Path out, int partitions) {
        throw new UnsupportedOperationException("todo");
    }
}
