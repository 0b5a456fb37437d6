package dev.trail.advantage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * ArenaRL, tournament-based relative ranking (Zhang et al. 2026, arXiv 2601.06487),
 * {@code ALGORITHMS.md} §9.2. <b>[reconstructed]</b>: the seeding rule, the bracket and the
 * rank-to-advantage map are the spec's reading; verify against the paper.
 *
 * <pre>
 * 1. seeding:  judge each tau_i against an anchor tau_0 -&gt; seed score s_i; sort descending -&gt; seeds 1..N
 *              (equal scores: lower index first)
 * 2. bracket:  each round pairs the k-th best surviving seed with the (M+1-k)-th of the M survivors;
 *              with M odd the best surviving seed has a bye; winners advance (N - 1 matches)
 * 3. rank:     champion = 1; the others by the round they were eliminated in (later = better),
 *              ties by seed
 * 4. score:    u_i = (N - rank_i) / (N - 1);  A_i = (u_i - mean u) / (std_unbiased u + 1e-6)
 * </pre>
 *
 * <p>Round 1 of step 2 is the spec's "seed k meets seed N+1-k"; re-pairing survivors the same
 * way in later rounds (rather than a fixed bracket) is our reading of "repeat". N = 1 gives no
 * ranking: its advantage is 0. The judge must always return a winner; break its ties by seed
 * (and query both orders against position bias) before answering.
 */
public final class ArenaRl {

    /** Epsilon of the rank z-score. */
    public static final double EPSILON = 1e-6;

    /** A pairwise judge. */
    @FunctionalInterface
    public interface Judge {
        /** Whether trajectory {@code a} beats trajectory {@code b} (indices into the group). */
        boolean firstWins(int a, int b);
    }

    private ArenaRl() {
    }

    /** Trajectory indices in seed order (seed 1 first): descending score, ties by index. */
    public static int[] seedOrder(double[] seedScores) {
        Integer[] idx = new Integer[seedScores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -seedScores[i]).thenComparingInt(i -> i));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Runs the seeded single-elimination tournament and returns each trajectory's rank
     * (1 = champion), indexed like {@code seedScores}.
     */
    public static int[] tournamentRanks(double[] seedScores, Judge judge) {
        int n = seedScores.length;
        int[] order = seedOrder(seedScores);
        int[] seedOf = new int[n];
        for (int s = 0; s < n; s++) {
            seedOf[order[s]] = s;
        }
        int[] eliminatedIn = new int[n];
        Arrays.fill(eliminatedIn, Integer.MAX_VALUE);
        List<Integer> alive = new ArrayList<>();
        for (int i : order) {
            alive.add(i);
        }
        int round = 0;
        while (alive.size() > 1) {
            round++;
            int m = alive.size();
            List<Integer> next = new ArrayList<>();
            int lo = 0;
            int hi = m - 1;
            if (m % 2 == 1) {
                next.add(alive.get(0));
                lo = 1;
            }
            for (; lo < hi; lo++, hi--) {
                int a = alive.get(lo);
                int b = alive.get(hi);
                boolean aWins = judge.firstWins(a, b);
                next.add(aWins ? a : b);
                eliminatedIn[aWins ? b : a] = round;
            }
            next.sort(Comparator.comparingInt(i -> seedOf[i]));
            alive = next;
        }
        Integer[] byPlace = new Integer[n];
        for (int i = 0; i < n; i++) {
            byPlace[i] = i;
        }
        Arrays.sort(byPlace, Comparator.<Integer>comparingInt(i -> -eliminatedIn[i]).thenComparingInt(i -> seedOf[i]));
        int[] rank = new int[n];
        for (int r = 0; r < n; r++) {
            rank[byPlace[r]] = r + 1;
        }
        return rank;
    }

    /** {@code u_i = (N - rank_i) / (N - 1)}, in [0, 1]; a singleton scores 0. */
    public static double[] rankScores(int[] ranks) {
        int n = ranks.length;
        double[] u = new double[n];
        if (n == 1) {
            return u;
        }
        for (int i = 0; i < n; i++) {
            if (ranks[i] < 1 || ranks[i] > n) {
                throw new IllegalArgumentException("rank " + ranks[i] + " of trajectory " + i
                        + " is outside [1, " + n + "]");
            }
            u[i] = (double) (n - ranks[i]) / (n - 1);
        }
        return u;
    }

    /** Advantages from ranks: the z-score of {@link #rankScores} (unbiased std, +1e-6); N = 1 gives 0. */
    public static double[] advantages(int[] ranks) {
        if (ranks.length == 1) {
            return new double[1];
        }
        return StepCreditSupport.zScorePrivate(rankScores(ranks), 1, EPSILON);
    }
}
