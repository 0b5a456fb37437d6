package dev.trail.cli;

/** Summary statistics of a sample (population std, as episode summaries usually report). */
record Stats(double mean, double std, double min, double max, int n) {

    static Stats of(double[] xs) {
        if (xs.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = sum / xs.length;
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        return new Stats(mean, Math.sqrt(ss / xs.length), min, max, xs.length);
    }
}
