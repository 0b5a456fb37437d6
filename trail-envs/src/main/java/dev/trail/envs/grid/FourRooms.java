package dev.trail.envs.grid;

/**
 * MiniGrid's {@code FourRoomsEnv} ({@code MiniGrid-FourRooms-v0}, Sutton, Precup and Singh 1999):
 * a 19×19 grid split into four rooms by walls with one gap each. See {@link MiniGridEnv} for the
 * actions, observation, reward and episode end.
 *
 * <p>Generation: the outer walls; for each room (rows, then columns) a wall to its right with a
 * gap at a drawn row, and one below it with a gap at a drawn column; then {@code place_agent()}
 * (anywhere free, random direction) and the goal by {@code place_obj}. {@code max_steps = 100};
 * does not see through walls; mission "reach the goal".
 */
public final class FourRooms extends MiniGridEnv {

    public static final String ID = "MiniGrid-FourRooms-v0";
    public static final String MISSION = "reach the goal";
    static final int SIZE = 19;

    /** {@code MiniGrid-FourRooms-v0}. */
    public FourRooms() {
        super(ID, SIZE, SIZE, 100, false, MISSION);
    }

    @Override
    protected void genGrid(int width, int height) {
        grid = new Grid(width, height);
        grid.horzWall(0, 0);
        grid.horzWall(0, height - 1);
        grid.vertWall(0, 0);
        grid.vertWall(width - 1, 0);
        int roomW = width / 2;
        int roomH = height / 2;
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 2; i++) {
                int xL = i * roomW;
                int yT = j * roomH;
                int xR = xL + roomW;
                int yB = yT + roomH;
                if (i + 1 < 2) {
                    grid.vertWall(xR, yT, roomH, WorldObject.WALL_CODE);
                    grid.set(xR, randInt(yT + 1, yB), 0);
                }
                if (j + 1 < 2) {
                    grid.horzWall(xL, yB, roomW, WorldObject.WALL_CODE);
                    grid.set(randInt(xL + 1, xR), yB, 0);
                }
            }
        }
        placeAgent();
        placeObj(WorldObject.goal().code());
        mission = MISSION;
    }
}
