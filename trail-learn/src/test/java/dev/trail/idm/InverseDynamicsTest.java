package dev.trail.idm;

import dev.trail.idm.InverseDynamics.Config;
import dev.trail.idm.InverseDynamics.Fit;
import dev.trail.idm.InverseDynamics.Transitions;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InverseDynamicsTest {

    static final Config SMALL = new Config(new int[] {64, 64}, 600, 128, 3e-3);

    /** s ~ U(-1,1)^2; discrete a ∈ {0,1,2} moves s[0] by -0.1, 0, +0.1; continuous a ∈ [-1,1] moves s[1] by 0.1·a. */
    static Transitions data(int n, boolean discrete, Rng rng) {
        float[] s = new float[n * 2];
        float[] s2 = new float[n * 2];
        float[] a = new float[n];
        for (int k = 0; k < n; k++) {
            s[2 * k] = (float) (rng.nextDouble() * 2 - 1);
            s[2 * k + 1] = (float) (rng.nextDouble() * 2 - 1);
            s2[2 * k] = s[2 * k];
            s2[2 * k + 1] = s[2 * k + 1];
            if (discrete) {
                a[k] = rng.nextInt(3);
                s2[2 * k] += 0.1f * (a[k] - 1);
            } else {
                a[k] = (float) (rng.nextDouble() * 2 - 1);
                s2[2 * k + 1] += 0.1f * a[k];
            }
        }
        return new Transitions(s, s2, a, 2, 1);
    }

    @Test
    void discreteLabelsAreRecoveredFromTheStateChange() {
        Rng rng = new Rng(1);
        Fit fit = InverseDynamics.fit(data(2000, true, rng), data(500, true, rng), 3, null, null, SMALL, new Rng(2));
        // chance is 1/3 and the cross-entropy of a uniform guess ln 3 = 1.0986
        assertTrue(fit.heldOutAccuracy() > 0.95, "held-out accuracy " + fit.heldOutAccuracy());
        assertTrue(fit.heldOutLoss() < 0.3, "held-out cross-entropy " + fit.heldOutLoss());
        Transitions probe = data(5, true, new Rng(3));
        float[] labels = fit.model().predict(probe.observations(), probe.nextObservations(), 5);
        for (int k = 0; k < 5; k++) {
            assertEquals(probe.actions()[k], labels[k], 0, "transition " + k);
        }
    }

    @Test
    void continuousLabelsAreClippedToTheBounds() {
        Rng rng = new Rng(4);
        Fit fit = InverseDynamics.fit(data(2000, false, rng), data(500, false, rng), 0, new float[] {-0.5f},
                new float[] {0.5f}, SMALL, new Rng(5));
        // predicting the mean 0 gives MSE 1/3 on U(-1,1)
        assertTrue(fit.heldOutLoss() < 0.05, "held-out MSE " + fit.heldOutLoss());
        assertTrue(Double.isNaN(fit.heldOutAccuracy()));
        float[] s = {0, 0};
        float[] s2 = {0, 0.09f};
        assertEquals(0.5f, fit.model().predict(s, s2, 1)[0], 0, "a ≈ 0.9 clipped to the upper bound 0.5");
    }

    @Test
    void noLabelledTransitionsIsAnError() {
        Transitions empty = new Transitions(new float[0], new float[0], new float[0], 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InverseDynamics.fit(empty, empty, 3, null, null, SMALL, new Rng(0)));
        assertTrue(e.getMessage().contains("labelled"), e.getMessage());
    }
}
