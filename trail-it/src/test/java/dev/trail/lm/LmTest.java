package dev.trail.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.envs.token.CalculatorTask;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.envs.token.TokenTasks;
import dev.trail.token.Transcript;
import dev.trail.nn.Parameters;
import dev.trail.seed.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmTest {

    @Test
    void passAtKIsTheUnbiasedEstimator() {
        assertEquals(0.0, LmEvaluation.passAtK(4, 0, 1));
        assertEquals(0.5, LmEvaluation.passAtK(4, 2, 1), 1e-12);
        // 1 - C(2,2)/C(4,2) = 1 - 1/6
        assertEquals(5.0 / 6.0, LmEvaluation.passAtK(4, 2, 2), 1e-12);
        assertEquals(1.0, LmEvaluation.passAtK(4, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> LmEvaluation.passAtK(2, 1, 3));
    }

    /** Tool-output tokens are never loss targets; policy tokens and EOS are. */
    @Test
    void toolOutputTokensAreMaskedInTheBatch() {
        TokenTask task = TokenTasks.task(CalculatorTask.ID);
        Problem p = task.sample(new Rng(1), Split.TRAIN);
        Transcript t = ResponseBuilder.respond(task, p, task.demonstration(p), 64, 64);
        assertTrue(t.verdict().correct(), t.toString());
        TokenBatch batch = TokenBatch.of(List.of(t));
        boolean[] trained = t.trained();
        int tool = 0;
        for (int j = 0; j < trained.length; j++) {
            assertEquals(trained[j] ? 1.0 : 0.0, batch.mask()[batch.column(0, j)], "response token " + j);
            assertEquals(t.responseTokens()[j], batch.targets()[batch.column(0, j)]);
            tool += trained[j] ? 0 : 1;
        }
        assertTrue(tool > 0, "the demonstration calls the tool");
        int maskedOnes = 0;
        for (double m : batch.mask()) {
            maskedOnes += (int) m;
        }
        assertEquals(trained.length - tool, maskedOnes);
        double[][] values = {new double[t.responseLength()]};
        values[0][3] = 2.5;
        assertArrayEquals(values[0], batch.gather(batch.scatter(values))[0]);
    }

    @Test
    void checkpointRoundTripsAndRefusesOtherShapesNamingBoth(@TempDir Path dir) throws IOException {
        Transformer m = Transformer.initialize(TransformerConfig.tiny(), new Rng(3));
        LmCheckpoint.save(dir.resolve("run/checkpoints/final"), m, JsonNodeFactory.instance.objectNode().put("envId", "x"));
        LmCheckpoint.Loaded back = LmCheckpoint.load(dir.resolve("run"));
        assertEquals(m.config(), back.model().config());
        assertEquals("x", back.envId());
        for (int i = 0; i < m.parameters().count(); i++) {
            assertArrayEquals(m.parameters().get(i).data(), back.model().parameters().get(i).data());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LmCheckpoint.requireConfig(back, TransformerConfig.defaults()));
        assertTrue(e.getMessage().contains("width=32") && e.getMessage().contains("width=128"), e.getMessage());
    }

    @Test
    void checkpointWithAnotherVocabularyIsRefusedNamingBoth(@TempDir Path dir) throws IOException {
        Transformer m = Transformer.initialize(TransformerConfig.tiny(), new Rng(3));
        var meta = JsonNodeFactory.instance.objectNode();
        meta.put("kind", LmCheckpoint.KIND);
        meta.set("transformer", m.config().toJson());
        meta.putObject("vocabulary").put("size", 60).put("sha256", "abcdef0123456789");
        Checkpoint.write(dir.resolve("cp"), meta, Map.of("parameters", m.parameters()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LmCheckpoint.load(dir.resolve("cp")));
        assertTrue(e.getMessage().contains("60") && e.getMessage().contains("53"), e.getMessage());
    }

    @Test
    void weightsOfAnotherLayoutAreRefused() {
        Parameters p = new Parameters();
        p.add("wte", new int[] {3, 2}, new float[6]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Transformer(TransformerConfig.tiny(), p));
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }
}
