"""Reference values for RliableTest, computed with numpy/scipy by rliable's formulas.

rliable itself (google-research/rliable, rliable/metrics.py and library.py) was not installable
here; its estimators are one-liners over scipy, reproduced below:
  aggregate_iqm     = scipy.stats.trim_mean(scores, 0.25, axis=None)
  aggregate_mean    = mean over tasks of the per-task mean
  aggregate_median  = median over tasks of the per-task mean
  probability_of_improvement = mean over tasks of mannwhitneyu(x, y, 'greater').statistic / (m n)
  CIs: percentile bootstrap, runs resampled with replacement within each task (StratifiedBootstrap);
       for probability of improvement both groups resampled independently
       (StratifiedIndependentBootstrap).
The bootstrap distributions of these small examples are enumerated exactly (every resample,
equally likely) so that the reference percentiles carry no Monte-Carlo error; numpy's default
(linear) percentile interpolation as arch's conf_int uses.

Run: python3 rliable_reference.py   (numpy 2.4.6, scipy 1.17.1)
"""
import itertools
import numpy as np
import scipy.stats

# [task][run]
A = [np.array([1.0, 2.0, 3.0, 4.0, 100.0]), np.array([0.5, 0.6, 0.7, 0.8, 10.0])]
X = [np.array([3.0, 5.0, 7.0]), np.array([1.0, 2.0, 2.0])]
Y = [np.array([4.0, 4.0, 6.0]), np.array([2.0, 0.0, 1.0])]


def iqm(tasks):
    return scipy.stats.trim_mean(np.concatenate(tasks), 0.25)


def agg_mean(tasks):
    return np.mean([t.mean() for t in tasks])


def agg_median(tasks):
    return np.median([t.mean() for t in tasks])


def poi(xs, ys):
    out = []
    for x, y in zip(xs, ys):
        if np.array_equal(x, y):
            out.append(0.5)
        else:
            out.append(scipy.stats.mannwhitneyu(x, y, alternative="greater").statistic / (len(x) * len(y)))
    return np.mean(out)


def resamples(task):
    n = len(task)
    return [task[list(idx)] for idx in itertools.product(range(n), repeat=n)]


def exact_ci(tasks, f, level=0.95):
    vals = [f(list(c)) for c in itertools.product(*[resamples(t) for t in tasks])]
    return np.percentile(vals, [100 * (1 - level) / 2, 100 * (1 + level) / 2])


def exact_ci_pair(xs, ys, level=0.95):
    """Probability of improvement over every pair of resamples of x and y (U by direct pair counts,
    checked equal to mannwhitneyu on the point estimate), as a vectorised sum over tasks."""
    total = 0
    for x, y in zip(xs, ys):
        rx = np.array(resamples(x))  # [R, m]
        ry = np.array(resamples(y))  # [R, n]
        d = rx[:, None, :, None] - ry[None, :, None, :]
        per = ((d > 0) + 0.5 * (d == 0)).mean(axis=(2, 3))  # [Rx, Ry]
        total = per.reshape(-1) if isinstance(total, int) else (total[:, None] + per.reshape(-1)[None, :]).reshape(-1)
    vals = total / len(xs)
    return np.percentile(vals, [100 * (1 - level) / 2, 100 * (1 + level) / 2])


M = [np.array([1.0, 2.0, 3.0]), np.array([0.0, 5.0, 6.0]), np.array([2.0, 2.0, 9.0])]  # 3 tasks
print("iqm(A)", repr(iqm(A)))
print("mean(A)", repr(agg_mean(A)), "median(A)", repr(agg_median(A)))
print("iqm(X)", repr(iqm(X)), "mean(X)", repr(agg_mean(X)), "median(X)", repr(agg_median(X)))
print("iqm CI(X)", exact_ci(X, iqm))
print("mean CI(X)", exact_ci(X, agg_mean))
print("median CI(X)", exact_ci(X, agg_median))
print("poi(X,Y)", repr(poi(X, Y)), "poi(Y,X)", repr(poi(Y, X)))
print("median(M)", repr(agg_median(M)), "median CI(M)", exact_ci(M, agg_median))
print("poi CI(X,Y)", exact_ci_pair(X, Y))
