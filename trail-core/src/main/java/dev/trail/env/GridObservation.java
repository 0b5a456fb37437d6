package dev.trail.env;

/**
 * Marks an environment whose flat observation is MiniGrid's: the 7×7×3 egocentric image of
 * integer codes in NumPy's C order, {@code index = (vx * 7 + vy) * 3 + channel}, channel 0 the
 * object index ({@code 0..10}), 1 the colour ({@code 0..5}), 2 the state ({@code 0..2}), followed
 * by the agent's direction ({@code 0..3}) at index 147: 148 floats in all.
 *
 * <p>Learners read it to pick a convolutional encoder for such observations
 * ({@code dev.trail.nn.GridCnn}) instead of an MLP over the raw codes; the environment's
 * semantics do not depend on it.
 */
public interface GridObservation {

    /** Side of the square view (MiniGrid's {@code agent_view_size}). */
    int VIEW_SIZE = 7;
    /** Values per cell: object, colour, state. */
    int CELL_CHANNELS = 3;
    /** Number of values of each cell channel: 11 object types, 6 colours, 3 door states. */
    int[] CHANNEL_VALUES = {11, 6, 3};
    /** Number of agent directions. */
    int DIRECTIONS = 4;
    /** Length of the flat observation: the image, then the direction. */
    int SIZE = VIEW_SIZE * VIEW_SIZE * CELL_CHANNELS + 1;
}
