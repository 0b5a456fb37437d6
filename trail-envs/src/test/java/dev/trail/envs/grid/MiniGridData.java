package dev.trail.envs.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The episodes recorded from MiniGrid v3.1.0 ({@code shared/testdata/minigrid/*.jsonl}, described
 * in its README), read from their gzipped copies in {@code src/test/resources/minigrid/}.
 */
final class MiniGridData {

    /** One recorded episode: the raw JSON, with a readable name. */
    record Episode(String envId, long seed, JsonNode json) {

        @Override
        public String toString() {
            return envId + " seed " + seed + " (" + json.get("num_steps").asInt() + " steps)";
        }
    }

    static final List<String> ENV_IDS = List.of("MiniGrid-Empty-8x8-v0", "MiniGrid-Empty-Random-6x6-v0",
            "MiniGrid-DoorKey-8x8-v0", "MiniGrid-FourRooms-v0", "MiniGrid-MultiRoom-N4-S5-v0",
            "MiniGrid-KeyCorridorS3R2-v0", "MiniGrid-LavaGapS7-v0", "MiniGrid-Unlock-v0", "MiniGrid-DistShift1-v0");

    private static final Map<String, List<Episode>> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private MiniGridData() {
    }

    static List<Episode> episodes(String envId) {
        return CACHE.computeIfAbsent(envId, MiniGridData::load);
    }

    static List<Episode> all() {
        return ENV_IDS.stream().flatMap(id -> episodes(id).stream()).toList();
    }

    private static List<Episode> load(String envId) {
        String file = "/minigrid/" + envId + ".jsonl.gz";
        InputStream resource = MiniGridData.class.getResourceAsStream(file);
        if (resource == null) {
            throw new IllegalStateException("missing test resource " + file);
        }
        List<Episode> episodes = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(resource),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (!envId.equals(node.get("env_id").asText())) {
                    throw new IllegalStateException(file + " holds an episode of " + node.get("env_id").asText());
                }
                episodes.add(new Episode(envId, node.get("seed").asLong(), node));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return List.copyOf(episodes);
    }

    /** A JSON array of ints, nested to any depth, flattened in order. */
    static int[] flatInts(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        flatten(node, out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void flatten(JsonNode node, List<Integer> out) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                flatten(child, out);
            }
        } else {
            out.add(node.asInt());
        }
    }
}
