package dev.trail.lm;

/**
 * How a {@link Sampler} decodes.
 *
 * @param temperature τ &gt; 0: tokens are drawn from {@code softmax(logits / τ)} (ignored when greedy)
 * @param topP nucleus mass in (0, 1]: sample among the most likely tokens whose mass reaches {@code topP}
 *        (1 = the full distribution)
 * @param greedy take the most likely token (lowest id on ties) instead of sampling
 * @param maxNewTokens response budget in tokens (policy tokens, tool outputs, EOS); a response
 *        reaching it without EOS is marked truncated
 * @param useCache decode incrementally with a key/value cache (true) or recompute the whole context
 *        at every step (false; for measurements and tests)
 */
public record SamplingConfig(double temperature, double topP, boolean greedy, int maxNewTokens, boolean useCache) {

    public SamplingConfig {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling temperature must be positive and finite, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("sampling topP must be in (0, 1], got " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("sampling maxNewTokens must be >= 1, got " + maxNewTokens);
        }
    }

    /** Sampling at temperature {@code temperature}, full distribution, with the cache. */
    public static SamplingConfig sampled(double temperature, int maxNewTokens) {
        return new SamplingConfig(temperature, 1.0, false, maxNewTokens, true);
    }

    /** Greedy decoding with the cache. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return new SamplingConfig(1.0, 1.0, true, maxNewTokens, true);
    }

    /** The temperature the recorded log-probabilities use: τ when sampling, 1 when greedy. */
    public double logProbTemperature() {
        return greedy ? 1.0 : temperature;
    }

    /** This config with or without the cache. */
    public SamplingConfig withCache(boolean cache) {
        return new SamplingConfig(temperature, topP, greedy, maxNewTokens, cache);
    }
}
