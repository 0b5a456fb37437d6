package dev.trail.advantage;

/**
 * What an estimator needs from the trainer that feeds it, or does itself. Declared by each
 * registry entry ({@link AdvantageEstimators.Entry#capabilities()}); a trainer compares them with
 * what it can supply and refuses an estimator it cannot feed, naming what is missing. Trainers
 * never check estimator names.
 */
public enum Capability {
    /** Reads the critic's per-step values (and bootstrap values). */
    NEEDS_VALUES("critic values"),
    /** Compares the members of a group of trajectories sampled for one task. */
    NEEDS_GROUPS("groups of several trajectories per task"),
    /** Reads each group's greedy-rollout reward ({@code TrajectoryGroup.greedyReward}). */
    NEEDS_GREEDY_BASELINE("a greedy rollout per task"),
    /** Reads the behaviour policy's log-probabilities. */
    NEEDS_LOG_PROBS("behaviour log-probabilities"),
    /** Reads a tree of shared prefixes ({@code TrajectoryGroup.tree}). */
    NEEDS_TREE("tree rollouts"),
    /** Reads named per-step extras columns that only special rollouts produce (progress, ranks, ...). */
    NEEDS_EXTRAS("estimator-specific extras columns"),
    /**
     * Reads extras column {@code segmentValue}: Monte-Carlo values of response prefixes at the cut
     * points (continuations sampled from each prefix, SPO-chain).
     */
    NEEDS_SEGMENT_VALUES("Monte-Carlo values of response prefixes (segmentValue: continuations sampled from each cut point)"),
    /**
     * Reads extras columns {@code progress} (a progress estimator's per-turn contribution, trained so
     * that an episode's contributions sum to its outcome) and {@code grounding} (1 if the turn's
     * action was valid): SPA-RL on agent turns.
     */
    NEEDS_PROGRESS("per-turn progress estimates and grounding of multi-turn episodes (progress, grounding)"),
    /**
     * Reads one step per agent turn with the state each turn was taken in (its observation): only
     * multi-turn episodes have them, so a trainer on single-response tasks cannot feed it.
     */
    NEEDS_TURNS("multi-turn episodes (one step per agent turn, with the state each turn saw)"),
    /**
     * Its steps are agent turns where the episodes have them: a trainer on multi-turn episodes gives
     * it one step per turn (the turn's state as observation, its text as action, its reward) and
     * spreads each step's advantage over the turn's policy tokens; on single responses its steps
     * are tokens, as any estimator's.
     */
    TURN_STEPS("agent turns as steps"),
    /**
     * Shapes a KL penalty into the rewards itself (its {@code kl_coef} option, from the
     * {@code refLogProb} column), so the trainer must not also put the KL into the rewards.
     */
    SHAPES_KL_INTO_REWARDS("KL shaping of its own");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    /**
     * Whether a trainer must supply it to use the estimator. {@link #TURN_STEPS} is a preference
     * only: a trainer without turns feeds token steps.
     */
    public boolean required() {
        return this != TURN_STEPS;
    }

    /** What it means, for messages ("needs critic values"). */
    public String description() {
        return description;
    }
}
