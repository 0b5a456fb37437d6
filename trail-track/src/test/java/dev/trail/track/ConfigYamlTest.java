package dev.trail.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigYamlTest {

    @Test
    void writesAndReadsBackNestedMapsScalarsAndLists() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("lr", 2.5e-4);
        inner.put("layers", List.of(64L, 64L));
        inner.put("none", null);
        inner.put("nested", List.of(List.of(1L, 2L), Map.of("k", "v")));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env_id", "CartPole-v1");
        m.put("seed", 42L);
        m.put("neg", -3L);
        m.put("on", true);
        m.put("text", "has: colon, comma # and hash \"quoted\"\nnewline");
        m.put("looks_like_number", "1e5");
        m.put("looks_like_bool", "true");
        m.put("whole_double", 1.0);
        m.put("big", 4294967296L);
        m.put("algo", inner);
        String yaml = ConfigYaml.write(m);
        assertTrue(yaml.startsWith("env_id: \"CartPole-v1\"\nseed: 42\n"), yaml);
        Map<String, Object> back = ConfigYaml.read(yaml, "t.yaml");
        assertEquals(m, back);
        assertEquals("1e5", back.get("looks_like_number"));
        assertEquals("true", back.get("looks_like_bool"));
    }

    @Test
    void readsHandWrittenYamlAsYamlDoes() {
        Map<String, Object> m = ConfigYaml.read("""
                # a comment
                env: CartPole-v1   # trailing comment
                lr: '3e-4'
                lr2: 3e-4
                sizes: "64,64"
                plain_sizes: 64,64
                block:
                  - 32
                  - 64
                yes_is_text: yes
                inf: .inf
                ppo:
                  gamma: 0.99
                """, "c.yaml");
        assertEquals("CartPole-v1", m.get("env"));
        assertEquals("3e-4", m.get("lr"), "a quoted scalar is text, without its quotes");
        assertEquals(3e-4, m.get("lr2"));
        assertEquals("64,64", m.get("sizes"));
        assertEquals("64,64", m.get("plain_sizes"));
        assertEquals(List.of(32L, 64L), m.get("block"));
        assertEquals("yes", m.get("yes_is_text"), "YAML 1.2: only true/false are booleans");
        assertEquals(Double.POSITIVE_INFINITY, m.get("inf"));
        assertEquals(Map.of("gamma", 0.99), m.get("ppo"));
        assertEquals(Map.of(), ConfigYaml.read("# only a comment\n", "e.yaml"));
    }

    @Test
    void refusesDuplicateKeysNamingFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigYaml.read("a: 1\nppo:\n  gamma: 0.9\n  gamma: 0.99\n", "my.yaml"));
        assertTrue(e.getMessage().startsWith("my.yaml: line 4: "), e.getMessage());
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
    }

    @Test
    void syntaxErrorsNameFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigYaml.read("a: 1\nb: [2\n", "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml: line "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigYaml.read("- 1\n- 2\n", "list.yaml"));
        assertTrue(e.getMessage().contains("list.yaml: line 1"), e.getMessage());
    }
}
