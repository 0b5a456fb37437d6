package dev.trail.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.StepResult;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.testenv.DriftEnv;
import dev.trail.testenv.RandomWalkEnv;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorEnvTest {

    private static final int LIMIT = 6;

    @Test
    void resetSeedsEnvIWithTheIthSplitSeed() {
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), 5)) {
            float[] obs = vec.reset(42);
            assertSame(vec.observations(), obs);
            long[] seeds = Seeds.split(42, 5);
            for (int i = 0; i < 5; i++) {
                float[] expected = new RandomWalkEnv(LIMIT).reset(seeds[i]);
                assertArrayEquals(expected, Arrays.copyOfRange(obs, 2 * i, 2 * i + 2), "env " + i);
            }
        }
    }

    /**
     * Each row of the vector must follow exactly the single environment with the same seed, with
     * {@code reset()} (continuing its stream) after each episode end: the final observation is the
     * episode's last one, and the row then holds the reset observation.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matchesSingleEnvironmentsWithAutoReset(int threads) {
        int n = 5;
        long[] seeds = Seeds.split(7, n);
        RandomWalkEnv[] refs = new RandomWalkEnv[n];
        float[][] refObs = new float[n][];
        for (int i = 0; i < n; i++) {
            refs[i] = new RandomWalkEnv(LIMIT);
            refObs[i] = refs[i].reset(seeds[i]);
        }
        Rng actionRng = new Rng(99);
        int terminations = 0;
        int truncations = 0;
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), n, threads)) {
            vec.reset(7);
            int[] actions = new int[n];
            for (int step = 0; step < 300; step++) {
                for (int i = 0; i < n; i++) {
                    actions[i] = actionRng.nextInt(2);
                }
                vec.step(actions);
                for (int i = 0; i < n; i++) {
                    StepResult<float[]> r = refs[i].step(actions[i]);
                    assertEquals(r.reward(), vec.rewards()[i], "reward, env " + i + " step " + step);
                    assertEquals(r.terminated(), vec.terminated()[i], "terminated, env " + i + " step " + step);
                    assertEquals(r.truncated(), vec.truncated()[i], "truncated, env " + i + " step " + step);
                    float[] row = Arrays.copyOfRange(vec.observations(), 2 * i, 2 * i + 2);
                    if (r.done()) {
                        terminations += r.terminated() ? 1 : 0;
                        truncations += r.truncated() ? 1 : 0;
                        assertArrayEquals(r.observation(), Arrays.copyOfRange(vec.finalObservations(), 2 * i, 2 * i + 2),
                                "final observation, env " + i + " step " + step);
                        float[] first = refs[i].reset();
                        assertArrayEquals(first, row, "reset observation, env " + i + " step " + step);
                        assertEquals(0f, row[1], "a reset observation has elapsed steps 0");
                    } else {
                        assertArrayEquals(r.observation(), row, "observation, env " + i + " step " + step);
                    }
                }
            }
        }
        // the scenario must exercise both kinds of episode end
        assertTrue(terminations > 10, "terminations: " + terminations);
        assertTrue(truncations > 10, "truncations: " + truncations);
    }

    @Test
    void truncationAndTerminationAreKeptApart() {
        // bound 100 cannot be reached in 6 steps: only truncations
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT, 100), 3)) {
            vec.reset(1);
            for (int step = 1; step <= LIMIT; step++) {
                vec.step(new int[] {1, 0, 1});
                for (int i = 0; i < 3; i++) {
                    assertFalse(vec.terminated()[i]);
                    assertEquals(step == LIMIT, vec.truncated()[i], "step " + step);
                }
            }
            assertEquals(LIMIT, vec.finalObservations()[1], "the final observation has elapsed steps = limit");
            assertEquals(0f, vec.observations()[1]);
        }
        // bound 1 with starts in [-2, 2]: every episode ends at step 1 or 2 by termination
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(0, 1), 4)) {
            vec.reset(2);
            int ended = 0;
            for (int step = 0; step < 20; step++) {
                vec.step(new int[4]);
                for (int i = 0; i < 4; i++) {
                    assertFalse(vec.truncated()[i]);
                    ended += vec.terminated()[i] ? 1 : 0;
                }
            }
            assertTrue(ended >= 40, "ended " + ended);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalTrajectoriesForAnyThreadCount() throws IOException {
        // N = 7 is not divisible by 2 or 3; 8 threads are capped at N = 7
        byte[] discrete1 = discreteTrace(7, 1);
        for (int threads : new int[] {2, 3, 8}) {
            assertArrayEquals(discrete1, discreteTrace(7, threads), "discrete, threads = " + threads);
        }
        byte[] continuous1 = continuousTrace(5, 1);
        for (int threads : new int[] {2, 3}) {
            assertArrayEquals(continuous1, continuousTrace(5, threads), "continuous, threads = " + threads);
        }
        assertFalse(Arrays.equals(discrete1, discreteTrace(7, 1, 4)), "another seed gives another trace");
    }

    /**
     * step(actions, RowTask): each chunk's thread picks its rows' actions from their observations
     * (and pre-drawn noise) and steps them; the trace equals picking them all first on one thread.
     */
    @Test
    void actionsPickedOnTheChunkThreadsGiveTheSameTraceForAnyThreadCount() throws IOException {
        byte[] one = rowTaskTrace(7, 1);
        for (int threads : new int[] {2, 3, 7}) {
            assertArrayEquals(one, rowTaskTrace(7, threads), "threads = " + threads);
        }
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), 4, 2)) {
            vec.reset(1);
            // a task writing an action outside the space is refused, naming the environment
            int[] actions = new int[4];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vec.step(actions, (chunk, from, to) -> {
                if (from <= 3 && 3 < to) {
                    actions[3] = 5;
                }
            }));
            assertTrue(e.getMessage().contains("env 3"), e.getMessage());
        }
    }

    private static byte[] rowTaskTrace(int n, int threads) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Rng noiseRng = new Rng(21);
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), n, threads)) {
            write(out, vec.reset(9));
            int[] actions = new int[n];
            double[] noise = new double[n];
            float[] obs = vec.observations();
            for (int step = 0; step < 200; step++) {
                for (int i = 0; i < n; i++) {
                    noise[i] = noiseRng.nextDouble();
                }
                vec.step(actions, (chunk, from, to) -> {
                    for (int i = from; i < to; i++) {
                        actions[i] = noise[i] < 0.5 + 0.1 * obs[2 * i] ? 1 : 0;
                    }
                });
                record(out, vec);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] discreteTrace(int n, int threads) throws IOException {
        return discreteTrace(n, threads, 3);
    }

    private static byte[] discreteTrace(int n, int threads, long seed) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Rng actionRng = new Rng(11);
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), n, threads)) {
            assertEquals(Math.min(threads, n), vec.threads());
            write(out, vec.reset(seed));
            int[] actions = new int[n];
            for (int step = 0; step < 200; step++) {
                for (int i = 0; i < n; i++) {
                    actions[i] = actionRng.nextInt(2);
                }
                vec.step(actions);
                record(out, vec);
            }
            for (EpisodeInfo e : vec.drainEpisodes()) {
                out.writeInt(e.envIndex());
                out.writeDouble(e.episodeReturn());
                out.writeInt(e.length());
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] continuousTrace(int n, int threads) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Rng actionRng = new Rng(12);
        try (VectorEnv vec = new VectorEnv(() -> new DriftEnv(8), n, threads)) {
            write(out, vec.reset(5));
            float[] actions = new float[n * 2];
            for (int step = 0; step < 200; step++) {
                for (int k = 0; k < actions.length; k++) {
                    actions[k] = (float) (actionRng.nextDouble() * 2 - 1);
                }
                vec.step(actions);
                record(out, vec);
            }
        }
        return bytes.toByteArray();
    }

    private static void record(DataOutputStream out, VectorEnv vec) throws IOException {
        write(out, vec.observations());
        int d = vec.observationSize();
        for (int i = 0; i < vec.numEnvs(); i++) {
            out.writeDouble(vec.rewards()[i]);
            out.writeBoolean(vec.terminated()[i]);
            out.writeBoolean(vec.truncated()[i]);
            if (vec.terminated()[i] || vec.truncated()[i]) {
                write(out, Arrays.copyOfRange(vec.finalObservations(), i * d, (i + 1) * d));
            }
        }
    }

    private static void write(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    @Test
    void episodeStatisticsSumTheRewardsOfEachEpisode() {
        int n = 3;
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), n, 2)) {
            vec.reset(5);
            double[] sums = new double[n];
            int[] lengths = new int[n];
            List<EpisodeInfo> expected = new ArrayList<>();
            for (int step = 0; step < 100; step++) {
                vec.step(new int[] {1, 0, step % 2});
                for (int i = 0; i < n; i++) {
                    sums[i] += vec.rewards()[i];
                    lengths[i]++;
                    if (vec.terminated()[i] || vec.truncated()[i]) {
                        expected.add(new EpisodeInfo(i, sums[i], lengths[i], vec.terminated()[i], vec.truncated()[i]));
                        sums[i] = 0;
                        lengths[i] = 0;
                    } else {
                        assertEquals(sums[i], vec.episodeReturns()[i]);
                        assertEquals(lengths[i], vec.episodeLengths()[i]);
                    }
                }
                if (step == 50) {
                    List<EpisodeInfo> first = vec.drainEpisodes();
                    assertEquals(expected, first);
                    expected.clear();
                }
            }
            assertFalse(expected.isEmpty());
            assertEquals(expected, vec.drainEpisodes());
            assertTrue(vec.drainEpisodes().isEmpty(), "draining empties the list");
        }
    }

    @Test
    void continuousActionsAreValidatedAndApplied() {
        try (VectorEnv vec = new VectorEnv(() -> new DriftEnv(0), 2)) {
            vec.reset(0);
            vec.step(new float[] {0.5f, -0.5f, 1f, 1f});
            assertArrayEquals(new float[] {1f, 1f}, ((DriftEnv) vec.env(1)).lastAction());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vec.step(new float[] {0f, 0f, 1.5f, 0f}));
            assertTrue(e.getMessage().contains("env 1") && e.getMessage().contains("1.5"), e.getMessage());
            assertArrayEquals(new float[] {1f, 1f}, ((DriftEnv) vec.env(1)).lastAction(), "a rejected batch changes nothing");
            IllegalArgumentException len = assertThrows(IllegalArgumentException.class, () -> vec.step(new float[3]));
            assertTrue(len.getMessage().contains("4") && len.getMessage().contains("3"), len.getMessage());
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> vec.step(new int[2]));
            assertTrue(kind.getMessage().contains("continuous"), kind.getMessage());
        }
    }

    @Test
    void errorsNameTheOffendingValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new VectorEnv(() -> new RandomWalkEnv(LIMIT), 0));
        assertTrue(zero.getMessage().contains("N = 0"), zero.getMessage());
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> new VectorEnv(() -> new RandomWalkEnv(LIMIT), 2, 0));
        assertTrue(threads.getMessage().contains("threads") && threads.getMessage().contains("0"), threads.getMessage());
        RandomWalkEnv shared = new RandomWalkEnv(LIMIT);
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> new VectorEnv(List.of(shared, new RandomWalkEnv(LIMIT), shared), 1));
        assertTrue(same.getMessage().contains("0 and 2"), same.getMessage());

        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), 4, 2)) {
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> vec.step(new int[4]));
            assertTrue(early.getMessage().contains("reset"), early.getMessage());
            vec.reset(0);
            float[] before = vec.observations().clone();
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> vec.step(new int[3]));
            assertTrue(length.getMessage().contains("4") && length.getMessage().contains("3"), length.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> vec.step(new int[] {0, 1, 0, 7}));
            assertTrue(range.getMessage().contains("env 3") && range.getMessage().contains("7")
                    && range.getMessage().contains("Discrete(2)"), range.getMessage());
            assertArrayEquals(before, vec.observations(), "a rejected batch changes nothing");
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> vec.step(new float[4]));
            assertTrue(kind.getMessage().contains("discrete"), kind.getMessage());
        }
    }

    @Test
    void exceptionsFromDynamicsNameTheEnvironmentWhateverTheThread() {
        // env 4 of 5 sits in the last chunk, stepped by a worker thread when threads = 3
        List<RandomWalkEnv> envs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int index = i;
            envs.add(new RandomWalkEnv(LIMIT) {
                @Override
                protected double advance(int action) {
                    if (index == 4) {
                        throw new IllegalStateException("broken dynamics");
                    }
                    return super.advance(action);
                }
            });
        }
        try (VectorEnv vec = new VectorEnv(envs, 3)) {
            vec.reset(0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> vec.step(new int[5]));
            assertTrue(e.getMessage().contains("env 4") && e.getMessage().contains("broken dynamics"), e.getMessage());
        }
    }

    @Test
    void closeStopsTheDaemonWorkers() throws InterruptedException {
        VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), 6, 3);
        Thread[] workers = vec.workerThreads();
        assertEquals(2, workers.length);
        for (Thread t : workers) {
            assertTrue(t.isDaemon());
            assertTrue(t.getName().startsWith("trail-vector-"), t.getName());
            assertTrue(t.isAlive());
        }
        vec.reset(0);
        vec.step(new int[6]);
        vec.close();
        for (Thread t : workers) {
            t.join(5_000);
            assertFalse(t.isAlive(), t.getName());
        }
        vec.close();
        assertThrows(IllegalStateException.class, () -> vec.reset(0));
    }

    @Test
    void sequentialVectorStartsNoThreads() {
        try (VectorEnv vec = new VectorEnv(() -> new RandomWalkEnv(LIMIT), 3, 1)) {
            assertEquals(0, vec.workerThreads().length);
            assertEquals(1, vec.threads());
        }
    }
}
