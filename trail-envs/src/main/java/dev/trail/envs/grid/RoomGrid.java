package dev.trail.envs.grid;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * MiniGrid's {@code RoomGrid} ({@code minigrid/core/roomgrid.py}): {@code numRows × numCols}
 * square rooms of side {@code roomSize} sharing their walls, with the helpers that add doors and
 * objects, knock walls down, place the agent and connect every room, drawing from NumPy's
 * generator in MiniGrid's order. Never sees through walls.
 */
abstract class RoomGrid extends MiniGridEnv {

    /** A door slot of a room: nothing, a door, or a wall knocked down ({@code doors[k]} is None, a Door, True). */
    static final int NO_OPENING = 0;
    static final int DOOR = 1;
    static final int REMOVED_WALL = 2;

    /** MiniGrid's {@code Room}. */
    static final class Room {
        final int topX;
        final int topY;
        final int sizeX;
        final int sizeY;
        final int[] doors = new int[4];
        final Point[] doorPos = new Point[4];
        final Room[] neighbors = new Room[4];
        boolean locked;

        Room(int topX, int topY, int sizeX, int sizeY) {
            this.topX = topX;
            this.topY = topY;
            this.sizeX = sizeX;
            this.sizeY = sizeY;
        }
    }

    /** An object put into the grid: its code and where. */
    record Placed(int code, int x, int y) {
    }

    private static final List<ObjectType> OBJECT_KINDS = List.of(ObjectType.KEY, ObjectType.BALL, ObjectType.BOX);

    final int roomSize;
    final int numRows;
    final int numCols;
    Room[][] roomGrid;

    RoomGrid(String id, int roomSize, int numRows, int numCols, int maxSteps, String mission) {
        super(id, (roomSize - 1) * numCols + 1, (roomSize - 1) * numRows + 1, maxSteps, false, mission);
        if (roomSize < 3 || numRows < 1 || numCols < 1) {
            throw new IllegalArgumentException(id + ": room size >= 3 and at least one row and column, got room size "
                    + roomSize + ", " + numRows + " rows, " + numCols + " columns");
        }
        this.roomSize = roomSize;
        this.numRows = numRows;
        this.numCols = numCols;
    }

    Room roomFromPos(int x, int y) {
        return getRoom(x / (roomSize - 1), y / (roomSize - 1));
    }

    Room getRoom(int i, int j) {
        if (i < 0 || i >= numCols || j < 0 || j >= numRows) {
            throw new IllegalArgumentException(id() + ": no room (" + i + ", " + j + ") in " + numCols + " columns x "
                    + numRows + " rows");
        }
        return roomGrid[j][i];
    }

    /** RoomGrid's {@code _gen_grid}: the rooms' walls, their door positions, the agent in the middle room facing right. */
    @Override
    protected void genGrid(int width, int height) {
        grid = new Grid(width, height);
        roomGrid = new Room[numRows][numCols];
        for (int j = 0; j < numRows; j++) {
            for (int i = 0; i < numCols; i++) {
                Room room = new Room(i * (roomSize - 1), j * (roomSize - 1), roomSize, roomSize);
                roomGrid[j][i] = room;
                grid.wallRect(room.topX, room.topY, room.sizeX, room.sizeY);
            }
        }
        for (int j = 0; j < numRows; j++) {
            for (int i = 0; i < numCols; i++) {
                Room room = roomGrid[j][i];
                int xL = room.topX + 1;
                int yL = room.topY + 1;
                int xM = room.topX + room.sizeX - 1;
                int yM = room.topY + room.sizeY - 1;
                if (i < numCols - 1) {
                    room.neighbors[0] = roomGrid[j][i + 1];
                    room.doorPos[0] = new Point(xM, randInt(yL, yM));
                }
                if (j < numRows - 1) {
                    room.neighbors[1] = roomGrid[j + 1][i];
                    room.doorPos[1] = new Point(randInt(xL, xM), yM);
                }
                if (i > 0) {
                    room.neighbors[2] = roomGrid[j][i - 1];
                    room.doorPos[2] = room.neighbors[2].doorPos[0];
                }
                if (j > 0) {
                    room.neighbors[3] = roomGrid[j - 1][i];
                    room.doorPos[3] = room.neighbors[3].doorPos[1];
                }
            }
        }
        agentX = (numCols / 2) * (roomSize - 1) + roomSize / 2;
        agentY = (numRows / 2) * (roomSize - 1) + roomSize / 2;
        agentDir = 0;
    }

    /** {@code reject_next_to}: cells at Manhattan distance below 2 from the agent. */
    private boolean nextToAgent(int x, int y) {
        return Math.abs(agentX - x) + Math.abs(agentY - y) < 2;
    }

    /** {@code place_in_room(i, j, obj)}. */
    Placed placeInRoom(int i, int j, int code) {
        Room room = getRoom(i, j);
        Point p = placeObj(code, room.topX, room.topY, room.sizeX, room.sizeY, this::nextToAgent, 1000);
        return new Placed(code, p.x(), p.y());
    }

