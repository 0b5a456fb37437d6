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
        checkReachable(master != null ? master : System.getProperty("spark.master"));
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
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            if (String.valueOf(e.getMessage()).contains("Could not parse Master URL")) {
                throw new IllegalArgumentException("Spark master '" + master + "' is not local, local[N], local[N,F],"
                        + " local[*] or spark://HOST:PORT", e);
            }
            // any other start-up failure (a master that refuses the application, ...)
            throw new IllegalStateException("cannot start a Spark session on master "
                    + (master == null ? System.getProperty("spark.master") : master) + ": " + e.getMessage(), e);
        }
    }

    /** The local masters Spark accepts (checked here: Spark would start a whole context before refusing one). */
    private static final java.util.regex.Pattern LOCAL =
            java.util.regex.Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?|local-cluster\\[.*]");

    /** Milliseconds a standalone master gets to accept a connection before the job is refused. */
    static final int CONNECT_TIMEOUT_MS = 5000;

    /**
     * Refuses a standalone master ({@code spark://HOST:PORT[,HOST:PORT...]}) none of whose addresses
     * accepts a TCP connection, naming it, before any work: Spark itself would retry its
     * registration for a minute and then stop the context. Other masters are left to Spark.
     */
    static void checkReachable(String master) {
        if (master != null && master.startsWith("local") && !LOCAL.matcher(master).matches()) {
            throw new IllegalArgumentException("Spark master '" + master + "' is not local, local[N], local[N,F],"
                    + " local[*] or spark://HOST:PORT");
        }
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        StringBuilder why = new StringBuilder();
        for (String address : master.substring("spark://".length()).split(",")) {
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? address : address.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Spark master " + master + ": '" + address + "' is not HOST:PORT");
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return;
            } catch (java.io.IOException e) {
                why.append(why.length() == 0 ? "" : "; ").append(host).append(':').append(port).append(": ")
                        .append(e.getMessage());
            }
        }
        throw new IllegalArgumentException("Spark master " + master + " is unreachable (" + why
                + "); start it, or check --spark / spark_master");
    }
}
