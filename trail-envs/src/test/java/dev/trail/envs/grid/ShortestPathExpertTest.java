package dev.trail.envs.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ShortestPathExpertTest {

    private final ShortestPathExpert expert = new ShortestPathExpert();

    static java.util.List<String> ids() {
        return MiniGridEnvs.ids();
    }

    /** Every layout of the nine ids is solvable: the expert succeeds on each of 40 seeds. */
    @ParameterizedTest
    @MethodSource("ids")
    void succeedsOnEverySeed(String id) {
        MiniGridEnv env = MiniGridEnvs.make(id);
        int successes = 0;
        for (long seed = 0; seed < 40; seed++) {
            Trajectory t = expert.episode(env, seed, id + "-" + seed);
            boolean success = t.terminated() && t.totalReward() > 0;
            successes += success ? 1 : 0;
            // the return is MiniGrid's success reward for the plan's length
            if (success) {
                assertEquals(1 - 0.9 * ((double) t.length() / env.maxEpisodeSteps()), t.totalReward(), 1e-12,
                        id + " seed " + seed);
            }
        }
        assertEquals(40, successes, id);
    }

    /** Empty-8x8: the agent starts at (1, 1) facing right, the goal is at (6, 6): 5 forward, right, 5 forward. */
    @Test
    void emptyEightByEightTakesTheElevenStepPath() {
        MiniGridEnv env = MiniGridEnvs.make(Empty.ID_8X8);
        for (long seed = 0; seed < 5; seed++) {
            Trajectory t = expert.episode(env, seed, "e");
            assertEquals(11, t.length());
            assertTrue(t.terminated());
            assertEquals(1 - 0.9 * (11.0 / 256), t.totalReward(), 1e-12);
        }
    }

    /**
     * Empty-Random-6x6 (goal at (4, 4), nothing in the way): the optimal length is the Manhattan
     * distance plus the fewest turns to face the needed directions, worked out independently here.
     */
    @Test
    void emptyRandomPlansHaveTheOptimalLength() {
        MiniGridEnv env = MiniGridEnvs.make(Empty.ID_RANDOM_6X6);
        for (long seed = 0; seed < 200; seed++) {
            env.reset(seed);
            int x = env.agentX();
            int y = env.agentY();
            int dir = env.agentDir();
            int dx = 4 - x;
            int dy = 4 - y;
            int turns;
            if (dx > 0 && dy > 0) {
                turns = 1 + Math.min(turns(dir, 0), turns(dir, 1));
            } else if (dx > 0) {
                turns = turns(dir, 0);
            } else {
                turns = turns(dir, 1);
            }
            int[] plan = expert.plan(env);
            assertEquals(dx + dy + turns, plan.length, "seed " + seed + " from (" + x + ", " + y + ") facing " + dir);
            // planning leaves the environment where it was
            assertEquals(x, env.agentX());
            assertEquals(0, env.elapsedSteps());
        }
    }

    private static int turns(int from, int to) {
        int d = Math.floorMod(to - from, 4);
        return Math.min(d, 4 - d);
    }

    /** DoorKey needs the key, the door and the goal: the plan picks up, toggles, and is followed to the goal. */
    @Test
    void doorKeyPlanPicksUpTheKeyAndOpensTheDoor() {
        MiniGridEnv env = MiniGridEnvs.make(DoorKey.ID);
        env.reset(7);
        int[] plan = expert.plan(env);
        long pickups = java.util.Arrays.stream(plan).filter(a -> a == MiniGridEnv.PICKUP).count();
        long toggles = java.util.Arrays.stream(plan).filter(a -> a == MiniGridEnv.TOGGLE).count();
        assertEquals(1, pickups);
        assertEquals(1, toggles);
        Trajectory t = expert.episode(env, 7, "d");
        float[] actions = new float[plan.length];
        for (int i = 0; i < plan.length; i++) {
            actions[i] = plan[i];
        }
        assertArrayEquals(actions, t.actions());
        assertEquals(148 * (plan.length + 1), t.observations().length);
        assertEquals("use the key to open the door and then get to the goal", t.labels().get("mission"));
    }

    /** A search cut short finds no plan; the episode then waits (done) until the time limit. */
    @Test
    void noPlanWithinTheStateBudget() {
        ShortestPathExpert tiny = new ShortestPathExpert(5);
        MiniGridEnv env = MiniGridEnvs.make(DoorKey.ID);
        env.reset(3);
        assertNull(tiny.plan(env));
        Trajectory t = tiny.episode(env, 3, "x");
        assertEquals(env.maxEpisodeSteps(), t.length());
        assertTrue(t.truncated());
        assertEquals(0, t.totalReward());
    }
}