    /** {@code add_object(i, j, kind, color)}; a null kind or colour is drawn (kind first). */
    Placed addObject(int i, int j, ObjectType kind, Color color) {
        if (kind == null) {
            kind = randElem(OBJECT_KINDS);
        }
        if (color == null) {
            color = randColor();
        }
        WorldObject obj = switch (kind) {
            case KEY -> WorldObject.key(color);
            case BALL -> WorldObject.ball(color);
            case BOX -> WorldObject.box(color, null);
            default -> throw new IllegalArgumentException("add_object places a key, ball or box, got " + kind);
        };
        return placeInRoom(i, j, obj.code());
    }

    /**
     * {@code add_door(i, j, door_idx, color, locked)}; null arguments are drawn in that order
     * (the door slot until a free one with a neighbour, then the colour, then locked).
     */
    Placed addDoor(int i, int j, Integer doorIdx, Color color, Boolean locked) {
        Room room = getRoom(i, j);
        if (doorIdx == null) {
            while (true) {
                doorIdx = randInt(0, 4);
                if (room.neighbors[doorIdx] != null && room.doors[doorIdx] == NO_OPENING) {
                    break;
                }
            }
        }
        if (color == null) {
            color = randColor();
        }
        if (locked == null) {
            locked = randBool();
        }
        if (room.doors[doorIdx] != NO_OPENING) {
            throw new IllegalStateException(id() + ": room (" + i + ", " + j + ") already has a door on side " + doorIdx);
        }
        room.locked = locked;
        int code = WorldObject.door(color, false, locked).code();
        Point pos = room.doorPos[doorIdx];
        grid.set(pos.x(), pos.y(), code);
        Room neighbor = room.neighbors[doorIdx];
        room.doors[doorIdx] = DOOR;
        neighbor.doors[(doorIdx + 2) % 4] = DOOR;
        return new Placed(code, pos.x(), pos.y());
    }

    /** {@code remove_wall(i, j, wall_idx)}: clears the wall between a room and its neighbour. */
    void removeWall(int i, int j, int wallIdx) {
        Room room = getRoom(i, j);
        if (room.doors[wallIdx] != NO_OPENING || room.neighbors[wallIdx] == null) {
            throw new IllegalStateException(id() + ": cannot remove wall " + wallIdx + " of room (" + i + ", " + j + ")");
        }
        int tx = room.topX;
        int ty = room.topY;
        int w = room.sizeX;
        int h = room.sizeY;
        switch (wallIdx) {
            case 0 -> {
                for (int k = 1; k < h - 1; k++) {
                    grid.set(tx + w - 1, ty + k, 0);
                }
            }
            case 1 -> {
                for (int k = 1; k < w - 1; k++) {
                    grid.set(tx + k, ty + h - 1, 0);
                }
            }
            case 2 -> {
                for (int k = 1; k < h - 1; k++) {
                    grid.set(tx, ty + k, 0);
                }
            }
            default -> {
                for (int k = 1; k < w - 1; k++) {
                    grid.set(tx + k, ty, 0);
                }
            }
        }
        room.doors[wallIdx] = REMOVED_WALL;
        room.neighbors[wallIdx].doors[(wallIdx + 2) % 4] = REMOVED_WALL;
    }

    /**
     * RoomGrid's {@code place_agent(i, j)}: a null room index is drawn (column first); then a
     * position and direction are drawn again until the cell in front is empty or a wall.
     */
    void placeAgentInRoom(Integer i, Integer j) {
        if (i == null) {
            i = randInt(0, numCols);
        }
        if (j == null) {
            j = randInt(0, numRows);
        }
        Room room = roomGrid[j][i];
        while (true) {
            placeAgent(room.topX, room.topY, room.sizeX, room.sizeY, true, 1000);
            int front = grid.get(agentX + DX[agentDir], agentY + DY[agentDir]);
            if (front == 0 || WorldObject.type(front) == ObjectType.WALL.index()) {
                break;
            }
        }
    }

    /**
     * {@code connect_all(door_colors=COLOR_NAMES)}: while some room is unreachable from the
     * agent's, draw a room (column, row) and a side, and add an unlocked door of a drawn colour
     * there unless the slot is taken or either room is locked.
     */
    void connectAll() {
        Room start = roomFromPos(agentX, agentY);
        int maxItrs = 5000;
        int itrs = 0;
        while (true) {
            if (itrs > maxItrs) {
                throw new IllegalStateException(id() + ": connect_all failed after " + itrs + " iterations");
            }
            itrs++;
            if (reachable(start) == numRows * numCols) {
                break;
            }
            int i = randInt(0, numCols);
            int j = randInt(0, numRows);
            int k = randInt(0, 4);
            Room room = getRoom(i, j);
            if (room.doorPos[k] == null || room.doors[k] != NO_OPENING) {
                continue;
            }
            if (room.locked || room.neighbors[k].locked) {
                continue;
            }
            Color color = randElem(Color.NAMES_SORTED);
            addDoor(i, j, k, color, false);
        }
    }

    private static int reachable(Room start) {
        Set<Room> reach = new HashSet<>();
        Deque<Room> stack = new ArrayDeque<>();
        stack.push(start);
        while (!stack.isEmpty()) {
            Room room = stack.pop();
            if (!reach.add(room)) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                if (room.doors[k] != NO_OPENING) {
                    stack.push(room.neighbors[k]);
                }
            }
        }
        return reach.size();
    }
}
