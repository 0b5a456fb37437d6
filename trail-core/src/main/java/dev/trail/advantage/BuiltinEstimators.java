package dev.trail.advantage;

import static dev.trail.advantage.Capability.NEEDS_EXTRAS;
import static dev.trail.advantage.Capability.NEEDS_GREEDY_BASELINE;
import static dev.trail.advantage.Capability.NEEDS_GROUPS;
import static dev.trail.advantage.Capability.NEEDS_LOG_PROBS;
import static dev.trail.advantage.Capability.NEEDS_PROGRESS;
import static dev.trail.advantage.Capability.NEEDS_SEGMENT_VALUES;
import static dev.trail.advantage.Capability.NEEDS_TREE;
import static dev.trail.advantage.Capability.NEEDS_TURNS;
import static dev.trail.advantage.Capability.NEEDS_VALUES;
import static dev.trail.advantage.Capability.SHAPES_KL_INTO_REWARDS;
import static dev.trail.advantage.Capability.TURN_STEPS;

import java.util.Map;
import java.util.Set;

/** Registers Trail's built-in estimators; called once by {@link AdvantageEstimators}. */
final class BuiltinEstimators {

    /**
     * What each built-in estimator needs at its default options (see the tables of
     * {@link TrajectoryLevelEstimators} and {@link StepLevelEstimators}). {@code reinforce} reads
     * values only with {@code baseline=value}; {@code reinforce++-baseline} shapes the KL only with
     * {@code kl_coef > 0}, and then also reads log-probabilities; {@code spa} reads critic values
     * when the trajectories have them (GAE over turns) and uses V = 0 otherwise.
     */
    private static final Map<String, Set<Capability>> CAPABILITIES = Map.ofEntries(
            Map.entry("reinforce", Set.of()),
            Map.entry("remax", Set.of(NEEDS_GREEDY_BASELINE)),
            Map.entry("rloo", Set.of(NEEDS_GROUPS)),
            Map.entry("grpo", Set.of(NEEDS_GROUPS)),
            Map.entry("dr-grpo", Set.of(NEEDS_GROUPS)),
            Map.entry("lite-ppo", Set.of(NEEDS_GROUPS)),
            Map.entry("reinforce++", Set.of(NEEDS_LOG_PROBS, SHAPES_KL_INTO_REWARDS)),
            Map.entry("reinforce++-baseline", Set.of(NEEDS_GROUPS, SHAPES_KL_INTO_REWARDS)),
            Map.entry("gae", Set.of(NEEDS_VALUES)),
            Map.entry("spo-chain", Set.of(NEEDS_LOG_PROBS, NEEDS_SEGMENT_VALUES)),
            Map.entry("spo-tree", Set.of(NEEDS_TREE)),
            Map.entry("salt", Set.of(NEEDS_GROUPS, TURN_STEPS)),
            Map.entry("ui-s1", Set.of(NEEDS_GROUPS, TURN_STEPS)),
            Map.entry("spa", Set.of(NEEDS_PROGRESS, TURN_STEPS)),
            Map.entry("gigpo", Set.of(NEEDS_GROUPS, NEEDS_TURNS, TURN_STEPS)),
            Map.entry("noisy-grpo", Set.of(NEEDS_GROUPS, NEEDS_EXTRAS)),
            Map.entry("arena-rl", Set.of(NEEDS_GROUPS, NEEDS_EXTRAS)),
            Map.entry("oprl", Set.of(NEEDS_GROUPS, NEEDS_EXTRAS)));

    private BuiltinEstimators() {
    }

    static void registerAll() {
        TrajectoryLevelEstimators.registerAll();
        StepLevelEstimators.registerAll();
    }

    /** The declared capabilities of built-in {@code name}; a built-in without a declaration is a bug. */
    static Set<Capability> capabilities(String name) {
        Set<Capability> c = CAPABILITIES.get(name);
        if (c == null) {
            throw new IllegalStateException("built-in estimator " + name + " declares no capabilities");
        }
        return c;
    }
}
