package dev.trail.rollout;

import dev.trail.seed.Rng;
import java.util.Arrays;

/**
 * The math of drawing a token from a model's next-token logits, on primitive arrays: tempered
 * softmax, top-p (nucleus) sampling, greedy choice, the recorded log-probability, the top-2
 * probabilities LATR branches on and the pooled top-k entropy ARPO branches on. The batch sampler
 * and the tree rollouts both draw through these functions, so a tree branch with a given random
 * stream draws exactly the tokens an i.i.d. row with that stream draws.
 *
 * <p>Layout: {@code logits[offset .. offset + vocab)} is one row; inputs are never mutated.
 */
public final class TokenSampling {

    private TokenSampling() {
    }

    /** The most likely token, the lowest id on ties. */
    public static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Draws a token: the argmax when {@code greedy}, otherwise one uniform draw from {@code rng}
     * against {@code softmax(logits / τ)} restricted to the smallest set of most likely tokens
     * whose mass reaches {@code topP} (ties broken by lower id) and renormalised.
     */
    public static int choose(float[] logits, int offset, int vocab, double temperature, double topP, boolean greedy,
            Rng rng) {
        if (greedy) {
            return argmax(logits, offset, vocab);
        }
        double[] p = probabilities(logits, offset, vocab, temperature);
        if (topP < 1.0) {
            Integer[] order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            double mass = 0;
            boolean[] keep = new boolean[vocab];
            for (int i = 0; i < vocab && mass < topP; i++) {
                keep[order[i]] = true;
                mass += p[order[i]];
            }
            for (int i = 0; i < vocab; i++) {
                p[i] = keep[i] ? p[i] / mass : 0;
            }
        }
        double u = rng.nextDouble();
        double c = 0;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] > 0) {
                c += p[i];
                last = i;
                if (u < c) {
                    return i;
                }
            }
        }
        return last;
    }

    /** {@code softmax(logits / τ)} in double. */
    public static double[] probabilities(float[] logits, int offset, int vocab, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp(logits[offset + i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** {@code log softmax(logits / τ)[token]} in double. */
    public static double logProb(float[] logits, int offset, int vocab, int token, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] / temperature - max);
        }
        return logits[offset + token] / temperature - max - Math.log(sum);
    }

    /**
     * The two most likely tokens of a probability row, {@code {top1, top2}} (lower id first on
     * ties); {@code p[top1] >= p[top2]}.
     */
    public static int[] top2(double[] p) {
        int a = -1, b = -1;
        for (int i = 0; i < p.length; i++) {
            if (a < 0 || p[i] > p[a]) {
                b = a;
                a = i;
            } else if (b < 0 || p[i] > p[b]) {
                b = i;
            }
        }
        return new int[] {a, b};
    }

    /** The {@code k} largest probabilities of a row, in decreasing order. */
    public static double[] topK(double[] p, int k) {
        double[] sorted = p.clone();
        Arrays.sort(sorted);
        int n = Math.min(k, sorted.length);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = sorted[sorted.length - 1 - i];
        }
        return out;
    }
}
