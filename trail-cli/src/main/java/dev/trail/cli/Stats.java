package dev.trail.cli;

import dev.trail.advantage.GroupStats;

/** Summary statistics of a sample (population std, as episode summaries usually report). */
record Stats(double mean, double std, double min, double max, int n) {

    static Stats of(double[] xs) {
        if (xs.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new Stats(GroupStats.mean(xs), GroupStats.std(xs, 0), min, max, xs.length);
    }
}
