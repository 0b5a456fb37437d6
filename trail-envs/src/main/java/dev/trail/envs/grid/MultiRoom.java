package dev.trail.envs.grid;

import java.util.ArrayList;
import java.util.List;

/**
 * MiniGrid's {@code MultiRoomEnv}: a chain of rooms connected by closed doors on a 25×25 grid; the
 * agent starts in the first room, the goal is in the last. See {@link MiniGridEnv} for the
 * actions, observation, reward and episode end.
 *
 * <p><b>{@code MiniGrid-MultiRoom-N4-S5-v0} builds 6 rooms</b>: at MiniGrid v3.1.0 this legacy id is
 * registered with {@code minNumRooms = maxNumRooms = 6, maxRoomSize = 5} ("kept for backwards
 * compatibility"); the 4-room version is {@code -v1}, not provided here. {@code max_steps =
 * maxNumRooms · 20} (120).
 *
 * <p>Generation: the number of rooms is drawn (no draw when min = max); then, until a chain that
 * long is found, an entry position is drawn and rooms are placed recursively ({@code _placeRoom}:
 * a drawn size, a drawn offset along the entry wall, rejected when outside the grid or overlapping
 * an earlier room, then up to 8 drawn exit walls and positions for the next room). The longest
 * chain so far is kept. Walls are drawn room by room, each room after the first getting an entry
 * door of a drawn colour different from the previous door's; the agent is placed in the first room
 * and the goal in the last. Does not see through walls; mission "traverse the rooms to get to the
 * goal".
 */
public final class MultiRoom extends MiniGridEnv {

    public static final String ID_N4_S5 = "MiniGrid-MultiRoom-N4-S5-v0";
    public static final String MISSION = "traverse the rooms to get to the goal";

    private record Room(int topX, int topY, int sizeX, int sizeY, int entryX, int entryY) {
    }

    private final int minNumRooms;
    private final int maxNumRooms;
    private final int maxRoomSize;

    /** {@code MiniGrid-MultiRoom-N4-S5-v0}: 6 rooms of size 4 to 5 (see the class comment). */
    public MultiRoom() {
        this(ID_N4_S5, 6, 6, 5);
    }

    /** MultiRoom on a 25×25 grid. */
    public MultiRoom(String id, int minNumRooms, int maxNumRooms, int maxRoomSize) {
        super(id, 25, 25, maxNumRooms * 20, false, MISSION);
        if (minNumRooms <= 0 || maxNumRooms < minNumRooms || maxRoomSize < 4) {
            throw new IllegalArgumentException(id + ": need 0 < minNumRooms <= maxNumRooms and maxRoomSize >= 4, got "
                    + minNumRooms + ", " + maxNumRooms + ", " + maxRoomSize);
        }
        this.minNumRooms = minNumRooms;
        this.maxNumRooms = maxNumRooms;
        this.maxRoomSize = maxRoomSize;
    }

    @Override
    protected void genGrid(int width, int height) {
        List<Room> roomList = new ArrayList<>();
        int numRooms = randInt(minNumRooms, maxNumRooms + 1);
        while (roomList.size() < numRooms) {
            List<Room> curRoomList = new ArrayList<>();
            int entryX = randInt(0, width - 2);
            int entryY = randInt(0, width - 2); // MiniGrid draws both coordinates below width - 2
            placeRoom(numRooms, curRoomList, 4, maxRoomSize, 2, entryX, entryY);
            if (curRoomList.size() > roomList.size()) {
                roomList = curRoomList;
            }
        }
        grid = new Grid(width, height);
        int wall = WorldObject.wall().code();
        Color prevDoorColor = null;
        for (int idx = 0; idx < roomList.size(); idx++) {
            Room room = roomList.get(idx);
            for (int i = 0; i < room.sizeX(); i++) {
                grid.set(room.topX() + i, room.topY(), wall);
                grid.set(room.topX() + i, room.topY() + room.sizeY() - 1, wall);
            }
            for (int j = 0; j < room.sizeY(); j++) {
                grid.set(room.topX(), room.topY() + j, wall);
                grid.set(room.topX() + room.sizeX() - 1, room.topY() + j, wall);
            }
            if (idx > 0) {
                List<Color> doorColors = new ArrayList<>(Color.NAMES_SORTED);
                doorColors.remove(prevDoorColor);
                Color doorColor = randElem(doorColors);
                grid.set(room.entryX(), room.entryY(), WorldObject.door(doorColor, false, false).code());
                prevDoorColor = doorColor;
            }
        }
        Room first = roomList.get(0);
        Room last = roomList.get(roomList.size() - 1);
        placeAgent(first.topX(), first.topY(), first.sizeX(), first.sizeY(), true, Integer.MAX_VALUE);
        placeObj(WorldObject.goal().code(), last.topX(), last.topY(), last.sizeX(), last.sizeY(), null,
                Integer.MAX_VALUE);
        mission = MISSION;
    }

    /** {@code _placeRoom}: appends a room (and recursively its successors) or returns false. */
    private boolean placeRoom(int numLeft, List<Room> roomList, int minSz, int maxSz, int entryDoorWall, int entryX,
            int entryY) {
        int sizeX = randInt(minSz, maxSz + 1);
        int sizeY = randInt(minSz, maxSz + 1);
        int topX;
        int topY;
        if (roomList.isEmpty()) {
            topX = entryX;
            topY = entryY;
        } else if (entryDoorWall == 0) {
            topX = entryX - sizeX + 1;
            topY = randInt(entryY - sizeY + 2, entryY);
        } else if (entryDoorWall == 1) {
            topX = randInt(entryX - sizeX + 2, entryX);
            topY = entryY - sizeY + 1;
        } else if (entryDoorWall == 2) {
            topX = entryX;
            topY = randInt(entryY - sizeY + 2, entryY);
        } else {
            topX = randInt(entryX - sizeX + 2, entryX);
            topY = entryY;
        }
        if (topX < 0 || topY < 0) {
            return false;
        }
        if (topX + sizeX > width() || topY + sizeY >= height()) {
            return false;
        }
        for (Room room : roomList.subList(0, Math.max(0, roomList.size() - 1))) {
            boolean nonOverlap = topX + sizeX < room.topX() || room.topX() + room.sizeX() <= topX
                    || topY + sizeY < room.topY() || room.topY() + room.sizeY() <= topY;
            if (!nonOverlap) {
                return false;
            }
        }
        roomList.add(new Room(topX, topY, sizeX, sizeY, entryX, entryY));
        if (numLeft == 1) {
            return true;
        }
        for (int attempt = 0; attempt < 8; attempt++) {
            List<Integer> walls = new ArrayList<>(List.of(0, 1, 2, 3));
            walls.remove(Integer.valueOf(entryDoorWall));
            int exitDoorWall = randElem(walls);
            int nextEntryWall = (exitDoorWall + 2) % 4;
            int exitX;
            int exitY;
            if (exitDoorWall == 0) {
                exitX = topX + sizeX - 1;
                exitY = topY + randInt(1, sizeY - 1);
            } else if (exitDoorWall == 1) {
                exitX = topX + randInt(1, sizeX - 1);
                exitY = topY + sizeY - 1;
            } else if (exitDoorWall == 2) {
                exitX = topX;
                exitY = topY + randInt(1, sizeY - 1);
            } else {
                exitX = topX + randInt(1, sizeX - 1);
                exitY = topY;
            }
            if (placeRoom(numLeft - 1, roomList, minSz, maxSz, nextEntryWall, exitX, exitY)) {
                break;
            }
        }
        return true;
    }
}
