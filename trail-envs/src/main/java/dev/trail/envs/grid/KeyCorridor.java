package dev.trail.envs.grid;

/**
 * MiniGrid's {@code KeyCorridorEnv} ({@code MiniGrid-KeyCorridorS3R2-v0}): a RoomGrid of 3 columns
 * and {@code num_rows} rows of rooms of side {@code room_size} (7×5 for S3R2); the middle column is a
 * corridor, a ball sits behind a locked door in the right column, its key in the left column. See
 * {@link MiniGridEnv} for the actions and observation.
 *
 * <p>Generation: RoomGrid's rooms and door positions; the walls between the corridor's rooms
 * removed; the ball's row drawn; a locked door of a drawn colour on the left side of that room;
 * the ball (drawn colour) in it; a key of the door's colour in a drawn row of the left column; the
 * agent in the corridor's middle room; then {@code connect_all()}.
 *
 * <p>Rewards and episode end: a pickup after which the agent carries that ball pays
 * {@code 1 - 0.9 · (step_count / max_steps)} and terminates; truncation at {@code max_steps = 30 ·
 * room_size²} (270). Mission "pick up the {colour} ball".
 */
public final class KeyCorridor extends RoomGrid {

    public static final String ID_S3R2 = "MiniGrid-KeyCorridorS3R2-v0";

    private int targetColor = -1;

    /** {@code MiniGrid-KeyCorridorS3R2-v0}. */
    public KeyCorridor() {
        this(ID_S3R2, 3, 2);
    }

    /** KeyCorridor with {@code numRows} rows of rooms of side {@code roomSize}. */
    public KeyCorridor(String id, int roomSize, int numRows) {
        super(id, roomSize, numRows, 3, 30 * roomSize * roomSize, "pick up the ball");
    }

    @Override
    protected void genGrid(int width, int height) {
        super.genGrid(width, height);
        for (int j = 1; j < numRows; j++) {
            removeWall(1, j, 3);
        }
        int roomIdx = randInt(0, numRows);
        Placed door = addDoor(2, roomIdx, 2, null, true);
        Placed ball = addObject(2, roomIdx, ObjectType.BALL, null);
        grid.set(ball.x(), ball.y(), ball.code() | WorldObject.TAG); // self.obj: the ball to pick up
        addObject(0, randInt(0, numRows), ObjectType.KEY, Color.ofIndex(WorldObject.color(door.code())));
        placeAgentInRoom(1, numRows / 2);
        connectAll();
        targetColor = WorldObject.color(ball.code());
        mission = mission(targetColor);
    }

    private static String mission(int color) {
        return "pick up the " + Color.ofIndex(color).id() + " ball";
    }

    @Override
    protected double afterStep(int action, double reward, int stepCount) {
        if (action == PICKUP && carrying != 0 && (carrying & WorldObject.TAG) != 0) {
            terminal = true;
            return successReward(stepCount);
        }
        return reward;
    }

    @Override
    protected int[] extraState() {
        return new int[] {targetColor};
    }

    @Override
    protected void loadExtraState(int[] extra) {
        if (extra.length != 1 || extra[0] < 0 || extra[0] > 5) {
            throw new IllegalArgumentException(id() + " state carries the target ball's colour (1 value in 0..5), got "
                    + java.util.Arrays.toString(extra));
        }
        targetColor = extra[0];
        mission = mission(targetColor);
    }
}
