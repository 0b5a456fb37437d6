package dev.trail.space;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A vector of independent discrete choices: component {@code i} lies in {@code [0, nvec[i])}.
 *
 * @param nvec number of choices per component, each at least 1
 */
public record MultiDiscrete(int[] nvec) implements Space<int[]> {

    public MultiDiscrete {
        if (nvec == null || nvec.length == 0) {
            throw new IllegalArgumentException("MultiDiscrete needs at least one component");
        }
        for (int n : nvec) {
            if (n < 1) {
                throw new IllegalArgumentException("MultiDiscrete needs every n >= 1, got " + Arrays.toString(nvec));
            }
        }
        nvec = nvec.clone();
    }

    @Override
    public int[] nvec() {
        return nvec.clone();
    }

    @Override
    public boolean contains(int[] value) {
        if (value == null || value.length != nvec.length) {
            return false;
        }
        for (int i = 0; i < nvec.length; i++) {
            if (value[i] < 0 || value[i] >= nvec[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int[] sample(RandomGenerator random) {
        int[] out = new int[nvec.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextInt(nvec[i]);
        }
        return out;
    }

    @Override
    public int flatSize() {
        return nvec.length;
    }

    @Override
    public String format(int[] value) {
        return Arrays.toString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiDiscrete m && Arrays.equals(nvec, m.nvec);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nvec);
    }

    @Override
    public String toString() {
        return "MultiDiscrete(" + Arrays.toString(nvec) + ")";
    }
}
