package dev.trail.envs.classic;

import java.util.Arrays;

/** Validation shared by the classic-control environments' {@code setState}. */
final class StateCheck {

    private StateCheck() {
    }

    /** Throws unless {@code state} has {@code size} components. */
    static void require(String id, double[] state, int size, String layout) {
        if (state == null || state.length != size) {
            throw new IllegalArgumentException(id + " state is " + layout + " (" + size + " values), got "
                    + (state == null ? "null" : Arrays.toString(state)));
        }
    }

    /** Whether {@code value} is exactly a float32 value (its float cast loses nothing). */
    static boolean isFloat32(double value) {
        return (double) (float) value == value || Double.isNaN(value);
    }
}
