package dev.trail.track.query;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The aggregate statistics of rliable (Agarwal et al. 2021, "Deep RL at the Edge of the Statistical
 * Precipice"; google-research/rliable {@code metrics.py}, {@code library.py}) as pure functions.
 *
 * <p>Layout: scores are {@code double[task][run]}: one row per task (environment, dataset), the
 * final scores of that task's runs (seeds). Rows may differ in length (rliable requires a
 * runs × tasks matrix; every statistic here reduces to it when the rows are equally long).
 *
 * <ul>
 *   <li>{@link #iqm}: the interquartile mean over all runs of all tasks, scipy's
 *       {@code trim_mean(x, 0.25)}: sort the n values, drop {@code ⌊0.25·n⌋} from each end,
 *       average the rest. n=5: ⌊1.25⌋=1 cut from each end; n=4: one cut, the mean of the middle two.</li>
 *   <li>{@link #mean}, {@link #median}: the mean / median over tasks of each task's mean score.</li>
 *   <li>{@link #probabilityOfImprovement}: P(X &gt; Y) averaged over tasks, each task's term the
 *       Mann-Whitney U statistic over {@code m·n}: {@code (1/mn) Σ_i Σ_j [x_i &gt; y_j] + ½[x_i = y_j]}.</li>
 *   <li>{@link #stratifiedBootstrapCi}, {@link #improvementCi}: percentile-bootstrap confidence
 *       intervals; each resample draws every task's runs with replacement from that task's runs
 *       (rliable's {@code StratifiedBootstrap}, tasks are not resampled); for probability of
 *       improvement the two groups are resampled independently ({@code StratifiedIndependentBootstrap}).
 *       The percentiles interpolate linearly between order statistics, as numpy's default.</li>
 * </ul>
 */
public final class Rliable {

    /** rliable's default number of bootstrap resamples. */
    public static final int DEFAULT_REPS = 50_000;

    private Rliable() {
    }

    /** A two-sided interval. */
    public record Interval(double low, double high) {
    }

    /** The aggregate statistics {@code trail runs compare --stat} offers. */
    public enum Statistic {
        MEAN, MEDIAN, IQM;

        /** The statistic of {@code scores[task][run]}. */
        public double of(double[][] scores) {
            return switch (this) {
                case MEAN -> mean(scores);
                case MEDIAN -> median(scores);
                case IQM -> iqm(scores);
            };
        }

        /** {@code mean}, {@code median} or {@code iqm}; anything else is an error listing them. */
        public static Statistic parse(String s) {
            for (Statistic st : values()) {
                if (st.name().equalsIgnoreCase(s.trim())) {
                    return st;
                }
            }
            throw new IllegalArgumentException("unknown statistic '" + s + "', expected mean, median or iqm");
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Interquartile mean over all runs of all tasks (25% trimmed mean). NaN if there are no scores. */
    public static double iqm(double[][] scores) {
        double[] all = flatten(scores);
        if (all.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(all);
        int cut = (int) (0.25 * all.length);
        double s = 0;
        for (int i = cut; i < all.length - cut; i++) {
            s += all[i];
        }
        return s / (all.length - 2 * cut);
    }

    /** Mean over tasks of the per-task mean. */
    public static double mean(double[][] scores) {
        double[] m = taskMeans(scores);
        double s = 0;
        for (double v : m) {
            s += v;
        }
        return m.length == 0 ? Double.NaN : s / m.length;
    }

    /** Median over tasks of the per-task mean (the mean of the middle two for an even count). */
    public static double median(double[][] scores) {
        double[] m = taskMeans(scores);
        if (m.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(m);
        int h = m.length / 2;
        return m.length % 2 == 1 ? m[h] : 0.5 * (m[h - 1] + m[h]);
    }

    /**
     * Probability that a run of X scores higher than a run of Y on the same task, averaged over
     * tasks. {@code x[task]} and {@code y[task]} are the two groups' runs on one task.
     */
    public static double probabilityOfImprovement(double[][] x, double[][] y) {
        checkTasks(x, y);
        double sum = 0;
        for (int t = 0; t < x.length; t++) {
            sum += mannWhitneyFraction(x[t], y[t]);
        }
        return sum / x.length;
    }

    /** {@code U/(m·n)}: the fraction of pairs (x_i, y_j) with x_i &gt; y_j, ties counted one half. */
    static double mannWhitneyFraction(double[] x, double[] y) {
        double u = 0;
        for (double a : x) {
            for (double b : y) {
                u += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        return u / ((double) x.length * y.length);
    }

    /**
     * Percentile-bootstrap interval of {@code statistic(scores)} at {@code confidence} (0.95 gives
     * the 2.5th and 97.5th percentiles of {@code reps} resampled statistics), resampling runs
     * within each task.
     */
    public static Interval stratifiedBootstrapCi(double[][] scores, ToDoubleFunction<double[][]> statistic,
                                                 int reps, double confidence, RandomGenerator rng) {
        checkScores(scores, "scores");
        checkBootstrap(reps, confidence);
        double[] stats = new double[reps];
        double[][] sample = shapeOf(scores);
        for (int r = 0; r < reps; r++) {
            resample(scores, sample, rng);
            stats[r] = statistic.applyAsDouble(sample);
        }
        return percentileInterval(stats, confidence);
    }

    /** Percentile-bootstrap interval of {@link #probabilityOfImprovement}, X and Y resampled independently. */
    public static Interval improvementCi(double[][] x, double[][] y, int reps, double confidence, RandomGenerator rng) {
        checkTasks(x, y);
        checkBootstrap(reps, confidence);
        double[] stats = new double[reps];
        double[][] sx = shapeOf(x);
        double[][] sy = shapeOf(y);
        for (int r = 0; r < reps; r++) {
            resample(x, sx, rng);
            resample(y, sy, rng);
            stats[r] = probabilityOfImprovement(sx, sy);
        }
        return percentileInterval(stats, confidence);
    }

    /** The {@code (1-confidence)/2} and {@code (1+confidence)/2} quantiles, linear interpolation. */
    static Interval percentileInterval(double[] values, double confidence) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new Interval(quantile(v, (1 - confidence) / 2), quantile(v, (1 + confidence) / 2));
    }

    /** numpy's default ("linear") quantile of sorted values: position q·(n-1), interpolated. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void resample(double[][] scores, double[][] into, RandomGenerator rng) {
        for (int t = 0; t < scores.length; t++) {
            double[] runs = scores[t];
            double[] out = into[t];
            for (int i = 0; i < runs.length; i++) {
                out[i] = runs[rng.nextInt(runs.length)];
            }
        }
    }

    private static double[][] shapeOf(double[][] scores) {
        double[][] out = new double[scores.length][];
        for (int t = 0; t < scores.length; t++) {
            out[t] = new double[scores[t].length];
        }
        return out;
    }

    private static double[] taskMeans(double[][] scores) {
        checkScores(scores, "scores");
        double[] m = new double[scores.length];
        for (int t = 0; t < scores.length; t++) {
            double s = 0;
            for (double v : scores[t]) {
                s += v;
            }
            m[t] = s / scores[t].length;
        }
        return m;
    }

    private static double[] flatten(double[][] scores) {
        checkScores(scores, "scores");
        return Arrays.stream(scores).flatMapToDouble(Arrays::stream).toArray();
    }

    private static void checkScores(double[][] scores, String what) {
        for (int t = 0; t < scores.length; t++) {
            if (scores[t] == null || scores[t].length == 0) {
                throw new IllegalArgumentException(what + ": task " + t + " has no runs");
            }
        }
    }

    private static void checkTasks(double[][] x, double[][] y) {
        checkScores(x, "x");
        checkScores(y, "y");
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("probability of improvement needs the same tasks in both groups, got "
                    + x.length + " and " + y.length + " tasks");
        }
    }

    private static void checkBootstrap(int reps, double confidence) {
        if (reps < 1) {
            throw new IllegalArgumentException("bootstrap reps must be >= 1, got " + reps);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }
}
