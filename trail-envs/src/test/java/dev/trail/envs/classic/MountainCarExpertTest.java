package dev.trail.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.rollout.VectorPolicy;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

class MountainCarExpertTest {

    @Test
    void reachesTheGoalAboveTheRewardThresholdFromEveryStart() {
        MountainCarExpert expert = new MountainCarExpert();
        MountainCarContinuous env = new MountainCarContinuous();
        for (long seed = 0; seed < 20; seed++) {
            float[] obs = env.reset(seed);
            double ret = 0;
            int steps = 0;
            StepResult<float[]> r;
            do {
                VectorPolicy.Acted a = expert.act(obs, 1, null);
                r = env.step(a.continuousActions());
                ret += r.reward();
                obs = r.observation();
                steps++;
            } while (!r.done());
            assertTrue(r.terminated(), "seed " + seed + " did not reach the goal in " + steps + " steps");
            assertTrue(ret >= MountainCarContinuous.REWARD_THRESHOLD, "seed " + seed + ": return " + ret);
            assertTrue(steps < 150, "seed " + seed + ": " + steps + " steps");
        }
    }

    @Test
    void pushesAlongTheVelocityAndAtRestToTheLeft() {
        VectorPolicy.Acted a = new MountainCarExpert().act(new float[] {-0.5f, 0.01f, -0.5f, -0.01f, 0.2f, 0f}, 3,
                new Rng(0));
        assertArrayEquals(new float[] {1f, -1f, -1f}, a.continuousActions());
        assertEquals(null, a.logProbs());
    }
}
