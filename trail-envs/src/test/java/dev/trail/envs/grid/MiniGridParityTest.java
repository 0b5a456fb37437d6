package dev.trail.envs.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trail.envs.Envs;
import dev.trail.envs.grid.MiniGridData.Episode;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with MiniGrid v3.1.0 on every recorded episode (seeds 0..3 of the nine ids), as
 * {@code shared/testdata/minigrid/README.md} prescribes: (a) {@code reset(seed)} makes the same
 * NumPy draws ({@code reset_rng_calls}) and builds the same full grid, agent pose, mission and first
 * image; (b) replaying the recorded actions gives, at every step, the same image, direction,
 * reward (exact {@code ==}), {@code terminated}, {@code truncated}, agent pose and carried object,
 * and the same final grid. (c) runs (b) again from a snapshot restored into a fresh environment.
 */
class MiniGridParityTest {

    private static int episodesChecked;
    private static int stepsChecked;

    static Stream<Episode> episodes() {
        return MiniGridData.all().stream();
    }

    @Test
    void everyIdHasRecordedEpisodesAndIsRegistered() {
        assertEquals(MiniGridData.ENV_IDS, MiniGridEnvs.ids());
        for (String id : MiniGridData.ENV_IDS) {
            assertEquals(4, MiniGridData.episodes(id).size(), id);
            assertTrue(Envs.ids().contains(id), id);
            assertTrue(Envs.arrayIds().contains(id), id);
        }
    }

    @ParameterizedTest(name = "configuration: {0}")
    @MethodSource("episodes")
    void configurationMatches(Episode episode) {
        JsonNode j = episode.json();
        MiniGridEnv env = (MiniGridEnv) Envs.makeArray(episode.envId());
        assertEquals(j.get("max_steps").asInt(), env.maxEpisodeSteps());
        assertEquals(j.get("max_steps").asInt(), Envs.spec(episode.envId()).maxEpisodeSteps());
        assertEquals(j.get("width").asInt(), env.width());
        assertEquals(j.get("height").asInt(), env.height());
        assertEquals(j.get("see_through_walls").asBoolean(), env.seeThroughWalls());
        assertEquals(j.get("agent_view_size").asInt(), MiniGridEnv.VIEW_SIZE);
        assertEquals(episode.envId(), env.id());
    }

    @ParameterizedTest(name = "reset(seed): {0}")
    @MethodSource("episodes")
    void resetReproducesDrawsGridPoseMissionAndImage(Episode episode) {
        JsonNode j = episode.json();
        MiniGridEnv env = (MiniGridEnv) Envs.makeArray(episode.envId());
        env.recordDraws(true);
        float[] obs = env.reset(episode.seed());
        compareDraws(episode, env.draws(), j.get("reset_rng_calls"));
        assertArrayEquals(MiniGridData.flatInts(j.get("full_grid_reset")), flat(env.grid().encode()),
                () -> episode + ": grid after reset\n" + env.grid());
        JsonNode reset = j.get("reset");
        assertEquals(reset.get("agent_pos").get(0).asInt(), env.agentX(), episode + ": agent x");
        assertEquals(reset.get("agent_pos").get(1).asInt(), env.agentY(), episode + ": agent y");
        assertEquals(reset.get("agent_dir").asInt(), env.agentDir(), episode + ": agent dir");
        assertEquals(j.get("mission").asText(), env.mission());
        assertEquals(reset.get("mission").asText(), env.mission());
        assertImage(episode + " reset", reset.get("image"), reset.get("direction").asInt(), obs);
    }

    private static void compareDraws(Episode episode, List<long[]> draws, JsonNode expected) {
        int n = Math.min(draws.size(), expected.size());
        for (int k = 0; k < n; k++) {
            JsonNode call = expected.get(k);
            assertEquals("integers", call.get(0).asText());
            long[] mine = draws.get(k);
            long[] theirs = {call.get(1).asLong(), call.get(2).asLong(), call.get(3).asLong()};
            if (!Arrays.equals(mine, theirs)) {
                fail(episode + ": first divergent draw is #" + k + ": Trail integers" + Arrays.toString(mine)
                        + ", MiniGrid integers" + Arrays.toString(theirs));
            }
        }
        assertEquals(expected.size(), draws.size(), episode + ": number of draws");
    }

    @ParameterizedTest(name = "steps: {0}")
    @MethodSource("episodes")
    void everyStepMatches(Episode episode) {
        MiniGridEnv env = (MiniGridEnv) Envs.makeArray(episode.envId());
        env.reset(episode.seed());
        replay(episode, env, 0);
        synchronized (MiniGridParityTest.class) {
            episodesChecked++;
            stepsChecked += episode.json().get("steps").size();
        }
    }

    @ParameterizedTest(name = "steps after a snapshot: {0}")
    @MethodSource("episodes")
    void stepsMatchFromASnapshotRestoredIntoAFreshEnvironment(Episode episode) {
        MiniGridEnv env = (MiniGridEnv) Envs.makeArray(episode.envId());
        env.reset(episode.seed());
        JsonNode steps = episode.json().get("steps");
        int half = steps.size() / 2;
        float[] obs = new float[MiniGridEnv.OBSERVATION_SIZE];
        for (int t = 0; t < half; t++) {
            env.stepInto(steps.get(t).get("action").asInt(), obs, 0);
        }
        MiniGridEnv other = (MiniGridEnv) Envs.makeArray(episode.envId());
        other.restore(env.snapshot());
        assertEquals(env.mission(), other.mission());
        replay(episode, other, half);
    }

