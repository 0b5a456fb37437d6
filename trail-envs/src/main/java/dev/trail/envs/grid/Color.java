package dev.trail.envs.grid;

import java.util.List;

/**
 * MiniGrid's six colours with their encoding index ({@code COLOR_TO_IDX}), channel 1 of an
 * observation cell. {@link #NAMES_SORTED} is MiniGrid's {@code COLOR_NAMES}: the names in
 * alphabetical order, the list {@code _rand_color()} indexes (not the index order).
 */
public enum Color {
    RED, GREEN, BLUE, PURPLE, YELLOW, GREY;

    private static final Color[] BY_INDEX = values();

    /** {@code COLOR_NAMES = sorted(COLORS)}: blue, green, grey, purple, red, yellow. */
    public static final List<Color> NAMES_SORTED = List.of(BLUE, GREEN, GREY, PURPLE, RED, YELLOW);

    /** The encoding index. */
    public int index() {
        return ordinal();
    }

    /** MiniGrid's name of the colour ({@code "red"}, ...). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The colour with encoding index {@code index}. */
    public static Color ofIndex(int index) {
        if (index < 0 || index >= BY_INDEX.length) {
            throw new IllegalArgumentException("colour index must be in 0..5, got " + index);
        }
        return BY_INDEX[index];
    }
}
