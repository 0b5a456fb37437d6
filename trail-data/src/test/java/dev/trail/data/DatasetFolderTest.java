package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset folder (Trail on Spark): part files read in name order as one dataset, only with its marker. */
class DatasetFolderTest {

    @TempDir
    Path dir;

    private static void write(Path file, List<Trajectory> ts) throws IOException {
        try (TrajectorySink sink = TrajectoryParquet.create(file, Map.of("env", "CartPole-v1"))) {
            for (Trajectory t : ts) {
                sink.write(t);
            }
            sink.commit();
        }
    }

    @Test
    void partFilesInNameOrderAndNoMarkerNoDataset() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        List<Trajectory> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(Samples.cartPole(i, 3 + i, rng));
        }
        Path folder = dir.resolve("d.parquet");
        Files.createDirectories(folder);
        // written out of order: p0-e...5 before p0-e...0; the names give the order
        write(folder.resolve("p0-e000000000005.parquet"), all.subList(5, 7));
        write(folder.resolve("p0-e000000000000.parquet"), all.subList(0, 2));
        write(folder.resolve("p0-e000000000002.parquet"), all.subList(2, 5));
        DatasetException e = assertThrows(DatasetException.class, () -> TrajectoryFiles.readAll(folder, null));
        assertTrue(e.getMessage().contains("_SUCCESS"), e.getMessage());

        Files.writeString(folder.resolve(TrajectoryParquet.COMMITTED), "");
        assertEquals(TrajectoryFiles.Format.PARQUET, TrajectoryFiles.formatOf(folder));
        Samples.assertSame(all, TrajectoryFiles.readAll(folder, null));
        try (TrajectorySource s = TrajectoryFiles.open(folder, null)) {
            assertEquals("CartPole-v1", s.metadata().get("env"));
        }
    }
}
