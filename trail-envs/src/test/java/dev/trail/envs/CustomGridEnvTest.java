package dev.trail.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.grid.Color;
import dev.trail.envs.grid.Grid;
import dev.trail.envs.grid.MiniGridEnv;
import dev.trail.envs.grid.WorldObject;
import org.junit.jupiter.api.Test;

/** A user's own MiniGrid-style environment, outside the package, built with the public helpers. */
class CustomGridEnvTest {

    /** A 5×5 room, a ball placed at random, the agent placed at random; mission "look at the ball". */
    static final class BallRoom extends MiniGridEnv {
        BallRoom() {
            super("BallRoom-v0", 5, 5, 20, false, "look at the ball");
        }

        @Override
        protected void genGrid(int width, int height) {
            grid = new Grid(width, height);
            grid.wallRect(0, 0, width, height);
            placeObj(WorldObject.ball(randColor()).code(), 1, 1, 3, 3, (x, y) -> x == 2 && y == 2, 100);
            placeAgent();
        }
    }

    @Test
    void aCustomGeneratorDrawsThroughNumpyAndSteps() {
        BallRoom env = new BallRoom();
        env.recordDraws(true);
        env.reset(7L);
        int balls = 0;
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 5; y++) {
                WorldObject o = env.grid().object(x, y);
                balls += o != null && o.type() == dev.trail.envs.grid.ObjectType.BALL ? 1 : 0;
            }
        }
        assertEquals(1, balls);
        assertEquals(Color.NAMES_SORTED.get((int) env.draws().get(0)[2]), findBall(env).color());
        assertTrue(env.draws().size() >= 6, "colour, ball x/y, agent x/y, direction");
        for (int t = 0; t < 20; t++) {
            env.step(t % 3 == 0 ? MiniGridEnv.LEFT : MiniGridEnv.FORWARD);
        }
        assertTrue(env.truncated());
    }

    private static WorldObject findBall(MiniGridEnv env) {
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 5; y++) {
                WorldObject o = env.grid().object(x, y);
                if (o != null && o.type() == dev.trail.envs.grid.ObjectType.BALL) {
                    return o;
                }
            }
        }
        throw new AssertionError("no ball");
    }
}
