package dev.trail.envs.classic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The reference episodes recorded from Gymnasium 1.3.0 ({@code shared/testdata/gymnasium/*.jsonl},
 * described in {@code shared/testdata/README.md}), read from their gzipped copies in
 * {@code src/test/resources/gymnasium/}.
 */
final class GymnasiumData {

    /** One recorded step; {@code discreteAction} is -1 for continuous actions. */
    record Step(int index, int discreteAction, float[] continuousAction, double[] obs, double reward,
            boolean terminated, boolean truncated, double[] state) {
    }

    /** One recorded episode. */
    record Episode(String env, int number, long seed, double[] initialState, double[] initialObs, List<Step> steps) {

        @Override
        public String toString() {
            return env + " episode " + number + " (seed " + seed + ", " + steps.size() + " steps)";
        }
    }

    /** Environment ids with reference data. */
    static final List<String> ENV_IDS = List.of(
            "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1");

    private static final Map<String, List<Episode>> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private GymnasiumData() {
    }

    /** The classpath folder of the gzipped copies (see its README.md). */
    static final String RESOURCES = "/gymnasium/";

    /** All recorded episodes of {@code envId}, in file order. */
    static List<Episode> episodes(String envId) {
        return CACHE.computeIfAbsent(envId, GymnasiumData::load);
    }

    private static List<Episode> load(String envId) {
        String file = RESOURCES + envId + ".jsonl.gz";
        InputStream resource = GymnasiumData.class.getResourceAsStream(file);
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
                if (!envId.equals(node.get("env").asText())) {
                    throw new IllegalStateException(file + " holds an episode of " + node.get("env").asText());
                }
                List<Step> steps = new ArrayList<>();
                int index = 0;
                for (JsonNode s : node.get("steps")) {
                    JsonNode action = s.get("action");
                    int discrete = -1;
                    float[] continuous = null;
                    if (action.isArray()) {
                        continuous = new float[action.size()];
                        for (int i = 0; i < continuous.length; i++) {
                            // recorded float32 values widened to float64: the cast is exact
                            continuous[i] = (float) action.get(i).asDouble();
                        }
                    } else {
                        discrete = action.asInt();
                    }
                    steps.add(new Step(index++, discrete, continuous, doubles(s.get("obs")), s.get("reward").asDouble(),
                            s.get("terminated").asBoolean(), s.get("truncated").asBoolean(), doubles(s.get("state"))));
                }
                episodes.add(new Episode(envId, episodes.size(), node.get("seed").asLong(),
                        doubles(node.get("initial_state")), doubles(node.get("initial_obs")), List.copyOf(steps)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (episodes.isEmpty()) {
            throw new IllegalStateException(file + " holds no episodes");
        }
        return List.copyOf(episodes);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
