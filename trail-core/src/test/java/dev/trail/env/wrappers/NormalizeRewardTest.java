package dev.trail.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.env.wrappers.RewardNormalizer.ReturnReset;
import dev.trail.testenv.ScriptedEnv;
import org.junit.jupiter.api.Test;

class NormalizeRewardTest {

    @Test
    void workedExampleOfTwoSteps() {
        NormalizeReward<float[], Integer> env = new NormalizeReward<>(ScriptedEnv.constant(1, 3));
        env.reset(0);
        // step 1: G = 1; statistics of G from the prior (0, 1, 1e-4):
        //   count 1.0001, mean 1 / 1.0001, var (1e-4 + 1 * 1e-4 / 1.0001) / 1.0001 = 1.99970004e-4
        //   reward 1 / sqrt(1.99970004e-4 + 1e-8) = 1 / 0.01414143 = 70.7142
        double mean1 = 1 / 1.0001;
        double var1 = (1e-4 + 1e-4 / 1.0001) / 1.0001;
        StepResult<float[]> r1 = env.step(0);
        assertEquals(1 / Math.sqrt(var1 + 1e-8), r1.reward(), 1e-12);
        assertEquals(70.7142, r1.reward(), 1e-4);
        assertEquals(1.0, env.normalizer().runningReturn(0));
        // step 2: G = 0.99 * 1 + 1 = 1.99; delta = 1.99 - mean1, count 2.0001
        double delta = 1.99 - mean1;
        double var2 = (var1 * 1.0001 + delta * delta * 1.0001 / 2.0001) / 2.0001;
        StepResult<float[]> r2 = env.step(0);
        assertEquals(1 / Math.sqrt(var2 + 1e-8), r2.reward(), 1e-12);
        assertEquals(1.99, env.normalizer().runningReturn(0), 1e-15);
        // the last step terminates: the return restarts
        StepResult<float[]> r3 = env.step(0);
        assertTrue(r3.terminated());
        assertEquals(0.0, env.normalizer().runningReturn(0));
        assertEquals(3, r3.info().get("t"));
    }

    @Test
    void episodeEndRestartsTheReturnAfterTruncationButGymnasiumModeDoesNot() {
        // two-step episodes cut by a time limit, rewards 1
        NormalizeReward<float[], Integer> sb3 = new NormalizeReward<>(new TimeLimit<>(ScriptedEnv.constant(1, 100), 2));
        NormalizeReward<float[], Integer> gym = new NormalizeReward<>(new TimeLimit<>(ScriptedEnv.constant(1, 100), 2),
                0.99, 1e-8, ReturnReset.GYMNASIUM);
        for (NormalizeReward<float[], Integer> env : java.util.List.of(sb3, gym)) {
            env.reset(0);
            env.step(0);
            assertTrue(env.step(0).truncated());
            env.reset();
            env.step(0);
        }
        assertEquals(1.0, sb3.normalizer().runningReturn(0), "restarted after the truncation");
        // Gymnasium 1.x: G = G * gamma * (1 - terminated) + r keeps the return across truncation and reset:
        //   1, 1.99, then 1.99 * 0.99 + 1 = 2.9701
        assertEquals(2.9701, gym.normalizer().runningReturn(0), 1e-12);
    }

    @Test
    void gymnasiumModeDropsTheReturnOnTheTerminalStepItself() {
        NormalizeReward<float[], Integer> gym = new NormalizeReward<>(ScriptedEnv.constant(1, 2), 0.99, 1e-8,
                ReturnReset.GYMNASIUM);
        gym.reset(0);
        gym.step(0);
        assertTrue(gym.step(0).terminated());
        assertEquals(1.0, gym.normalizer().runningReturn(0), "G = 1.99 * 0.99 * (1 - 1) + 1");
        gym.reset();
        gym.step(0);
        assertEquals(1.99, gym.normalizer().runningReturn(0), 1e-15, "carried into the next episode");
    }

    @Test
    void frozenStatisticsScaleWithoutUpdating() {
        RewardNormalizer normalizer = new RewardNormalizer(2);
        double[] out = new double[2];
        normalizer.normalize(new double[] {1, -2}, new boolean[2], new boolean[2], out);
        normalizer.normalize(new double[] {3, 0.5}, new boolean[2], new boolean[2], out);
        RunningMeanStd.State before = normalizer.statistics().state();
        normalizer.setFrozen(true);
        double[] rewards = {4, -8};
        normalizer.normalize(rewards, new boolean[2], new boolean[2], rewards);
        assertEquals(before, normalizer.statistics().state());
        double scale = Math.sqrt(before.var()[0] + 1e-8);
        assertArrayEquals(new double[] {4 / scale, -8 / scale}, rewards, "in place, divided by the frozen std");
    }

    @Test
    void vectorBatchIsOneUpdateOfNReturns() {
        RewardNormalizer normalizer = new RewardNormalizer(3);
        double[] rewards = {1, 2, 3};
        normalizer.normalize(rewards.clone(), new boolean[3], new boolean[] {false, true, false}, new double[3]);
        RunningMeanStd reference = new RunningMeanStd(1);
        reference.update(new double[] {1, 2, 3});
        assertEquals(reference.state(), normalizer.statistics().state());
        assertArrayEquals(new double[] {1, 0, 3}, normalizer.state().returns(), "env 1 was truncated: restarted");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> normalizer.normalize(new double[2], new boolean[3], new boolean[3], new double[3]));
        assertTrue(e.getMessage().contains("rewards 2") && e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void restoredStateContinuesIdentically() {
        RewardNormalizer a = new RewardNormalizer(2);
        double[] out = new double[2];
        a.normalize(new double[] {1, 5}, new boolean[2], new boolean[2], out);
        a.normalize(new double[] {-1, 2}, new boolean[] {true, false}, new boolean[2], out);
        a.normalize(new double[] {0.5, 2}, new boolean[2], new boolean[2], out);
        RewardNormalizer b = new RewardNormalizer(2);
        b.setState(a.state());
        assertEquals(a.state(), b.state());
        double[] outA = new double[2];
        double[] outB = new double[2];
        for (int t = 0; t < 3; t++) {
            double[] r = {t, 1 - t};
            boolean[] term = {t == 1, false};
            a.normalize(r, term, new boolean[2], outA);
            b.normalize(r, term, new boolean[2], outB);
            assertArrayEquals(outA, outB);
        }
        assertEquals(a.state(), b.state());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> new RewardNormalizer(3).setState(a.state()));
        assertTrue(wrong.getMessage().contains("2") && wrong.getMessage().contains("3"), wrong.getMessage());
        IllegalArgumentException gamma = assertThrows(IllegalArgumentException.class,
                () -> new RewardNormalizer(1, 1.5, 1e-8, ReturnReset.EPISODE_END));
        assertTrue(gamma.getMessage().contains("1.5"), gamma.getMessage());
    }
}
