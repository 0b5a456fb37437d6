package dev.trail.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.trail.policy.SquashedGaussianActor;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TensorsTest {

    /**
     * A garbage collection, and time for the cleaners of unreachable direct buffers to run: what
     * freed the scalar operands DJL's {@code mul(Number)} keeps only in a Java buffer.
     */
    static void collectGarbage() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    @Test
    void scalarOperandsOutliveACollectionBetweenForwardAndBackward() throws Exception {
        try (NDManager m = Torch.newManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray x = Tensors.create(m, new float[] {0.5f, 1.5f, 2f}, 3);
            x.setRequiresGradient(true);
            NDArray loss = Tensors.mul(x, 3).sum()
                    .add(Tensors.div(x, 4).sum())
                    .add(Tensors.pow(x, 2).sum())
                    .add(Tensors.minimum(x, 1).sum())
                    .add(Tensors.maximum(x, 1).sum());
            collectGarbage();
            gc.backward(loss);
            // d/dx: 3 + 1/4 + 2x + [x < 1] + [x > 1]
            assertArrayEquals(new float[] {5.25f, 7.25f, 8.25f}, x.getGradient().toFloatArray(), 0f);
        }
    }

    /** SAC's actor loss: before the fix, the bound on log σ multiplied by a number held in freed memory. */
    @Test
    void actorGradientsDoNotDependOnACollectionBetweenForwardAndBackward() throws Exception {
        SquashedGaussianActor actor = SquashedGaussianActor.create(3, new float[] {-2f, -1f}, new float[] {2f, 1f},
                new int[] {8}, new Rng(7));
        float[] obs = new float[4 * 3];
        float[] eps = new float[4 * 2];
        Rng rng = new Rng(8);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) rng.nextGaussian();
        }
        float[][] plain = actorGradients(actor, obs, eps, false);
        float[][] collected = actorGradients(actor, obs, eps, true);
        for (int p = 0; p < plain.length; p++) {
            assertArrayEquals(plain[p], collected[p], 0f, actor.parameters().get(p).name());
        }
    }

    private static float[][] actorGradients(SquashedGaussianActor actor, float[] obs, float[] eps, boolean collect)
            throws InterruptedException {
        try (NDManager m = Torch.newManager()) {
            Parameters.Bound params = actor.parameters().bind(m);
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                NDArray[] sample = actor.rsample(params, Tensors.create(m, obs, 4, 3), Tensors.create(m, eps, 4, 2));
                NDArray loss = Tensors.mul(sample[1], 0.2).sub(sample[0].sum(new int[] {1})).mean();
                if (collect) {
                    collectGarbage();
                }
                gc.backward(loss);
            }
            return params.gradients();
        }
    }

    /**
     * The learners' sources call {@link Tensors#mul} and kin, not DJL's {@code mul(Number)} family
     * with a literal or a cast number (the forms such calls take here; a {@code float} variable
     * passed to {@code mul} is not caught). The Vector API kernels ({@code nn/fast}) are not DJL.
     */
    @Test
    void learnersDoNotPassJavaNumbersToDjlsMulDivPowMinimumMaximum() throws IOException {
        Pattern djlNumberOp = Pattern.compile("\\.(mul|div|pow|minimum|maximum)i?\\(\\s*(\\((float|double)\\)|-?[0-9])");
        List<String> found = new ArrayList<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/nn/fast/")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (djlNumberOp.matcher(line).find() && !line.contains("Math.") && !line.trim().startsWith("*")
                            && !line.trim().startsWith("//")) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
        assertTrue(Files.isDirectory(root.resolve("dev/trail/algo")), "run from the trail-learn module");
        assertTrue(found.isEmpty(), "use Tensors.mul/div/pow/minimum/maximum for a Java number:\n" + String.join("\n", found));
    }

    @Test
    void createRefusesAWrongLength() {
        try (NDManager m = Torch.newManager()) {
            assertThrows(IllegalArgumentException.class, () -> Tensors.create(m, new float[5], 2, 3));
        }
    }
}
