package dev.trail.offline;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Draws transition indices of a {@link TransitionDataset} with replacement: uniformly, or from the
 * trajectory re-weighted distributions of {@code ALGORITHMS.md} §10.1 ({@link TrajectoryWeights}:
 * return-weighted, advantage-weighted, top-p%). The offline learner is unchanged; only which
 * transitions its batches hold changes. Every draw comes from the generator the caller passes
 * (a stream of the run's root seed), so the same seed gives the same batches.
 *
 * <p>Weighted draws invert the cumulative distribution with a binary search on one uniform number
 * per index ({@code O(log N)}), which needs no pre-drawn cache.
 */
public final class TransitionSampler {

    /** The sampling distribution, by its command-line name. */
    public enum Kind {
        /** Every transition equally likely (the learners' default). */
        UNIFORM("uniform"),
        /** RW: softmax over transitions of the min-max normalised trajectory return over α. */
        RETURN_WEIGHTED("return-weighted"),
        /** AW: as RW on the return minus a linear fit of the return on the initial state. */
        ADVANTAGE_WEIGHTED("advantage-weighted"),
        /** Uniform over the transitions of the best {@code ⌊p · E⌋} trajectories. */
        TOP_PERCENT("top-percent");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The command-line name ({@code return-weighted}, ...). */
        public String key() {
            return key;
        }

        /** The kind named {@code name}; an unknown name is an error listing the known ones. */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.key.equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("sampler=" + name
                    + " is not one of uniform, return-weighted, advantage-weighted, top-percent");
        }
    }

    private final Kind kind;
    private final int size;
    private final double[] probabilities;
    private final double[] cdf;

    private TransitionSampler(Kind kind, int size, double[] probabilities) {
        this.kind = kind;
        this.size = size;
        this.probabilities = probabilities;
        this.cdf = probabilities == null ? null : TrajectoryWeights.cumulative(probabilities);
    }

    /**
     * The sampler of {@code kind} over {@code data}.
     *
     * @param alpha temperature α of return- and advantage-weighting (&gt; 0)
     * @param fraction p of top-p% (in (0, 1])
     */
    public static TransitionSampler create(TransitionDataset data, Kind kind, double alpha, double fraction) {
        int[] lengths = data.episodeLengths();
        double[] returns = data.episodeReturns();
        double[] p = switch (kind) {
            case UNIFORM -> null;
            case RETURN_WEIGHTED -> TrajectoryWeights.returnWeighted(returns, lengths, alpha);
            case ADVANTAGE_WEIGHTED -> TrajectoryWeights.advantageWeighted(returns, data.initialObservations(), lengths,
                    alpha);
            case TOP_PERCENT -> {
                if (!(fraction > 0 && fraction <= 1)) {
                    throw new IllegalArgumentException("sampler_fraction=" + fraction + " must be in (0, 1]");
                }
                yield TrajectoryWeights.topFraction(returns, lengths, fraction);
            }
        };
        return new TransitionSampler(kind, data.size(), p);
    }

    /** The distribution. */
    public Kind kind() {
        return kind;
    }

    /** The probability of each transition (a copy). */
    public double[] probabilities() {
        if (probabilities == null) {
            double[] u = new double[size];
            java.util.Arrays.fill(u, 1.0 / size);
            return u;
        }
        return probabilities.clone();
    }

    /** One transition index drawn from {@code rng}. */
    public int next(RandomGenerator rng) {
        return cdf == null ? rng.nextInt(size) : TrajectoryWeights.sample(cdf, rng.nextDouble());
    }

    /** Fills {@code out} with independent draws from {@code rng}. */
    public void sample(RandomGenerator rng, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = next(rng);
        }
    }
}
