package dev.trail.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.nn.Parameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static Parameters sample() {
        Parameters p = new Parameters();
        p.add("a.weight", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.MIN_VALUE});
        p.add("a.bias", new int[] {2}, new float[] {-0.5f, Float.NaN});
        return p;
    }

    @Test
    void tensorFileLayoutIsTheDocumentedOne(@TempDir Path dir) throws IOException {
        Parameters p = new Parameters();
        p.add("w", new int[] {2}, new float[] {1.5f, -2f});
        Path f = dir.resolve("t.bin");
        TensorFile.write(f, p);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        assertEquals("TRAILTNS", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt()); // version
        assertEquals(1, b.getInt()); // count
        assertEquals(1, b.getInt()); // name length
        assertEquals('w', b.get());
        assertEquals(1, b.getInt()); // rank
        assertEquals(2, b.getInt()); // dim
        assertEquals(1.5f, b.getFloat());
        assertEquals(-2f, b.getFloat());
        assertFalse(b.hasRemaining());
    }

    @Test
    void roundTripsBitForBit(@TempDir Path dir) throws IOException {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("algorithm", "test");
        Checkpoint.write(dir.resolve("cp"), meta, Map.of("parameters", sample()));
        Checkpoint cp = Checkpoint.read(dir.resolve("cp"));
        assertEquals("test", cp.metadata().path("algorithm").asText());
        Parameters back = cp.tensors("parameters");
        assertEquals(sample().layout(), back.layout());
        for (int i = 0; i < back.count(); i++) {
            assertArrayEquals(sample().get(i).data(), back.get(i).data());
        }
        // rewriting replaces atomically and leaves no temporary directories behind
        Checkpoint.write(dir.resolve("cp"), meta, Map.of("parameters", sample()));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void corruptionIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path cp = dir.resolve("cp");
        Checkpoint.write(cp, JsonNodeFactory.instance.objectNode(), Map.of("parameters", sample()));
        Path bin = cp.resolve("parameters.bin");
        byte[] bytes = Files.readAllBytes(bin);

        Files.write(bin, Arrays.copyOf(bytes, bytes.length - 3));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(cp));
        assertTrue(e.getMessage().contains("parameters.bin") && e.getMessage().contains("truncated"), e.getMessage());

        byte[] flipped = bytes.clone();
        flipped[flipped.length - 5] ^= 0x10;
        Files.write(bin, flipped);
        e = assertThrows(IOException.class, () -> Checkpoint.read(cp));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());

        Files.write(bin, bytes);
        Path meta = cp.resolve(Checkpoint.METADATA_FILE);
        Files.writeString(meta, Files.readString(meta).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        e = assertThrows(IOException.class, () -> Checkpoint.read(cp));
        assertTrue(e.getMessage().contains("checkpoint.json"), e.getMessage());

        e = assertThrows(IOException.class, () -> Checkpoint.read(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("not a Trail checkpoint"), e.getMessage());
    }
}
