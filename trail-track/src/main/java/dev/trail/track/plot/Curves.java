package dev.trail.track.plot;

import dev.trail.track.query.Stats;

import java.util.Arrays;
import java.util.List;

/**
 * The math behind the plots, on primitive arrays: trailing moving averages, resampling a run on a
 * common x grid by linear interpolation, and the mean and band across runs.
 */
public final class Curves {

    private Curves() {
    }

    /**
     * Trailing moving average over {@code window} points: {@code out[i] = mean(y[max(0,i-window+1)..i])}.
     * {@code window <= 1} returns a copy.
     */
    public static double[] movingAverage(double[] y, int window) {
        double[] out = new double[y.length];
        if (window <= 1) {
            return y.clone();
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** {@code points} evenly spaced values from {@code lo} to {@code hi} inclusive. */
    public static double[] grid(double lo, double hi, int points) {
        double[] g = new double[points];
        for (int i = 0; i < points; i++) {
            g[i] = points == 1 ? lo : lo + (hi - lo) * i / (points - 1);
        }
        return g;
    }

    /**
     * Linear interpolation of the curve {@code (x, y)} ({@code x} non-decreasing) at {@code at};
     * values outside the curve's range take its end values.
     */
    public static double[] interpolate(double[] x, double[] y, double[] at) {
        double[] out = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double a = at[i];
            if (a <= x[0]) {
                out[i] = y[0];
                continue;
            }
            if (a >= x[x.length - 1]) {
                out[i] = y[y.length - 1];
                continue;
            }
            int j = Arrays.binarySearch(x, a);
            if (j >= 0) {
                while (j + 1 < x.length && x[j + 1] == a) {
                    j++;
                }
                out[i] = y[j];
                continue;
            }
            int hi = -j - 1;
            int lo = hi - 1;
            double t = (a - x[lo]) / (x[hi] - x[lo]);
            out[i] = y[lo] + t * (y[hi] - y[lo]);
        }
        return out;
    }

    /** Band around the mean across runs. */
    public enum Band {
        /** 95% confidence interval of the mean (Student t, n-1 degrees of freedom). */
        CI95,
        /** ± one sample standard deviation across runs. */
        STD,
        /** No band. */
        NONE
    }

    /**
     * Mean across runs at each x, with lower and upper band.
     *
     * @param x     the common grid
     * @param mean  mean across runs
     * @param lower mean minus band half-width (equal to mean when n &lt; 2 or Band.NONE)
     * @param upper mean plus band half-width
     * @param n     number of runs
     */
    public record Aggregate(double[] x, double[] mean, double[] lower, double[] upper, int n) {
    }

    /**
     * Resamples each run ({@code xs.get(r)}, {@code ys.get(r)}) on a grid of {@code points} over
     * the x range all runs cover, and aggregates. A single run keeps its own points.
     */
    public static Aggregate aggregate(List<double[]> xs, List<double[]> ys, int points, Band band) {
        int n = xs.size();
        if (n == 0) {
            throw new IllegalArgumentException("no curves to aggregate");
        }
        if (n == 1) {
            double[] y = ys.get(0);
            return new Aggregate(xs.get(0).clone(), y.clone(), y.clone(), y.clone(), 1);
        }
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (double[] x : xs) {
            lo = Math.max(lo, x[0]);
            hi = Math.min(hi, x[x.length - 1]);
        }
        if (!(hi > lo)) { // runs do not overlap: use the union range, ends extend flat
            lo = xs.stream().mapToDouble(x -> x[0]).min().orElse(0);
            hi = xs.stream().mapToDouble(x -> x[x.length - 1]).max().orElse(0);
        }
        double[] g = grid(lo, hi, hi > lo ? points : 1);
        double[][] at = new double[n][];
        for (int r = 0; r < n; r++) {
            at[r] = interpolate(xs.get(r), ys.get(r), g);
        }
        double[] mean = new double[g.length];
        double[] lower = new double[g.length];
        double[] upper = new double[g.length];
        double t = band == Band.CI95 ? Stats.studentTQuantile(0.975, n - 1) / Math.sqrt(n) : 1;
        double[] col = new double[n];
        for (int i = 0; i < g.length; i++) {
            for (int r = 0; r < n; r++) {
                col[r] = at[r][i];
            }
            mean[i] = Stats.mean(col);
            double half = band == Band.NONE ? 0 : t * Stats.std(col);
            lower[i] = mean[i] - half;
            upper[i] = mean[i] + half;
        }
        return new Aggregate(g, mean, lower, upper, n);
    }
}
