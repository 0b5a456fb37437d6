package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.space.Box;
import dev.trail.space.Space;

/**
 * Normalizes observations with running statistics, as Gymnasium's {@code NormalizeObservation}:
 * every observation, from {@code reset} and from {@code step}, first updates the statistics (unless
 * {@link #setFrozen frozen}) and is then returned as {@code (obs - mean) / sqrt(var + 1e-8)}. The
 * observation space becomes an unbounded box of the same shape. The math is
 * {@link ObservationNormalizer}'s, with one row per call.
 */
public final class NormalizeObservation<A> extends Wrapper<float[], A> {

    private final ObservationNormalizer normalizer;
    private final Box space;

    public NormalizeObservation(Env<float[], A> env) {
        this(env, ObservationNormalizer.DEFAULT_EPSILON);
    }

    public NormalizeObservation(Env<float[], A> env, double epsilon) {
        super(env);
        if (!(env.observationSpace() instanceof Box box)) {
            throw new IllegalArgumentException("NormalizeObservation needs a Box observation space, got "
                    + env.observationSpace());
        }
        this.normalizer = new ObservationNormalizer(box.flatSize(), epsilon);
        this.space = new Box(filled(box.flatSize(), Float.NEGATIVE_INFINITY), filled(box.flatSize(), Float.POSITIVE_INFINITY),
                box.shape());
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** The normalizer (statistics, freezing, state). */
    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    /** Freezes ({@code true}, for evaluation) or resumes updates of the statistics. */
    public void setFrozen(boolean frozen) {
        normalizer.setFrozen(frozen);
    }

    public boolean frozen() {
        return normalizer.frozen();
    }

    @Override
    public Space<float[]> observationSpace() {
        return space;
    }

    @Override
    public float[] reset(long seed) {
        return normalized(env.reset(seed));
    }

    @Override
    public float[] reset() {
        return normalized(env.reset());
    }

    @Override
    public StepResult<float[]> step(A action) {
        StepResult<float[]> r = env.step(action);
        return new StepResult<>(normalized(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
    }

    private float[] normalized(float[] observation) {
        if (observation.length != normalizer.observationSize()) {
            throw new IllegalStateException(env + " returned an observation of " + observation.length
                    + " components but its space has " + normalizer.observationSize());
        }
        float[] out = new float[observation.length];
        normalizer.normalize(observation, out);
        return out;
    }
}
