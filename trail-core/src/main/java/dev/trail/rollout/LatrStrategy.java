package dev.trail.rollout;

import dev.trail.token.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * LATR, lookahead tree-based rollouts ({@code ALGORITHMS.md} §5; {@code starreeze/latr}
 * {@code model/generation.py}, {@code model/sample_filter.py}) [code]. Per problem, G responses are
 * {@code n_kt = round(G·η)} tree responses and {@code G - n_kt} ordinary samples.
 *
 * <p>Tree phase, per tree branch and token, with {@code (p1, p2)} the top-2 probabilities of the
 * raw (untempered) softmax:
 * <ul>
 *   <li><b>branch</b> iff {@code p2 > τ_abs && p1 - p2 < τ_rel} ({@link #branches}) and the root has
 *       fewer than {@code n_kt} tree branches: the branch takes the top-1 token and a new child the
 *       top-2 token (capacity is granted in branch order); otherwise the branch takes the top-1
 *       token (the code's {@code sample_nk="none"}: greedy between branch points);</li>
 *   <li><b>prune</b> a child {@code r ∈ rollout_filter_steps} tokens after its birth when its last r
 *       tokens are too similar to its parent's last r tokens: normalised Levenshtein distance
 *       {@code ED/r < τ_ed} ({@link #tooSimilar}); pairs where either side ended with EOS are skipped;
 *       roots are never pruned; with {@code keepMathSymbols}, a pair whose parent token at the
 *       divergence point is one of {@code +-*}{@code /\<>=()[]{}_^&%$0123456789} is exempt (the code
 *       filters its id list and pair list together here, unlike {@code sample_filter.py});</li>
 *   <li><b>exit</b> when {@code Σ_roots min(n_kt, tree branches)} (a root whose tree branches all ended
 *       counts as full) reaches {@code round(n_kt·roots·thr)}, {@code thr = 0.98 - decay·step/maxNewTokens},
 *       and every live tree branch is older than {@code max(r)}; or at {@code forceReturnStep}.
 *       Unfinished branches then continue by ordinary sampling.</li>
 * </ul>
 * An under-full root (fewer than {@code n_kt} tree branches when its tree can no longer grow or
 * be pruned) gets ordinary samples from the prompt for the missing slots; the code duplicates the
 * root's first sequence instead ({@code fill_return_sequences}), which puts identical rewards into
 * the group. The fills do not wait for the tree: {@code n_kt − 1} ordinary samples per root decode
 * beside it from the first step as stand-by branches ({@link TreeStrategy#reserves}), and the
 * latest are dropped as soon as the tree's branches that can no longer be pruned make them
 * unnecessary ({@link #reservesNeeded}); a fill is an ordinary sample with its own stream either
 * way. Only the edit-distance criterion is implemented (suffix-match and ROUGE-L, the math
 * preset's, are not).
 *
 * <p>{@link TreeBranch#depth} is 1 for tree branches and 0 for ordinary samples.
 */
public final class LatrStrategy implements TreeStrategy {

    /** Symbols whose divergence exempts a pair from pruning ({@code keep_math_symbols}). */
    public static final String MATH_SYMBOLS = "+-*/\\<>=()[]{}_^&%$0123456789";

    /**
     * @param groupSize G
     * @param eta mix ratio η (tree responses {@code round(G·η)})
     * @param tauAbs τ_abs
     * @param tauRel τ_rel
     * @param tauEd τ_ed
     * @param filterSteps r, the ages at which children are compared with their parents
     * @param keepMathSymbols exempt pairs that diverge at a math symbol of the parent
     * @param thresholdDecay {@code return_nb_thres_decay}
     * @param forceReturnStep the step at which the tree phase ends regardless
     * @param maxNewTokens the response budget (in the exit threshold)
     */
    public record Settings(int groupSize, double eta, double tauAbs, double tauRel, double tauEd, int[] filterSteps,
            boolean keepMathSymbols, double thresholdDecay, int forceReturnStep, int maxNewTokens) {
        public Settings {
            if (groupSize < 2) {
                throw new IllegalArgumentException("latr needs a group size of at least 2 (a tree needs groups), got "
                        + groupSize);
            }
            if (!(eta >= 0 && eta <= 1)) {
                throw new IllegalArgumentException("latr mix ratio eta must be in [0, 1], got " + eta);
            }
            if (filterSteps.length == 0 || Arrays.stream(filterSteps).anyMatch(r -> r < 1)) {
                throw new IllegalArgumentException("latr filter steps must be >= 1, got " + Arrays.toString(filterSteps));
            }
            filterSteps = filterSteps.clone();
        }

        /** Tree responses per problem, {@code round(G·η)}. */
        public int treeResponses() {
            return (int) Math.round(groupSize * eta);
        }
    }

    private final Settings s;
    private final int treeSlots;
    private final int maxFilterStep;
    private boolean treePhase;

    public LatrStrategy(Settings settings) {
        this.s = settings;
        this.treeSlots = settings.treeResponses();
        this.maxFilterStep = Arrays.stream(settings.filterSteps()).max().orElseThrow();
    }

    /** The branching rule: {@code p2 > τ_abs && (p1 − p2) < τ_rel}. */
    public static boolean branches(double p1, double p2, double tauAbs, double tauRel) {
        return p2 > tauAbs && (p1 - p2) < tauRel;
    }

    /** Levenshtein distance between two token sequences. */
    public static int editDistance(int[] a, int[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }

    /** Whether a child's last r tokens are too similar to its parent's: {@code ED(child, parent) / r < τ_ed}. */
    public static boolean tooSimilar(int[] child, int[] parent, double tauEd) {
        return (double) editDistance(child, parent) / child.length < tauEd;
    }

    /** The exit threshold {@code 0.98 − decay·step/maxNewTokens}. */
    public static double exitThreshold(double decay, int step, int maxNewTokens) {
        return 0.98 - decay * step / maxNewTokens;
    }

    /**
     * The mix ratio of a step schedule such as {@code 0:1,10:0.75,20:0.5,80:0.25,200:0}: the value of
     * the largest key at most {@code step}.
     */
    public static double scheduledEta(String schedule, long step) {
        NavigableMap<Long, Double> m = new TreeMap<>();
        for (String part : schedule.split(",")) {
            String[] kv = part.trim().split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("latr eta schedule '" + schedule
                        + "' must look like 0:1,10:0.75,20:0.5 (step:eta pairs)");
            }
            try {
                m.put(Long.parseLong(kv[0].trim()), Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("latr eta schedule '" + schedule + "': '" + part
                        + "' is not step:eta", e);
            }
        }
        var e = m.floorEntry(step);
        if (e == null) {
            throw new IllegalArgumentException("latr eta schedule '" + schedule + "' has no entry at or before step "
                    + step + " (start it at 0)");
        }
        return e.getValue();
    }

    @Override
    public List<Start> start(int p) {
        if (p == 0) {
            treePhase = treeSlots > 0;
        }
        List<Start> out = new ArrayList<>();
        if (treeSlots > 0) {
            out.add(new Start(1));
        }
        for (int k = treeSlots; k < s.groupSize(); k++) {
            out.add(new Start(0));
        }
        return out;
    }

    @Override
    public List<Draw> decide(TreeBranch branch, float[] logits, Batch batch) {
        if (!treePhase || branch.depth != 1) {
            return List.of(Draw.sample());
        }
        double[] p = TokenSampling.probabilities(logits, 0, batch.vocabSize(), 1.0);
        int[] top = TokenSampling.top2(p);
        if (branches(p[top[0]], p[top[1]], s.tauAbs(), s.tauRel())
                && treeBranches(batch.branches(branch.problem())) < treeSlots) {
            return List.of(Draw.token(top[0]), Draw.token(top[1]));
        }
        return List.of(Draw.token(top[0]));
    }

    private static int treeBranches(List<TreeBranch> branches) {
        int n = 0;
        for (TreeBranch b : branches) {
            n += b.depth == 1 && !b.pruned() ? 1 : 0;
        }
        return n;
    }

    @Override
    public List<TreeBranch> prune(Batch batch) {
        if (!treePhase) {
            return List.of();
        }
        List<TreeBranch> out = new ArrayList<>();
        for (int p = 0; p < batch.problems(); p++) {
            for (TreeBranch c : batch.branches(p)) {
                if (c.depth == 1 && c.live() && c.parent() != null && shouldPrune(c)) {
                    out.add(c);
                }
            }
        }
        // exit check, after this step's pruning
        int counted = 0;
        boolean allOld = true;
        for (int p = 0; p < batch.problems(); p++) {
            int tree = 0;
            boolean anyLive = false;
            for (TreeBranch b : batch.branches(p)) {
                if (b.depth != 1 || b.pruned() || out.contains(b)) {
                    continue;
                }
                tree++;
                if (b.live()) {
                    anyLive = true;
                    allOld &= b.responseLength() - b.birth() >= maxFilterStep;
                }
            }
            counted += anyLive ? Math.min(treeSlots, tree) : treeSlots;
        }
        double thr = exitThreshold(s.thresholdDecay(), batch.step(), s.maxNewTokens());
        if ((counted >= Math.round(treeSlots * batch.problems() * thr) && allOld) || batch.step() >= s.forceReturnStep()) {
            treePhase = false;
        }
        return out;
    }

    private boolean shouldPrune(TreeBranch c) {
        int age = c.responseLength() - c.birth();
        if (Arrays.stream(s.filterSteps()).noneMatch(r -> r == age)) {
            return false;
        }
        TreeBranch parent = c.parent();
        int from = c.birth();
        if (parent.responseLength() < from + age || c.terminated() || endsInWindow(parent, from, from + age)) {
            return false;
        }
        if (s.keepMathSymbols() && isMathSymbol(parent.token(from))) {
            return false;
        }
        int[] a = new int[age];
        int[] b = new int[age];
        for (int j = 0; j < age; j++) {
            a[j] = c.token(from + j);
            b[j] = parent.token(from + j);
        }
        return tooSimilar(a, b, s.tauEd());
    }

    private static boolean endsInWindow(TreeBranch b, int from, int to) {
        for (int j = from; j < to; j++) {
            if (b.token(j) == Vocabulary.EOS) {
                return true;
            }
        }
        return false;
    }

    /** Whether a token is one of {@link #MATH_SYMBOLS}. */
    public static boolean isMathSymbol(int token) {
        if (token <= Vocabulary.EOS || token >= Vocabulary.SIZE) {
            return false;
        }
        return MATH_SYMBOLS.indexOf(Vocabulary.character(token)) >= 0;
    }

    /** A root's slots beyond itself may all have to be filled: {@code n_kt − 1} stand-by samples. */
    @Override
    public int reserves(int p) {
        return Math.max(0, treeSlots - 1);
    }

    /**
     * The fills root {@code p} can still need: {@code n_kt} minus its unpruned tree branches that
     * can no longer be pruned (forks only lower the need). Exact once the tree phase has ended or
     * none of the root's tree branches is live.
     */
    @Override
    public int reservesNeeded(int p, Batch batch) {
        if (treeSlots == 0) {
            return 0;
        }
        int safe = 0;
        for (TreeBranch b : batch.branches(p)) {
            if (b.depth == 1 && !b.pruned() && !mayBePruned(b)) {
                safe++;
            }
        }
        return Math.max(0, treeSlots - safe);
    }

    /**
     * Whether a tree branch may still be pruned at a later step: in the tree phase, live, not a
     * root, and an age in r still ahead of it that its response budget lets it reach (pruning
     * at the current age has run already).
     */
    private boolean mayBePruned(TreeBranch c) {
        if (!treePhase || !c.live() || c.parent() == null) {
            return false;
        }
        int age = c.responseLength() - c.birth();
        for (int r : s.filterSteps()) {
            if (r > age && c.birth() + r <= c.budget()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int groupSize() {
        return s.groupSize();
    }
}
