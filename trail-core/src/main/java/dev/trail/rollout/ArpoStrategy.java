package dev.trail.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * ARPO's entropy-based adaptive rollout ({@code ALGORITHMS.md} §6.1; {@code dongguanting/ARPO}
 * {@code vllm_rollout_with_tools.py}) [code]. Per problem a budget of {@code M} responses: it
 * starts {@code N} from the prompt; a branch's generation is cut into rounds by tool (environment)
 * replies, and when a reply has been fed:
 * <pre>
 *   H   = −Σ p·log p over the top-10 probabilities of each of the first min(20, len) tokens of the
 *         round just ended, pooled into one list, / log|V|            ({@link #pooledEntropy})
 *   ΔH  = H − H_initial          (H_initial: the problem's first round measured)
 *   for each of (beam_size − 1) clone slots, while the problem has made fewer than M responses:
 *       u ~ U(0,1) from the branch's stream;  clone iff clip(u − β·ΔH, 0, 1) ≤ branch_probability
 * </pre>
 * so a slot clones with probability {@code clip(τ + β·ΔH, 0, 1)} ({@link #branchProbability}).
 * A clone copies the current prefix, tool replies included, and samples on with its own stream.
 * The responses a problem's clones do not make are fresh rollouts from the prompt: the code starts
 * them once the problem has no live trajectory (one per generation round); Trail starts all
 * {@code M − N} with the first N as stand-by branches ({@link TreeStrategy#reserves}), so they
 * decode in the same batched steps, and drops the latest one whenever a clone takes its place.
 * Each is an ordinary sample with its own stream either way, and which ones are dropped does not
 * depend on what they sampled. Tokens are sampled (temperature, top-p) throughout.
 */
public final class ArpoStrategy implements TreeStrategy {

    /** Tokens of a round whose distributions enter the entropy (the code's 20). */
    public static final int ENTROPY_TOKENS = 20;
    /** Top probabilities per token in the entropy (the code's top-10 log-probs). */
    public static final int ENTROPY_TOP_K = 10;

    /**
     * @param groupSize M, responses per problem
     * @param initialRollouts N, responses started at the prompt
     * @param beamSize clone slots per branch point plus one
     * @param branchProbability τ
     * @param entropyWeight β
     */
    public record Settings(int groupSize, int initialRollouts, int beamSize, double branchProbability,
            double entropyWeight) {
        public Settings {
            if (initialRollouts < 1 || initialRollouts > groupSize || beamSize < 1) {
                throw new IllegalArgumentException("arpo needs 1 <= initial_rollouts <= group size and beam_size >= 1, got "
                        + initialRollouts + ", " + groupSize + ", " + beamSize);
            }
            if (!(branchProbability >= 0 && branchProbability <= 1)) {
                throw new IllegalArgumentException("arpo branch_probability must be in [0, 1], got " + branchProbability);
            }
        }
    }

    /** A branch's current round: the pooled top-k probabilities of its first tokens. */
    private static final class Round {
        final List<double[]> tops = new ArrayList<>();
    }

    private final Settings s;
    private double[] initialEntropy;

    public ArpoStrategy(Settings settings) {
        this.s = settings;
    }

    /**
     * The pooled, normalised entropy {@code −Σ p·log p / log V} over every probability of
     * {@code tops} (each row the top probabilities of one token).
     */
    public static double pooledEntropy(List<double[]> tops, int vocabSize) {
        double h = 0;
        for (double[] row : tops) {
            for (double p : row) {
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
        }
        return h / Math.log(vocabSize);
    }

    /** The probability that one clone slot clones: {@code clip(τ + β·ΔH, 0, 1)}. */
    public static double branchProbability(double tau, double beta, double deltaEntropy) {
        return Math.max(0, Math.min(1, tau + beta * deltaEntropy));
    }

    /** The code's draw: clone iff {@code clip(u − β·ΔH, 0, 1) ≤ τ}. */
    public static boolean clones(double u, double tau, double beta, double deltaEntropy) {
        return Math.max(0, Math.min(1, u - beta * deltaEntropy)) <= tau;
    }

    @Override
    public List<Start> start(int p) {
        if (p == 0) {
            initialEntropy = null;
        }
        List<Start> out = new ArrayList<>();
        for (int k = 0; k < s.initialRollouts(); k++) {
            out.add(new Start(0));
        }
        return out;
    }

    @Override
    public List<Draw> decide(TreeBranch branch, float[] logits, Batch batch) {
        if (initialEntropy == null) {
            initialEntropy = new double[batch.problems()];
            java.util.Arrays.fill(initialEntropy, Double.NaN);
        }
        Round round = branch.strategyState instanceof Round r ? r : new Round();
        List<Draw> out = new ArrayList<>();
        out.add(Draw.sample());
        if (branch.afterToolReply()) {
            int p = branch.problem();
            double h = pooledEntropy(round.tops, batch.vocabSize());
            if (Double.isNaN(initialEntropy[p])) {
                initialEntropy[p] = h;
            }
            double delta = h - initialEntropy[p];
            int made = batch.branches(p).size();
            for (int slot = 1; slot < s.beamSize() && made < s.groupSize(); slot++) {
                if (clones(branch.rng().nextDouble(), s.branchProbability(), s.entropyWeight(), delta)) {
                    out.add(Draw.sample());
                    made++;
                }
            }
            round = new Round();
        }
        if (round.tops.size() < ENTROPY_TOKENS) {
            round.tops.add(TokenSampling.topK(TokenSampling.probabilities(logits, 0, batch.vocabSize(), 1.0),
                    ENTROPY_TOP_K));
        }
        branch.strategyState = round;
        return out;
    }

    /** The {@code M − N} responses that clones may not make start beside the first N (stand-by). */
    @Override
    public int reserves(int p) {
        return s.groupSize() - s.initialRollouts();
    }

    /** {@code M} minus the responses made so far (the initial ones and the clones): each clone takes a stand-by's place. */
    @Override
    public int reservesNeeded(int p, Batch batch) {
        return Math.max(0, s.groupSize() - batch.branches(p).size());
    }

    @Override
    public int groupSize() {
        return s.groupSize();
    }
}
