package dev.trail.envs.grid;

import java.util.Arrays;

/**
 * A {@code width × height} grid of cells, MiniGrid's {@code Grid}: cell {@code (x, y)} (x to the
 * right, y down) holds one object or nothing. Cells are stored as packed codes (see
 * {@link WorldObject#code()}), row-major ({@code y * width + x}) as MiniGrid does; the public
 * methods read and write {@link WorldObject}s.
 */
public final class Grid {

    private final int width;
    private final int height;
    final int[] cells;
    /** Incremented by every {@link #set(int, int, int)}: lets a cache tell whether the cells changed. */
    int version;

    /** An empty grid; MiniGrid requires both sides to be at least 3. */
    public Grid(int width, int height) {
        if (width < 3 || height < 3) {
            throw new IllegalArgumentException("a grid is at least 3x3, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.cells = new int[width * height];
    }

    private Grid(Grid other) {
        this.width = other.width;
        this.height = other.height;
        this.cells = other.cells.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** An independent copy. */
    public Grid copy() {
        return new Grid(this);
    }

    /** The object at {@code (x, y)}, or null if the cell is empty. */
    public WorldObject object(int x, int y) {
        return WorldObject.decode(get(x, y));
    }

    /** Puts {@code object} (null to clear) at {@code (x, y)}. */
    public void set(int x, int y, WorldObject object) {
        set(x, y, object == null ? 0 : object.code());
    }

    int get(int x, int y) {
        check(x, y);
        return cells[y * width + x];
    }

    void set(int x, int y, int code) {
        check(x, y);
        cells[y * width + x] = code;
        version++;
    }

    boolean inside(int x, int y) {
        return x >= 0 && x < width && y >= 0 && y < height;
    }

    private void check(int x, int y) {
        if (!inside(x, y)) {
            throw new IndexOutOfBoundsException("cell (" + x + ", " + y + ") is outside the " + width + "x" + height
                    + " grid");
        }
    }

    /** {@code horz_wall(x, y, length, obj_type)}: {@code length} copies of {@code code} rightwards. */
    void horzWall(int x, int y, int length, int code) {
        for (int i = 0; i < length; i++) {
            set(x + i, y, code);
        }
    }

    /** {@code vert_wall(x, y, length, obj_type)}: {@code length} copies of {@code code} downwards. */
    void vertWall(int x, int y, int length, int code) {
        for (int j = 0; j < length; j++) {
            set(x, y + j, code);
        }
    }

    /** {@code horz_wall(x, y)}: grey walls from {@code x} to the right edge. */
    public void horzWall(int x, int y) {
        horzWall(x, y, width - x, WorldObject.WALL_CODE);
    }

    /** {@code vert_wall(x, y)}: grey walls from {@code y} to the bottom edge. */
    public void vertWall(int x, int y) {
        vertWall(x, y, height - y, WorldObject.WALL_CODE);
    }

    /** {@code wall_rect(x, y, w, h)}: the outline of a rectangle in grey walls, in MiniGrid's order. */
    public void wallRect(int x, int y, int w, int h) {
        horzWall(x, y, w, WorldObject.WALL_CODE);
        horzWall(x, y + h - 1, w, WorldObject.WALL_CODE);
        vertWall(x, y, h, WorldObject.WALL_CODE);
        vertWall(x + w - 1, y, h, WorldObject.WALL_CODE);
    }

    /**
     * MiniGrid's {@code grid.encode()}: {@code [x][y][type, colour, state]}, empty cells
     * {@code [1, 0, 0]}.
     */
    public int[][][] encode() {
        int[][][] out = new int[width][height][];
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                int c = cells[y * width + x];
                out[x][y] = new int[] {WorldObject.encodeType(c), WorldObject.color(c), WorldObject.state(c)};
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grid g && g.width == width && g.height == height && Arrays.equals(g.cells, cells);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(cells);
    }

    /** MiniGrid's {@code pprint_grid} letters without the agent: {@code W} wall, {@code D} door, ... */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                WorldObject o = object(x, y);
                if (o == null) {
                    b.append("  ");
                } else if (o.type() == ObjectType.DOOR) {
                    b.append(o.state() == WorldObject.OPEN ? "__"
                            : (o.state() == WorldObject.LOCKED ? "L" : "D") + o.color().id().substring(0, 1).toUpperCase());
                } else {
                    b.append("..WFDKABGV".charAt(o.type().index()))
                            .append(o.color().id().substring(0, 1).toUpperCase());
                }
            }
            if (y < height - 1) {
                b.append('\n');
            }
        }
        return b.toString();
    }
}
