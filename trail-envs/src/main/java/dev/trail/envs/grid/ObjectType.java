package dev.trail.envs.grid;

/**
 * MiniGrid's object types with their encoding index ({@code OBJECT_TO_IDX} in
 * {@code minigrid/core/constants.py}). {@code UNSEEN} (0) marks a cell the agent cannot see,
 * {@code EMPTY} (1) a visible cell without an object, {@code AGENT} (10) is never written into
 * observations by the built-in environments.
 */
public enum ObjectType {
    UNSEEN(0), EMPTY(1), WALL(2), FLOOR(3), DOOR(4), KEY(5), BALL(6), BOX(7), GOAL(8), LAVA(9), AGENT(10);

    private static final ObjectType[] BY_INDEX = values();

    private final int index;

    ObjectType(int index) {
        this.index = index;
    }

    /** The encoding index, channel 0 of an observation cell. */
    public int index() {
        return index;
    }

    /** MiniGrid's name of the type ({@code "wall"}, {@code "door"}, ...). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type with encoding index {@code index}. */
    public static ObjectType ofIndex(int index) {
        if (index < 0 || index >= BY_INDEX.length) {
            throw new IllegalArgumentException("object type index must be in 0..10, got " + index);
        }
        return BY_INDEX[index];
    }
}
