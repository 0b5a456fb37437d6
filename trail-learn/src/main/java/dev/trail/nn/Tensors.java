package dev.trail.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Length-checked tensor creation: DJL's {@code create(float[], Shape)} silently truncates an
 * oversized array (ARCHITECTURE §4), which would hide a layout bug.
 *
 * <p>And arithmetic with a Java number that is safe under autograd: use {@link #mul},
 * {@link #div}, {@link #pow}, {@link #minimum} and {@link #maximum} instead of DJL's
 * {@code NDArray.mul(Number)} and its kin. DJL (0.36, PyTorch engine) makes the number a 0-dim
 * tensor over a Java direct buffer ({@code from_blob}, memory libtorch does not own) and closes it
 * when the operation returns; these operations keep their operand for the backward pass, so a
 * garbage collection between the forward and the backward pass frees that memory (the direct
 * buffer's cleaner) and the gradient is computed from freed memory: wrong in some processes and
 * not in others, now and then non-finite. Here the number is a tensor in memory libtorch owns
 * ({@code full}), kept alive by the graph like any other. {@code add} and {@code sub} keep no
 * operand and are safe either way.
 */
public final class Tensors {

    private Tensors() {
    }

    /** A float tensor of {@code shape} holding exactly {@code data}. */
    public static NDArray create(NDManager manager, float[] data, long... shape) {
        Shape s = new Shape(shape);
        check(data.length, s);
        return manager.create(data, s);
    }

    /** A 64-bit integer tensor of {@code shape} holding exactly {@code data}. */
    public static NDArray create(NDManager manager, long[] data, long... shape) {
        Shape s = new Shape(shape);
        check(data.length, s);
        return manager.create(data, s);
    }

    /** A float32 0-dim tensor holding {@code (float) value}, in memory libtorch owns (see the class comment). */
    public static NDArray scalar(NDManager manager, double value) {
        return manager.full(new Shape(), (float) value);
    }

    /** {@code x · value}, differentiable in {@code x} (see the class comment). */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray v = scalar(x.getManager(), value)) {
            return x.mul(v);
        }
    }

    /** {@code x / value}, differentiable in {@code x} (see the class comment). */
    public static NDArray div(NDArray x, double value) {
        try (NDArray v = scalar(x.getManager(), value)) {
            return x.div(v);
        }
    }

    /** {@code x ^ value}, differentiable in {@code x} (see the class comment). */
    public static NDArray pow(NDArray x, double value) {
        try (NDArray v = scalar(x.getManager(), value)) {
            return x.pow(v);
        }
    }

    /** {@code min(x, value)} element-wise, differentiable in {@code x} (see the class comment). */
    public static NDArray minimum(NDArray x, double value) {
        try (NDArray v = scalar(x.getManager(), value)) {
            return x.minimum(v);
        }
    }

    /** {@code max(x, value)} element-wise, differentiable in {@code x} (see the class comment). */
    public static NDArray maximum(NDArray x, double value) {
        try (NDArray v = scalar(x.getManager(), value)) {
            return x.maximum(v);
        }
    }

    private static void check(int length, Shape shape) {
        if (length != shape.size()) {
            throw new IllegalArgumentException("tensor of shape " + shape + " needs " + shape.size() + " values, got "
                    + length);
        }
    }
}
