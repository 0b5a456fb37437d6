package dev.trail.data;

/** Names of per-trajectory labels ({@link dev.trail.trajectory.Trajectory#labels()}) with a fixed meaning. */
public final class Labels {

    /** The reward of the greedy rollout of the trajectory's group (ReMax's baseline), as a decimal number. */
    public static final String GREEDY_REWARD = "greedy_reward";
    /** The policy that produced the trajectory ({@code random}, a checkpoint path). */
    public static final String POLICY = "policy";
    /** Where the trajectory came from (a dataset id, a collection recipe). */
    public static final String SOURCE = "source";
    /** The per-step extra column holding a safety cost. */
    public static final String COST = "cost";

    private Labels() {
    }

    /** The greedy reward label of a trajectory, or NaN. */
    static double greedyReward(dev.trail.trajectory.Trajectory t) {
        String g = t.labels().get(GREEDY_REWARD);
        return g == null ? Double.NaN : Double.parseDouble(g);
    }
}
