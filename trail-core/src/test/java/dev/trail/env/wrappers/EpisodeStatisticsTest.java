package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.testenv.ScriptedEnv;
import org.junit.jupiter.api.Test;

class EpisodeStatisticsTest {

    @Test
    void finalStepCarriesReturnLengthAndTime() {
        long[] now = {1_000_000_000L};
        ScriptedEnv inner = new ScriptedEnv(new float[][] {{0}, {1}, {2}, {3}}, new double[] {1, 2, 3.5});
        EpisodeStatistics<float[], Integer> env = new EpisodeStatistics<>(inner, 100, () -> now[0]);
        env.reset(0);
        StepResult<float[]> r1 = env.step(0);
        StepResult<float[]> r2 = env.step(0);
        assertFalse(r1.info().containsKey(EpisodeStatistics.RETURN));
        assertFalse(r2.info().containsKey(EpisodeStatistics.RETURN));
        assertEquals(3.0, env.episodeReturn());
        assertEquals(2, env.episodeLength());
        now[0] += 2_500_000_000L;
        StepResult<float[]> end = env.step(0);
        assertTrue(end.terminated());
        // 1 + 2 + 3.5 = 6.5 over 3 steps, 2.5 s after the reset
        assertEquals(6.5, (Double) end.info().get(EpisodeStatistics.RETURN));
        assertEquals(3, (Integer) end.info().get(EpisodeStatistics.LENGTH));
        assertEquals(2.5, (Double) end.info().get(EpisodeStatistics.TIME), 1e-12);
        assertEquals(3, end.info().get("t"), "the inner info is kept");
        assertEquals(3.5, end.reward(), "the reward itself is unchanged");
        assertEquals(1, env.episodeCount());
    }

    @Test
    void truncatedEpisodesAreRecordedAndTheQueueIsBounded() {
        EpisodeStatistics<float[], Integer> env = new EpisodeStatistics<>(
                new TimeLimit<>(ScriptedEnv.constant(0.5, 100), 4), 2, () -> 0L);
        for (int episode = 1; episode <= 3; episode++) {
            env.reset();
            StepResult<float[]> r = env.step(1);
            while (!r.done()) {
                r = env.step(1);
            }
            assertTrue(r.truncated());
            assertEquals(2.0, (Double) r.info().get(EpisodeStatistics.RETURN), "4 steps x 0.5");
            assertEquals(4, (Integer) r.info().get(EpisodeStatistics.LENGTH));
        }
        assertEquals(3, env.episodeCount());
        assertArrayEquals(new double[] {2.0, 2.0}, env.returnQueue(), "only the last 2 are kept");
        assertArrayEquals(new int[] {4, 4}, env.lengthQueue());
        assertArrayEquals(new double[] {0.0, 0.0}, env.timeQueue());
    }

    @Test
    void resetDiscardsAnEpisodeInProgress() {
        EpisodeStatistics<float[], Integer> env = new EpisodeStatistics<>(ScriptedEnv.constant(1, 3));
        env.reset(0);
        env.step(0);
        env.step(0);
        env.reset(1);
        assertEquals(0.0, env.episodeReturn());
        StepResult<float[]> r = null;
        for (int t = 0; t < 3; t++) {
            r = env.step(0);
        }
        assertEquals(3.0, (Double) r.info().get(EpisodeStatistics.RETURN));
        assertTrue((Double) r.info().get(EpisodeStatistics.TIME) >= 0);
        assertEquals(1, env.episodeCount());
    }
}
