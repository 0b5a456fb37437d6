package dev.trail.envs.token;

import dev.trail.seed.Rng;
import dev.trail.token.MultiTurnTask;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GridNav-v0}: walk to the goal of a small walled grid, one move per turn, seeing only the
 * four neighbouring cells after each move.
 *
 * <h2>Problems</h2>
 * A {@link Config#size()}×{@link Config#size()} grid (default 4×4) whose cells are walls with
 * probability {@link Config#wallProbability()}, a start and a goal cell, drawn from the task's
 * stream so that the goal is reachable at least {@link Config#minDistance()} moves away. The key is
 * the layout, start and goal; the held-out split is by key, so held-out layouts are never trained on.
 *
 * <h2>Format</h2>
 * Prompt: {@code nav ROWS OBS}, where {@code ROWS} are the grid rows joined by {@code ,}
 * ({@code .} free, {@code w} wall, {@code g} goal) and {@code OBS} the first observation. An
 * observation is {@code RC} (row and column digits) followed by the view of the cells up, down, left
 * and right ({@code .}, {@code w} for a wall or the edge, {@code g}) and {@code :}, e.g.
 * {@code 12.ww.:}. Each policy turn is one move, {@code u}, {@code d}, {@code l} or {@code r}, then
 * the end-of-turn token (EOS). A move into a wall or the edge leaves the agent where it was; any other
 * turn text is malformed (the agent stays, and the observation repeats).
 *
 * <h2>Reward and end</h2>
 * Sparse: the turn that reaches the goal gets reward 1 and ends the episode (terminated); every other
 * turn gets 0. After {@link Config#maxTurns()} turns without reaching it the episode is truncated.
 * The state is the agent's cell: trajectories of one layout revisit the same cells (GiGPO's anchor
 * states).
 */
public final class GridNavTask implements MultiTurnTask {

    /** The registry id. */
    public static final String ID = "GridNav-v0";

    /** Tokens of one observation: row, column, four neighbours, {@code :}. */
    static final int OBSERVATION_TOKENS = 7;

    /**
     * Options of {@code GridNav-v0}.
     *
     * @param size grid side, 2-9
     * @param wallProbability chance that a cell is a wall, in [0, 0.6]
     * @param minDistance fewest moves from start to goal, at least 1
     * @param maxTurns turns per episode, at least {@code minDistance}
     * @param heldOutFraction share of layouts (by key hash) kept out of training
     */
    public record Config(int size, double wallProbability, int minDistance, int maxTurns, double heldOutFraction) {
        public Config {
            if (size < 2 || size > 9) {
                throw new IllegalArgumentException("grid size must be in [2, 9], got " + size);
            }
            if (!(wallProbability >= 0 && wallProbability <= 0.6)) {
                throw new IllegalArgumentException("wallProbability must be in [0, 0.6], got " + wallProbability);
            }
            if (minDistance < 1 || minDistance > 2 * (size - 1)) {
                throw new IllegalArgumentException("minDistance must be in [1, " + 2 * (size - 1) + "] on a "
                        + size + "x" + size + " grid, got " + minDistance);
            }
            if (maxTurns < minDistance) {
                throw new IllegalArgumentException("maxTurns " + maxTurns + " is below minDistance " + minDistance
                        + ": no episode could reach the goal");
            }
            Split.checkFraction(heldOutFraction);
        }

        /** 4×4, walls 25%, goal 2+ moves away, 8 turns, 10% of layouts held out. */
        public static Config defaults() {
            return new Config(4, 0.25, 2, 8, 0.1);
        }

        /** Tokens of a whole episode of {@code maxTurns} turns: a move, EOS and an observation each. */
        public int maxResponseTokens() {
            return maxTurns * (2 + OBSERVATION_TOKENS);
        }
    }

    /**
     * A layout.
     *
     * @param size grid side
     * @param cells row-major {@code size*size} characters, {@code .} or {@code w}
     * @param start the start cell index
     * @param goal the goal cell index
     */
    public record Layout(int size, String cells, int start, int goal) implements Problem {
        public Layout {
            if (cells.length() != size * size) {
                throw new IllegalArgumentException("a " + size + "x" + size + " layout needs " + size * size
                        + " cells, got " + cells.length());
            }
        }

        boolean wall(int r, int c) {
            return r < 0 || c < 0 || r >= size || c >= size || cells.charAt(r * size + c) == 'w';
        }

        /** The rows joined by {@code ,}, the goal shown as {@code g}. */
        public String map() {
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < size; r++) {
                if (r > 0) {
                    b.append(',');
                }
                for (int c = 0; c < size; c++) {
                    b.append(r * size + c == goal ? 'g' : cells.charAt(r * size + c));
                }
            }
            return b.toString();
        }

        @Override
        public String key() {
            return map() + " s" + start;
        }
    }

    /** The agent's cell. */
    public record Cell(int index) implements State {
        @Override
        public String key() {
            return Integer.toString(index);
        }
    }

    private static final int[] DR = {-1, 1, 0, 0};
    private static final int[] DC = {0, 0, -1, 1};
    private static final String MOVES = "udlr";

    private final Config config;

    public GridNavTask(Config config) {
        this.config = config;
    }

    public GridNavTask() {
        this(Config.defaults());
    }

    public Config config() {
        return config;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Problem sample(Rng rng, Split split) {
        return Answers.sampleInSplit(ID, config.heldOutFraction(), split, () -> draw(rng), this::splitOf, config);
    }

    private Layout draw(Rng rng) {
        int n = config.size();
        char[] cells = new char[n * n];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = rng.nextDouble() < config.wallProbability() ? 'w' : '.';
        }
        int start = rng.nextInt(n * n);
        int goal = rng.nextInt(n * n);
        cells[start] = '.';
        cells[goal] = '.';
        Layout l = new Layout(n, new String(cells), start, goal);
        int d = distances(l)[start];
        return d >= config.minDistance() && d <= config.maxTurns() ? l : null;
    }

    /** Moves from every cell to the goal (breadth-first), {@link Integer#MAX_VALUE} when unreachable. */
    static int[] distances(Layout l) {
        int n = l.size();
        int[] d = new int[n * n];
        Arrays.fill(d, Integer.MAX_VALUE);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        d[l.goal()] = 0;
        queue.add(l.goal());
        while (!queue.isEmpty()) {
            int cell = queue.poll();
            int r = cell / n, c = cell % n;
            for (int m = 0; m < 4; m++) {
                int rr = r + DR[m], cc = c + DC[m];
                if (!l.wall(rr, cc) && d[rr * n + cc] == Integer.MAX_VALUE) {
                    d[rr * n + cc] = d[cell] + 1;
                    queue.add(rr * n + cc);
                }
            }
        }
        return d;
    }

    @Override
    public Split splitOf(Problem problem) {
        return Split.of(problem.key(), config.heldOutFraction());
    }

    @Override
    public String prompt(Problem problem) {
        Layout l = cast(problem);
        return "nav " + l.map() + " " + observation(l, l.start());
    }

    /** {@code RC} then the up, down, left and right neighbours, then {@code :}. */
    static String observation(Layout l, int cell) {
        int n = l.size();
        int r = cell / n, c = cell % n;
        StringBuilder b = new StringBuilder().append(r).append(c);
        for (int m = 0; m < 4; m++) {
            int rr = r + DR[m], cc = c + DC[m];
            b.append(l.wall(rr, cc) ? 'w' : rr * n + cc == l.goal() ? 'g' : '.');
        }
        return b.append(':').toString();
    }

    /** A shortest path's moves, one per turn. */
    @Override
    public String demonstration(Problem problem) {
        Layout l = cast(problem);
        int[] d = distances(l);
        int n = l.size();
        int cell = l.start();
        List<String> moves = new ArrayList<>();
        while (cell != l.goal()) {
            int r = cell / n, c = cell % n;
            for (int m = 0; m < 4; m++) {
                int rr = r + DR[m], cc = c + DC[m];
                if (!l.wall(rr, cc) && d[rr * n + cc] == d[cell] - 1) {
                    moves.add(String.valueOf(MOVES.charAt(m)));
                    cell = rr * n + cc;
                    break;
                }
            }
        }
        return String.join(TURN_SEPARATOR, moves);
    }

    @Override
    public State start(Problem problem) {
        return new Cell(cast(problem).start());
    }

    @Override
    public Reply reply(Problem problem, State state, String turn) {
        Layout l = cast(problem);
        int cell = ((Cell) state).index();
        int m = turn.length() == 1 ? MOVES.indexOf(turn.charAt(0)) : -1;
        if (m < 0) {
            return new Reply(state, observation(l, cell), 0.0, false, false);
        }
        int n = l.size();
        int rr = cell / n + DR[m], cc = cell % n + DC[m];
        int next = l.wall(rr, cc) ? cell : rr * n + cc;
        if (next == l.goal()) {
            return new Reply(new Cell(next), "", 1.0, true, true);
        }
        return new Reply(new Cell(next), observation(l, next), 0.0, false, true);
    }

    @Override
    public Verdict outcome(Problem problem, State last) {
        Layout l = cast(problem);
        return ((Cell) last).index() == l.goal() ? Verdict.exact()
                : Verdict.wrong(0.0, "the goal was not reached (agent at " + observation(l, ((Cell) last).index())
                        .substring(0, 2) + ")");
    }

    @Override
    public int maxTurns() {
        return config.maxTurns();
    }

    @Override
    public int defaultMaxResponseTokens() {
        return config.maxResponseTokens();
    }

    private static Layout cast(Problem problem) {
        if (problem instanceof Layout l) {
            return l;
        }
        throw new IllegalArgumentException(ID + " expects a Layout problem, got " + problem);
    }
}
