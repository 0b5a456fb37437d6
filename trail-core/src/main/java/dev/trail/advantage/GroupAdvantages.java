package dev.trail.advantage;

import java.util.Arrays;

/**
 * Outcome-level (one scalar per response) advantages of the critic-free estimators
 * ({@code ALGORITHMS.md} §1.1–§1.6). Each function maps the rewards R_i of one group (or of a batch
 * of groups) to one advantage per response; broadcasting to tokens is the caller's job.
 *
 * <p>Layout: {@code rewards[i]} is response i's outcome R_i, in group order; batch functions take
 * a flat array with either a fixed group size ({@code [groups, G]} row-major) or explicit ragged
 * {@code groupSizes} in batch order. Outputs are new arrays; inputs are never modified. All-equal
 * groups get exact zeros (see {@link GroupStats#mean(double[])}).
 */
public final class GroupAdvantages {

    /**
     * What a group of one response (G = 1) gets where the method is undefined for it
     * (Appendix A #2: make the singleton policy explicit).
     */
    public enum Singleton {
        /** A = R, verl's behaviour (mean 0, std 1). The default. */
        RAW_REWARD,
        /** A = 0: a lone response has nothing to be compared with. */
        ZERO,
        /** Throw: singleton groups are a bug in the rollout. */
        ERROR;

        /** Parses {@code raw}, {@code zero} or {@code error}. */
        public static Singleton parse(String name) {
            return switch (name) {
                case "raw" -> RAW_REWARD;
                case "zero" -> ZERO;
                case "error" -> ERROR;
                default -> throw new IllegalArgumentException("singleton policy must be raw, zero or error, got "
                        + name);
            };
        }
    }

    private GroupAdvantages() {
    }

    /**
     * REINFORCE with a constant (or externally kept, e.g. EMA) baseline, §1.1: {@code A_i = R_i − b}.
     * Example: R = [1, 0, 1, 1], b = 0.6 → [0.4, −0.6, 0.4, 0.4].
     */
    public static double[] reinforce(double[] rewards, double baseline) {
        double[] out = new double[rewards.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rewards[i] - baseline;
        }
        return out;
    }

    /**
     * REINFORCE with the mean of {@code rewards} as baseline, §1.1: {@code A_i = R_i − mean(R)}.
     * The mean includes the sample itself (biased by (G−1)/G; RLOO removes that). A singleton gets 0.
     */
    public static double[] reinforceMeanBaseline(double[] rewards) {
        return reinforce(rewards, GroupStats.mean(rewards));
    }

