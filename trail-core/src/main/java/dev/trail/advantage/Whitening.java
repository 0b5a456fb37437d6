package dev.trail.advantage;

/**
 * Masked whitening: batch normalisation of per-step values over the valid steps only
 * ({@code ALGORITHMS.md} §0.3; verl {@code masked_whiten}).
 *
 * <pre>
 * μ  = Σ x·m / Σ m
 * σ² = Σ (x − μ)²·m / Σ m,   × Σm/(Σm − 1) if unbiased
 * x̂  = (x − μ) / sqrt(σ² + ε)                      ε = 1e-8 by default
 * </pre>
 *
 * <p>The statistics are token-weighted: a row with 10 valid steps contributes 10 samples. Layout:
 * one flat array with a parallel mask, or ragged rows {@code [trajectory][step]} with one mask per
 * row; a null mask (or null row mask) means every step is valid. Masked positions are 0 in the
 * output and their input values never influence the result. Errors: no valid step at all, or
 * exactly one valid step with {@code unbiased} (Σm − 1 = 0; verl throws there too). Inputs are
 * never modified.
 */
public final class Whitening {

    /** The ε under the square root used by verl and the spec. */
    public static final double DEFAULT_EPSILON = 1e-8;

    private Whitening() {
    }

    /** Whitens {@code x} over the positions where {@code mask} is true (null: all). */
    public static double[] whiten(double[] x, boolean[] mask, boolean unbiased, double epsilon) {
        if (mask != null && mask.length != x.length) {
            throw new IllegalArgumentException("mask has length " + mask.length + " but x has " + x.length);
        }
        return whiten(new double[][] {x}, new boolean[][] {mask}, unbiased, epsilon)[0];
    }

    /**
     * Whitens ragged rows jointly: one mean and variance over every valid step of every row.
     *
     * @param rows {@code [row][step]}
     * @param masks {@code [row][step]}, null for all valid; a null row means that row is all valid
     */
    public static double[][] whiten(double[][] rows, boolean[][] masks, boolean unbiased, double epsilon) {
        if (masks != null && masks.length != rows.length) {
            throw new IllegalArgumentException("masks has " + masks.length + " rows but there are " + rows.length);
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        long count = 0;
        double sum = 0;
        for (int r = 0; r < rows.length; r++) {
            boolean[] m = row(masks, r, rows[r].length);
            for (int t = 0; t < rows[r].length; t++) {
                if (m == null || m[t]) {
                    sum += rows[r][t];
                    count++;
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("whitening needs at least one valid (unmasked) step, got none");
        }
        if (unbiased && count == 1) {
            throw new IllegalArgumentException("unbiased whitening needs at least two valid steps, got one "
                    + "(Σm − 1 = 0); use unbiased=false or a larger batch");
        }
        double mean = sum / count;
        double ss = 0;
        for (int r = 0; r < rows.length; r++) {
            boolean[] m = row(masks, r, rows[r].length);
            for (int t = 0; t < rows[r].length; t++) {
                if (m == null || m[t]) {
                    double d = rows[r][t] - mean;
                    ss += d * d;
                }
            }
        }
        double variance = ss / (unbiased ? count - 1 : count);
        double scale = 1.0 / Math.sqrt(variance + epsilon);
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            boolean[] m = row(masks, r, rows[r].length);
            double[] o = new double[rows[r].length];
            for (int t = 0; t < o.length; t++) {
                if (m == null || m[t]) {
                    o[t] = (rows[r][t] - mean) * scale;
                }
            }
            out[r] = o;
        }
        return out;
    }

    private static boolean[] row(boolean[][] masks, int r, int length) {
        boolean[] m = masks == null ? null : masks[r];
        if (m != null && m.length != length) {
            throw new IllegalArgumentException("row " + r + ": mask has length " + m.length + " but the row has "
                    + length);
        }
        return m;
    }
}
