package dev.trail.envs.grid;

import dev.trail.env.ArrayEnv;
import dev.trail.seed.numpy.Generator;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A MiniGrid environment with MiniGrid v3.1.0's exact semantics ({@code minigrid/minigrid_env.py}):
 * a grid of {@linkplain WorldObject objects}, an agent with a position and one of four directions,
 * a partial egocentric view, and a procedural generator ({@link #genGrid}) that draws from NumPy's
 * generator in MiniGrid's order, so that {@code reset(seed)} builds the same grid as MiniGrid's
 * {@code reset(seed=seed)}.
 *
 * <h2>Action space</h2>
 * {@code Discrete(7)}: 0 turn left, 1 turn right, 2 forward, 3 pick up, 4 drop, 5 toggle, 6 done
 * (does nothing). Forward moves into an empty cell or one the agent can overlap (floor, goal, lava,
 * open door). Pick up takes the key, ball or box in front if the agent carries nothing. Drop puts
 * the carried object into the empty cell in front. Toggle opens or closes the door in front (a
 * locked door opens only with a key of its colour) or replaces the box in front by its contents.
 *
 * <h2>Observation space</h2>
 * {@code Box(148)} of float32 (the learner's view of MiniGrid's {@code obs} dictionary):
 * <ul>
 *   <li>{@code [0, 147)}: {@code obs["image"]}, the 7×7×3 egocentric view flattened in NumPy's
 *       C order, {@code index = (vx * 7 + vy) * 3 + channel}, where {@code vx} runs from the
 *       agent's left to its right, {@code vy} from far (0) to near (6); the agent is at
 *       {@code (3, 6)} facing {@code vy = 0}. A cell is {@code [object index, colour index, state]}
 *       ({@link ObjectType}, {@link Color}, door state 0 open / 1 closed / 2 locked); a cell it
 *       cannot see is {@code [0, 0, 0]}, an empty one {@code [1, 0, 0]}, cells outside the grid
 *       are grey walls, and the agent's own cell shows what it carries.
 *   <li>{@code [147]}: {@code obs["direction"]}, 0 right (+x), 1 down (+y), 2 left, 3 up.
 * </ul>
 * The box's bounds are 0..255 for all 148 values (MiniGrid's image bounds; the direction is below 4).
 * The mission string ({@code obs["mission"]}) is {@link #mission()}. Visibility: unless the
 * environment sees through walls, MiniGrid's {@code Grid.process_vis} runs over the view from the
 * agent's cell, walls and closed doors blocking it.
 *
 * <p>Speed: the view is not gathered cell by cell. Beside the grid the environment keeps, for each
 * direction, the world pre-encoded as floats in the view's rotation, see-through bit windows for
 * {@code process_vis} (tabulated per row), and (made on first use) strips from which a view is one
 * 147-float copy; on top of that, unless it sees through walls, a cache of the finished images of
 * up to 256 recent poses, dropped for every pose that sees a cell a step changes and at every reset. All of it gives exactly the
 * image MiniGrid gives. About 0.25 MB per environment for an 8×8 grid, 0.6 MB for 25×25; the system
 * property {@code trail.minigrid.cache=false} turns the image cache off (for measurements).
 *
 * <h2>Rewards</h2>
 * 0, except on success: {@code 1 - 0.9 * (step_count / max_steps)} in double precision (divided
 * first, as MiniGrid), {@code step_count} counting the successful step. Entering lava ends the
 * episode with 0.
 *
 * <h2>Start state</h2>
 * Drawn by the environment's generator from NumPy's {@code default_rng(seed)}; see each subclass.
 *
 * <h2>Episode end</h2>
 * Termination on success (reaching the goal, or the subclass's condition) or on entering lava;
 * truncation when {@code step_count >= max_steps} (both can hold on the same step).
 *
 * <h2>State</h2>
 * {@link #state()} / {@link #setState(double[])} (used by snapshots): {@code [agentX, agentY,
 * agentDir, carried object code, n, n extra values, then the W·H cell codes row by row]}, cell codes
 * as {@link WorldObject#code()}. Snapshots include NumPy's generator, so {@code reset()} after a
 * restore continues as the original would.
 */
public abstract class MiniGridEnv extends ArrayEnv<Integer> implements dev.trail.env.GridObservation {

    /** The side of the agent's square view. */
    public static final int VIEW_SIZE = 7;
    /** Floats of the flattened image. */
    public static final int IMAGE_SIZE = VIEW_SIZE * VIEW_SIZE * 3;
    /** Floats of one observation: the image, then the direction. */
    public static final int OBSERVATION_SIZE = IMAGE_SIZE + 1;

    public static final int LEFT = 0;
    public static final int RIGHT = 1;
    public static final int FORWARD = 2;
    public static final int PICKUP = 3;
    public static final int DROP = 4;
    public static final int TOGGLE = 5;
    public static final int DONE = 6;

    /** {@code DIR_TO_VEC}: right, down, left, up. */
    static final int[] DX = {1, 0, -1, 0};
    static final int[] DY = {0, 1, 0, -1};

    private static final Discrete ACTION_SPACE = new Discrete(7);
    /** Uniform bounds 0..255 (MiniGrid's image box); the direction, below 4, fits them too. */
    private static final Box OBSERVATION_SPACE = Box.uniform(0f, 255f, OBSERVATION_SIZE);

    /** A position in the grid. */
    public record Point(int x, int y) {
    }

    /** A {@code reject_fn} of {@code place_obj}. */
    @FunctionalInterface
    public interface Reject {
        boolean test(int x, int y);
    }

    private final String id;
    private final int width;
    private final int height;
    private final boolean seeThroughWalls;

    /** The world; rebuilt by {@link #genGrid}. */
    protected Grid grid;
    protected int agentX = -1;
    protected int agentY = -1;
    protected int agentDir = -1;
    /** The carried object's code, 0 for none. */
    protected int carrying;
    protected String mission;

    private Generator npRandom;
    private List<long[]> draws;

    /** The observation's caches beside {@link #grid}. */
    private final EgoView ego;

    /**
     * @param id the registry id
     * @param width grid width
     * @param height grid height
     * @param maxSteps MiniGrid's {@code max_steps}: the step that reaches it is truncated
     * @param seeThroughWalls whether the view skips {@code process_vis}
     * @param mission the mission before the first reset
     */
    protected MiniGridEnv(String id, int width, int height, int maxSteps, boolean seeThroughWalls, String mission) {
        super(maxSteps, Seeding.NUMPY);
        if (maxSteps <= 0) {
            throw new IllegalArgumentException(id + ": max_steps must be > 0, got " + maxSteps);
        }
        this.id = id;
        this.width = width;
        this.height = height;
        this.seeThroughWalls = seeThroughWalls;
        this.grid = new Grid(width, height);
        this.mission = mission;
        this.ego = new EgoView(width, height);
    }

    /**
     * Builds the world for a new episode ({@code _gen_grid}): {@link #grid}, the agent's pose and
     * the {@link #mission}, drawing only through the {@code rand*} and {@code place*} helpers.
     */
    protected abstract void genGrid(int width, int height);

    @Override
    protected final void resetState(Generator generator) {
        npRandom = generator;
        if (draws != null) {
            draws.clear();
        }
        agentX = -1;
        agentY = -1;
        agentDir = -1;
        genGrid(width, height);
        if (agentX < 0 || agentY < 0 || agentDir < 0 || agentDir > 3) {
            throw new IllegalStateException(id + ": the generator left the agent at (" + agentX + ", " + agentY
                    + ") facing " + agentDir);
        }
        int start = grid.get(agentX, agentY);
        if (start != 0 && !WorldObject.canOverlap(start)) {
            throw new IllegalStateException(id + ": the agent starts on " + WorldObject.decode(start));
        }
        carrying = 0;
    }

    // ---- dynamics ---------------------------------------------------------------------------------

    @Override
    protected final double advance(int action) {
        int stepCount = elapsedSteps() + 1;
        double reward = 0;
        int fx = agentX + DX[agentDir];
        int fy = agentY + DY[agentDir];
        int fwd = grid.get(fx, fy);
        switch (action) {
            case LEFT -> agentDir = (agentDir + 3) & 3;
            case RIGHT -> agentDir = (agentDir + 1) & 3;
            case FORWARD -> {
                if (fwd == 0 || WorldObject.canOverlap(fwd)) {
                    agentX = fx;
                    agentY = fy;
                }
                int type = WorldObject.type(fwd);
                if (fwd != 0 && type == 8) { // goal
                    terminal = true;
                    reward = successReward(stepCount);
                }
                if (fwd != 0 && type == 9) { // lava
                    terminal = true;
                }
            }
            case PICKUP -> {
                if (fwd != 0 && WorldObject.canPickup(fwd) && carrying == 0) {
                    carrying = fwd;
                    ego.set(grid, fx, fy, 0);
                }
            }
            case DROP -> {
                if (fwd == 0 && carrying != 0) {
                    ego.set(grid, fx, fy, carrying);
                    carrying = 0;
                }
            }
            case TOGGLE -> {
                if (fwd != 0) {
                    toggle(fx, fy, fwd);
                }
            }
            default -> {
                // DONE: nothing happens
            }
        }
        return afterStep(action, reward, stepCount);
    }

    private void toggle(int x, int y, int code) {
        int type = WorldObject.type(code);
        if (type == 4) { // door
            int state = WorldObject.state(code);
            int newState;
            if (state == WorldObject.LOCKED) {
                boolean rightKey = carrying != 0 && WorldObject.type(carrying) == 5
                        && WorldObject.color(carrying) == WorldObject.color(code);
                if (!rightKey) {
                    return;
                }
                newState = WorldObject.OPEN;
            } else {
                newState = state == WorldObject.OPEN ? WorldObject.CLOSED : WorldObject.OPEN;
            }
            ego.set(grid, x, y, (code & ~(3 << WorldObject.STATE_SHIFT)) | newState << WorldObject.STATE_SHIFT);
        } else if (type == 7) { // box: replaced by its contents
            ego.set(grid, x, y, code >>> WorldObject.CONTENTS_SHIFT);
        }
    }

    /**
     * A subclass's change to the outcome of a step (MiniGrid's overridden {@code step}); may set
     * {@link #terminal}. The default keeps {@code reward}.
     */
    protected double afterStep(int action, double reward, int stepCount) {
        return reward;
    }

    /** {@code _reward()}: {@code 1 - 0.9 * (step_count / max_steps)}, the division first. */
    protected final double successReward(int stepCount) {
        return 1 - 0.9 * ((double) stepCount / maxEpisodeSteps());
    }

    // ---- observation --------------------------------------------------------------------------------

    @Override
    protected final void observe(float[] out, int offset) {
        ego.observe(grid, agentX, agentY, agentDir, carrying, seeThroughWalls, out, offset);
        out[offset + IMAGE_SIZE] = agentDir;
    }

    /** {@link #observe} bypassing the cache of finished images (for tests). */
    final void observeUncached(float[] out, int offset) {
        ego.observeUncached(grid, agentX, agentY, agentDir, carrying, seeThroughWalls, out, offset);
        out[offset + IMAGE_SIZE] = agentDir;
    }

    /**
     * {@link #processVis} on bit masks, the same result: given in {@code rows[vy]} bit {@code vx}
     * set when view cell {@code (vx, vy)} lets the view through, it leaves there bit {@code vx}
     * set when the cell is visible. Within a row, MiniGrid's left-to-right pass
     * spreads visibility rightwards through see-through cells (an occluded fill over the row's
     * transparency bits), then the right-to-left pass leftwards; each see-through visible cell
     * also lights the cell above it and the one diagonally ahead in the pass's direction.
     */
    static void visibleRows(int[] rows) {
        int mask = 1 << (VIEW_SIZE / 2); // the agent's cell in row n - 1
        for (int j = VIEW_SIZE - 1; j >= 0; j--) {
            int step = rowStep(mask, rows[j]);
            rows[j] = step & 0x7f;
            mask = step >>> VIEW_SIZE;
        }
    }

    /**
     * One row of {@link #visibleRows}: given the row's see-through bits {@code t} and the cells
     * {@code mask} the row below lit, {@code visible | above << 7}: the row's visible cells and
     * the cells it lights in the row above.
     */
    static int rowStep(int mask, int t) {
        final int n = VIEW_SIZE;
        // left to right: cells 0..n-2 pass visibility on to the right
        int pro = t & ((1 << (n - 1)) - 1);
        int gen = mask & pro;
        gen |= pro & (gen << 1);
        int pro2 = pro & (pro << 1);
        gen |= pro2 & (gen << 2);
        gen |= (pro2 & (pro2 << 2)) & (gen << 4);
        mask |= gen << 1;
        int above = gen | (gen << 1);
        // right to left: cells 1..n-1 pass visibility on to the left
        pro = t & ~1 & ((1 << n) - 1);
        gen = mask & pro;
        gen |= pro & (gen >>> 1);
        pro2 = pro & (pro >>> 1);
        gen |= pro2 & (gen >>> 2);
        gen |= (pro2 & (pro2 >>> 2)) & (gen >>> 4);
        mask |= gen >>> 1;
        above |= gen | (gen >>> 1);
        return (mask & 0x7f) | (above & 0x7f) << n;
    }

    /**
     * {@code Grid.process_vis(agent_pos=(3, 6))} on the 7×7 view, ported line by line (the
     * reference for {@link #visibleRows}, whose row step {@link EgoView} tabulates): visibility spreads from the
     * agent's cell row by row, from near to far, sideways and diagonally forward, through every
     * cell that does not block the view.
     */
    static void processVis(int[] view, boolean[] mask) {
        final int n = VIEW_SIZE;
        Arrays.fill(mask, false);
        mask[(n - 1) * n + n / 2] = true;
        for (int j = n - 1; j >= 0; j--) {
            for (int i = 0; i < n - 1; i++) {
                int k = j * n + i;
                if (!mask[k] || (view[k] != 0 && !WorldObject.seeBehind(view[k]))) {
                    continue;
                }
                mask[k + 1] = true;
                if (j > 0) {
                    mask[k + 1 - n] = true;
                    mask[k - n] = true;
                }
            }
            for (int i = n - 1; i >= 1; i--) {
                int k = j * n + i;
                if (!mask[k] || (view[k] != 0 && !WorldObject.seeBehind(view[k]))) {
                    continue;
                }
                mask[k - 1] = true;
                if (j > 0) {
                    mask[k - 1 - n] = true;
                    mask[k - n] = true;
                }
            }
        }
    }

    /** The current egocentric image, {@code [vx][vy][channel]} as MiniGrid's {@code obs["image"]}. */
    public int[][][] image() {
        float[] obs = new float[OBSERVATION_SIZE];
        observe(obs, 0);
        int[][][] image = new int[VIEW_SIZE][VIEW_SIZE][3];
        for (int vx = 0; vx < VIEW_SIZE; vx++) {
            for (int vy = 0; vy < VIEW_SIZE; vy++) {
                for (int c = 0; c < 3; c++) {
                    image[vx][vy][c] = (int) obs[(vx * VIEW_SIZE + vy) * 3 + c];
                }
            }
        }
        return image;
    }

    /**
     * The fully observable image of MiniGrid's {@code FullyObsWrapper}: {@code grid.encode()},
     * {@code [x][y][type, colour, state]}, with the agent's cell replaced by {@code [10 (agent),
     * 0 (red), agent_dir]}.
     */
    public int[][][] fullObservation() {
        int[][][] full = grid.encode();
        full[agentX][agentY] = new int[] {ObjectType.AGENT.index(), Color.RED.index(), agentDir};
        return full;
    }

    // ---- NumPy draws, as minigrid_env.py's helpers ----------------------------------------------------

    /** {@code _rand_int(low, high)}: {@code np_random.integers(low, high)}, {@code high} exclusive. */
    protected final int randInt(int low, int high) {
        if (npRandom == null) {
            throw new IllegalStateException(id + ": random draws happen only inside reset");
        }
        long value = npRandom.integers((long) low, (long) high);
        if (draws != null) {
            draws.add(new long[] {low, high, value});
        }
        return (int) value;
    }

    /** {@code _rand_bool()}: {@code integers(0, 2) == 0}. */
    protected final boolean randBool() {
        return randInt(0, 2) == 0;
    }

    /** {@code _rand_elem(seq)}: {@code seq[_rand_int(0, len(seq))]}. */
    protected final <T> T randElem(List<T> items) {
        return items.get(randInt(0, items.size()));
    }

    /** {@code _rand_color()}: an element of the alphabetical {@code COLOR_NAMES}. */
    protected final Color randColor() {
        return randElem(Color.NAMES_SORTED);
    }

    /** {@code put_obj(obj, x, y)}; {@code code} is a {@link WorldObject#code()}. */
    protected final void putObj(int code, int x, int y) {
        grid.set(x, y, code);
    }

    /** {@code place_obj(obj)} over the whole grid, without a rejection function or a try limit. */
    protected final Point placeObj(int code) {
        return placeObj(code, 0, 0, grid.width(), grid.height(), null, Integer.MAX_VALUE);
    }

    /**
     * {@code place_obj(obj, top, size, reject_fn, max_tries)}: rejection sampling of
     * {@code x = _rand_int(top.x, min(top.x + size.x, W))} then {@code y = ...}, refusing occupied
     * cells, the agent's cell and what {@code reject} refuses. {@code code} 0 places nothing.
     */
    protected final Point placeObj(int code, int topX, int topY, int sizeX, int sizeY, Reject reject, int maxTries) {
        topX = Math.max(topX, 0);
        topY = Math.max(topY, 0);
        int tries = 0;
        while (true) {
            if (tries > maxTries) {
                throw new IllegalStateException(id + ": rejection sampling failed in place_obj after " + tries
                        + " tries");
            }
            tries++;
            int x = randInt(topX, Math.min(topX + sizeX, grid.width()));
            int y = randInt(topY, Math.min(topY + sizeY, grid.height()));
            if (grid.get(x, y) != 0 || (x == agentX && y == agentY) || (reject != null && reject.test(x, y))) {
                continue;
            }
            grid.set(x, y, code);
            return new Point(x, y);
        }
    }

    /** {@code place_agent()} over the whole grid with a random direction. */
    protected final void placeAgent() {
        placeAgent(0, 0, grid.width(), grid.height(), true, Integer.MAX_VALUE);
    }

    /** {@code place_agent(top, size, rand_dir, max_tries)}. */
    protected final void placeAgent(int topX, int topY, int sizeX, int sizeY, boolean randDir, int maxTries) {
        agentX = -1;
        agentY = -1;
        Point p = placeObj(0, topX, topY, sizeX, sizeY, null, maxTries);
        agentX = p.x();
        agentY = p.y();
        if (randDir) {
            agentDir = randInt(0, 4);
        }
    }

    // ---- inspection --------------------------------------------------------------------------------

    /**
     * Records every NumPy draw of the following resets as {@code [low, high, result]} (for
     * comparison with MiniGrid's {@code reset_rng_calls}); off by default.
     */
    public final void recordDraws(boolean on) {
        draws = on ? new ArrayList<>() : null;
    }

    /** The draws of the last reset, if {@link #recordDraws} is on; otherwise empty. */
    public final List<long[]> draws() {
        return draws == null ? List.of() : draws.stream().map(long[]::clone).toList();
    }

    /** The mission string, {@code obs["mission"]}. */
    public final String mission() {
        return mission;
    }

    /** A copy of the world (the agent is not in it: its cell shows what lies under it). */
    public final Grid grid() {
        return grid.copy();
    }

    public final int agentX() {
        return agentX;
    }

    public final int agentY() {
        return agentY;
    }

    /** 0 right, 1 down, 2 left, 3 up. */
    public final int agentDir() {
        return agentDir;
    }

    /** The carried object, or null. */
    public final WorldObject carrying() {
        return WorldObject.decode(carrying);
    }

    public final int width() {
        return width;
    }

    public final int height() {
        return height;
    }

    /** Whether the view ignores occlusion. */
    public final boolean seeThroughWalls() {
        return seeThroughWalls;
    }

    // ---- ArrayEnv plumbing ------------------------------------------------------------------------------

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Discrete actionSpace() {
        return ACTION_SPACE;
    }

    @Override
    public final Box observationSpace() {
        return OBSERVATION_SPACE;
    }

    @Override
    public final int observationSize() {
        return OBSERVATION_SIZE;
    }

    @Override
    public final int actionSize() {
        return 1;
    }

    /** Environment-specific values the state must carry (an Unlock door's position, ...); none by default. */
    protected int[] extraState() {
        return new int[0];
    }

    /** Loads what {@link #extraState()} returned. */
    protected void loadExtraState(int[] extra) {
    }

    @Override
    public final double[] state() {
        int[] extra = extraState();
        int[] cells = grid.cells;
        double[] state = new double[5 + extra.length + cells.length];
        state[0] = agentX;
        state[1] = agentY;
        state[2] = agentDir;
        state[3] = carrying;
        state[4] = extra.length;
        for (int i = 0; i < extra.length; i++) {
            state[5 + i] = extra[i];
        }
        for (int i = 0; i < cells.length; i++) {
            state[5 + extra.length + i] = cells[i];
        }
        return state;
    }

    @Override
    protected final void loadState(double[] state) {
        int n = state == null || state.length < 5 ? -1 : (int) state[4];
        int expected = 5 + n + width * height;
        if (n < 0 || state.length != expected) {
            throw new IllegalArgumentException(id + " state is [agentX, agentY, agentDir, carrying, n, n extras, "
                    + width + "x" + height + " cell codes], expected " + (n < 0 ? "at least 5" : expected)
                    + " values, got " + (state == null ? "null" : state.length));
        }
        int x = (int) state[0];
        int y = (int) state[1];
        int dir = (int) state[2];
        if (x < 0 || x >= width || y < 0 || y >= height || dir < 0 || dir > 3) {
            throw new IllegalArgumentException(id + ": agent pose (" + x + ", " + y + ") facing " + dir
                    + " is outside the " + width + "x" + height + " grid or the directions 0..3");
        }
        int[] extra = new int[n];
        for (int i = 0; i < n; i++) {
            extra[i] = (int) state[5 + i];
        }
        Grid g = new Grid(width, height);
        for (int i = 0; i < g.cells.length; i++) {
            g.cells[i] = (int) state[5 + n + i];
        }
        grid = g;
        agentX = x;
        agentY = y;
        agentDir = dir;
        carrying = (int) state[3];
        loadExtraState(extra);
    }
}