    /** The EMA baseline update of §1.1: {@code b ← η·b + (1−η)·mean(R_batch)}, η in [0, 1]. */
    public static double emaBaseline(double previousBaseline, double[] batchRewards, double eta) {
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
        }
        return eta * previousBaseline + (1 - eta) * GroupStats.mean(batchRewards);
    }

    /**
     * RLOO, §1.3: {@code A_i = R_i − (1/(G−1)) Σ_{j≠i} R_j = G/(G−1)·(R_i − mean)}. The leave-one-out
     * advantages of a group sum to zero. G = 1 is undefined: {@code singleton} decides (verl: raw R).
     * Example: [1, 0, 1, 1] → [1/3, −1, 1/3, 1/3].
     */
    public static double[] rloo(double[] rewards, Singleton singleton) {
        if (rewards.length == 1) {
            return singleton(rewards, singleton, "RLOO");
        }
        int g = rewards.length;
        double mean = GroupStats.mean(rewards);
        double[] out = new double[g];
        for (int i = 0; i < g; i++) {
            out[i] = rewards[i] == mean ? 0.0 : g * (rewards[i] - mean) / (g - 1);
        }
        return out;
    }

    /**
     * GRPO outcome advantages, §1.4 (DeepSeekMath; verl {@code compute_grpo_outcome_advantage}):
     * {@code A_i = (R_i − mean_g) / (std_g + ε)}, std with {@code ddof} (1 = unbiased, verl's).
     * All-equal group → 0. G = 1: {@code singleton} decides (verl: mean 0, std 1, so A = R).
     * Example: [1, 0, 1, 1], ddof 1, ε 1e-6 → [0.499999, −1.499997, 0.499999, 0.499999].
     */
    public static double[] grpo(double[] rewards, int ddof, double epsilon, Singleton singleton) {
        return grpoGroups(rewards, rewards.length, ddof, epsilon, singleton);
    }

    /**
     * GRPO over many equal-size groups at once (the fast path): {@code rewards} is
     * {@code [groups, groupSize]} row-major, each row normalised by its own mean and std. Two passes
     * per row, no allocation besides the output (4096 × 16 in well under 1 ms).
     */
    public static double[] grpoGroups(double[] rewards, int groupSize, int ddof, double epsilon,
            Singleton singleton) {
        checkGroupSize(rewards.length, groupSize);
        if (groupSize == 1) {
            checkEpsilon(epsilon);
            return singleton(rewards, singleton, "GRPO");
        }
        double[] out = new double[rewards.length];
        grpoGroupsInto(rewards, groupSize, ddof, epsilon, out);
        return out;
    }

    /**
     * {@link #grpoGroups} writing into a caller-owned buffer of the same length (no allocation;
     * every element is overwritten). Needs {@code groupSize ≥ 2}: the singleton policy returns
     * values, not a normalisation.
     */
    public static void grpoGroupsInto(double[] rewards, int groupSize, int ddof, double epsilon, double[] out) {
        checkGroupSize(rewards.length, groupSize);
        checkEpsilon(epsilon);
        if (groupSize == 1) {
            throw new IllegalArgumentException("grpoGroupsInto needs groups of at least 2; use grpoGroups, which "
                    + "applies the singleton policy");
        }
        if (out.length != rewards.length) {
            throw new IllegalArgumentException("out has length " + out.length + " but rewards has " + rewards.length);
        }
        GroupStats.checkDdof(ddof, groupSize);
        for (int start = 0; start < rewards.length; start += groupSize) {
            int end = start + groupSize;
            double first = rewards[start];
            double sum = 0;
            boolean allEqual = true;
            for (int i = start; i < end; i++) {
                double r = rewards[i];
                sum += r;
                allEqual &= r == first;
            }
            if (allEqual) {
                Arrays.fill(out, start, end, 0.0); // exact zeros
                continue;
            }
            double mean = sum / groupSize;
            double ss = 0;
            for (int i = start; i < end; i++) {
                double d = rewards[i] - mean;
                ss += d * d;
            }
            double scale = 1.0 / (Math.sqrt(ss / (groupSize - ddof)) + epsilon);
            for (int i = start; i < end; i++) {
                out[i] = (rewards[i] - mean) * scale;
            }
        }
    }

    /**
     * Dr. GRPO, §1.5: {@code A_i = R_i − mean_g} (no std division; the length normalisation is the
     * loss's business). G = 1: {@code singleton} decides (verl, which runs GRPO without the std, gives
     * A = R). Example: [1, 0, 1, 1] → [0.25, −0.75, 0.25, 0.25].
     */
    public static double[] drGrpo(double[] rewards, Singleton singleton) {
        if (rewards.length == 1) {
            return singleton(rewards, singleton, "Dr. GRPO");
        }
        return reinforceMeanBaseline(rewards);
    }

    /**
     * Lite PPO normalisation, §1.6 (ROLL {@code reward_norm(norm_mean_type="group",
     * norm_std_type="batch")}): {@code A_i = (R_i − mean_{group(i)}) / (std_batch(R) + ε)}, the std
     * taken over the raw rewards of the whole batch with {@code ddof}. Groups are consecutive runs of
     * {@code groupSizes} in {@code rewards}. A batch whose rewards are all equal, or a batch of one
     * reward, gets 0 everywhere.
     */
    public static double[] litePpo(double[] rewards, int[] groupSizes, int ddof, double epsilon) {
        checkGroupSizes(rewards.length, groupSizes);
        checkEpsilon(epsilon);
        GroupStats.checkDdof(ddof, ddof + 1);
        double std = rewards.length > ddof ? GroupStats.std(rewards, ddof) : 0.0;
        double scale = 1.0 / (std + epsilon);
        double[] out = new double[rewards.length];
        int start = 0;
        for (int size : groupSizes) {
            double mean = GroupStats.mean(rewards, start, start + size);
            for (int i = start; i < start + size; i++) {
                out[i] = rewards[i] == mean ? 0.0 : (rewards[i] - mean) * scale;
            }
            start += size;
        }
        return out;
    }

    /**
     * Each response's reward minus its group's mean, groups given by {@code groupSizes}
     * ({@code c_i} of REINFORCE++-baseline, §1.7). A singleton's mean is taken as 0, so c = R.
     */
    public static double[] centeredByGroup(double[] rewards, int[] groupSizes) {
        checkGroupSizes(rewards.length, groupSizes);
        double[] out = new double[rewards.length];
        int start = 0;
        for (int size : groupSizes) {
            double mean = size == 1 ? 0.0 : GroupStats.mean(rewards, start, start + size);
            for (int i = start; i < start + size; i++) {
                out[i] = rewards[i] == mean ? 0.0 : rewards[i] - mean;
            }
            start += size;
        }
        return out;
    }

    private static double[] singleton(double[] rewards, Singleton policy, String method) {
        return switch (policy) {
            case RAW_REWARD -> rewards.clone();
            case ZERO -> new double[rewards.length];
            case ERROR -> throw new IllegalArgumentException(method + " got a group of one response; its advantage "
                    + "is undefined (set the singleton policy to raw or zero to allow it)");
        };
    }

    private static void checkGroupSize(int n, int groupSize) {
        if (groupSize < 1 || n % groupSize != 0 || n == 0) {
            throw new IllegalArgumentException("rewards has " + n + " values, not a positive multiple of the group "
                    + "size " + groupSize);
        }
    }

    private static void checkGroupSizes(int n, int[] groupSizes) {
        long total = 0;
        for (int i = 0; i < groupSizes.length; i++) {
            if (groupSizes[i] < 1) {
                throw new IllegalArgumentException("group " + i + " has size " + groupSizes[i] + "; sizes must be >= 1");
            }
            total += groupSizes[i];
        }
        if (total != n || n == 0) {
            throw new IllegalArgumentException("group sizes add up to " + total + " but there are " + n + " rewards");
        }
    }

    private static void checkEpsilon(double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
    }
}
