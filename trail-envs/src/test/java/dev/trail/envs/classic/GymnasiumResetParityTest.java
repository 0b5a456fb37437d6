package dev.trail.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trail.env.ArrayEnv;
import dev.trail.envs.Envs;
import dev.trail.envs.classic.GymnasiumData.Episode;
import dev.trail.seed.numpy.Generator;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code reset(seed)} reproduces Gymnasium 1.3.0's {@code reset(seed=seed)}: the start state is
 * drawn from {@code np.random.default_rng(seed)} with Gymnasium's calls, so it equals the
 * recorded {@code initial_state} bit for bit, and the first observation equals
 * {@code initial_obs} exactly (both are float32 casts or float32 {@code cos}/{@code sin} of it).
 */
class GymnasiumResetParityTest {

    static Stream<Episode> episodes() {
        return GymnasiumData.ENV_IDS.stream().flatMap(id -> GymnasiumData.episodes(id).stream());
    }

    @ParameterizedTest(name = "reset(seed): {0}")
    @MethodSource("episodes")
    void resetWithTheRecordedSeedGivesGymnasiumsStartState(Episode episode) {
        ArrayEnv<?> env = Envs.makeArray(episode.env());
        float[] obs = env.reset(episode.seed());
        double[] state = env.state();
        assertArrayEquals(episode.initialState(), state, 0.0, () -> episode + ": start state "
                + Arrays.toString(state) + " but Gymnasium has " + Arrays.toString(episode.initialState()));
        double[] widened = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            widened[i] = obs[i];
        }
        assertArrayEquals(episode.initialObs(), widened, GymnasiumParityTest.OBS_TOLERANCE,
                () -> episode + ": first observation " + Arrays.toString(obs));
    }

    @ParameterizedTest(name = "full replay from reset(seed), first 50 steps: {0}")
    @MethodSource("episodes")
    void seededResetThenRecordedActionsReplayTheEpisode(Episode episode) {
        ArrayEnv<?> env = Envs.makeArray(episode.env());
        float[] obs = new float[env.observationSize()];
        env.resetInto(episode.seed(), obs, 0);
        int n = Math.min(GymnasiumParityTest.REPLAY_STEPS, episode.steps().size());
        for (GymnasiumData.Step step : episode.steps().subList(0, n)) {
            GymnasiumParityTest.apply(env, step, obs);
            double error = GymnasiumParityTest.stateError(env.state(), step.state());
            assertEquals(0.0, Math.max(0.0, error - GymnasiumParityTest.STATE_TOLERANCE),
                    () -> episode + ", step " + step.index() + ": state " + Arrays.toString(env.state()));
            assertEquals(step.terminated(), env.terminated());
            assertEquals(step.truncated(), env.truncated());
        }
    }

    @Test
    void recordedEpisodesUseSeveralSeeds() {
        for (String id : GymnasiumData.ENV_IDS) {
            assertFalse(GymnasiumData.episodes(id).stream().map(Episode::seed).distinct().count() < 2, id);
        }
    }

    /** Gymnasium's {@code reset()} without a seed keeps drawing from the same generator. */
    @Test
    void unseededResetContinuesNumpysStream() {
        CartPole env = new CartPole();
        env.reset(5L);
        env.reset();
        Generator g = Generator.seeded(5L);
        for (int i = 0; i < 4; i++) {
            g.uniform(-0.05, 0.05);
        }
        double[] expected = {g.uniform(-0.05, 0.05), g.uniform(-0.05, 0.05), g.uniform(-0.05, 0.05),
            g.uniform(-0.05, 0.05)};
        assertArrayEquals(expected, env.state(), 0.0);
        assertEquals(ArrayEnv.Seeding.NUMPY, env.seeding());
    }
}
