package dev.trail.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.trajectory.Trajectory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transition layout of a {@link TransitionDataset}, its checks against an environment, and
 * the sampler on ALGORITHMS.md §10.1's worked example: returns G = [10, 50, 100], lengths
 * T = [2, 3, 1], scalar initial states s_0 = [0, 1, 2].
 */
class TransitionDatasetTest {

    /** A trajectory with scalar observations s_0, s_0 + 1, ...; rewards summing to {@code ret}; discrete action 1. */
    static Trajectory trajectory(String id, float s0, int length, double ret, boolean terminated) {
        float[] obs = new float[length + 1];
        for (int t = 0; t <= length; t++) {
            obs[t] = s0 + t;
        }
        double[] rewards = new double[length];
        rewards[length - 1] = ret;
        float[] actions = new float[length];
        java.util.Arrays.fill(actions, 1f);
        return new Trajectory(id, "g", 0, obs, 1, actions, 1, rewards, null, null, null, terminated, !terminated,
                Double.NaN, null);
    }

    static TransitionDataset workedExample() {
        return TransitionDataset.of("example.jsonl", "sha256:x", List.of(trajectory("a", 0, 2, 10, true),
                trajectory("b", 1, 3, 50, false), trajectory("c", 2, 1, 100, true)),
                Map.of(TransitionDataset.REFERENCE_RETURN_RANDOM, "10", TransitionDataset.REFERENCE_RETURN_EXPERT, "110"));
    }

    @Test
    void flattensTrajectoriesIntoTransitionsWithNextObservationsAndEpisodeBoundaries() {
        TransitionDataset d = workedExample();
        assertEquals(6, d.size());
        assertEquals(3, d.episodeCount());
        assertArrayEquals(new int[] {0, 2, 5, 6}, d.episodeStarts());
        assertArrayEquals(new int[] {2, 3, 1}, d.episodeLengths());
        assertArrayEquals(new float[] {0, 1, 1, 2, 3, 2}, d.observations());
        assertArrayEquals(new float[] {1, 2, 2, 3, 4, 3}, d.nextObservations());
        assertArrayEquals(new boolean[] {false, true, false, false, false, true}, d.terminals());
        assertArrayEquals(new boolean[] {false, false, false, false, true, false}, d.timeouts());
        assertArrayEquals(new double[] {10, 50, 100}, d.episodeReturns());
        assertEquals(0.0, d.initialObservations()[0][0]);
        assertEquals(2.0, d.initialObservations()[2][0]);
        // 100 (R - R_random) / (R_expert - R_random) with R_random = 10, R_expert = 110
        assertEquals(50.0, d.normalizedScore(60), 1e-12);
        assertTrue(d.hasReferenceReturns());
        assertEquals(-1, d.actionCategories());
    }

    @Test
    void fittingChecksSpacesAndNamesFileAndField() {
        TransitionDataset d = workedExample();
        Box obs1 = Box.uniform(-10, 10, 1);
        assertEquals(3, d.fitted(obs1, new Discrete(3)).actionCategories());
        assertFalse(d.fitted(obs1, new Discrete(3)).metadata().isEmpty());
        String obs = assertThrows(IllegalArgumentException.class, () -> d.fitted(Box.uniform(-1, 1, 4), new Discrete(2)))
                .getMessage();
        assertTrue(obs.startsWith("example.jsonl: field observations"), obs);
        String cat = assertThrows(IllegalArgumentException.class, () -> d.fitted(obs1, new Discrete(1))).getMessage();
        assertTrue(cat.startsWith("example.jsonl: field actions"), cat);
        String box = assertThrows(IllegalArgumentException.class, () -> d.fitted(obs1, Box.uniform(-1, 1, 2)))
                .getMessage();
        assertTrue(box.startsWith("example.jsonl: field actions"), box);
        String outside = assertThrows(IllegalArgumentException.class, () -> d.fitted(obs1, Box.uniform(-0.5f, 0.5f, 1)))
                .getMessage();
        assertTrue(outside.contains("outside"), outside);
    }

