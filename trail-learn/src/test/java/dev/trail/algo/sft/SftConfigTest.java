package dev.trail.algo.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.config.Option;
import dev.trail.lm.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SftConfigTest {

    /** The defaults of before the binder (SftOptions), written out so that a changed default fails here. */
    @Test
    void defaults() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("vocab_size", 53);
        model.put("layers", 2);
        model.put("width", 128);
        model.put("heads", 4);
        model.put("context_length", 64);
        model.put("mlp_ratio", 4);
        model.put("tied_embeddings", false);
        model.put("init_std", 0.02);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("model", model);
        expected.put("steps", 2000);
        expected.put("batch_size", 64);
        expected.put("learning_rate", 2e-3);
        expected.put("warmup_steps", 100);
        expected.put("max_grad_norm", 1.0);
        expected.put("eval_every", 250);
        expected.put("eval_problems", 200);
        expected.put("log_every", 50);
        assertEquals(expected, SftConfig.defaults().toMap());
        assertEquals(SftConfig.defaults(), SftConfig.binder().parse(Map.of()));
    }

    @Test
    void modelKeysAreDottedAndChecked() {
        SftConfig c = SftConfig.binder().parse(Map.of("steps", "10", "model.layers", "1", "model.width", "32",
                "model.heads", "2"));
        assertEquals(10, c.steps());
        assertEquals(TransformerConfig.defaults().withSizes(1, 32, 2), c.model());
        List<String> keys = SftConfig.binder().options().stream().map(Option::name).toList();
        assertTrue(keys.contains("model.context_length") && keys.contains("learning_rate"), keys.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SftConfig.binder().parse(Map.of("model.width", "30", "model.heads", "4")));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SftConfig.binder().parse(Map.of("layers", "3")));
        assertTrue(e.getMessage().contains("'layers'") && e.getMessage().contains("closest known key"), e.getMessage());
    }

    @Test
    void transformerJsonIsSnakeCaseAndOldCheckpointsStillRead() {
        TransformerConfig t = TransformerConfig.tiny();
        assertTrue(t.toJson().has("context_length"), t.toJson().toString());
        assertEquals(t, TransformerConfig.fromJson(t.toJson()));
        com.fasterxml.jackson.databind.node.ObjectNode legacy =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        legacy.put("vocabSize", 53).put("layers", 1).put("width", 32).put("heads", 2).put("contextLength", 64)
                .put("mlpRatio", 2).put("tiedEmbeddings", false).put("initStd", 0.02);
        assertEquals(t, TransformerConfig.fromJson(legacy));
        legacy.remove("heads");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromJson(legacy));
        assertTrue(e.getMessage().contains("'heads'"), e.getMessage());
    }
}
