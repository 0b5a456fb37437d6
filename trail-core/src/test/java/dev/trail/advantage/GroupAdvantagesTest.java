package dev.trail.advantage;

import static dev.trail.advantage.GroupAdvantages.Singleton.ERROR;
import static dev.trail.advantage.GroupAdvantages.Singleton.RAW_REWARD;
import static dev.trail.advantage.GroupAdvantages.Singleton.ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupAdvantagesTest {

    private static final double TOL = 1e-6;
    private static final double[] R = {1, 0, 1, 1};

    @Test
    void reinforceWithBatchMeanAndEmaBaselines() {
        // §1.1: b = mean = 0.75 → R − b; with an EMA baseline b = 0.6 → R − 0.6
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25}, GroupAdvantages.reinforceMeanBaseline(R), TOL);
        assertArrayEquals(new double[] {0.4, -0.6, 0.4, 0.4}, GroupAdvantages.reinforce(R, 0.6), TOL);
        // b ← 0.9·0.5 + 0.1·0.75 = 0.525
        assertEquals(0.525, GroupAdvantages.emaBaseline(0.5, R, 0.9), 1e-12);
    }

    @Test
    void rlooLeavesOneOut() {
        // §1.3: A_0 = 1 − (0 + 1 + 1)/3 = 1/3; A_1 = 0 − 1 = −1; equals 4/3·(R − 0.75)
        assertArrayEquals(new double[] {0.333333, -1.0, 0.333333, 0.333333}, GroupAdvantages.rloo(R, RAW_REWARD), TOL);
    }

    @Test
    void grpoSpecExampleBothStds() {
        // §1.4: (R − 0.75)/(0.5 + 1e-6) and (R − 0.75)/(0.433013 + 1e-6)
        assertArrayEquals(new double[] {0.499999, -1.499997, 0.499999, 0.499999},
                GroupAdvantages.grpo(R, 1, 1e-6, RAW_REWARD), TOL);
        assertArrayEquals(new double[] {0.577349, -1.732047, 0.577349, 0.577349},
                GroupAdvantages.grpo(R, 0, 1e-6, RAW_REWARD), TOL);
    }

    @Test
    void grpoSizeTwoGroup() {
        // §1.4 example 2: R = [1, 0]: std = |1 − 0|/√2 → A = ±0.5/(0.707107 + 1e-6) = ±0.707106
        assertArrayEquals(new double[] {0.707106, -0.707106},
                GroupAdvantages.grpo(new double[] {1, 0}, 1, 1e-6, RAW_REWARD), TOL);
    }

    @Test
    void drGrpoSpecExample() {
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25}, GroupAdvantages.drGrpo(R, RAW_REWARD), TOL);
    }

    @Test
    void singletonGroupsFollowThePolicy() {
        double[] one = {0.7};
        // GRPO G = 1: verl sets mean 0, std 1 → A = raw reward, for either ddof
        assertArrayEquals(one, GroupAdvantages.grpo(one, 1, 1e-6, RAW_REWARD), 0.0);
        assertArrayEquals(one, GroupAdvantages.grpo(one, 0, 1e-6, RAW_REWARD), 0.0);
        assertArrayEquals(new double[] {0}, GroupAdvantages.grpo(one, 1, 1e-6, ZERO), 0.0);
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.grpo(one, 1, 1e-6, ERROR));
        assertArrayEquals(one, GroupAdvantages.rloo(one, RAW_REWARD), 0.0);
        assertArrayEquals(one, GroupAdvantages.drGrpo(one, RAW_REWARD), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.rloo(one, ERROR));
        assertTrue(e.getMessage().contains("RLOO"), e.getMessage());
    }

    @Test
    void allEqualGroupGivesExactZeros() {
        double[] same = {0.1, 0.1, 0.1, 0.1};
        double[] zeros = new double[4];
        assertArrayEquals(zeros, GroupAdvantages.grpo(same, 1, 1e-6, RAW_REWARD), 0.0);
        assertArrayEquals(zeros, GroupAdvantages.grpo(same, 0, 0.0, RAW_REWARD), 0.0);
        assertArrayEquals(zeros, GroupAdvantages.rloo(same, RAW_REWARD), 0.0);
        assertArrayEquals(zeros, GroupAdvantages.drGrpo(same, RAW_REWARD), 0.0);
        assertArrayEquals(zeros, GroupAdvantages.reinforceMeanBaseline(same), 0.0);
    }

    @ParameterizedTest
    @CsvSource({"2, 1", "3, 2", "8, 3", "16, 4"})
    void groupMeanBaselinesSumToZero(int g, long seed) {
        double[] r = new SplittableRandom(seed).doubles(g, -3, 3).toArray();
        assertEquals(0.0, Arrays.stream(GroupAdvantages.rloo(r, RAW_REWARD)).sum(), 1e-12);
        assertEquals(0.0, Arrays.stream(GroupAdvantages.drGrpo(r, RAW_REWARD)).sum(), 1e-12);
        assertEquals(0.0, Arrays.stream(GroupAdvantages.grpo(r, 1, 1e-6, RAW_REWARD)).sum(), 1e-12);
        assertEquals(0.0, Arrays.stream(GroupAdvantages.grpo(r, 0, 1e-6, RAW_REWARD)).sum(), 1e-12);
        // RLOO = G/(G−1)·(R − mean)
        double[] dr = GroupAdvantages.drGrpo(r, RAW_REWARD);
        double[] rloo = GroupAdvantages.rloo(r, RAW_REWARD);
        for (int i = 0; i < g; i++) {
            assertEquals(g / (g - 1.0) * dr[i], rloo[i], 1e-12);
        }
    }

    @Test
    void permutingAGroupPermutesItsAdvantages() {
        double[] r = {0.3, -1, 2, 0.5, 0.5};
        int[] perm = {3, 0, 4, 2, 1};
        double[] p = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            p[i] = r[perm[i]];
        }
        double[] a = GroupAdvantages.grpo(r, 1, 1e-6, RAW_REWARD);
        double[] ap = GroupAdvantages.grpo(p, 1, 1e-6, RAW_REWARD);
        for (int i = 0; i < r.length; i++) {
            assertEquals(a[perm[i]], ap[i], 1e-12);
        }
    }

    @Test
    void grpoGroupsEqualsPerGroup() {
        double[] rows = {1, 0, 1, 1, /**/ 0, 0, 0, 1, /**/ 1, 1, 1, 1};
        double[] all = GroupAdvantages.grpoGroups(rows, 4, 1, 1e-6, RAW_REWARD);
        assertArrayEquals(GroupAdvantages.grpo(new double[] {1, 0, 1, 1}, 1, 1e-6, RAW_REWARD),
                Arrays.copyOfRange(all, 0, 4), 0.0);
        // §1.6: GRPO on g2 = [0,0,0,1] gives [−0.5, −0.5, −0.5, 1.5] (up to ε)
        assertArrayEquals(new double[] {-0.5, -0.5, -0.5, 1.5}, Arrays.copyOfRange(all, 4, 8), 1e-5);
        assertArrayEquals(new double[4], Arrays.copyOfRange(all, 8, 12), 0.0);
        assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.grpoGroups(new double[5], 4, 1, 1e-6, RAW_REWARD));
    }

    @Test
    void grpoGroupsIntoEqualsAllocatingVariantOn4096GroupsOf16() {
        double[] r = new SplittableRandom(3).doubles(4096 * 16, 0, 1).toArray();
        double[] out = new double[r.length];
        java.util.Arrays.fill(out, Double.NaN);
        // speed is measured by trail-bench (docs/BENCHMARKS.md); here: every element is overwritten correctly
        GroupAdvantages.grpoGroupsInto(r, 16, 1, 1e-6, out);
        assertArrayEquals(GroupAdvantages.grpoGroups(r, 16, 1, 1e-6, RAW_REWARD), out, 0.0);
    }

    @Test
    void litePpoSpecExamples() {
        // §1.6: batch std (unbiased) of all 8 raw rewards = 0.534522; g1 centred by its own mean 0.75
        double[] batch = {1, 0, 1, 1, 0, 0, 0, 1};
        double[] a = GroupAdvantages.litePpo(batch, new int[] {4, 4}, 1, 1e-6);
        assertArrayEquals(new double[] {0.467706, -1.403119, 0.467706, 0.467706, -0.467706, -0.467706, -0.467706,
            1.403119}, a, TOL);
        // g3 = [1,1,1,1] instead of g2: batch std 0.353553; g3 gets zeros, g1 gets 0.25/0.353554
        double[] b = GroupAdvantages.litePpo(new double[] {1, 0, 1, 1, 1, 1, 1, 1}, new int[] {4, 4}, 1, 1e-6);
        assertArrayEquals(new double[] {0.707105, -2.121314, 0.707105, 0.707105, 0, 0, 0, 0}, b, TOL);
        // every reward equal → 0 everywhere; a batch of one → 0
        assertArrayEquals(new double[4], GroupAdvantages.litePpo(new double[] {2, 2, 2, 2}, new int[] {2, 2}, 1, 1e-6),
                0.0);
        assertArrayEquals(new double[1], GroupAdvantages.litePpo(new double[] {2}, new int[] {1}, 1, 1e-6), 0.0);
    }

    @Test
    void centeredByGroupTreatsSingletonMeanAsZero() {
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25, 0.6},
                GroupAdvantages.centeredByGroup(new double[] {1, 0, 1, 1, 0.6}, new int[] {4, 1}), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.centeredByGroup(new double[] {1, 2}, new int[] {3}));
    }

    @Test
    void inputsAreNotModified() {
        double[] r = {1, 0, 1, 1, 0, 0, 0, 1};
        double[] copy = r.clone();
        GroupAdvantages.grpoGroups(r, 4, 1, 1e-6, RAW_REWARD);
        GroupAdvantages.rloo(r, RAW_REWARD);
        GroupAdvantages.drGrpo(r, RAW_REWARD);
        GroupAdvantages.litePpo(r, new int[] {4, 4}, 1, 1e-6);
        GroupAdvantages.centeredByGroup(r, new int[] {4, 4});
        GroupAdvantages.reinforce(r, 0.2);
        double[] one = {0.5};
        GroupAdvantages.grpo(one, 1, 1e-6, RAW_REWARD)[0] = 99; // the raw-reward branch returns a copy
        assertEquals(0.5, one[0]);
        assertArrayEquals(copy, r, 0.0);
    }
}
