package dev.trail.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TorchTest {

    @Test
    void loadsOfflineWithOneThread() {
        try (NDManager m = Torch.newManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            assertArrayEquals(new float[] {7, 10, 15, 22}, a.matMul(a).toFloatArray());
        }
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("1", System.getProperty("ai.djl.pytorch.num_threads"));
    }
}
