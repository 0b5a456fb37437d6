package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.offline.TransitionDataset;
import dev.trail.trajectory.Trajectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading trajectory files into transition datasets: JSONL with its provenance sidecar, Parquet metadata, errors. */
class OfflineDatasetsTest {

    @TempDir
    Path dir;

    static Trajectory trajectory(String id, int length, boolean terminated) {
        float[] obs = new float[2 * (length + 1)];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = i;
        }
        float[] actions = new float[length];
        double[] rewards = new double[length];
        java.util.Arrays.fill(rewards, 1.0);
        return new Trajectory(id, "g", 0, obs, 2, actions, 1, rewards, null, null, null, terminated, !terminated,
                Double.NaN, null);
    }

    static void write(Path file, Map<String, String> meta, List<Trajectory> ts) throws Exception {
        try (TrajectorySink sink = TrajectoryFiles.create(file, null, meta, false)) {
            for (Trajectory t : ts) {
                sink.write(t);
            }
            sink.commit();
        }
    }

    @Test
    void parquetMetadataAndJsonlSidecarGiveReferenceReturnsAndAHash() throws Exception {
        Map<String, String> meta = Map.of("env", "CartPole-v1", TransitionDataset.REFERENCE_RETURN_RANDOM, "20.5",
                TransitionDataset.REFERENCE_RETURN_EXPERT, "500");
        Path pq = dir.resolve("d.parquet");
        write(pq, meta, List.of(trajectory("a", 3, true), trajectory("b", 2, false)));
        TransitionDataset d = OfflineDatasets.read(pq, null);
        assertEquals(5, d.size());
        assertArrayEquals(new int[] {0, 3, 5}, d.episodeStarts());
        assertArrayEquals(new double[] {3, 2}, d.episodeReturns());
        assertEquals(20.5, d.referenceReturnRandom());
        assertEquals(500, d.referenceReturnExpert());
        assertTrue(d.contentHash().startsWith("sha256:"), d.contentHash());
        assertEquals(d.contentHash(), OfflineDatasets.contentHash(pq));

        Path jl = dir.resolve("d.jsonl");
        write(jl, Map.of(), List.of(trajectory("a", 3, true), trajectory("b", 2, false)));
        Files.writeString(jl.resolveSibling("d.jsonl.provenance.json"),
                "{\"reference_return_random\": \"20.5\", \"reference_return_expert\": \"500\"}");
        TransitionDataset j = OfflineDatasets.read(jl, null);
        assertArrayEquals(d.observations(), j.observations());
        assertArrayEquals(d.nextObservations(), j.nextObservations());
        assertEquals(500, j.referenceReturnExpert());
        assertNotEquals(d.contentHash(), j.contentHash());
    }

    @Test
    void missingFileAndEmptyDatasetNameTheFile() throws Exception {
        Path missing = dir.resolve("nope.parquet");
        String m = assertThrows(DatasetException.class, () -> OfflineDatasets.read(missing, null)).getMessage();
        assertTrue(m.startsWith(missing.toString()), m);
        Path empty = dir.resolve("empty.jsonl");
        write(empty, Map.of(), List.of());
        String e = assertThrows(DatasetException.class, () -> OfflineDatasets.read(empty, null)).getMessage();
        assertTrue(e.startsWith(empty + ": field rewards"), e);
    }
}