    private static void replay(Episode episode, MiniGridEnv env, int from) {
        JsonNode j = episode.json();
        JsonNode steps = j.get("steps");
        float[] obs = new float[MiniGridEnv.OBSERVATION_SIZE];
        for (int t = from; t < steps.size(); t++) {
            JsonNode s = steps.get(t);
            String where = episode + ", step " + t + " (action " + s.get("action").asInt() + ")";
            double reward = env.stepInto(s.get("action").asInt(), obs, 0);
            assertImage(where, s.get("image"), s.get("direction").asInt(), obs);
            assertEquals(s.get("reward").asDouble(), reward, 0.0, where + ": reward");
            assertEquals(s.get("terminated").asBoolean(), env.terminated(), where + ": terminated");
            assertEquals(s.get("truncated").asBoolean(), env.truncated(), where + ": truncated");
            assertEquals(s.get("agent_pos").get(0).asInt(), env.agentX(), where + ": agent x");
            assertEquals(s.get("agent_pos").get(1).asInt(), env.agentY(), where + ": agent y");
            assertEquals(s.get("agent_dir").asInt(), env.agentDir(), where + ": agent dir");
            JsonNode carrying = s.get("carrying");
            WorldObject carried = env.carrying();
            if (carrying.isNull()) {
                assertEquals(null, carried, where + ": carrying");
            } else {
                assertArrayEquals(MiniGridData.flatInts(carrying), carried == null ? null : carried.encode(),
                        where + ": carrying");
            }
        }
        assertTrue(env.needsReset(), episode + ": the episode should be over");
        assertArrayEquals(MiniGridData.flatInts(j.get("full_grid_final")), flat(env.grid().encode()),
                () -> episode + ": final grid\n" + env.grid());
        assertEquals(j.get("final_agent_pos").get(0).asInt(), env.agentX());
        assertEquals(j.get("final_agent_pos").get(1).asInt(), env.agentY());
        assertEquals(j.get("final_agent_dir").asInt(), env.agentDir());
        double episodeReturn = 0;
        for (JsonNode s : steps) {
            episodeReturn += s.get("reward").asDouble();
        }
        assertEquals(j.get("episode_return").asDouble(), episodeReturn, 0.0);
    }

    private static void assertImage(String where, JsonNode image, int direction, float[] obs) {
        int[] expected = MiniGridData.flatInts(image);
        assertEquals(MiniGridEnv.IMAGE_SIZE, expected.length);
        int[] actual = new int[MiniGridEnv.IMAGE_SIZE];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = (int) obs[i];
        }
        if (!Arrays.equals(expected, actual)) {
            fail(where + ": image differs\n MiniGrid " + render(expected) + "\n Trail    " + render(actual));
        }
        assertEquals(direction, (int) obs[MiniGridEnv.IMAGE_SIZE], where + ": direction");
    }

    /** The image's object channel as 7 rows (vy = 0 far first), for failure messages. */
    private static String render(int[] image) {
        StringBuilder b = new StringBuilder();
        for (int vy = 0; vy < 7; vy++) {
            b.append(vy == 0 ? "" : " | ");
            for (int vx = 0; vx < 7; vx++) {
                int k = (vx * 7 + vy) * 3;
                b.append(image[k]).append(',').append(image[k + 1]).append(',').append(image[k + 2]).append(' ');
            }
        }
        return b.toString();
    }

    static int[] flat(int[][][] grid) {
        return Arrays.stream(grid).flatMap(Arrays::stream).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void recordedEpisodesExerciseEveryMechanic() {
        boolean pickup = false;
        boolean drop = false;
        boolean doorOpened = false;
        boolean success = false;
        boolean lava = false;
        boolean truncation = false;
        for (Episode e : MiniGridData.all()) {
            JsonNode steps = e.json().get("steps");
            JsonNode previous = null;
            for (JsonNode s : steps) {
                boolean carriedBefore = previous != null && !previous.get("carrying").isNull();
                pickup |= !carriedBefore && !s.get("carrying").isNull();
                drop |= carriedBefore && s.get("carrying").isNull();
                doorOpened |= s.get("action").asInt() == MiniGridEnv.TOGGLE;
                success |= s.get("reward").asDouble() > 0;
                lava |= s.get("terminated").asBoolean() && s.get("reward").asDouble() == 0;
                truncation |= s.get("truncated").asBoolean();
                previous = s;
            }
        }
        assertTrue(pickup && drop && doorOpened && success && lava && truncation,
                "pickup " + pickup + " drop " + drop + " toggle " + doorOpened + " success " + success + " lava " + lava
                        + " truncation " + truncation);
    }

    @AfterAll
    static void report() {
        System.out.printf("[minigrid parity] %d episodes, %d steps replayed exactly%n", episodesChecked, stepsChecked);
        assertFalse(episodesChecked > 0 && stepsChecked == 0);
    }
}
