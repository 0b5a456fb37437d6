package dev.trail.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import dev.trail.loss.PolicyLoss;
import dev.trail.nn.Tensors;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import org.junit.jupiter.api.Test;

/**
 * The one tensor loss module: the spec's worked table (ALGORITHMS.md §0.5), and the masked
 * forms against the reference functions of dev.trail.loss on random inputs for every clip
 * setting, KL estimator and aggregation mode.
 */
class LossesTest {

    private static final int ROWS = 5;
    private static final int WIDTH = 7;

    // §0.5 table: advantages and ratios, and the per-token loss for PPO (ε 0.2) and DAPO (0.2 / 0.28)
    private static final float[] A = {1, 1, 1, 1, -1, -1, -1};
    private static final double[] RHO = {0.5, 1.25, 1.5, 5.0, 0.5, 1.5, 5.0};
    private static final float[] PPO = {-0.5f, -1.2f, -1.2f, -1.2f, 0.8f, 1.5f, 5.0f};
    private static final float[] DAPO = {-0.5f, -1.25f, -1.28f, -1.28f, 0.8f, 1.5f, 5.0f};

    @Test
    void clippedSurrogateMatchesSpecTable() {
        float[] logRatio = new float[RHO.length];
        for (int i = 0; i < RHO.length; i++) {
            logRatio[i] = (float) Math.log(RHO[i]);
        }
        float[] zeros = new float[RHO.length];
        try (NDManager m = Torch.newManager()) {
            NDArray lp = m.create(logRatio);
            Losses.Reduction mean = Losses.Reduction.mean(RHO.length);
            assertArrayEquals(PPO, Losses.policyLoss(lp, zeros, A, mean, PolicyLoss.Clip.ppo(0.2)).tokenLosses()
                    .toFloatArray(), 1e-6f);
            assertArrayEquals(DAPO, Losses.policyLoss(lp, zeros, A, mean, PolicyLoss.Clip.decoupled(0.2, 0.28))
                    .tokenLosses().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void valueLossMatchesSpecExample() {
        // §2.1: V_old 0.5, V_new 0.8, Ret 1.0, ε_v 0.2 -> clipped prediction 0.7, ½·max(0.04, 0.09) = 0.045
        try (NDManager m = Torch.newManager()) {
            NDArray v = m.create(new float[] {0.8f});
            NDArray old = m.create(new float[] {0.5f});
            NDArray ret = m.create(new float[] {1.0f});
            assertEquals(0.045, Losses.valueLoss(v, old, ret, true, 0.2).getFloat(), 1e-6);
            assertEquals(0.02, Losses.valueLoss(v, old, ret, false, 0.2).getFloat(), 1e-6);
        }
    }

    @Test
    void diagnosticsFollowTheirDefinitions() {
        // ρ = (1, 1.5, 0.5), A = (1, 1, 1), ε = 0.2: k3 = mean((ρ-1) - log ρ), k1 = mean(-log ρ);
        // the clipped term binds (l2 > l1) only where ρ = 1.5 > 1.2 with A > 0: 1/3
        float[] lr = {0f, (float) Math.log(1.5), (float) Math.log(0.5)};
        double k3 = (Math.expm1(lr[1]) - lr[1] + Math.expm1(lr[2]) - lr[2]) / 3;
        try (NDManager m = Torch.newManager()) {
            Losses.PolicyTerms t = Losses.policyLoss(m.create(lr), new float[3], new float[] {1, 1, 1},
                    Losses.Reduction.mean(3), PolicyLoss.Clip.ppo(0.2));
            assertEquals(k3, t.approxKl(), 1e-7);
            assertEquals(-(lr[1] + lr[2]) / 3.0, t.oldApproxKl(), 1e-7);
            assertEquals(1.0 / 3, t.clipFraction(), 1e-12);
        }
    }

    private record Inputs(double[] lp, double[] old, double[] ref, double[] adv, double[] mask) {
    }

    private static Inputs random(long seed) {
        Rng rng = new Rng(seed);
        int n = ROWS * WIDTH;
        double[] lp = new double[n], old = new double[n], ref = new double[n], adv = new double[n], mask = new double[n];
        for (int i = 0; i < n; i++) {
            // round to float so both sides see the same numbers
            lp[i] = (float) (-3 * rng.nextDouble());
            old[i] = (float) (lp[i] + 0.6 * rng.nextGaussian());
            ref[i] = (float) (lp[i] + 0.8 * rng.nextGaussian());
            adv[i] = (float) rng.nextGaussian();
            mask[i] = rng.nextDouble() < 0.7 ? 1 : 0;
        }
        java.util.Arrays.fill(mask, 2 * WIDTH, 3 * WIDTH, 0.0); // one fully masked row
        return new Inputs(lp, old, ref, adv, mask);
    }

    private static NDArray t(NDManager m, double[] v) {
        return Tensors.create(m, f(v), ROWS, WIDTH);
    }

    private static float[] f(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Test
    void policyLossMatchesReferenceForEveryClipAndMode() {
        PolicyLoss.Clip[] clips = {PolicyLoss.Clip.ppo(0.2), PolicyLoss.Clip.decoupled(0.2, 0.28),
                PolicyLoss.Clip.ppo(0.2).withDualClip(3.0)};
        try (NDManager m = Torch.newManager()) {
            for (long seed = 1; seed <= 3; seed++) {
                Inputs in = random(seed);
                for (PolicyLoss.Clip clip : clips) {
                    for (Aggregation agg : Aggregation.values()) {
                        PolicyLoss.Result ref = PolicyLoss.compute(in.lp, in.old, in.adv, in.mask, WIDTH, clip, agg, 12);
                        Losses.PolicyTerms got = Losses.policyLoss(t(m, in.lp), f(in.old), f(in.adv),
                                Losses.Reduction.masked(agg, in.mask, WIDTH, 12), clip);
                        String what = clip + " " + agg;
                        assertEquals(ref.loss(), got.loss().getFloat(), 1e-5, what);
                        assertEquals(ref.clipFraction(), got.clipFraction(), 1e-6, what);
                        assertEquals(ref.lowerClipFraction(), got.lowerClipFraction(), 1e-6, what);
                        assertEquals(ref.approxKl(), got.oldApproxKl(), 1e-5, what);
                        float[] tokens = got.tokenLosses().toFloatArray();
                        for (int i = 0; i < tokens.length; i++) {
                            assertEquals(ref.tokenLosses()[i], tokens[i], 1e-5, what + " token " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void klMatchesReferenceForEveryEstimatorAndMode() {
        try (NDManager m = Torch.newManager()) {
            Inputs in = random(9);
            for (KlEstimators.Kind kind : KlEstimators.Kind.values()) {
                for (Aggregation agg : Aggregation.values()) {
                    double r = KlEstimators.aggregate(kind, in.lp, in.ref, in.mask, WIDTH, agg, 12);
                    NDArray k = Losses.kl(kind, t(m, in.lp), t(m, in.ref), Losses.Reduction.masked(agg, in.mask, WIDTH, 12));
                    assertEquals(r, k.getFloat(), 1e-5, kind + " " + agg);
                }
            }
        }
    }

    /** Masked positions get no gradient and do not change the loss, whatever they hold. */
    @Test
    void maskedTokensNeverInfluenceTheLoss() {
        Inputs in = random(4);
        double[] otherLp = in.lp.clone();
        double[] otherAdv = in.adv.clone();
        for (int i = 0; i < otherLp.length; i++) {
            if (in.mask[i] == 0) {
                otherLp[i] = -50;
                otherAdv[i] = 1e3;
            }
        }
        Losses.Reduction reduction = Losses.Reduction.masked(Aggregation.TOKEN_MEAN, in.mask, WIDTH, 0);
        try (NDManager m = Torch.newManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray lp = t(m, in.lp);
            lp.setRequiresGradient(true);
            Losses.PolicyTerms terms = Losses.policyLoss(lp, f(in.old), f(in.adv), reduction, PolicyLoss.Clip.ppo(0.2));
            Losses.PolicyTerms other = Losses.policyLoss(t(m, otherLp), f(in.old), f(otherAdv), reduction,
                    PolicyLoss.Clip.ppo(0.2));
            assertEquals(terms.loss().getFloat(), other.loss().getFloat(), 1e-6);
            assertEquals(terms.approxKl(), other.approxKl(), 1e-12);
            gc.backward(terms.loss());
            float[] g = lp.getGradient().toFloatArray();
            for (int i = 0; i < g.length; i++) {
                if (in.mask[i] == 0) {
                    assertEquals(0f, g[i], 0f, "gradient at masked token " + i);
                }
            }
        }
    }
}
