package dev.trail.track.query;

import dev.trail.seed.Rng;
import dev.trail.track.query.Rliable.Interval;
import dev.trail.track.query.Rliable.Statistic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worked examples against rliable's formulas. The expected values were computed by
 * {@code src/test/resources/dev/trail/track/query/rliable_reference.py} (numpy 2.4.6, scipy 1.17.1,
 * scipy's trim_mean and mannwhitneyu as rliable calls them; the bootstrap distributions enumerated
 * exactly, so the reference percentiles have no Monte-Carlo error). rliable itself could not be
 * installed on this machine.
 */
class RliableTest {

    // [task][run]
    static final double[][] A = {{1, 2, 3, 4, 100}, {0.5, 0.6, 0.7, 0.8, 10}};
    static final double[][] X = {{3, 5, 7}, {1, 2, 2}};
    static final double[][] Y = {{4, 4, 6}, {2, 0, 1}};
    static final double[][] M = {{1, 2, 3}, {0, 5, 6}, {2, 2, 9}};

    @Test
    void iqmIsScipyTrimMean() {
        // 10 values, floor(2.5)=2 cut from each end: sorted 0.5 0.6 | 0.7 0.8 1 2 3 4 | 10 100 -> 11.5/6
        assertEquals(1.9166666666666667, Rliable.iqm(A), 1e-12);
        // 6 values, floor(1.5)=1 cut: 1 | 2 2 3 5 | 7 -> 3
        assertEquals(3.0, Rliable.iqm(X), 1e-12);
        // 4 values: one cut from each end, the mean of the middle two
        assertEquals(2.5, Rliable.iqm(new double[][] {{1, 2, 3, 40}}), 1e-12);
        // 3 values: floor(0.75)=0, nothing cut (scipy keeps all)
        assertEquals(14.0, Rliable.iqm(new double[][] {{1, 2, 39}}), 1e-12);
    }

    @Test
    void meanAndMedianAreOverTaskMeans() {
        assertEquals(12.26, Rliable.mean(A), 1e-12);
        assertEquals(3.3333333333333335, Rliable.mean(X), 1e-12);
        // task means 2, 3.6667, 4.3333 -> median 3.6667
        assertEquals(3.6666666666666665, Rliable.median(M), 1e-12);
        assertEquals(Rliable.mean(A), Rliable.median(A), 1e-12, "two tasks: the median is the mean of both");
    }

    @Test
    void probabilityOfImprovementIsMannWhitneyOverTasks() {
        // task 0: pairs of {3,5,7} vs {4,4,6}: 3 loses 3; 5 wins 2; 7 wins 3 -> 5/9
        // task 1: {1,2,2} vs {2,0,1}: 1: 0+1+.5; 2: .5+1+1 twice -> 6/9;  mean (5/9 + 6/9)/2 = 11/18
        assertEquals(0.6388888888888888, Rliable.probabilityOfImprovement(X, Y), 1e-12);
        assertEquals(0.3611111111111111, Rliable.probabilityOfImprovement(Y, X), 1e-12);
        assertEquals(0.5, Rliable.probabilityOfImprovement(X, X), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Rliable.probabilityOfImprovement(X, M));
    }

    @Test
    void stratifiedBootstrapMatchesTheExactBootstrapPercentiles() {
        int reps = 200_000;
        // exact: iqm [2.25, 4.5], mean [2.3333, 4.3333], median(M) [1.6667, 5.6667]
        assertInterval(2.25, 4.5, Rliable.stratifiedBootstrapCi(X, Rliable::iqm, reps, 0.95, new Rng(1)));
        assertInterval(2.3333333, 4.3333333, Rliable.stratifiedBootstrapCi(X, Rliable::mean, reps, 0.95, new Rng(2)));
        assertInterval(1.6666667, 5.6666667, Rliable.stratifiedBootstrapCi(M, Rliable::median, reps, 0.95, new Rng(3)));
    }

    @Test
    void improvementCiMatchesTheExactBootstrapPercentiles() {
        // exact over all 27^4 resample pairs: [0.305556, 0.944444]
        assertInterval(0.30555556, 0.94444444, Rliable.improvementCi(X, Y, 200_000, 0.95, new Rng(4)));
    }

    @Test
    void resamplingStaysWithinTasks() {
        // one task always 0, one always 10: any resample keeps a task mean of 0 and 10, so the CI
        // of the mean over tasks collapses to 5; resampling across tasks would not.
        Interval ci = Rliable.stratifiedBootstrapCi(new double[][] {{0, 0, 0}, {10, 10, 10}}, Rliable::mean, 2000, 0.95,
                new Rng(5));
        assertEquals(5.0, ci.low(), 0);
        assertEquals(5.0, ci.high(), 0);
    }

    @Test
    void sameSeedSameInterval() {
        Interval a = Rliable.stratifiedBootstrapCi(A, Rliable::iqm, 1000, 0.95, new Rng(9));
        Interval b = Rliable.stratifiedBootstrapCi(A, Rliable::iqm, 1000, 0.95, new Rng(9));
        assertEquals(a, b);
        assertTrue(a.low() < a.high());
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] v = {1, 2, 3, 4, 5};
        // np.percentile([1..5], [2.5, 97.5]) = [1.1, 4.9]
        Interval i = Rliable.percentileInterval(v, 0.95);
        assertEquals(1.1, i.low(), 1e-12);
        assertEquals(4.9, i.high(), 1e-12);
    }

    @Test
    void statisticNamesAndErrors() {
        assertEquals(Statistic.IQM, Statistic.parse("IQM"));
        assertEquals(2.0, Statistic.MEDIAN.of(new double[][] {{2}, {1}, {3}}), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Statistic.parse("mode"));
        assertTrue(e.getMessage().contains("'mode'") && e.getMessage().contains("iqm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rliable.iqm(new double[][] {{1}, {}}));
    }

    private static void assertInterval(double low, double high, Interval ci) {
        assertEquals(low, ci.low(), 0.02, "low end of " + ci);
        assertEquals(high, ci.high(), 0.02, "high end of " + ci);
    }
}
