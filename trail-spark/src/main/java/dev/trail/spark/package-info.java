/**
 * Trail on Apache Spark: distributed collection ({@link dev.trail.spark.SparkCollect}), credit
 * assignment over Parquet datasets ({@link dev.trail.spark.SparkCredit}) and rollout workers for
 * training ({@link dev.trail.spark.SparkRolloutWorkers}). The command line reaches it through the
 * {@link dev.trail.scale.SparkBackend} service ({@link dev.trail.spark.TrailSparkBackend}); see
 * {@code docs/SPARK.md}.
 */
package dev.trail.spark;
