package dev.trail.track.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @TempDir
    Path tmp;

    @Test
    void topLevelScannerAgreesWithJacksonOnWhatTheRunsWrite() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", "CartPole-v1__ppo__s1__x");
        m.put("text", "quote \" backslash \\ newline \n tab \t unicode é ✓ \u0001");
        m.put("seed", 42L);
        m.put("big", 5_000_000_000L);
        m.put("neg", -3.25e-7);
        m.put("nan", Double.NaN);
        m.put("yes", true);
        m.put("no", false);
        m.put("none", null);
        m.put("list", List.of(1, List.of("a]", "}b"), Map.of("k", "{")));
        m.put("after", 1.5);
        m.put("metrics", Map.of("losses/x", Map.of("last", 1.0)));
        m.put("ignored", "after stop");
        Path f = tmp.resolve("s.json");
        Json.writeAtomic(f, m);
        Map<String, Object> all = Json.readTopLevelScalars(f, null);
        assertEquals(m.get("text"), all.get("text"));
        assertEquals(42L, all.get("seed"));
        assertEquals(5_000_000_000L, all.get("big"));
        assertEquals(-3.25e-7, all.get("neg"));
        assertEquals("NaN", all.get("nan"), "Jackson writes NaN as a string");
        assertEquals(true, all.get("yes"));
        assertEquals(false, all.get("no"));
        assertTrue(all.containsKey("none"));
        assertNull(all.get("list"), "nested values are skipped");
        assertEquals(1.5, all.get("after"));
        assertEquals("after stop", all.get("ignored"));
        Map<String, Object> head = Json.readTopLevelScalars(f, "metrics");
        assertFalse(head.containsKey("ignored"));
        assertEquals(1.5, head.get("after"));
    }

    @Test
    void malformedJsonIsAnErrorWithItsPosition() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"a\": 1, \"b\": ");
        IOException e = assertThrows(IOException.class, () -> Json.readTopLevelScalars(f, null));
        assertTrue(e.getMessage().contains("byte"), e.getMessage());
        Files.writeString(f, "[1, 2]");
        assertThrows(IOException.class, () -> Json.readTopLevelScalars(f, null));
    }
}
