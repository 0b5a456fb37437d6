package dev.trail.envs.grid;

/**
 * MiniGrid's {@code LavaGapEnv} with lava ({@code MiniGrid-LavaGapS7-v0}): a vertical strip of
 * lava with one gap separates the agent, at (1, 1) facing right, from the goal in the bottom-right
 * corner. See {@link MiniGridEnv} for the actions, observation, reward and episode end (entering
 * lava terminates with reward 0).
 *
 * <p>Generation: the gap at {@code (_rand_int(2, size - 2), _rand_int(1, size - 1))}, the lava
 * strip in the gap's column from row 1 to {@code size - 2}. {@code max_steps = 4 · size²} (196);
 * does not see through walls; mission "avoid the lava and get to the green goal square".
 */
public final class LavaGap extends MiniGridEnv {

    public static final String ID = "MiniGrid-LavaGapS7-v0";
    public static final String MISSION = "avoid the lava and get to the green goal square";

    /** {@code MiniGrid-LavaGapS7-v0}. */
    public LavaGap() {
        this(ID, 7);
    }

    /** A lava gap of side {@code size} (MiniGrid registers 5, 6 and 7). */
    public LavaGap(String id, int size) {
        super(id, size, size, 4 * size * size, false, MISSION);
        if (size < 5) {
            throw new IllegalArgumentException(id + ": LavaGap needs size >= 5, got " + size);
        }
    }

    @Override
    protected void genGrid(int width, int height) {
        grid = new Grid(width, height);
        grid.wallRect(0, 0, width, height);
        agentX = 1;
        agentY = 1;
        agentDir = 0;
        putObj(WorldObject.goal().code(), width - 2, height - 2);
        int gapX = randInt(2, width - 2);
        int gapY = randInt(1, height - 1);
        grid.vertWall(gapX, 1, height - 2, WorldObject.lava().code());
        grid.set(gapX, gapY, 0);
        mission = MISSION;
    }
}
