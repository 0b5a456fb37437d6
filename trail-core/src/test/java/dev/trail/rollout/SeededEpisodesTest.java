package dev.trail.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import dev.trail.testenv.RandomWalkEnv;
import dev.trail.trajectory.Trajectory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Episode k is a function of (seed, part, k) only: not of the order, the instance or what ran before. */
class SeededEpisodesTest {

    /** Random actions from the episode's stream; a critic V(s) = 0.1·pos so the bootstrap value is checkable. */
    private static final VectorPolicy POLICY = new VectorPolicy() {
        @Override
        public Acted act(float[] obs, int n, Rng rng) {
            int[] actions = new int[n];
            float[] logProbs = new float[n];
            for (int e = 0; e < n; e++) {
                actions[e] = rng.nextInt(2);
                logProbs[e] = -0.69f;
            }
            return new Acted(actions, null, logProbs, values(obs, n));
        }

        @Override
        public float[] values(float[] obs, int n) {
            float[] v = new float[n];
            for (int e = 0; e < n; e++) {
                v[e] = 0.1f * obs[e * 2];
            }
            return v;
        }
    };

    private static SeededEpisodes episodes(int part) {
        return new SeededEpisodes(new RandomWalkEnv(7, 3), 42, part, "walk", "random-", Map.of("policy", "random"));
    }

    @Test
    void anEpisodeIsTheSameWhateverRanBeforeIt() {
        Trajectory alone;
        try (SeededEpisodes fresh = episodes(0)) {
            alone = fresh.episode(5, POLICY, true, true);
        }
        List<Trajectory> inOrder = SeededEpisodes.collect(new RandomWalkEnv(7, 3), 42, 0, "walk", "random-",
                Map.of("policy", "random"), POLICY, true, true, 6, false);
        Trajectory sixth = inOrder.get(5);
        assertEquals("random-5", sixth.id());
        assertEquals(alone.id(), sixth.id());
        assertEquals(alone.seed(), sixth.seed());
        assertEquals(SeededEpisodes.resetSeed(42, 0, 5), alone.seed());
        assertArrayEquals(alone.observations(), sixth.observations());
        assertArrayEquals(alone.actions(), sixth.actions());
        assertArrayEquals(alone.rewards(), sixth.rewards());
        // another part draws other episodes
        try (SeededEpisodes other = episodes(1)) {
            assertNotEquals(alone.seed(), other.episode(5, POLICY, true, true).seed());
        }
    }

    @Test
    void aTruncatedEpisodeCarriesTheCriticsValueOfItsFinalObservation() {
        try (SeededEpisodes e = episodes(0)) {
            for (long k = 0; k < 30; k++) {
                Trajectory t = e.episode(k, POLICY, true, true);
                if (t.truncated()) {
                    assertEquals(7, t.length(), "the time limit");
                    float finalPos = t.observations()[t.length() * 2];
                    assertEquals(0.1f * finalPos, t.bootstrapValue(), 1e-6);
                    return;
                }
            }
        }
        throw new AssertionError("no truncated episode in 30");
    }

    @Test
    void keptCountsTheEpisodesUpToTheOneReachingTheTarget() {
        // steps: 3 + 4 = 7 < 8, + 5 = 12 >= 8: three episodes
        assertEquals(3, SeededEpisodes.kept(new int[] {3, 4, 5, 6}, 0, 8, true));
        // already 6 steps before this shard: 6 + 3 = 9 >= 8 after the first
        assertEquals(1, SeededEpisodes.kept(new int[] {3, 4}, 6, 8, true));
        assertEquals(0, SeededEpisodes.kept(new int[] {3, 4}, 8, 8, true));
        assertEquals(-1, SeededEpisodes.kept(new int[] {1, 1}, 0, 8, true));
        assertEquals(2, SeededEpisodes.kept(new int[] {9, 9, 9}, 0, 2, false));
        assertTrue(SeededEpisodes.kept(new int[] {}, 0, 1, false) < 0);
    }
}
