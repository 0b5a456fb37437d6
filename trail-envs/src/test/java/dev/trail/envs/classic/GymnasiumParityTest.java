package dev.trail.envs.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.ArrayEnv;
import dev.trail.envs.Envs;
import dev.trail.envs.classic.GymnasiumData.Episode;
import dev.trail.envs.classic.GymnasiumData.Step;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with Gymnasium 1.3.0 on the recorded reference episodes, as
 * {@code shared/testdata/README.md} prescribes: one-step parity on every recorded step (set the
 * recorded state, apply the recorded action, compare), and open-loop replay of the first 50 steps.
 */
class GymnasiumParityTest {

    /** Internal state: relative error, or absolute below magnitude 1. */
    static final double STATE_TOLERANCE = 1e-10;
    static final double OBS_TOLERANCE = 1e-6;
    static final double REWARD_TOLERANCE = 1e-9;
    static final int REPLAY_STEPS = 50;

    /** Largest errors seen per environment (one-step parity): state, observation, reward. */
    private static final Map<String, double[]> MAX_ERRORS = new TreeMap<>();

    static Stream<Episode> episodes() {
        return GymnasiumData.ENV_IDS.stream().flatMap(id -> GymnasiumData.episodes(id).stream());
    }

    @Test
    void referenceDataCoversAllFiveEnvironments() {
        for (String id : GymnasiumData.ENV_IDS) {
            assertFalse(GymnasiumData.episodes(id).isEmpty(), id);
        }
        assertEquals(GymnasiumData.ENV_IDS.stream().sorted().toList(), Envs.arrayIds().stream()
                .filter(id -> !id.startsWith("MiniGrid-")).sorted().toList());
    }

    @ParameterizedTest(name = "one-step parity: {0}")
    @MethodSource("episodes")
    void everyRecordedStepMatchesGymnasium(Episode episode) {
        ArrayEnv<?> env = Envs.makeArray(episode.env());
        float[] obs = new float[env.observationSize()];
        env.resetInto(12345L, obs, 0); // any seed: the recorded state replaces the start state
        double[] before = episode.initialState();
        for (Step step : episode.steps()) {
            env.setState(before);
            double reward = apply(env, step, obs);
            compare(episode, step, env, obs, reward, true);
            before = step.state();
        }
    }

    @ParameterizedTest(name = "open-loop replay: {0}")
    @MethodSource("episodes")
    void first50StepsReplayFromInitialState(Episode episode) {
        ArrayEnv<?> env = Envs.makeArray(episode.env());
        float[] obs = new float[env.observationSize()];
        env.resetInto(episode.seed(), obs, 0);
        env.setState(episode.initialState());
        int n = Math.min(REPLAY_STEPS, episode.steps().size());
        for (Step step : episode.steps().subList(0, n)) {
            double reward = apply(env, step, obs);
            compare(episode, step, env, obs, reward, false);
        }
    }

    @ParameterizedTest(name = "initial observation: {0}")
    @MethodSource("episodes")
    void initialObservationIsTheFloat32ViewOfTheInitialState(Episode episode) {
        ArrayEnv<?> env = Envs.makeArray(episode.env());
        env.reset(0L);
        env.setState(episode.initialState());
        float[] obs = new float[env.observationSize()];
        // observe() is protected; each class re-declares it in this package.
        switch (env) {
            case CartPole e -> e.observe(obs, 0);
            case Acrobot e -> e.observe(obs, 0);
            case MountainCar e -> e.observe(obs, 0);
            case MountainCarContinuous e -> e.observe(obs, 0);
            case Pendulum e -> e.observe(obs, 0);
            default -> throw new AssertionError(env);
        }
        double[] observed = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            observed[i] = obs[i];
        }
        double error = maxAbsError(observed, episode.initialObs());
        assertTrue(error <= OBS_TOLERANCE, () -> episode + ": initial observation " + Arrays.toString(observed)
                + " but Gymnasium has " + Arrays.toString(episode.initialObs()));
    }

    static double apply(ArrayEnv<?> env, Step step, float[] obs) {
        return step.continuousAction() == null
                ? env.stepInto(step.discreteAction(), obs, 0)
                : env.stepInto(step.continuousAction(), 0, obs, 0);
    }

    private static void compare(Episode episode, Step step, ArrayEnv<?> env, float[] obs, double reward,
            boolean record) {
        String where = episode + ", step " + step.index() + " (action "
                + (step.continuousAction() == null ? String.valueOf(step.discreteAction())
                        : Arrays.toString(step.continuousAction())) + ")";
        double[] state = env.state();
        double stateError = stateError(state, step.state());
        double[] observed = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            observed[i] = obs[i];
        }
        double obsError = maxAbsError(observed, step.obs());
        double rewardError = Math.abs(reward - step.reward());
        if (record) {
            synchronized (MAX_ERRORS) {
                double[] max = MAX_ERRORS.computeIfAbsent(episode.env(), k -> new double[3]);
                max[0] = Math.max(max[0], stateError);
                max[1] = Math.max(max[1], obsError);
                max[2] = Math.max(max[2], rewardError);
            }
        }
        assertEquals(state.length, step.state().length, where + ": state size");
        assertTrue(stateError <= STATE_TOLERANCE, () -> where + ": state " + Arrays.toString(state)
                + " but Gymnasium has " + Arrays.toString(step.state()) + " (relative error " + stateError + ")");
        assertTrue(obsError <= OBS_TOLERANCE, () -> where + ": observation " + Arrays.toString(observed)
                + " but Gymnasium has " + Arrays.toString(step.obs()) + " (error " + obsError + ")");
        assertTrue(rewardError <= REWARD_TOLERANCE, () -> where + ": reward " + reward
                + " but Gymnasium has " + step.reward());
        assertEquals(step.terminated(), env.terminated(), () -> where + ": terminated");
        assertEquals(step.truncated(), env.truncated(), () -> where + ": truncated");
    }

    /** Largest error over components: relative, or absolute where the expected magnitude is below 1. */
    static double stateError(double[] actual, double[] expected) {
        double error = 0;
        for (int i = 0; i < actual.length; i++) {
            error = Math.max(error, Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i])));
        }
        return error;
    }

    static double maxAbsError(double[] actual, double[] expected) {
        double error = 0;
        for (int i = 0; i < actual.length; i++) {
            error = Math.max(error, Math.abs(actual[i] - expected[i]));
        }
        return error;
    }

    @AfterAll
    static void printLargestErrors() {
        MAX_ERRORS.forEach((id, max) -> System.out.printf(
                "[parity] %-25s max state error %.3e, observation %.3e, reward %.3e%n", id, max[0], max[1], max[2]));
    }
}
