package dev.trail.envs.grid;

/**
 * MiniGrid's {@code DoorKeyEnv} ({@code MiniGrid-DoorKey-8x8-v0}): a vertical wall splits the
 * room; the agent and a yellow key are left of it, a locked yellow door is in it, the goal is in
 * the bottom-right corner. See {@link MiniGridEnv} for the actions, observation, reward and
 * episode end.
 *
 * <p>Generation: goal at {@code (size-2, size-2)}; {@code splitIdx = _rand_int(2, size - 2)};
 * the wall at {@code x = splitIdx}; {@code place_agent(size=(splitIdx, size))}; {@code doorIdx =
 * _rand_int(1, size - 2)}; the locked door at {@code (splitIdx, doorIdx)}; the key by
 * {@code place_obj} left of the wall. {@code max_steps = 10 · size²} (640); does not see through
 * walls; mission "use the key to open the door and then get to the goal".
 */
public final class DoorKey extends MiniGridEnv {

    public static final String ID = "MiniGrid-DoorKey-8x8-v0";
    public static final String MISSION = "use the key to open the door and then get to the goal";

    /** {@code MiniGrid-DoorKey-8x8-v0}. */
    public DoorKey() {
        this(ID, 8);
    }

    /** A DoorKey room of side {@code size} (MiniGrid registers 5, 6, 8 and 16). */
    public DoorKey(String id, int size) {
        super(id, size, size, 10 * size * size, false, MISSION);
    }

    @Override
    protected void genGrid(int width, int height) {
        grid = new Grid(width, height);
        grid.wallRect(0, 0, width, height);
        putObj(WorldObject.goal().code(), width - 2, height - 2);
        int splitIdx = randInt(2, width - 2);
        grid.vertWall(splitIdx, 0);
        placeAgent(0, 0, splitIdx, height, true, Integer.MAX_VALUE);
        int doorIdx = randInt(1, height - 2);
        putObj(WorldObject.door(Color.YELLOW, false, true).code(), splitIdx, doorIdx);
        placeObj(WorldObject.key(Color.YELLOW).code(), 0, 0, splitIdx, height, null, Integer.MAX_VALUE);
        mission = MISSION;
    }
}
