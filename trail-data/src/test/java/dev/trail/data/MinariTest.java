package dev.trail.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MinariTest {

    @TempDir
    Path tmp;

    static JsonNode expected(String name) throws IOException {
        return Minari.JSON.readTree(TestData.minari().resolve("expected.json").toFile())
                .get("datasets").get("testdata/" + name);
    }

    /** Every value Minari's load_dataset returns, compared with == after widening float32 to double. */
    static void assertMatchesExpected(JsonNode exp, Minari.MinariDataset ds, boolean compareMetadataExactly) {
        assertEquals(exp.get("total_episodes").asLong(), ds.metadata().get("total_episodes").asLong());
        assertEquals(exp.get("total_steps").asLong(), ds.metadata().get("total_steps").asLong());
        assertEquals(exp.get("episodes").size(), ds.episodes().size());
        for (int e = 0; e < ds.episodes().size(); e++) {
            JsonNode ee = exp.get("episodes").get(e);
            Minari.Episode got = ds.episodes().get(e);
            Trajectory t = got.trajectory();
            String where = "episode " + e;
            assertEquals(ee.get("id").asText(), t.id(), where);
            if (compareMetadataExactly) {
                assertSameMetadata(ee.get("metadata"), got.metadata(), where);
            }
            JsonNode obs = ee.get("observations");
            int d = t.observationSize();
            assertEquals(obs.size() * d, t.observations().length, where);
            for (int i = 0; i < obs.size(); i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(obs.get(i).get(j).asDouble(), (double) t.observations()[i * d + j], where + " obs " + i);
                }
            }
            JsonNode acts = ee.get("actions");
            int a = t.actionSize();
            assertEquals(acts.size() * a, t.actions().length, where);
            for (int i = 0; i < acts.size(); i++) {
                JsonNode ai = acts.get(i);
                for (int j = 0; j < a; j++) {
                    double want = ai.isArray() ? ai.get(j).asDouble() : ai.asDouble();
                    assertEquals(want, (double) t.actions()[i * a + j], where + " action " + i);
                }
            }
            JsonNode rw = ee.get("rewards");
            assertEquals(rw.size(), t.length(), where);
            for (int i = 0; i < rw.size(); i++) {
                assertEquals(rw.get(i).asDouble(), t.rewards()[i], where + " reward " + i);
                boolean last = i == rw.size() - 1;
                assertEquals(ee.get("terminations").get(i).asBoolean(), last && t.terminated(), where + " term " + i);
                assertEquals(ee.get("truncations").get(i).asBoolean(), last && t.truncated(), where + " trunc " + i);
            }
            assertEquals(ee.get("metadata").get("seed").asLong(), t.seed(), where + " seed");
        }
    }

    /** Same keys, and every value equal as a number (==) or as text; key order and int/long node types aside. */
    static void assertSameMetadata(JsonNode want, JsonNode got, String where) {
        java.util.Set<String> wk = new java.util.TreeSet<>();
        want.fieldNames().forEachRemaining(wk::add);
        java.util.Set<String> gk = new java.util.TreeSet<>();
        got.fieldNames().forEachRemaining(gk::add);
        assertEquals(wk, gk, where + " metadata keys");
        for (String k : wk) {
            JsonNode w = want.get(k);
            JsonNode g = got.get(k);
            if (w.isNumber()) {
                assertTrue(g.isNumber(), where + " " + k);
                assertEquals(w.isIntegralNumber(), g.isIntegralNumber(), where + " " + k + " integral");
                assertEquals(w.asDouble(), g.asDouble(), where + " " + k);
            } else {
                assertEquals(w, g, where + " " + k);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cartpole-random-arrow-v0", "cartpole-random-hdf5-v0", "pendulum-random-arrow-v0",
        "pendulum-random-hdf5-v0"})
    void importReproducesWhatMinariLoads(String name) throws IOException {
        Minari.MinariDataset ds = Minari.read(TestData.minariDataset(name));
        JsonNode exp = expected(name);
        assertEquals(exp.get("data_format").asText(), ds.metadata().get("data_format").asText());
        assertMatchesExpected(exp, ds, true);
        Trajectory first = ds.episodes().get(0).trajectory();
        assertEquals(name.startsWith("cartpole") ? "CartPole-v1" : "Pendulum-v1", first.taskId());
        assertEquals("testdata/" + name, first.labels().get(Labels.SOURCE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cartpole-random-arrow-v0", "cartpole-random-hdf5-v0", "pendulum-random-arrow-v0",
        "pendulum-random-hdf5-v0"})
    void episodeMetadataIsComputedAsNumpyDoes(String name) throws IOException {
        for (Minari.Episode e : Minari.read(TestData.minariDataset(name)).episodes()) {
            Trajectory t = e.trajectory();
            ObjectNode m = Minari.episodeMetadata(Long.parseLong(t.id()), t.seed(), t.rewards());
            assertSameMetadata(e.metadata(), m, name + " episode " + t.id());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cartpole-random-arrow-v0", "pendulum-random-hdf5-v0"})
    void exportThenImportIsIdentical(String name) throws IOException {
        Path src = TestData.minariDataset(name);
        Path out = tmp.resolve("exported");
        try (TrajectorySource in = Minari.open(src); TrajectorySink sink = Minari.create(out, in.metadata())) {
            TrajectoryFiles.copy(in, sink);
            sink.commit();
        }
        Minari.MinariDataset again = Minari.read(out);
        Minari.MinariDataset orig = Minari.read(src);
        assertEquals(orig.episodes().size(), again.episodes().size());
        for (int i = 0; i < orig.episodes().size(); i++) {
            assertEquals(orig.episodes().get(i).trajectory(), again.episodes().get(i).trajectory(), "episode " + i);
            assertSameMetadata(orig.episodes().get(i).metadata(), again.episodes().get(i).metadata(), "episode " + i);
        }
        assertMatchesExpected(expected(name), again, true);
        assertEquals(orig.metadata().get("observation_space"), again.metadata().get("observation_space"));
        assertEquals(orig.metadata().get("action_space"), again.metadata().get("action_space"));
        assertEquals("arrow", again.metadata().get("data_format").asText());
        assertTrue(Files.isRegularFile(out.resolve("data").resolve("0").resolve("part-0.arrow")));
    }

    @Test
    void exportWithoutMinariMetadataInfersSpaces() throws IOException {
        List<Trajectory> eps = TrajectoryFiles.readAll(TestData.minariDataset("cartpole-random-arrow-v0"), null);
        Path out = tmp.resolve("fresh");
        try (TrajectorySink sink = Minari.create(out, Map.of())) {
            for (Trajectory t : eps) {
                sink.write(t);
            }
            sink.commit();
        }
        Minari.MinariDataset ds = Minari.read(out);
        String action = ds.metadata().get("action_space").asText();
        assertTrue(action.contains("\"Discrete\"") && action.contains("\"n\": 2"), action);
        assertTrue(ds.metadata().get("observation_space").asText().contains("-Infinity"));
        assertEquals(eps, ds.episodes().stream().map(Minari.Episode::trajectory).toList());
    }

    @Test
    void metadataWithInfinityWhereANumberIsNeededIsAClearError() throws IOException {
        Path copy = copyDataset("cartpole-random-arrow-v0");
        Path meta = copy.resolve("data").resolve("metadata.json");
        String text = Files.readString(meta).replace("\"total_steps\": 256", "\"total_steps\": Infinity");
        Files.writeString(meta, text);
        DatasetException e = assertThrows(DatasetException.class, () -> Minari.read(copy));
        assertTrue(e.getMessage().contains("metadata.json") && e.getMessage().contains("total_steps"), e.getMessage());
    }

    @Test
    void truncatedMetadataNamesTheFile() throws IOException {
        Path copy = copyDataset("pendulum-random-arrow-v0");
        Path meta = copy.resolve("data").resolve("metadata.json");
        byte[] b = Files.readAllBytes(meta);
        Files.write(meta, java.util.Arrays.copyOf(b, b.length / 2));
        DatasetException e = assertThrows(DatasetException.class, () -> Minari.read(copy));
        assertTrue(e.getMessage().contains(meta.toString()) && e.getMessage().contains("corrupt or truncated"),
                e.getMessage());
    }

    @Test
    void corruptArrowFileNamesTheFile() throws IOException {
        Path copy = copyDataset("cartpole-random-arrow-v0");
        Path part = copy.resolve("data").resolve("3").resolve("part-0.arrow");
        byte[] b = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(b, b.length - 40));
        DatasetException e = assertThrows(DatasetException.class, () -> Minari.read(copy));
        assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private Path copyDataset(String name) throws IOException {
        Path src = TestData.minariDataset(name);
        Path dst = tmp.resolve(name);
        try (var s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        return dst;
    }
}
