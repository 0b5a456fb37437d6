package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KlControllerTest {

    private static final double TOL = 1e-6;

    @Test
    void specExample() {
        // e = clip(9/6 - 1, -0.2, 0.2) = 0.2; beta' = 0.2 · (1 + 0.2 · 256/10000) = 0.2 · 1.00512
        KlController.Adaptive c = new KlController.Adaptive(0.2, 6, 10_000);
        c.update(9, 256);
        assertEquals(0.201024, c.beta(), TOL);
    }

    @Test
    void errorIsClippedAtPlusMinusPointTwo() {
        KlController.Adaptive c = new KlController.Adaptive(0.2, 6, 10_000);
        assertEquals(0.2, c.proportionalError(1e6));
        assertEquals(-0.2, c.proportionalError(0));
        assertEquals(0.1, c.proportionalError(6.6), 1e-12); // inside the band: not clipped
        c.update(0, 256); // KL far below target: beta shrinks by at most 0.2 · 256/10000
        assertEquals(0.2 * (1 - 0.2 * 0.0256), c.beta(), TOL);
    }

    @Test
    void fixedNeverChanges() {
        KlController c = new KlController.Fixed(0.05);
        c.update(100, 1_000_000);
        assertEquals(0.05, c.beta());
    }

    @Test
    void stateRoundTripsExactly() {
        KlController.Adaptive a = new KlController.Adaptive(0.2, 6, 10_000);
        a.update(9, 256);
        Map<String, Double> state = a.state();
        KlController restored = KlController.fromState(state);
        assertInstanceOf(KlController.Adaptive.class, restored);
        a.update(3, 512);
        restored.update(3, 512);
        assertEquals(a.beta(), restored.beta(), 0.0);
        assertEquals(a.state(), restored.state());
        assertInstanceOf(KlController.Fixed.class, KlController.fromState(new KlController.Fixed(0.1).state()));
        assertThrows(IllegalArgumentException.class, () -> KlController.fromState(Map.of("target", 6.0)));
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KlController.Adaptive(0.2, 0, 10_000));
        assertThrows(IllegalArgumentException.class, () -> new KlController.Adaptive(0.2, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> new KlController.Fixed(-1));
        assertThrows(IllegalArgumentException.class, () -> new KlController.Adaptive(0.2, 6, 100).update(Double.NaN, 1));
    }
}
