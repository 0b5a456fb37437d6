package dev.trail.envs.grid;

/**
 * An object in a grid cell, as MiniGrid's {@code WorldObj} subclasses ({@code
 * minigrid/core/world_object.py}): its type, colour, door state and, for a box, its contents.
 *
 * <pre>
 * | type  | default colour | agent can overlap  | can pick up | blocks the view     | toggle                      |
 * |-------|----------------|--------------------|-------------|---------------------|-----------------------------|
 * | wall  | grey           | no                 | no          | yes                 | -                           |
 * | floor | blue           | yes                | no          | no                  | -                           |
 * | door  | (given)        | when open          | no          | unless open         | see below                   |
 * | key   | blue           | no                 | yes         | no                  | -                           |
 * | ball  | blue           | no                 | yes         | no                  | -                           |
 * | box   | (given)        | no                 | yes         | no                  | replaced by its contents    |
 * | goal  | green          | yes (terminates)   | no          | no                  | -                           |
 * | lava  | red            | yes (terminates)   | no          | no                  | -                           |
 * </pre>
 *
 * A door is open (state 0), closed (1) or locked (2). Toggling a locked door opens it only when
 * the agent carries a key of the door's colour; toggling an unlocked door flips open/closed.
 *
 * <p>Inside the environments a cell is one packed {@code int} (0 for no object), see
 * {@link #code()}; this record is the readable view of it. {@code tagged} marks one object's
 * identity where an environment needs it (KeyCorridor's target ball).
 *
 * @param type the object type, never {@code UNSEEN}, {@code EMPTY} or {@code AGENT}
 * @param color its colour
 * @param state 0 (open), 1 (closed) or 2 (locked) for a door, 0 for everything else
 * @param contains a box's contents (which cannot itself hold something), or null
 * @param tagged whether this is the object an environment watches
 */
public record WorldObject(ObjectType type, Color color, int state, WorldObject contains, boolean tagged) {

    static final int TYPE_MASK = 0xf;
    static final int COLOR_SHIFT = 4;
    static final int STATE_SHIFT = 8;
    static final int TAG = 1 << 12;
    static final int CONTENTS_SHIFT = 16;
    /** The packed bits of an object without contents. */
    static final int OWN_BITS = 0x1fff;

    static final int OPEN = 0;
    static final int CLOSED = 1;
    static final int LOCKED = 2;

    /** The code of the grey wall {@code Grid.slice} puts outside the grid. */
    static final int WALL_CODE = ObjectType.WALL.index() | Color.GREY.index() << COLOR_SHIFT;

    public WorldObject {
        if (type == null || type == ObjectType.UNSEEN || type == ObjectType.EMPTY || type == ObjectType.AGENT) {
            throw new IllegalArgumentException("a world object is a wall, floor, door, key, ball, box, goal or lava, got "
                    + type);
        }
        if (color == null) {
            throw new IllegalArgumentException("a " + type.id() + " needs a colour");
        }
        if (type == ObjectType.DOOR ? (state < 0 || state > 2) : state != 0) {
            throw new IllegalArgumentException("state must be 0 (open), 1 (closed) or 2 (locked) for a door and 0 for a "
                    + type.id() + ", got " + state);
        }
        if (contains != null && (type != ObjectType.BOX || contains.contains() != null)) {
            throw new IllegalArgumentException("only a box holds an object, and what it holds cannot hold another; got a "
                    + type.id() + " holding " + contains);
        }
    }

    public static WorldObject wall() {
        return new WorldObject(ObjectType.WALL, Color.GREY, 0, null, false);
    }

    public static WorldObject floor(Color color) {
        return new WorldObject(ObjectType.FLOOR, color, 0, null, false);
    }

    /** A door: open, closed, or locked (a locked door is closed). */
    public static WorldObject door(Color color, boolean open, boolean locked) {
        if (open && locked) {
            throw new IllegalArgumentException("a door cannot be open and locked at once (" + color.id() + " door)");
        }
        return new WorldObject(ObjectType.DOOR, color, open ? OPEN : locked ? LOCKED : CLOSED, null, false);
    }

    public static WorldObject key(Color color) {
        return new WorldObject(ObjectType.KEY, color, 0, null, false);
    }

    public static WorldObject ball(Color color) {
        return new WorldObject(ObjectType.BALL, color, 0, null, false);
    }

    /** A box holding {@code contains} (null for an empty box). */
    public static WorldObject box(Color color, WorldObject contains) {
        return new WorldObject(ObjectType.BOX, color, 0, contains, false);
    }

    public static WorldObject goal() {
        return new WorldObject(ObjectType.GOAL, Color.GREEN, 0, null, false);
    }

    public static WorldObject lava() {
        return new WorldObject(ObjectType.LAVA, Color.RED, 0, null, false);
    }

    /** MiniGrid's {@code encode()}: {@code [type index, colour index, state]}. */
    public int[] encode() {
        return new int[] {type.index(), color.index(), state};
    }

    /**
     * The packed cell code: bits 0-3 type index, 4-6 colour index, 8-9 state, 12 the tag,
     * 16-28 the contents' own code; 0 means no object.
     */
    public int code() {
        int code = type.index() | color.index() << COLOR_SHIFT | state << STATE_SHIFT | (tagged ? TAG : 0);
        return contains == null ? code : code | contains.code() << CONTENTS_SHIFT;
    }

    /** The object of a packed cell code, or null for 0. */
    public static WorldObject decode(int code) {
        if (code == 0) {
            return null;
        }
        int own = code & OWN_BITS;
        WorldObject contents = decode(code >>> CONTENTS_SHIFT);
        return new WorldObject(ObjectType.ofIndex(own & TYPE_MASK), Color.ofIndex(own >>> COLOR_SHIFT & 7),
                own >>> STATE_SHIFT & 3, contents, (own & TAG) != 0);
    }

    // ---- behaviour on packed codes (the hot path) -----------------------------------------------

    static int type(int code) {
        return code & TYPE_MASK;
    }

    static int color(int code) {
        return code >>> COLOR_SHIFT & 7;
    }

    static int state(int code) {
        return code >>> STATE_SHIFT & 3;
    }

    /** {@code can_overlap()} of a non-empty cell. */
    static boolean canOverlap(int code) {
        int t = code & TYPE_MASK;
        return t == 3 || t == 8 || t == 9 || (t == 4 && state(code) == OPEN);
    }

    /** {@code can_pickup()} of a non-empty cell. */
    static boolean canPickup(int code) {
        int t = code & TYPE_MASK;
        return t == 5 || t == 6 || t == 7;
    }

    /** {@code see_behind()}: false for walls and for doors that are not open; empty cells see through. */
    static boolean seeBehind(int code) {
        int t = code & TYPE_MASK;
        return !(t == 2 || (t == 4 && state(code) != OPEN));
    }

    /** MiniGrid's encoding {@code [type, colour, state]} of a cell, {@code [1, 0, 0]} when empty. */
    static int encodeType(int code) {
        return code == 0 ? 1 : code & TYPE_MASK;
    }
}
