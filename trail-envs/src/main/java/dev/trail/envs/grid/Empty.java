package dev.trail.envs.grid;

/**
 * MiniGrid's {@code EmptyEnv}: an empty room with the goal in the bottom-right corner; see
 * {@link MiniGridEnv} for the actions, observation, reward and episode end.
 *
 * <ul>
 *   <li>{@code MiniGrid-Empty-8x8-v0}: 8×8, the agent starts at (1, 1) facing right; no draws.
 *   <li>{@code MiniGrid-Empty-Random-6x6-v0}: 6×6, the agent is placed anywhere free with a random
 *       direction ({@code place_agent()}).
 * </ul>
 * Goal at {@code (size - 2, size - 2)}; {@code max_steps = 4 · size²}; sees through walls; mission
 * "get to the green goal square".
 */
public final class Empty extends MiniGridEnv {

    public static final String ID_8X8 = "MiniGrid-Empty-8x8-v0";
    public static final String ID_RANDOM_6X6 = "MiniGrid-Empty-Random-6x6-v0";
    public static final String MISSION = "get to the green goal square";

    private final boolean randomStart;

    /** {@code MiniGrid-Empty-8x8-v0}. */
    public static Empty emptyEightByEight() {
        return new Empty(ID_8X8, 8, false);
    }

    /** {@code MiniGrid-Empty-Random-6x6-v0}. */
    public static Empty emptyRandomSixBySix() {
        return new Empty(ID_RANDOM_6X6, 6, true);
    }

    /**
     * @param id the id to report
     * @param size the side of the square grid
     * @param randomStart whether the agent's pose is drawn ({@code agent_start_pos=None}) instead of (1, 1) facing right
     */
    public Empty(String id, int size, boolean randomStart) {
        super(id, size, size, 4 * size * size, true, MISSION);
        this.randomStart = randomStart;
    }

    @Override
    protected void genGrid(int width, int height) {
        grid = new Grid(width, height);
        grid.wallRect(0, 0, width, height);
        putObj(WorldObject.goal().code(), width - 2, height - 2);
        if (!randomStart) {
            agentX = 1;
            agentY = 1;
            agentDir = 0;
        } else {
            placeAgent();
        }
        mission = MISSION;
    }
}
