package dev.trail.envs.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast observation ({@link EgoView}: rotated layouts, tabulated visibility, the cache of
 * finished images) equals a literal port of MiniGrid's {@code gen_obs_grid} + {@code encode} at every
 * step of long random walks: through resets, pick-ups, drops, doors and boxes (the cached images
 * of every pose that sees a changed cell must be dropped), and snapshots restored into another
 * environment.
 */
class EgoViewTest {

    static java.util.List<String> ids() {
        return MiniGridEnvs.ids();
    }

    /**
     * {@code gen_obs_grid}: {@code grid.slice} of the view extents (grey walls outside the grid)
     * rotated left {@code agent_dir + 1} times, {@code process_vis} unless the environment sees
     * through walls, the agent's cell set to what it carries, then {@code encode(vis_mask)}.
     */
    static float[] reference(MiniGridEnv env) {
        int n = MiniGridEnv.VIEW_SIZE;
        int dir = env.agentDir();
        int dx = MiniGridEnv.DX[dir];
        int dy = MiniGridEnv.DY[dir];
        int[] view = new int[n * n]; // k = vy * 7 + vx
        Grid g = env.grid();
        for (int vy = 0; vy < n; vy++) {
            for (int vx = 0; vx < n; vx++) {
                int ahead = n - 1 - vy;
                int side = vx - n / 2;
                int x = env.agentX() + dx * ahead - dy * side;
                int y = env.agentY() + dy * ahead + dx * side;
                view[vy * n + vx] = g.inside(x, y) ? g.get(x, y) : WorldObject.WALL_CODE;
            }
        }
        boolean[] visible = new boolean[n * n];
        if (env.seeThroughWalls()) {
            Arrays.fill(visible, true);
        } else {
            MiniGridEnv.processVis(view, visible);
        }
        WorldObject carried = env.carrying();
        view[(n - 1) * n + n / 2] = carried == null ? 0 : carried.code();
        float[] out = new float[MiniGridEnv.OBSERVATION_SIZE];
        for (int vx = 0; vx < n; vx++) {
            for (int vy = 0; vy < n; vy++) {
                int code = view[vy * n + vx];
                int o = (vx * n + vy) * 3;
                if (visible[vy * n + vx]) {
                    out[o] = WorldObject.encodeType(code);
                    out[o + 1] = WorldObject.color(code);
                    out[o + 2] = WorldObject.state(code);
                }
            }
        }
        out[MiniGridEnv.IMAGE_SIZE] = dir;
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void fastObservationEqualsTheLiteralPortOnRandomWalks(String id) {
        walk(MiniGridEnvs.make(id), MiniGridEnvs.make(id), 6000, 7);
    }

    /** A small world crowded with every object (doors in all states, keys, balls, boxes, lava). */
    @ParameterizedTest(name = "cluttered {0}x{0}")
    @ValueSource(ints = {5, 9})
    void fastObservationEqualsTheLiteralPortInAClutteredWorld(int size) {
        int changes = walk(new Clutter(size), new Clutter(size), 20000, 11);
        assertTrue(changes > 100, "the walk changed only " + changes + " cells");
    }

    /** Steps {@code env} at random, comparing each observation; returns how many steps changed a cell. */
    private static int walk(MiniGridEnv env, MiniGridEnv spare, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] obs = new float[MiniGridEnv.OBSERVATION_SIZE];
        float[] uncached = new float[MiniGridEnv.OBSERVATION_SIZE];
        env.resetInto(seed, obs, 0);
        assertArrayEquals(reference(env), obs, env.id() + " after reset");
        int changes = 0;
        for (int t = 0; t < steps; t++) {
            if (t % 997 == 500) { // continue in another environment from a snapshot
                spare.restore(env.snapshot());
                MiniGridEnv e = env;
                env = spare;
                spare = e;
            }
            Grid before = env.grid();
            int action = random.nextInt(10) < 3 ? MiniGridEnv.PICKUP + random.nextInt(3) : random.nextInt(7);
            env.stepInto(action, obs, 0);
            changes += before.equals(env.grid()) ? 0 : 1;
            float[] expected = reference(env);
            int step = t;
            MiniGridEnv e = env;
            assertArrayEquals(expected, obs, () -> e.id() + " step " + step + ", action " + action + ", agent ("
                    + e.agentX() + ", " + e.agentY() + ") facing " + e.agentDir() + "\n" + e.grid());
            env.observeUncached(uncached, 0);
            assertArrayEquals(expected, uncached, () -> e.id() + " step " + step + " without the cache");
            if (env.needsReset()) {
                env.resetInto(obs, 0);
                assertArrayEquals(reference(env), obs, env.id() + " after reset at step " + t);
            }
        }
        return changes;
    }

    /** Random objects on a third of the cells, the agent anywhere free. */
    static final class Clutter extends MiniGridEnv {

        Clutter(int size) {
            super("Clutter", size, size, 300, false, "clutter");
        }

        @Override
        protected void genGrid(int width, int height) {
            grid = new Grid(width, height);
            grid.wallRect(0, 0, width, height);
            for (int i = 0; i < width * height / 3; i++) {
                Color color = Color.NAMES_SORTED.get(randInt(0, 2)); // two colours, so keys fit doors
                int code = switch (randInt(0, 9)) {
                    case 0 -> WorldObject.WALL_CODE;
                    case 1, 2 -> WorldObject.door(color, randInt(0, 2) == 0, false).code();
                    case 3 -> WorldObject.door(color, false, true).code();
                    case 4 -> WorldObject.key(color).code();
                    case 5 -> WorldObject.ball(color).code();
                    case 6 -> WorldObject.box(color, randInt(0, 2) == 0 ? null : WorldObject.key(color)).code();
                    case 7 -> WorldObject.lava().code();
                    default -> WorldObject.floor(color).code();
                };
                placeObj(code, 1, 1, width - 2, height - 2, null, 1000);
            }
            placeAgent(1, 1, width - 2, height - 2, true, 1000);
            mission = "clutter";
        }
    }
}
