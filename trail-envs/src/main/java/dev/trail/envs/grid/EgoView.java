package dev.trail.envs.grid;

/**
 * The egocentric observation of a {@link MiniGridEnv} from caches kept beside its {@link Grid}, so
 * that a step's observation is one 147-float copy plus the visibility mask, with no per-cell
 * decoding and no bounds tests, or a single copy of a cached finished image.
 *
 * <p>For each agent direction {@code d} the world is stored once more, rotated so that a column
 * {@code vx} of the view ({@code vy} from far to near, 7 cells of 3 floats) is 21 consecutive
 * floats: cell {@code (p, q)} of layout {@code d} holds MiniGrid's encoding {@code [type, colour,
 * state]} as floats, {@code p} running along the view's {@code vx} and {@code q} along its
 * {@code vy}. The layouts have a border of {@link #PAD} grey walls, what {@code Grid.slice} puts
 * outside the grid, so every view of an agent inside the grid lies within them. Beside each layout,
 * {@code windows[d][p * qn + q]} holds, in bit {@code i}, whether cell {@code (p + i, q)} lets the
 * view through ({@code see_behind}, or empty): the seven bits of one view row for the tabulated
 * {@link MiniGridEnv#rowStep}. From the layouts, strips (one per direction and far row
 * {@code q0}, made on first use) hold the columns of every {@code p} one after the other, so the
 * seven columns of a view are consecutive.
 *
 * <p>On top, unless the environment sees through walls, a direct-mapped cache of the finished
 * images of up to {@link #MAX_SLOTS} poses ({@code (y * width + x) * 4 + dir}); the agent's own cell
 * (what it carries) is written after each copy.
 *
 * <p>The caches follow the grid: {@link #set} updates the cells a step changes (and drops the cached
 * images of every pose whose 7×7 square holds the cell), and {@link #observe} rebuilds everything
 * when the grid was replaced or changed behind its back ({@link Grid#version}), e.g. by a new
 * episode's generator or a restored snapshot.
 */
final class EgoView {

    static final int N = MiniGridEnv.VIEW_SIZE;
    /** The wall border: the view reaches {@code N - 1} cells ahead and {@code N / 2} to the sides. */
    static final int PAD = N - 1;
    /** The floats of one view column. */
    private static final int COLUMN = 3 * N;
    /** The float offset of the agent's cell {@code (vx, vy) = (3, 6)} in the image. */
    private static final int AGENT_CELL = (N / 2 * N + N - 1) * 3;

    /** {@code [type, colour, state]} of the low 10 bits of a cell code, as floats; 0 encodes as empty. */
    private static final float[] ENCODING = new float[3 << 10];
    /** Floats of the image. */
    private static final int IMAGE = MiniGridEnv.IMAGE_SIZE;
    /**
     * Whether {@link #observe} keeps the finished images of recent poses when the environment
     * does not see through walls (the system property {@code trail.minigrid.cache=false} turns it
     * off, for measurements).
     */
    static final boolean CACHE = !"false".equals(System.getProperty("trail.minigrid.cache"));
    /** The most poses whose images are kept (direct-mapped by pose): 256 × 147 floats, 150 KB. */
    private static final int MAX_SLOTS = 256;
    /**
     * {@link MiniGridEnv#rowStep} tabulated: index {@code mask << 7 | seeThrough}, value
     * {@code visible | above << 7}.
     */
    private static final char[] ROW_STEP = new char[1 << 2 * N];
    /** 1 where the low 10 bits of a cell code let the view through ({@code see_behind}, or no object). */
    private static final int[] SEE_THROUGH = new int[1 << 10];

    /** The bits {@code vx} of a row spread to bits {@code vx * 7} (the image's cell order, for row 0). */
    private static final long[] SPREAD = new long[1 << N];

