package dev.trail.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the reference data copied into the test resources. */
final class TestData {

    private TestData() {
    }

    /** {@code src/test/resources/minari}: Minari's own datasets and the values its load_dataset returns. */
    static Path minari() {
        try {
            return Path.of(TestData.class.getResource("/minari/expected.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path minariDataset(String name) {
        return minari().resolve("datasets").resolve("testdata").resolve(name);
    }
}
