package dev.trail.lm;

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

/** The tensor losses against the reference functions of dev.trail.loss on random inputs. */
class TensorLossesTest {

    private static final int ROWS = 5;
    private static final int WIDTH = 7;

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
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensors.create(m, f, ROWS, WIDTH);
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
                        TensorLosses.PolicyTerms got = TensorLosses.policyLoss(t(m, in.lp), t(m, in.old), t(m, in.adv),
                                t(m, in.mask), in.mask, WIDTH, clip, agg, 12);
                        String what = clip + " " + agg;
                        assertEquals(ref.loss(), got.loss().getFloat(), 1e-5, what);
                        assertEquals(ref.clipFraction(), got.clipFraction(), 1e-6, what);
                        assertEquals(ref.lowerClipFraction(), got.lowerClipFraction(), 1e-6, what);
                        assertEquals(ref.approxKl(), got.approxKl(), 1e-5, what);
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
                double[] ref = KlEstimators.perToken(kind, in.lp, in.ref, in.mask);
                float[] got = TensorLosses.klPerToken(kind, t(m, in.lp), t(m, in.ref), t(m, in.mask)).toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(ref[i], got[i], 1e-5, kind + " token " + i);
                }
                for (Aggregation agg : Aggregation.values()) {
                    double r = KlEstimators.aggregate(kind, in.lp, in.ref, in.mask, WIDTH, agg, 12);
                    NDArray k = TensorLosses.klPerToken(kind, t(m, in.lp), t(m, in.ref), t(m, in.mask));
                    assertEquals(r, TensorLosses.aggregate(k, in.mask, WIDTH, agg, 12).getFloat(), 1e-5, kind + " " + agg);
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
        try (NDManager m = Torch.newManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray lp = t(m, in.lp);
            lp.setRequiresGradient(true);
            NDArray loss = TensorLosses.policyLoss(lp, t(m, in.old), t(m, in.adv), t(m, in.mask), in.mask, WIDTH,
                    PolicyLoss.Clip.ppo(0.2), Aggregation.TOKEN_MEAN, 0).loss();
            NDArray other = TensorLosses.policyLoss(t(m, otherLp), t(m, in.old), t(m, otherAdv), t(m, in.mask), in.mask,
                    WIDTH, PolicyLoss.Clip.ppo(0.2), Aggregation.TOKEN_MEAN, 0).loss();
            assertEquals(loss.getFloat(), other.getFloat(), 1e-6);
            gc.backward(loss);
            float[] g = lp.getGradient().toFloatArray();
            for (int i = 0; i < g.length; i++) {
                if (in.mask[i] == 0) {
                    assertEquals(0f, g[i], 0f, "gradient at masked token " + i);
                }
            }
        }
    }
}
