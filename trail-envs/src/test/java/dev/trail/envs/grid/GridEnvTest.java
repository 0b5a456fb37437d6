package dev.trail.envs.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.EnvSnapshot;
import dev.trail.env.StepResult;
import dev.trail.envs.Envs;
import dev.trail.vector.VectorEnv;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Worked examples of the grid mechanics, snapshots, errors and the learner-facing layout. */
class GridEnvTest {

    static java.util.List<String> ids() {
        return MiniGridEnvs.ids();
    }

    /**
     * The division comes first: for max_steps 144 and step 37, {@code 1 - 0.9 * (37 / 144)} is
     * 0.76875 while {@code 1 - (0.9 * 37) / 144} is 0.7687499999999999 (values from Python).
     */
    @Test
    void successRewardDividesFirst() {
        MiniGridEnv sixBySix = MiniGridEnvs.make("MiniGrid-Empty-Random-6x6-v0");
        assertEquals(0.76875, sixBySix.successReward(37));
        MiniGridEnv doorKey = MiniGridEnvs.make("MiniGrid-DoorKey-8x8-v0");
        assertEquals(0.9254687500000001, doorKey.successReward(53));
        assertEquals(1 - 0.9 * (1.0 / 640), doorKey.successReward(1));
    }

    /** Empty-8x8 from (1, 1) facing right: 5 forwards, a right turn and 5 forwards reach the goal (6, 6) at step 11. */
    @Test
    void walkingToTheGoalPaysTheDiscountedReward() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-Empty-8x8-v0");
        env.reset(0L);
        int[] plan = {2, 2, 2, 2, 2, 1, 2, 2, 2, 2};
        for (int a : plan) {
            StepResult<float[]> r = env.step(a);
            assertEquals(0.0, r.reward());
            assertFalse(r.done());
        }
        assertEquals(6, env.agentX());
        assertEquals(5, env.agentY());
        StepResult<float[]> last = env.step(2);
        assertTrue(last.terminated());
        assertFalse(last.truncated());
        assertEquals(1 - 0.9 * (11.0 / 256), last.reward());
        assertEquals(6, env.agentX());
        assertEquals(6, env.agentY());
        assertThrows(IllegalStateException.class, () -> env.step(0));
    }

    @Test
    void badActionsAndIdsAreNamed() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-DoorKey-8x8-v0");
        env.reset(1L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(7));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(-1));
        e = assertThrows(IllegalArgumentException.class, () -> MiniGridEnvs.make("MiniGrid-DoorKey-9x9-v0"));
        assertTrue(e.getMessage().contains("'MiniGrid-DoorKey-9x9-v0'") && e.getMessage().contains("MiniGrid-Unlock-v0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Envs.make("MiniGrid-Nope-v0"));
        assertTrue(e.getMessage().contains("MiniGrid-FourRooms-v0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.setState(new double[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
    }

    /**
     * A hand-built DoorKey world: the agent at (2, 3) facing right, a box holding a yellow key at
     * (3, 3), the locked yellow door at (4, 3) in the wall at x = 4.
     */
    @Test
    void boxKeyAndLockedDoorWorkLikeMiniGrid() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-DoorKey-8x8-v0");
        env.reset(0L);
        Grid g = new Grid(8, 8);
        g.wallRect(0, 0, 8, 8);
        g.vertWall(4, 0);
        g.set(4, 3, WorldObject.door(Color.YELLOW, false, true));
        g.set(3, 3, WorldObject.box(Color.PURPLE, WorldObject.key(Color.YELLOW)));
        g.set(6, 6, WorldObject.goal());
        env.setState(state(env, g, 2, 3, 0));

        env.step(MiniGridEnv.TOGGLE); // the box opens into its key
        assertEquals(WorldObject.key(Color.YELLOW), env.grid().object(3, 3));
        env.step(MiniGridEnv.PICKUP);
        assertEquals(WorldObject.key(Color.YELLOW), env.carrying());
        assertNull(env.grid().object(3, 3));
        float[] obs = env.step(MiniGridEnv.FORWARD).observation();
        assertEquals(3, env.agentX());
        // the agent's own cell (3, 6) of the view shows the carried key
        int agentCell = (3 * 7 + 6) * 3;
        assertArrayEquals(new float[] {5, 4, 0}, Arrays.copyOfRange(obs, agentCell, agentCell + 3));
        // the locked door right in front (3, 5) blocks the view: the cells behind it are unseen
        int front = (3 * 7 + 5) * 3;
        assertArrayEquals(new float[] {4, 4, 2}, Arrays.copyOfRange(obs, front, front + 3));
        int behind = (3 * 7 + 4) * 3;
        assertArrayEquals(new float[] {0, 0, 0}, Arrays.copyOfRange(obs, behind, behind + 3));

        env.step(MiniGridEnv.FORWARD); // a locked door cannot be entered
        assertEquals(3, env.agentX());
        env.step(MiniGridEnv.TOGGLE); // the yellow key unlocks it: open
        assertEquals(WorldObject.door(Color.YELLOW, true, false), env.grid().object(4, 3));
        obs = env.step(MiniGridEnv.DONE).observation();
        assertArrayEquals(new float[] {4, 4, 0}, Arrays.copyOfRange(obs, front, front + 3));
        assertNotEquals(0f, obs[behind], "an open door lets the agent see behind it");
        env.step(MiniGridEnv.TOGGLE); // an unlocked door closes again
        assertEquals(WorldObject.door(Color.YELLOW, false, false), env.grid().object(4, 3));
        env.step(MiniGridEnv.LEFT);
        env.step(MiniGridEnv.DROP); // into the empty cell above
        assertNull(env.carrying());
        assertEquals(WorldObject.key(Color.YELLOW), env.grid().object(3, 2));
        env.step(MiniGridEnv.DROP); // nothing to drop
        assertEquals(WorldObject.key(Color.YELLOW), env.grid().object(3, 2));
        assertEquals(3, env.agentDir());
        assertEquals(10, env.elapsedSteps());
    }

    /** Lava terminates with reward 0 (LavaGap: the agent at (1, 1) facing right, lava placed in front). */
    @Test
    void lavaTerminatesWithoutReward() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-LavaGapS7-v0");
        env.reset(4L);
        Grid g = env.grid();
        g.set(2, 1, WorldObject.lava());
        env.setState(state(env, g, 1, 1, 0));
        StepResult<float[]> r = env.step(MiniGridEnv.FORWARD);
        assertTrue(r.terminated());
        assertEquals(0.0, r.reward());
        assertEquals(2, env.agentX(), "the agent enters the lava cell");
    }

    @Test
    void truncationAtMaxSteps() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-FourRooms-v0");
        env.reset(2L);
        StepResult<float[]> r = null;
        for (int t = 0; t < 100; t++) {
            assertTrue(r == null || !r.done());
            r = env.step(MiniGridEnv.LEFT);
        }
        assertTrue(r.truncated());
        assertFalse(r.terminated());
    }

    @ParameterizedTest(name = "snapshot: {0}")
    @MethodSource("ids")
    void snapshotsRestoreTheWorldAndNumpysStream(String id) {
        MiniGridEnv env = MiniGridEnvs.make(id);
        env.reset(11L);
        float[] obs = new float[MiniGridEnv.OBSERVATION_SIZE];
        int[] actions = {1, 2, 2, 0, 3, 5, 2, 0, 2, 4, 2, 2, 5, 1, 2};
        for (int t = 0; t < 5; t++) {
            assertFalse(env.needsReset(), id + " ended before its snapshot");
            env.stepInto(actions[t], obs, 0);
        }
        EnvSnapshot snapshot = env.snapshot();
        String original = trace(env, actions);
        MiniGridEnv other = MiniGridEnvs.make(id);
        other.restore(snapshot);
        assertEquals(original, trace(other, actions));
        env.restore(snapshot); // restorable again
        assertEquals(original, trace(env, actions));
    }

    /** Steps from action 5 on, then an unseeded reset: the grid and pose it draws from the restored stream. */
    private static String trace(MiniGridEnv env, int[] actions) {
        StringBuilder b = new StringBuilder();
        float[] obs = new float[MiniGridEnv.OBSERVATION_SIZE];
        for (int t = 5; t < actions.length && !env.needsReset(); t++) {
            b.append(env.stepInto(actions[t], obs, 0)).append(Arrays.toString(obs));
        }
        env.resetInto(obs, 0);
        return b.append(env.grid()).append(env.agentX()).append(env.agentY()).append(env.agentDir())
                .append(env.mission()).toString();
    }

    @Test
    void unseededResetContinuesTheStreamAndSeededResetsRepeat() {
        MiniGridEnv a = MiniGridEnvs.make("MiniGrid-MultiRoom-N4-S5-v0");
        MiniGridEnv b = MiniGridEnvs.make("MiniGrid-MultiRoom-N4-S5-v0");
        a.reset(3L);
        Grid first = a.grid();
        a.reset();
        b.reset(3L);
        assertEquals(first, b.grid());
        b.reset();
        assertEquals(a.grid(), b.grid());
        assertNotEquals(first, a.grid());
    }

    @Test
    void worldObjectsRoundTripAndRefuseNonsense() {
        for (WorldObject o : new WorldObject[] {WorldObject.wall(), WorldObject.floor(Color.BLUE),
            WorldObject.door(Color.RED, true, false), WorldObject.door(Color.GREEN, false, true),
            WorldObject.key(Color.PURPLE), WorldObject.ball(Color.GREY), WorldObject.goal(), WorldObject.lava(),
            WorldObject.box(Color.YELLOW, WorldObject.ball(Color.RED)), WorldObject.box(Color.BLUE, null)}) {
            assertEquals(o, WorldObject.decode(o.code()));
        }
        assertArrayEquals(new int[] {4, 1, 2}, WorldObject.door(Color.GREEN, false, true).encode());
        assertArrayEquals(new int[] {7, 4, 0}, WorldObject.box(Color.YELLOW, WorldObject.key(Color.RED)).encode());
        assertThrows(IllegalArgumentException.class, () -> WorldObject.door(Color.RED, true, true));
        assertThrows(IllegalArgumentException.class, () -> new WorldObject(ObjectType.KEY, Color.RED, 1, null, false));
        assertThrows(IllegalArgumentException.class, () -> new WorldObject(ObjectType.EMPTY, Color.RED, 0, null, false));
        assertEquals(java.util.List.of("blue", "green", "grey", "purple", "red", "yellow"),
                Color.NAMES_SORTED.stream().map(Color::id).toList());
    }

    @Test
    void vectorEnvStepsGridWorldsWithAutoReset() {
        try (VectorEnv vec = new VectorEnv(() -> MiniGridEnvs.make("MiniGrid-LavaGapS7-v0"), 3)) {
            float[] obs = vec.reset(9L);
            assertEquals(3 * MiniGridEnv.OBSERVATION_SIZE, obs.length);
            int[] actions = new int[3];
            int done = 0;
            for (int t = 0; t < 300; t++) {
                Arrays.fill(actions, t % 3 == 0 ? 1 : 2);
                vec.step(actions);
                for (boolean b : vec.terminated()) {
                    done += b ? 1 : 0;
                }
            }
            assertTrue(done > 0, "walking into walls and lava ends some episodes");
        }
    }

    @Test
    void observationLayoutIsTheImageInCOrderThenTheDirection() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-Empty-8x8-v0");
        float[] obs = env.reset(0L);
        int[][][] image = env.image();
        for (int vx = 0; vx < 7; vx++) {
            for (int vy = 0; vy < 7; vy++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(image[vx][vy][c], (int) obs[(vx * 7 + vy) * 3 + c]);
                }
            }
        }
        assertEquals(0f, obs[147]);
        assertEquals(148, env.observationSpace().flatSize());
        assertEquals(7, env.actionSpace().n());
        // at (1, 1) facing right the view's left column (vx = 0) is the top wall row y = -2..: outside walls
        assertArrayEquals(new int[] {2, 5, 0}, image[0][6]);
    }

    /** The bit-mask visibility used on the hot path equals the line-by-line port of process_vis. */
    @Test
    void fastVisibilityEqualsTheLiteralPortOfProcessVis() {
        int[] kinds = {0, 0, 0, WorldObject.WALL_CODE, WorldObject.door(Color.RED, false, false).code(),
            WorldObject.door(Color.RED, true, false).code(), WorldObject.door(Color.BLUE, false, true).code(),
            WorldObject.key(Color.GREEN).code(), WorldObject.lava().code()};
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int[] view = new int[49];
        boolean[] mask = new boolean[49];
        int[] rows = new int[7];
        int hidden = 0;
        for (int trial = 0; trial < 20000; trial++) {
            int density = 1 + random.nextInt(kinds.length);
            for (int k = 0; k < 49; k++) {
                view[k] = kinds[random.nextInt(density)];
            }
            view[6 * 7 + 3] = random.nextBoolean() ? 0 : kinds[5]; // the agent stands on nothing or an open door
            MiniGridEnv.processVis(view, mask);
            for (int j = 0; j < 7; j++) {
                rows[j] = 0;
                for (int i = 0; i < 7; i++) {
                    int c = view[j * 7 + i];
                    rows[j] |= (c == 0 || WorldObject.seeBehind(c) ? 1 : 0) << i;
                }
            }
            MiniGridEnv.visibleRows(rows);
            for (int k = 0; k < 49; k++) {
                boolean fast = (rows[k / 7] >>> (k % 7) & 1) != 0;
                if (fast != mask[k]) {
                    throw new AssertionError("trial " + trial + ", cell (" + (k % 7) + ", " + (k / 7) + "): fast " + fast
                            + ", process_vis " + mask[k] + ", view " + Arrays.toString(view));
                }
                hidden += mask[k] ? 0 : 1;
            }
        }
        assertTrue(hidden > 0);
    }

    @Test
    void fullObservationIsTheGridWithTheAgentInRed() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-DoorKey-8x8-v0");
        env.reset(0L); // README example: the agent at (3, 4) facing 1
        int[][][] full = env.fullObservation();
        assertEquals(8, full.length);
        assertArrayEquals(new int[] {10, 0, 1}, full[3][4]);
        assertArrayEquals(new int[] {8, 1, 0}, full[6][6]);
        assertArrayEquals(env.grid().encode()[0][0], full[0][0]);
    }

    /** Unlock: a toggle that opens the door pays the success reward and terminates. */
    @Test
    void unlockPaysWhenTheDoorOpens() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-Unlock-v0");
        env.reset(0L);
        Grid g = env.grid();
        int doorY = -1;
        for (int y = 0; y < 6; y++) {
            if (g.object(5, y) != null && g.object(5, y).type() == ObjectType.DOOR) {
                doorY = y;
            }
        }
        WorldObject door = g.object(5, doorY);
        assertEquals(WorldObject.LOCKED, door.state());
        for (int x = 1; x < 5; x++) {
            for (int y = 1; y < 5; y++) {
                g.set(x, y, null); // the key leaves the room: the agent carries it
            }
        }
        double[] s = state(env, g, 4, doorY, 0);
        s[3] = WorldObject.key(Color.RED).code(); // the wrong colour first, unless the door is red
        env.setState(s);
        StepResult<float[]> r = env.step(MiniGridEnv.TOGGLE);
        assertEquals(door.color() == Color.RED, r.terminated());
        s[3] = WorldObject.key(door.color()).code();
        env.reset(0L);
        env.setState(s);
        env.step(MiniGridEnv.LEFT);
        env.step(MiniGridEnv.RIGHT);
        r = env.step(MiniGridEnv.TOGGLE);
        assertTrue(r.terminated());
        assertEquals(env.successReward(3), r.reward());
        assertEquals(WorldObject.door(door.color(), true, false), env.grid().object(5, doorY));
    }

    /** KeyCorridor: picking up the target ball pays and terminates; picking up the key does not. */
    @Test
    void keyCorridorPaysForTheBallOnly() {
        MiniGridEnv env = MiniGridEnvs.make("MiniGrid-KeyCorridorS3R2-v0");
        env.reset(1L);
        Grid g = env.grid();
        int ballX = -1;
        int ballY = -1;
        int keyX = -1;
        int keyY = -1;
        for (int x = 0; x < g.width(); x++) {
            for (int y = 0; y < g.height(); y++) {
                WorldObject o = g.object(x, y);
                if (o != null && o.type() == ObjectType.BALL) {
                    assertTrue(o.tagged(), "the ball is the target");
                    ballX = x;
                    ballY = y;
                    assertEquals("pick up the " + o.color().id() + " ball", env.mission());
                }
                if (o != null && o.type() == ObjectType.KEY) {
                    keyX = x;
                    keyY = y;
                }
            }
        }
        WorldObject door = g.object(ballX - 1, ballY);
        assertEquals(ObjectType.DOOR, door.type());
        assertEquals(WorldObject.LOCKED, door.state());
        // stand west of the key (the outer wall cell, cleared), facing it
        g.set(keyX - 1, keyY, null);
        env.setState(state(env, g, keyX - 1, keyY, 0));
        StepResult<float[]> r = env.step(MiniGridEnv.PICKUP);
        assertEquals(ObjectType.KEY, env.carrying().type());
        assertFalse(r.terminated());
        assertEquals(0.0, r.reward());
        // now stand in the opened door and pick up the ball
        g = env.grid();
        g.set(ballX - 1, ballY, WorldObject.door(door.color(), true, false));
        double[] s = state(env, g, ballX - 1, ballY, 0);
        env.setState(s); // carrying nothing again
        r = env.step(MiniGridEnv.PICKUP);
        assertTrue(r.terminated());
        assertEquals(env.successReward(2), r.reward());
        assertTrue(env.carrying().tagged());
    }

    /** A state with the given world and pose, keeping {@code env}'s extra values. */
    static double[] state(MiniGridEnv env, Grid g, int x, int y, int dir) {
        double[] s = env.state();
        int extra = (int) s[4];
        assertEquals(g.width() * g.height(), s.length - 5 - extra);
        s[0] = x;
        s[1] = y;
        s[2] = dir;
        s[3] = 0;
        for (int i = 0; i < g.cells.length; i++) {
            s[5 + extra + i] = g.cells[i];
        }
        return s;
    }
}
