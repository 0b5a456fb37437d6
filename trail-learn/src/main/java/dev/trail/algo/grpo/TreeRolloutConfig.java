package dev.trail.algo.grpo;

import dev.trail.config.Param;
import dev.trail.rollout.ArpoStrategy;
import dev.trail.rollout.LatrStrategy;
import dev.trail.rollout.SpoTreeStrategy;
import dev.trail.rollout.TreeStrategy;

/**
 * Settings of the tree rollout strategies ({@code dev.trail.rollout}): the section {@code tree}
 * of the GRPO config ({@code --set rollout=tree-latr --set tree.latr_tau_abs=0.2}) and of
 * {@code trail rollout --tree}. Defaults are the reference code's ({@code ALGORITHMS.md} §3.2,
 * §5, §6.1) except where a token task of tens of tokens needs smaller lengths: SPO-tree's segment
 * of 30 tokens becomes 4, LATR's comparison ages {20, 30, 50} become {4, 6, 8}.
 *
 * @param branching SPO-tree's children per level, {@code b_0 x b_1 x ...}; their product is the group size
 * @param segmentTokens SPO-tree's M, tokens per non-final level
 * @param latrEta LATR's mix ratio η: a number, or a step schedule {@code 0:1,10:0.75,...} over updates
 * @param latrTauAbs LATR's τ_abs (branch when p2 exceeds it ...)
 * @param latrTauRel LATR's τ_rel (... and p1 - p2 is below it)
 * @param latrTauEd LATR's τ_ed (prune a child whose normalised edit distance to its parent is below it)
 * @param latrFilterSteps LATR's r, ages at which a child is compared with its parent, e.g. {@code 4x6x8}
 * @param latrKeepMathSymbols LATR's exemption of pairs diverging at a math symbol
 * @param latrThresholdDecay LATR's {@code return_nb_thres_decay}
 * @param latrForceReturnStep LATR's step at which the tree phase ends regardless
 * @param arpoInitialRollouts ARPO's N, rollouts started at the prompt (0: half the group)
 * @param arpoBeamSize ARPO's beam size (clone slots + 1)
 * @param arpoBranchProbability ARPO's τ
 * @param arpoEntropyWeight ARPO's β
 */
