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
}
