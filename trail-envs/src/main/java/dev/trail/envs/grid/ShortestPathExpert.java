package dev.trail.envs.grid;

import dev.trail.env.EnvSnapshot;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scripted expert for the MiniGrid environments that sees the full grid: a breadth-first search
 * over the environment's complete state (agent position and direction, what it carries, and every
 * cell, so doors, keys, balls and boxes included) using the environment's own dynamics through
 * {@linkplain MiniGridEnv#snapshot() snapshots}. The first state from which a step ends the
 * episode with a positive reward (reaching the goal, opening Unlock's door, picking up
 * KeyCorridor's ball) ends the search; the actions on the way there are a shortest plan, so the
 * expert's return is the highest the episode allows ({@code 1 - 0.9 · (steps / max_steps)}).
 *
 * <p>Actions searched: turn left, turn right, forward, pick up, drop, toggle ({@code done} never
 * changes the state). States from which a step enters lava or reaches the time limit are not
 * expanded. Steps in MiniGrid draw no random numbers, so the plan found from a state is followed
 * open loop.
 *
 * <p>A layout without a solution within the time limit (or with more than {@code maxStates}
 * reachable states before one is found) has no plan: {@link #plan} returns null and
 * {@link #episode} then acts {@code done} until the time limit.
 */
public final class ShortestPathExpert {

    /** The default cap on searched states. */
    public static final int DEFAULT_MAX_STATES = 2_000_000;

    /** The label value trajectories of this expert carry under {@code policy}. */
    public static final String POLICY_LABEL = "expert";

    private static final int[] ACTIONS = {
        MiniGridEnv.LEFT, MiniGridEnv.RIGHT, MiniGridEnv.FORWARD, MiniGridEnv.PICKUP, MiniGridEnv.DROP,
        MiniGridEnv.TOGGLE};

    private final int maxStates;

    /** An expert that searches at most {@code maxStates} states per plan. */
    public ShortestPathExpert(int maxStates) {
        if (maxStates < 1) {
            throw new IllegalArgumentException("maxStates must be >= 1, got " + maxStates);
        }
        this.maxStates = maxStates;
    }

    /** An expert with {@link #DEFAULT_MAX_STATES}. */
    public ShortestPathExpert() {
        this(DEFAULT_MAX_STATES);
    }

    /** The state of a search node: the environment's state vector as exact integers. */
    private record Key(int[] cells) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(k.cells, cells);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cells);
        }
    }

    private static Key key(double[] state) {
        int[] c = new int[state.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (int) state[i];
        }
        return new Key(c);
    }

    /**
     * A shortest action sequence from {@code env}'s current state to success, or null if there is
     * none within the time limit. {@code env} is left in the state it was in.
     *
     * @throws IllegalStateException if the episode has ended (reset first)
     */
    public int[] plan(MiniGridEnv env) {
        if (env.needsReset()) {
            throw new IllegalStateException(env.id() + ": the episode has ended; reset before planning");
        }
        EnvSnapshot start = env.snapshot();
        long[] rng = start.rngState();
        int startSteps = start.elapsedSteps();
        float[] scratch = new float[env.observationSize()];
        Map<Key, Integer> seen = new HashMap<>();
        // node i: its state, parent node and the action from the parent
        java.util.ArrayList<double[]> states = new java.util.ArrayList<>();
        java.util.ArrayList<int[]> links = new java.util.ArrayList<>(); // {parent, action, depth}
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        double[] s0 = start.state();
        seen.put(key(s0), 0);
        states.add(s0);
        links.add(new int[] {-1, -1, 0});
        queue.add(0);
        try {
            while (!queue.isEmpty()) {
                int node = queue.poll();
                double[] state = states.get(node);
                int depth = links.get(node)[2];
                for (int action : ACTIONS) {
                    env.restore(new EnvSnapshot(state, startSteps + depth, false, rng));
                    double reward = env.stepInto(action, scratch, 0);
                    if (env.terminated()) {
                        if (reward > 0) {
                            int[] plan = new int[depth + 1];
                            plan[depth] = action;
                            for (int n = node, d = depth - 1; n > 0; n = links.get(n)[0], d--) {
                                plan[d] = links.get(n)[1];
                            }
                            return plan;
                        }
                        continue; // lava
                    }
                    if (env.truncated()) {
                        continue;
                    }
                    double[] next = env.state();
                    Key k = key(next);
                    if (seen.containsKey(k)) {
                        continue;
                    }
                    if (seen.size() >= maxStates) {
                        return null;
                    }
                    seen.put(k, states.size());
                    states.add(next);
                    links.add(new int[] {node, action, depth + 1});
                    queue.add(states.size() - 1);
                }
            }
            return null;
        } finally {
            env.restore(start);
        }
    }

    /**
     * One expert episode: {@code env.reset(seed)}, a {@link #plan}, then its actions (or
     * {@code done} until the time limit when there is no plan), as a trajectory in Trail's schema:
     * the observations (T + 1 rows of {@link MiniGridEnv#OBSERVATION_SIZE}), the actions, the
     * rewards, the flags, {@code seed}, {@code task} = the env id, and the labels {@code policy}
     * = {@value #POLICY_LABEL} and {@code mission}. No log-probabilities (the expert is
     * deterministic).
     */
    public Trajectory episode(MiniGridEnv env, long seed, String id) {
        int d = env.observationSize();
        float[] first = env.reset(seed);
        int[] plan = plan(env);
        int limit = env.maxEpisodeSteps() > 0 ? env.maxEpisodeSteps() : Integer.MAX_VALUE;
        int length = plan != null ? plan.length : limit;
        float[] obs = new float[(length + 1) * d];
        System.arraycopy(first, 0, obs, 0, d);
        float[] actions = new float[length];
        double[] rewards = new double[length];
        int t = 0;
        while (t < length && !env.needsReset()) {
            int a = plan != null ? plan[t] : MiniGridEnv.DONE;
            actions[t] = a;
            rewards[t] = env.stepInto(a, obs, (t + 1) * d);
            t++;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("policy", POLICY_LABEL);
        labels.put("mission", env.mission());
        return new Trajectory(id, null, seed, Arrays.copyOf(obs, (t + 1) * d), d, Arrays.copyOf(actions, t), 1,
                Arrays.copyOf(rewards, t), null, null, null, env.terminated(), env.truncated(), Double.NaN, null,
                env.id(), null, null, 0, labels);
    }
}