    static {
        for (int mask = 0; mask < 1 << N; mask++) {
            for (int t = 0; t < 1 << N; t++) {
                ROW_STEP[mask << N | t] = (char) MiniGridEnv.rowStep(mask, t);
            }
        }
        for (int bits = 0; bits < 1 << N; bits++) {
            for (int vx = 0; vx < N; vx++) {
                SPREAD[bits] |= (long) (bits >>> vx & 1) << (vx * N);
            }
        }
        for (int code = 0; code < 1 << 10; code++) {
            ENCODING[3 * code] = WorldObject.encodeType(code);
            ENCODING[3 * code + 1] = WorldObject.color(code);
            ENCODING[3 * code + 2] = WorldObject.state(code);
            SEE_THROUGH[code] = code == 0 || WorldObject.seeBehind(code) ? 1 : 0;
        }
    }

    private final int width;
    private final int height;
    private final int paddedWidth;
    private final int paddedHeight;
    /** Per direction: the layout's extent along {@code q} (its row length). */
    private final int[] qn = new int[4];
    private final float[][] layouts = new float[4][];
    private final int[][] windows = new int[4][];
    /**
     * Per direction, the strips: for each {@code q0} (the far row of a view), the view columns of
     * every {@code p} one after the other, {@code strips[d][(q0 * pn + p) * 21 + vy * 3 + channel]}
     * = layout cell {@code (p, q0 + vy)}; a view is then the 147 consecutive floats from
     * {@code p0}. Made on first use after each rebuild ({@link #stripReady}).
     */
    private final float[][] strips = new float[4][];
    private final boolean[][] stripReady = new boolean[4][];
    /** Per cache slot: the pose ({@code (y * width + x) * 4 + dir}) plus 1 whose image it holds, 0 for none. */
    private final int[] slotPoses;
    /** The cached images, {@link #IMAGE} floats per slot; made on first use. */
    private float[] images;

    /** The grid the caches show, and its {@link Grid#version} when they were last brought in line. */
    private Grid grid;
    private int version;

    EgoView(int width, int height) {
        this.width = width;
        this.height = height;
        this.paddedWidth = width + 2 * PAD;
        this.paddedHeight = height + 2 * PAD;
        this.slotPoses = new int[Math.min(MAX_SLOTS, Integer.highestOneBit(4 * width * height - 1) << 1)];
        for (int d = 0; d < 4; d++) {
            int pn = d % 2 == 0 ? paddedHeight : paddedWidth;
            qn[d] = d % 2 == 0 ? paddedWidth : paddedHeight;
            layouts[d] = new float[pn * qn[d] * 3];
            for (int i = 0; i < pn * qn[d]; i++) { // the border stays grey walls; rebuild writes the inside
                System.arraycopy(ENCODING, 3 * WorldObject.WALL_CODE, layouts[d], 3 * i, 3);
            }
            windows[d] = new int[pn * qn[d]];
            int innerQ = d % 2 == 0 ? width : height;
            strips[d] = new float[innerQ * pn * COLUMN];
            stripReady[d] = new boolean[innerQ];
        }
    }

    /** Layout {@code d}'s {@code p} of world cell {@code (x, y)} (padded coordinates). */
    private int p(int d, int x, int y) {
        return switch (d) {
            case 0 -> y + PAD;
            case 1 -> width - 1 - x + PAD;
            case 2 -> height - 1 - y + PAD;
            default -> x + PAD;
        };
    }

    /** Layout {@code d}'s {@code q} of world cell {@code (x, y)}. */
    private int q(int d, int x, int y) {
        return switch (d) {
            case 0 -> width - 1 - x + PAD;
            case 1 -> height - 1 - y + PAD;
            case 2 -> x + PAD;
            default -> y + PAD;
        };
    }

