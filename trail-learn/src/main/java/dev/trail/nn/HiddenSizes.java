package dev.trail.nn;

/** The {@code hidden_sizes} option of the MLP-based algorithms: comma-separated layer widths. */
public final class HiddenSizes {

    private HiddenSizes() {
    }

    /**
     * Parses {@code "64,64"} (brackets allowed) into widths, each in [1, 65536].
     *
     * @param example a valid value for the error message, e.g. {@code 64,64}
     * @throws IllegalArgumentException naming {@code hidden_sizes} and the value
     */
    public static int[] parse(String text, String example) {
        String[] parts = text.replace("[", "").replace("]", "").split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
            if (out[i] < 1 || out[i] > 65536) {
                throw new IllegalArgumentException("hidden_sizes=" + text
                        + " must be comma-separated widths in [1, 65536], e.g. " + example);
            }
        }
        return out;
    }

    /** Bytes each parameter costs while training: the weight, its gradient and Adam's two moments, as floats. */
    static final long BYTES_PER_TRAINED_PARAMETER = 16;

    /**
     * Refuses hidden layers whose parameters would not fit in memory, before anything is
     * allocated: the hidden-to-hidden weights of {@code networks} networks (the input and output
     * layers, which depend on the environment, are left out, so the estimate is a lower bound),
     * at {@value #BYTES_PER_TRAINED_PARAMETER} bytes each, against the JVM's maximum heap.
     *
     * @throws IllegalArgumentException naming {@code hidden_sizes}, the estimate and the limit
     */
    public static void checkMemory(String text, int[] widths, int networks) {
        long parameters = 0;
        for (int i = 0; i + 1 < widths.length; i++) {
            parameters += (long) widths[i] * widths[i + 1] + widths[i + 1];
        }
        double bytes = (double) parameters * BYTES_PER_TRAINED_PARAMETER * networks;
        long limit = Runtime.getRuntime().maxMemory();
        if (parameters > Integer.MAX_VALUE || bytes > limit) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "hidden_sizes=%s needs at least %.1f GB of memory (%,d parameters per network x %d networks, weights,"
                            + " gradients and Adam moments), more than the %.1f GB this JVM may use (-Xmx, e.g. in"
                            + " TRAIL_JAVA_OPTS); use narrower layers", text, bytes / 1e9, parameters, networks, limit / 1e9));
        }
    }
}
