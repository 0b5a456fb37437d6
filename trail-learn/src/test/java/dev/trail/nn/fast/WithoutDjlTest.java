package dev.trail.nn.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.nn.Activation;
import dev.trail.nn.Init;
import dev.trail.nn.Parameters;
import dev.trail.optim.Adam;
import dev.trail.policy.PolicySpec;
import dev.trail.seed.Rng;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java learner needs no DJL class (so no libtorch): a whole PPO step runs in a class loader
 * that sees Trail's own classes and the JDK, nothing else.
 */
class WithoutDjlTest {

    @Test
    void aPpoStepRunsWithoutDjlOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            // trail-learn's and trail-core's classes (directories in the reactor, jars when installed), test classes included
            if (entry.contains("trail-learn") || entry.contains("trail-core")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThrowsClassNotFound(isolated, "ai.djl.ndarray.NDArray");
            Class<?> step = Class.forName(Step.class.getName(), true, isolated);
            double loss = (double) step.getMethod("run").invoke(null);
            assertTrue(Double.isFinite(loss));
            assertEquals(Step.run(), loss, 0.0, "same result as in the normal class path");
        }
    }

    private static void assertThrowsClassNotFound(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            throw new AssertionError(name + " is visible: the isolation does not work");
        } catch (ClassNotFoundException expected) {
            // as intended
        }
    }

    /** A PPO step built from scratch (no Mlp, whose tensor pass references DJL types). */
    public static final class Step {
        public static double run() {
            PolicySpec spec = new PolicySpec(4, true, 2, new int[] {16, 16}, Activation.TANH, null, null);
            Parameters p = new Parameters();
            Rng rng = new Rng(3);
            for (String net : new String[] {"critic", "actor"}) {
                int[] sizes = net.equals("critic") ? spec.criticSizes() : spec.actorSizes();
                for (int l = 0; l + 1 < sizes.length; l++) {
                    p.add(net + "." + l + ".weight", new int[] {sizes[l + 1], sizes[l]},
                            Init.orthogonal(sizes[l + 1], sizes[l], Math.sqrt(2), rng));
                    p.add(net + "." + l + ".bias", new int[] {sizes[l + 1]}, new float[sizes[l + 1]]);
                }
            }
            JavaActorCritic fast = JavaActorCritic.attach(spec, p);
            int n = 8;
            float[] obs = new float[n * 4];
            int[] actions = new int[n];
            float[] ones = new float[n];
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) rng.nextGaussian();
            }
            for (int r = 0; r < n; r++) {
                actions[r] = r % 2;
                ones[r] = r % 3 - 1;
            }
            JavaActorCritic.Batch batch = new JavaActorCritic.Batch(n, obs, actions, null, new float[n], ones, ones, ones);
            Adam adam = new Adam(p, 1e-5);
            JavaActorCritic.StepResult result = fast.step(batch, JavaActorCritic.LossSettings.ppo(0.2, true, 0.01, 0.5),
                    0.5, adam, 1e-3);
            return result.terms().loss() + fast.lossAndGradients(batch, JavaActorCritic.LossSettings.ppo(0.2, true, 0.01,
                    0.5)).loss();
        }
    }
}