    /** Rebuilds every cache from {@code g}'s cells (the borders never change). */
    private void rebuild(Grid g) {
        int[] cells = g.cells;
        for (int d = 0; d < 4; d++) {
            float[] layout = layouts[d];
            int[] window = windows[d];
            int rowLength = qn[d];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int e = 3 * (cells[y * width + x] & 0x3ff);
                    int i = 3 * (p(d, x, y) * rowLength + q(d, x, y));
                    layout[i] = ENCODING[e];
                    layout[i + 1] = ENCODING[e + 1];
                    layout[i + 2] = ENCODING[e + 2];
                }
            }
            // the windows of the inner q lines, far p first: window(p) = seeThrough(p) | window(p + 1) << 1
            int innerP = d % 2 == 0 ? height : width;
            int innerQ = d % 2 == 0 ? width : height;
            for (int q = PAD; q < PAD + innerQ; q++) {
                int bits = 0;
                for (int p = PAD + innerP - 1; p >= 0; p--) {
                    int i = p * rowLength + q;
                    int seeThrough = p >= PAD && seesThrough(layout[3 * i], layout[3 * i + 2]) ? 1 : 0;
                    bits = (bits << 1 | seeThrough) & 0x7f;
                    window[i] = bits;
                }
            }
        }
        for (boolean[] ready : stripReady) {
            java.util.Arrays.fill(ready, false);
        }
        java.util.Arrays.fill(slotPoses, 0);
        grid = g;
        version = g.version;
    }

    /** {@code see_behind()} of an encoded cell: not a wall, not a door unless open. */
    private static boolean seesThrough(float type, float state) {
        return type != ObjectType.WALL.index() && !(type == ObjectType.DOOR.index() && state != WorldObject.OPEN);
    }

    /** {@code g.set(x, y, code)}, and the caches follow if they showed {@code g} until now. */
    void set(Grid g, int x, int y, int code) {
        boolean inLine = g == grid && g.version == version;
        g.set(x, y, code);
        if (!inLine) {
            return;
        }
        int e = 3 * (code & 0x3ff);
        int bit = SEE_THROUGH[code & 0x3ff];
        for (int d = 0; d < 4; d++) {
            int rowLength = qn[d];
            int p = p(d, x, y);
            int i = p * rowLength + q(d, x, y);
            float[] layout = layouts[d];
            layout[3 * i] = ENCODING[e];
            layout[3 * i + 1] = ENCODING[e + 1];
            layout[3 * i + 2] = ENCODING[e + 2];
            int q = i - p * rowLength;
            boolean[] ready = stripReady[d];
            float[] strip = strips[d];
            int pn = windows[d].length / rowLength;
            for (int q0 = Math.max(q - (N - 1), 0), end = Math.min(q, ready.length - 1); q0 <= end; q0++) {
                if (ready[q0]) {
                    int o = (q0 * pn + p) * COLUMN + (q - q0) * 3;
                    strip[o] = ENCODING[e];
                    strip[o + 1] = ENCODING[e + 1];
                    strip[o + 2] = ENCODING[e + 2];
                }
            }
            int[] window = windows[d];
            for (int j = 0; j < N && j <= p; j++) { // the windows that start at p - j contain the cell
                int k = i - j * rowLength;
                window[k] = (window[k] & ~(1 << j)) | bit << j;
            }
            // the poses whose 7x7 square holds the cell: the agent within [x0, x0 + 6] x [y0, y0 + 6]
            int x0 = switch (d) {
                case 0 -> x - (N - 1);
                case 2 -> x;
                default -> x - N / 2;
            };
            int y0 = switch (d) {
                case 1 -> y - (N - 1);
                case 3 -> y;
                default -> y - N / 2;
            };
            int slotMask = slotPoses.length - 1;
            for (int ay = Math.max(y0, 0), yEnd = Math.min(y0 + N, height); ay < yEnd; ay++) {
                for (int ax = Math.max(x0, 0), xEnd = Math.min(x0 + N, width); ax < xEnd; ax++) {
                    int pose = (ay * width + ax) << 2 | d;
                    int slot = pose & slotMask;
                    slotPoses[slot] = slotPoses[slot] == pose + 1 ? 0 : slotPoses[slot];
                }
            }
        }
        version = g.version;
    }

    /**
     * Writes the 7×7×3 image of an agent at {@code (ax, ay)} facing {@code dir} and carrying
     * {@code carrying} into {@code out[offset .. offset + 147)}, {@code index = (vx * 7 + vy) * 3 +
     * channel}, cells it cannot see as {@code [0, 0, 0]}: from the cache if this pose's image is
     * there, otherwise {@linkplain #compute computed} and cached.
     */
    void observe(Grid g, int ax, int ay, int dir, int carrying, boolean seeThroughWalls, float[] out, int offset) {
        if (g != grid || g.version != version) {
            rebuild(g);
        }
        if (CACHE && !seeThroughWalls) { // seeing through walls, a view is one copy anyway
            int pose = (ay * width + ax) << 2 | dir;
            int slot = pose & (slotPoses.length - 1);
            if (slotPoses[slot] == pose + 1) {
                System.arraycopy(images, slot * IMAGE, out, offset, IMAGE);
            } else {
                compute(ax, ay, dir, seeThroughWalls, out, offset);
                if (images == null) {
                    images = new float[slotPoses.length * IMAGE];
                }
                System.arraycopy(out, offset, images, slot * IMAGE, IMAGE);
                slotPoses[slot] = pose + 1;
            }
        } else {
            compute(ax, ay, dir, seeThroughWalls, out, offset);
        }
        int e = 3 * (carrying & 0x3ff);
        out[offset + AGENT_CELL] = ENCODING[e];
        out[offset + AGENT_CELL + 1] = ENCODING[e + 1];
        out[offset + AGENT_CELL + 2] = ENCODING[e + 2];
    }

    /** {@link #observe} without the cache of finished images. */
    void observeUncached(Grid g, int ax, int ay, int dir, int carrying, boolean seeThroughWalls, float[] out,
            int offset) {
        if (g != grid || g.version != version) {
            rebuild(g);
        }
        compute(ax, ay, dir, seeThroughWalls, out, offset);
        int e = 3 * (carrying & 0x3ff);
        out[offset + AGENT_CELL] = ENCODING[e];
        out[offset + AGENT_CELL + 1] = ENCODING[e + 1];
        out[offset + AGENT_CELL + 2] = ENCODING[e + 2];
    }

    /**
     * The image of the pose from the layouts, the agent's cell not yet filled in: seven column
     * copies, the visibility of the seven rows from their windows ({@link #ROW_STEP}, near to
     * far), then zeros over the hidden cells.
     */
    private void compute(int ax, int ay, int dir, boolean seeThroughWalls, float[] out, int offset) {
        int p0;
        int q0;
        switch (dir) {
            case 0 -> {
                p0 = ay - N / 2 + PAD;
                q0 = width - N - ax + PAD;
            }
            case 1 -> {
                p0 = width - 1 - N / 2 - ax + PAD;
                q0 = height - N - ay + PAD;
            }
            case 2 -> {
                p0 = height - 1 - N / 2 - ay + PAD;
                q0 = ax - (N - 1) + PAD;
            }
            default -> {
                p0 = ax - N / 2 + PAD;
                q0 = ay - (N - 1) + PAD;
            }
        }
        int rowLength = qn[dir];
        int pn = windows[dir].length / rowLength;
        if (!stripReady[dir][q0]) {
            float[] layout = layouts[dir];
            float[] strip = strips[dir];
            for (int p = PAD - N / 2; p < pn - (PAD - N / 2); p++) { // the p of views from inside the grid
                System.arraycopy(layout, (p * rowLength + q0) * 3, strip, (q0 * pn + p) * COLUMN, COLUMN);
            }
            stripReady[dir][q0] = true;
        }
        System.arraycopy(strips[dir], (q0 * pn + p0) * COLUMN, out, offset, IMAGE);
        if (seeThroughWalls) {
            return;
        }
        int[] window = windows[dir];
        int w0 = p0 * rowLength + q0;
        long hidden = 0; // bit vx * 7 + vy: the image's cell order, so runs of bits are runs of floats
        int mask = 1 << N / 2; // the agent's cell, in the nearest row
        for (int vy = N - 1; vy >= 0; vy--) {
            int step = ROW_STEP[mask << N | window[w0 + vy]];
            hidden |= SPREAD[~step & 0x7f] << vy;
            mask = step >>> N;
        }
        while (hidden != 0) { // zero each run of hidden cells
            int start = Long.numberOfTrailingZeros(hidden);
            int length = Long.numberOfTrailingZeros(~(hidden >>> start));
            for (int o = offset + 3 * start, end = o + 3 * length; o < end; o++) {
                out[o] = 0;
            }
            hidden &= -1L << (start + length);
        }
    }
}
