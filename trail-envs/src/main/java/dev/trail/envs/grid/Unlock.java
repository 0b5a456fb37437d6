package dev.trail.envs.grid;

/**
 * MiniGrid's {@code UnlockEnv} ({@code MiniGrid-Unlock-v0}): two rooms of side 6 side by side
 * (11×6); the agent and a key are in the left room, and it must open the locked door between the
 * rooms. See {@link MiniGridEnv} for the actions and observation.
 *
 * <p>Generation (RoomGrid with 1 row, 2 columns): the door position on the shared wall is drawn,
 * then a locked door of a drawn colour, a key of that colour in the left room (not next to the
 * room grid's centre), and the agent in the left room ({@code place_agent(0, 0)}).
 *
 * <p>Rewards and episode end: a toggle after which the door is open pays
 * {@code 1 - 0.9 · (step_count / max_steps)} and terminates; truncation at {@code max_steps =
 * 8 · 6²} (288). Mission "open the door".
 */
public final class Unlock extends RoomGrid {

    public static final String ID = "MiniGrid-Unlock-v0";
    public static final String MISSION = "open the door";

    private int doorX = -1;
    private int doorY = -1;

    /** {@code MiniGrid-Unlock-v0}. */
    public Unlock() {
        super(ID, 6, 1, 2, 8 * 6 * 6, MISSION);
    }

    @Override
    protected void genGrid(int width, int height) {
        super.genGrid(width, height);
        Placed door = addDoor(0, 0, 0, null, true);
        addObject(0, 0, ObjectType.KEY, Color.ofIndex(WorldObject.color(door.code())));
        placeAgentInRoom(0, 0);
        doorX = door.x();
        doorY = door.y();
        mission = MISSION;
    }

    @Override
    protected double afterStep(int action, double reward, int stepCount) {
        if (action == TOGGLE && WorldObject.state(grid.get(doorX, doorY)) == WorldObject.OPEN) {
            terminal = true;
            return successReward(stepCount);
        }
        return reward;
    }

    @Override
    protected int[] extraState() {
        return new int[] {doorX, doorY};
    }

    @Override
    protected void loadExtraState(int[] extra) {
        if (extra.length != 2) {
            throw new IllegalArgumentException(ID + " state carries the door position (2 values), got " + extra.length);
        }
        doorX = extra[0];
        doorY = extra[1];
    }
}