    @Test
    void emptyOrActionFreeDataIsRefusedNamingFileAndField() {
        String empty = assertThrows(IllegalArgumentException.class,
                () -> TransitionDataset.of("e.parquet", "", List.of(), Map.of())).getMessage();
        assertTrue(empty.startsWith("e.parquet: field rewards"), empty);
        Trajectory noActions = new Trajectory("t7", "g", 0, new float[] {0, 1}, 1, null, 0, new double[] {1}, null, null,
                null, true, false, Double.NaN, null);
        String actions = assertThrows(IllegalArgumentException.class,
                () -> TransitionDataset.of("n.jsonl", "", List.of(noActions), Map.of())).getMessage();
        assertTrue(actions.startsWith("n.jsonl: trajectory t7 has no field actions"), actions);
        String ref = assertThrows(IllegalArgumentException.class, () -> TransitionDataset.of("r.jsonl", "",
                List.of(trajectory("a", 0, 1, 1, true)), Map.of(TransitionDataset.REFERENCE_RETURN_EXPERT, "high")))
                .getMessage();
        assertTrue(ref.startsWith("r.jsonl: metadata field reference_return_expert"), ref);
    }

    @Test
    void samplerProbabilitiesAreTheWorkedExample() {
        TransitionDataset d = workedExample();
        TrajectoryWeightsTest.assertVector(new double[] {0.000045, 0.000045, 0.003821, 0.003821, 0.003821, 0.988446},
                TransitionSampler.create(d, TransitionSampler.Kind.RETURN_WEIGHTED, 0.1, 0.1).probabilities());
        TrajectoryWeightsTest.assertVector(new double[] {0.005615, 0.005615, 0.051814, 0.051814, 0.051814, 0.833330},
                TransitionSampler.create(d, TransitionSampler.Kind.RETURN_WEIGHTED, 0.2, 0.1).probabilities());
        // AW: V̂ = [8.33, 53.33, 98.33] from s_0 = [0, 1, 2]; Â = [1, 0, 1]
        TrajectoryWeightsTest.assertVector(new double[] {0.333318, 0.333318, 0.000015, 0.000015, 0.000015, 0.333318},
                TransitionSampler.create(d, TransitionSampler.Kind.ADVANTAGE_WEIGHTED, 0.1, 0.1).probabilities());
        // top 34% of 3 trajectories: ⌊1.02⌋ = 1, the return-100 trajectory only
        TrajectoryWeightsTest.assertVector(new double[] {0, 0, 0, 0, 0, 1},
                TransitionSampler.create(d, TransitionSampler.Kind.TOP_PERCENT, 0.1, 0.34).probabilities());
        TrajectoryWeightsTest.assertVector(new double[] {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0},
                TransitionSampler.create(d, TransitionSampler.Kind.UNIFORM, 0.1, 0.1).probabilities());
    }

    @Test
    void drawsFollowTheProbabilitiesAndRepeatWithTheSeed() {
        TransitionDataset d = workedExample();
        TransitionSampler s = TransitionSampler.create(d, TransitionSampler.Kind.RETURN_WEIGHTED, 0.2, 0.1);
        int[] draws = new int[200_000];
        s.sample(new Rng(7), draws);
        int[] counts = new int[6];
        for (int i : draws) {
            counts[i]++;
        }
        double[] p = s.probabilities();
        for (int k = 0; k < 6; k++) {
            // binomial standard error at n = 200000 is below 0.0009; allow 5 of them
            assertEquals(p[k], counts[k] / (double) draws.length, 0.0045, "transition " + k);
        }
        int[] again = new int[200_000];
        s.sample(new Rng(7), again);
        assertArrayEquals(draws, again);
        int[] uniform = new int[60_000];
        TransitionSampler.create(d, TransitionSampler.Kind.UNIFORM, 0.1, 0.1).sample(new Rng(3), uniform);
        int[] uc = new int[6];
        for (int i : uniform) {
            uc[i]++;
        }
        for (int k = 0; k < 6; k++) {
            assertEquals(1 / 6.0, uc[k] / 60_000.0, 0.01, "uniform transition " + k);
        }
    }

    @Test
    void unknownSamplerNamesTheKnownOnes() {
        String m = assertThrows(IllegalArgumentException.class, () -> TransitionSampler.Kind.parse("greedy")).getMessage();
        assertTrue(m.contains("uniform, return-weighted, advantage-weighted, top-percent"), m);
        assertEquals(TransitionSampler.Kind.ADVANTAGE_WEIGHTED, TransitionSampler.Kind.parse("advantage-weighted"));
    }
}