public record TreeRolloutConfig(
        @Param("SPO-tree children per level, b0xb1x... (product = group size)") String branching,
        @Param(value = "SPO-tree tokens per non-final level (M)", min = 1, max = 1 << 16) int segmentTokens,
        @Param("LATR mix ratio eta: a number or an update schedule like 0:1,10:0.75,20:0.5") String latrEta,
        @Param(value = "LATR tau_abs: branch if p2 exceeds it", min = 0, max = 1) double latrTauAbs,
        @Param(value = "LATR tau_rel: branch if p1 - p2 is below it", min = 0, max = 1) double latrTauRel,
        @Param(value = "LATR tau_ed: prune a child whose normalised edit distance to its parent is below it",
                min = 0, max = 1) double latrTauEd,
        @Param("LATR ages (tokens after birth) at which a child is compared with its parent, e.g. 4x6x8")
                String latrFilterSteps,
        @Param("LATR: pairs diverging at a math symbol are never pruned") boolean latrKeepMathSymbols,
        @Param(value = "LATR exit threshold decay", min = 0, max = 1) double latrThresholdDecay,
        @Param(value = "LATR decoding step that ends the tree phase", min = 0, max = 1 << 20) int latrForceReturnStep,
        @Param(value = "ARPO rollouts started at the prompt (0: half the group)", min = 0, max = 4096)
                int arpoInitialRollouts,
        @Param(value = "ARPO beam size (clones per branch point + 1)", min = 1, max = 64) int arpoBeamSize,
        @Param(value = "ARPO branch probability tau", min = 0, max = 1) double arpoBranchProbability,
        @Param(value = "ARPO entropy weight beta", min = -100, max = 100) double arpoEntropyWeight) {

    public TreeRolloutConfig {
        SpoTreeStrategy.parseBranching(branching);
        filterSteps(latrFilterSteps);
        eta(latrEta, 0);
    }

    /** The defaults (see the class comment). */
    public static TreeRolloutConfig defaults() {
        return new TreeRolloutConfig("2x2x2", 4, "0:1,10:0.75,20:0.5,80:0.25,200:0", 0.25, 0.15, 0.4, "4x6x8", true,
                0.05, 512, 0, 2, 0.5, 0.2);
    }

    /** The rollout strategies a GRPO run can use. */
    public enum Kind {
        /** G independent responses per prompt (the batch sampler). */
        IID,
        /** SPO-tree's fixed-shape tree. */
        TREE_SPO,
        /** LATR's lookahead tree. */
        TREE_LATR,
        /** ARPO's entropy-based branching after tool and environment replies. */
        TREE_ARPO,
        /**
         * UI-S1's semi-online rollouts along expert trajectories with the expert's action patched in
         * at a mismatch ({@code dev.trail.rollout.SemiOnlineCollector}); not a tree.
         */
        SEMI_ONLINE;

        /** The config spelling: {@code iid}, {@code tree-spo}, {@code tree-latr}, {@code tree-arpo}. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** Whether this is a tree rollout. */
        public boolean isTree() {
            return this != IID && this != SEMI_ONLINE;
        }
    }

    /** LATR's ages, parsed. */
    public static int[] filterSteps(String text) {
        String[] parts = text.trim().split("[x,]");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tree latr_filter_steps '" + text + "' is not a list like 4x6x8", e);
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException("tree latr_filter_steps must be >= 1, got '" + text + "'");
            }
        }
        return out;
    }

    /** LATR's η at update {@code update}: the number, or the schedule's value. */
    public static double eta(String text, long update) {
        double eta;
        if (text.contains(":")) {
            eta = LatrStrategy.scheduledEta(text, update);
        } else {
            try {
                eta = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tree latr_eta '" + text
                        + "' is neither a number nor a schedule like 0:1,10:0.75", e);
            }
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("tree latr_eta must be in [0, 1], got " + eta + " from '" + text + "'");
        }
        return eta;
    }

    /**
     * The strategy of {@code kind} for groups of {@code groupSize}.
     *
     * @param update the update number (LATR's η schedule)
     * @throws IllegalArgumentException if SPO-tree's branching does not make {@code groupSize} leaves, naming both
     */
    public TreeStrategy strategy(Kind kind, int groupSize, int maxNewTokens, long update) {
        return switch (kind) {
            case TREE_SPO -> {
                int[] b = SpoTreeStrategy.parseBranching(branching);
                if (SpoTreeStrategy.leaves(b) != groupSize) {
                    throw new IllegalArgumentException("rollout=tree-spo: tree.branching=" + branching + " makes "
                            + SpoTreeStrategy.leaves(b) + " leaves but group_size is " + groupSize
                            + "; make the product of the branching factors equal the group size");
                }
                yield new SpoTreeStrategy(b, segmentTokens);
            }
            case TREE_LATR -> new LatrStrategy(new LatrStrategy.Settings(groupSize, eta(latrEta, update), latrTauAbs,
                    latrTauRel, latrTauEd, filterSteps(latrFilterSteps), latrKeepMathSymbols, latrThresholdDecay,
                    latrForceReturnStep, maxNewTokens));
            case TREE_ARPO -> new ArpoStrategy(new ArpoStrategy.Settings(groupSize,
                    arpoInitialRollouts == 0 ? Math.max(1, groupSize / 2) : arpoInitialRollouts, arpoBeamSize,
                    arpoBranchProbability, arpoEntropyWeight));
            case IID, SEMI_ONLINE -> throw new IllegalArgumentException("rollout=" + kind.cliName() + " has no tree strategy");
        };
    }
}
