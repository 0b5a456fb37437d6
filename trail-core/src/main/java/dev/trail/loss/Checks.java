package dev.trail.loss;

/** Boundary checks shared by the loss math; every message names the offending arrays and lengths. */
final class Checks {

    private Checks() {
    }

    static void sameLength(String aName, double[] a, String bName, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(aName + " has length " + a.length + " but " + bName
                    + " has length " + b.length + "; they must have the same [B, T] shape");
        }
    }

    static void sameLength(String aName, int a, String bName, int b) {
        if (a != b) {
            throw new IllegalArgumentException(aName + " has length " + a + " but " + bName + " has length " + b);
        }
    }

    static void notNull(String name, Object array) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /**
     * Checks that {@code mask} matches {@code values} in length and holds only 0 and 1, and that
     * {@code seqLen} divides the length. Returns the number of rows B.
     */
    static int batchShape(String valuesName, double[] values, double[] mask, int seqLen) {
        notNull(valuesName, values);
        notNull("mask", mask);
        sameLength(valuesName, values, "mask", mask);
        checkMaskValues(mask);
        if (seqLen <= 0) {
            throw new IllegalArgumentException("seqLen (T) must be positive, got " + seqLen);
        }
        if (values.length % seqLen != 0) {
            throw new IllegalArgumentException(valuesName + " has length " + values.length
                    + ", which is not a multiple of seqLen (T) " + seqLen + "; expected B * T elements");
        }
        return values.length / seqLen;
    }

    static void checkMask(String valuesName, double[] values, double[] mask) {
        notNull(valuesName, values);
        notNull("mask", mask);
        sameLength(valuesName, values, "mask", mask);
        checkMaskValues(mask);
    }

    private static void checkMaskValues(double[] mask) {
        for (int i = 0; i < mask.length; i++) {
            double m = mask[i];
            if (m != 0.0 && m != 1.0) {
                throw new IllegalArgumentException("mask[" + i + "] = " + m + "; a mask holds only 0 and 1");
            }
        }
    }
}
