package dev.trail.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark session of a Trail job: the given master (or the one {@code spark-submit} set), Trail's defaults. */
public final class Sessions {

    private Sessions() {
    }

    /**
     * Gets or creates the session. {@code master} null keeps the master that {@code spark-submit}
     * (or {@code spark.master}) configured. The web UI is off unless {@code spark.ui.enabled} is
     * set; shuffles use few partitions (Trail's shuffles are small) unless
     * {@code spark.sql.shuffle.partitions} is set.
     */
    public static SparkSession session(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("no Spark master: give --spark local[N] or spark://HOST:PORT, or run"
                    + " through spark-submit --master ...");
        }
        if (System.getProperty("spark.ui.enabled") == null) {
            b.config("spark.ui.enabled", "false");
        }
        if (System.getProperty("spark.sql.shuffle.partitions") == null) {
            b.config("spark.sql.shuffle.partitions", "8");
        }
        try {
            return b.getOrCreate();
        } catch (RuntimeException e) {
            // an unreachable or refusing master: Spark gives up after its registration retries
            throw new IllegalStateException("cannot start a Spark session on master "
                    + (master == null ? System.getProperty("spark.master") : master) + ": " + e.getMessage(), e);
        }
    }
}
