package dev.trail.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Length-checked tensor creation: DJL's {@code create(float[], Shape)} silently truncates an
 * oversized array (ARCHITECTURE §4), which would hide a layout bug.
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

    private static void check(int length, Shape shape) {
        if (length != shape.size()) {
            throw new IllegalArgumentException("tensor of shape " + shape + " needs " + shape.size() + " values, got "
                    + length);
        }
    }
}
