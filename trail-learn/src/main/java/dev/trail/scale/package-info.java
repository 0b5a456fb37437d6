/**
 * Scale-out beyond one JVM: the {@link dev.trail.scale.SparkBackend} service that the command line
 * finds through {@link java.util.ServiceLoader} when the {@code trail-spark} module is on the class
 * path ({@code trail --spark ...}), so that Spark stays off every other module's class path.
 */
package dev.trail.scale;
