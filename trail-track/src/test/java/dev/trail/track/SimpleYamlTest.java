package dev.trail.track;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimpleYamlTest {

    @Test
    void writesAndReadsBackNestedMapsScalarsAndLists() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("lr", 2.5e-4);
        inner.put("layers", List.of(64L, 64L));
        inner.put("empty", List.of());
        inner.put("nested", List.of(List.of(1L, 2L), Map.of("k", "v")));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env_id", "CartPole-v1");
        m.put("seed", 42L);
        m.put("neg", -3L);
        m.put("on", true);
        m.put("none", null);
        m.put("text", "has: colon, comma # and hash \"quoted\"\nnewline");
        m.put("looks_like_number", "1e5");
        m.put("nan", Double.NaN);
        m.put("inf", Double.NEGATIVE_INFINITY);
        m.put("whole_double", 1.0);
        m.put("algo", inner);
        String yaml = SimpleYaml.write(m);
        assertTrue(yaml.startsWith("env_id: CartPole-v1\nseed: 42\n"), yaml);
        assertTrue(yaml.contains("\nalgo:\n  lr: 2.5E-4\n  layers: [64, 64]\n"), yaml);
        Map<String, Object> back = SimpleYaml.read(yaml);
        assertEquals(m.keySet(), back.keySet());
        assertEquals(m.toString(), back.toString());
        assertEquals(1.0, back.get("whole_double"));
        assertEquals("1e5", back.get("looks_like_number"));
    }

    @Test
    void readsHandWrittenBlockListsAndComments() {
        Map<String, Object> m = SimpleYaml.read("""
                # a comment
                env: CartPole-v1   # trailing comment
                sizes:
                  - 32
                  - 64
                ppo:
                  gamma: 0.99
                """);
        assertEquals("CartPole-v1", m.get("env"));
        assertEquals(List.of(32L, 64L), m.get("sizes"));
        assertEquals(Map.of("gamma", 0.99), m.get("ppo"));
    }

    @Test
    void errorsNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimpleYaml.read("a: 1\nb [2\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
