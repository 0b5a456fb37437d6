package dev.trail.space;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A box in R^n: every component lies in {@code [low[i], high[i]]}. Elements are {@code float[]}
 * of length {@code product(shape)}, row-major, as Gymnasium's float32 {@code Box}.
 *
 * <p>Bounds may be infinite. NaN components are never contained.
 *
 * @param low lower bounds, one per component
 * @param high upper bounds, one per component
 * @param shape the element's shape; its product is the number of components
 */
public record Box(float[] low, float[] high, int[] shape) implements Space<float[]> {

    public Box {
        if (low == null || high == null || shape == null) {
            throw new IllegalArgumentException("Box needs low, high and shape");
        }
        int size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("Box shape must be positive, got " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        if (low.length != size || high.length != size) {
            throw new IllegalArgumentException("Box bounds have lengths " + low.length + " and " + high.length
                    + " but shape " + Arrays.toString(shape) + " has " + size + " components");
        }
        for (int i = 0; i < size; i++) {
            if (!(low[i] <= high[i])) {
                throw new IllegalArgumentException("Box low[" + i + "]=" + low[i] + " > high[" + i + "]=" + high[i]);
            }
        }
        low = low.clone();
        high = high.clone();
        shape = shape.clone();
    }

    /** A one-dimensional box. */
    public static Box of(float[] low, float[] high) {
        return new Box(low, high, new int[] {low.length});
    }

    /** A one-dimensional box with the same bounds on each of {@code size} components. */
    public static Box uniform(float low, float high, int size) {
        float[] lo = new float[size];
        float[] hi = new float[size];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, new int[] {size});
    }

    @Override
    public float[] low() {
        return low.clone();
    }

    @Override
    public float[] high() {
        return high.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The lower bound of component {@code i} (no copy). */
    public float low(int i) {
        return low[i];
    }

    /** The upper bound of component {@code i} (no copy). */
    public float high(int i) {
        return high[i];
    }

    @Override
    public boolean contains(float[] value) {
        return value != null && contains(value, 0);
    }

    /** Whether {@code values[offset .. offset + flatSize())} is an element. */
    public boolean contains(float[] values, int offset) {
        if (offset < 0 || values.length - offset < low.length) {
            return false;
        }
        for (int i = 0; i < low.length; i++) {
            float v = values[offset + i];
            if (!(v >= low[i] && v <= high[i])) {
                return false;
            }
        }
        return true;
    }

    /** Throws naming the space and the value unless {@code values[offset ..]} is an element. */
    public void validate(float[] values, int offset) {
        if (!contains(values, offset)) {
            int end = Math.min(values.length, offset + low.length);
            float[] shown = Arrays.copyOfRange(values, Math.max(0, offset), Math.max(offset, end));
            throw new IllegalArgumentException("action " + Arrays.toString(shown) + " is outside the space " + this);
        }
    }

    @Override
    public float[] sample(RandomGenerator random) {
        float[] out = new float[low.length];
        for (int i = 0; i < out.length; i++) {
            boolean loInf = Float.isInfinite(low[i]);
            boolean hiInf = Float.isInfinite(high[i]);
            if (!loInf && !hiInf) {
                out[i] = (float) (low[i] + random.nextDouble() * ((double) high[i] - low[i]));
                if (out[i] > high[i]) {
                    out[i] = high[i];
                }
            } else if (loInf && hiInf) {
                out[i] = (float) gaussian(random);
            } else if (loInf) {
                out[i] = (float) (high[i] - exponential(random));
            } else {
                out[i] = (float) (low[i] + exponential(random));
            }
        }
        return out;
    }

    private static double exponential(RandomGenerator random) {
        return -Math.log1p(-random.nextDouble());
    }

    private static double gaussian(RandomGenerator random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    @Override
    public int flatSize() {
        return low.length;
    }

    @Override
    public String format(float[] value) {
        return Arrays.toString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high)
                && Arrays.equals(shape, b.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(low) + Arrays.hashCode(high)) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        boolean uniform = true;
        for (int i = 1; i < low.length; i++) {
            uniform &= low[i] == low[0] && high[i] == high[0];
        }
        String bounds = uniform ? low[0] + ", " + high[0] : Arrays.toString(low) + ", " + Arrays.toString(high);
        return "Box(" + bounds + ", " + Arrays.toString(shape) + ")";
    }
}
