package dev.trail.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trail.env.StepResult;
import org.junit.jupiter.api.Test;

/**
 * The branches random reference episodes rarely reach: the goal, the left wall and the velocity
 * bound. Expected values come from Gymnasium 1.3's step code run on NumPy 2.4 (float32 states are
 * written as {@code (double) 0.44f}, exactly what Gymnasium holds after a step).
 */
class MountainCarEdgeCasesTest {

    private static void assertStep(MountainCarContinuous env, double[] state, float action, double[] expectedState,
            double expectedReward, boolean expectedTerminated) {
        env.reset(0L);
        env.setState(state);
        StepResult<float[]> result = env.step(new float[] {action});
        assertArrayEquals(expectedState, env.state());
        assertEquals(expectedReward, result.reward());
        assertEquals(expectedTerminated, result.terminated());
        assertArrayEquals(new float[] {(float) expectedState[0], (float) expectedState[1]}, result.observation());
    }

    @Test
    void continuousGoalPaysHundredMinusTheEnergyPenalty() {
        MountainCarContinuous env = new MountainCarContinuous();
        // float32 state (after a step): float32 arithmetic
        assertStep(env, new double[] {0.44f, 0.02f}, 1f, new double[] {0.4608795642852783, 0.020879561081528664},
                99.9, true);
        // float64 state (after a reset): the first step mixes float32 and float64
        assertStep(env, new double[] {0.44, 0.02}, 0.5f, new double[] {0.4601295590400696, 0.02012956142425537},
                99.975, true);
    }

    @Test
    void continuousLeftWallStopsTheCar() {
        MountainCarContinuous env = new MountainCarContinuous();
        assertStep(env, new double[] {-1.19f, -0.05f}, -1f, new double[] {-1.2000000476837158, 0.0}, -0.1, false);
        assertStep(env, new double[] {-1.19, -0.069}, -0.75f, new double[] {-1.2000000476837158, 0.0}, -0.05625,
                false);
    }

    @Test
    void continuousVelocityIsBounded() {
        MountainCarContinuous env = new MountainCarContinuous();
        assertStep(env, new double[] {-1.0f, 0.069f}, 1f, new double[] {-0.9300000071525574, 0.07000000029802322},
                -0.1, false);
        assertStep(env, new double[] {-1.0, 0.069}, 1f, new double[] {-0.9300000071525574, 0.07000000029802322},
                -0.1, false);
    }

    @Test
    void discreteGoalWallAndVelocityBound() {
        MountainCar env = new MountainCar();
        env.reset(0L);
        env.setState(new double[] {0.49, 0.02});
        StepResult<float[]> goal = env.step(2);
        assertArrayEquals(new double[] {0.5107484356665326, 0.020748435666532672}, env.state());
        assertEquals(-1.0, goal.reward());
        assertEquals(true, goal.terminated());

        env.reset(0L);
        env.setState(new double[] {-1.19, -0.05});
        StepResult<float[]> wall = env.step(0);
        assertArrayEquals(new double[] {-1.2, 0.0}, env.state());
        assertEquals(false, wall.terminated());

        env.reset(0L);
        env.setState(new double[] {-1.0, 0.069});
        env.step(2);
        assertArrayEquals(new double[] {-0.9299999999999999, 0.07}, env.state());
    }
}
