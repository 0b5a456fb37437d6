package dev.trail.envs.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.ArrayEnv;
import dev.trail.env.EnvSnapshot;
import dev.trail.env.StepResult;
import dev.trail.envs.Envs;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour of the five classic-control environments beyond one-step parity. */
class ClassicControlTest {

    static Stream<String> ids() {
        return GymnasiumData.ENV_IDS.stream();
    }

    /** One step's outcome, compared exactly. */
    private record Outcome(float[] obs, double reward, boolean terminated, boolean truncated, boolean reset) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && Arrays.equals(obs, other.obs) && reward == other.reward
                    && terminated == other.terminated && truncated == other.truncated && reset == other.reset;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(obs);
        }

        @Override
        public String toString() {
            return (reset ? "reset " : "") + Arrays.toString(obs) + " r=" + reward + " term=" + terminated
                    + " trunc=" + truncated;
        }
    }

    /** A random action of {@code env}'s space, as the fast path takes it. */
    private static Object randomAction(ArrayEnv<?> env, SplittableRandom random) {
        return env.actionSpace().sample(random);
    }

    private static double step(ArrayEnv<?> env, Object action, float[] obs) {
        return action instanceof Integer i ? env.stepInto(i, obs, 0) : env.stepInto((float[]) action, 0, obs, 0);
    }

    /**
     * Steps with the given actions, resetting (from the env's own stream, no seed) whenever an
     * episode ends, and records every outcome.
     */
    private static List<Outcome> run(ArrayEnv<?> env, List<Object> actions) {
        List<Outcome> out = new ArrayList<>();
        float[] obs = new float[env.observationSize()];
        for (Object action : actions) {
            if (env.needsReset()) {
                env.resetInto(obs, 0);
                out.add(new Outcome(obs.clone(), 0, false, false, true));
            }
            double reward = step(env, action, obs);
            out.add(new Outcome(obs.clone(), reward, env.terminated(), env.truncated(), false));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void restoringASnapshotReplaysTheSameFutureIncludingResets(String id) {
        ArrayEnv<?> env = Envs.makeArray(id);
        SplittableRandom random = new SplittableRandom(42);
        float[] obs = new float[env.observationSize()];
        env.resetInto(7L, obs, 0);
        for (int i = 0; i < 10; i++) {
            step(env, randomAction(env, random), obs);
            if (env.needsReset()) {
                env.resetInto(obs, 0);
            }
        }
        EnvSnapshot snapshot = env.snapshot();
        double[] stateAtSnapshot = env.state();

        // Enough actions for at least two more episode ends (and so resets drawing from the Rng).
        List<Object> actions = new ArrayList<>();
        int resetsNeeded = 2;
        List<Outcome> original = new ArrayList<>();
        while (resetsNeeded > 0 && actions.size() < 5000) {
            Object action = randomAction(env, random);
            actions.add(action);
            List<Outcome> one = run(env, List.of(action));
            original.addAll(one);
            resetsNeeded -= (int) one.stream().filter(Outcome::reset).count();
        }
        assertEquals(0, resetsNeeded, "the run should pass through resets");

        env.restore(snapshot);
        assertArrayEquals(stateAtSnapshot, env.state());
        assertEquals(original, run(env, actions));

        // A snapshot can be restored again, also into a fresh environment.
        ArrayEnv<?> other = Envs.makeArray(id);
        other.restore(snapshot);
        assertEquals(original, run(other, actions));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void sameSeedSameStartDifferentSeedsDifferentStarts(String id) {
        ArrayEnv<?> a = Envs.makeArray(id);
        ArrayEnv<?> b = Envs.makeArray(id);
        assertArrayEquals(a.reset(123L), b.reset(123L));
        assertArrayEquals(a.state(), b.state());
        assertFalse(Arrays.equals(a.reset(1L), b.reset(2L)), "seeds 1 and 2 gave the same start");
        // reset() without a seed continues the stream: deterministic, and a new start each time.
        a.reset(5L);
        b.reset(5L);
        float[] next = a.reset();
        assertArrayEquals(next, b.reset());
        assertFalse(Arrays.equals(next, a.reset()), "consecutive unseeded resets gave the same start");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void startStatesLieInGymnasiumsRanges(String id) {
        ArrayEnv<?> env = Envs.makeArray(id);
        double[] low = new double[env.state().length];
        double[] high = new double[low.length];
        Arrays.fill(low, Double.POSITIVE_INFINITY);
        Arrays.fill(high, Double.NEGATIVE_INFINITY);
        for (long seed = 0; seed < 500; seed++) {
            float[] obs = env.reset(seed);
            double[] s = env.state();
            assertTrue(env.observationSpace().contains(obs), () -> id + " start observation outside its space: "
                    + Arrays.toString(obs));
            for (int i = 0; i < s.length; i++) {
                low[i] = Math.min(low[i], s[i]);
                high[i] = Math.max(high[i], s[i]);
            }
            switch (id) {
                case "CartPole-v1" -> {
                    for (double v : s) {
                        assertTrue(v >= -0.05 && v < 0.05, () -> Arrays.toString(s));
                    }
                }
                case "Acrobot-v1" -> {
                    for (double v : s) {
                        assertTrue(v >= -0.1 && v <= 0.1, () -> Arrays.toString(s));
                        assertEquals(v, (double) (float) v, "Gymnasium rounds the Acrobot start state to float32");
                    }
                }
                case "MountainCar-v0", "MountainCarContinuous-v0" -> {
                    assertTrue(s[0] >= -0.6 && s[0] < -0.4, () -> Arrays.toString(s));
                    assertEquals(0.0, s[1]);
                }
                case "Pendulum-v1" -> {
                    assertTrue(s[0] >= -Math.PI && s[0] < Math.PI, () -> Arrays.toString(s));
                    assertTrue(s[1] >= -1 && s[1] < 1, () -> Arrays.toString(s));
                }
                default -> throw new AssertionError(id);
            }
        }
        // The draws spread over the range (uniform), not a corner of it.
        for (int i = 0; i < low.length; i++) {
            if (high[i] > low[i]) {
                double width = switch (id) {
                    case "CartPole-v1" -> 0.1;
                    case "Acrobot-v1" -> 0.2;
                    case "Pendulum-v1" -> i == 0 ? 2 * Math.PI : 2;
                    default -> 0.2;
                };
                assertTrue(high[i] - low[i] > 0.9 * width, id + " component " + i + " spans only [" + low[i] + ", "
                        + high[i] + "]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void idIsTheRegistryIdAndSpacesMatchGymnasium(String id) {
        ArrayEnv<?> env = Envs.makeArray(id);
        assertEquals(id, env.id());
        assertEquals(env.observationSize(), env.observationSpace().flatSize());
        float inf = Float.POSITIVE_INFINITY;
        switch (id) {
            case "CartPole-v1" -> {
                assertEquals(new Discrete(2), env.actionSpace());
                float theta = (float) (12 * 2 * Math.PI / 360 * 2);
                assertEquals(Box.of(new float[] {-4.8f, -inf, -theta, -inf}, new float[] {4.8f, inf, theta, inf}),
                        env.observationSpace());
                assertEquals(0.41887903f, theta);
            }
            case "Acrobot-v1" -> {
                assertEquals(new Discrete(3), env.actionSpace());
                float v1 = (float) (4 * Math.PI);
                float v2 = (float) (9 * Math.PI);
                assertEquals(Box.of(new float[] {-1, -1, -1, -1, -v1, -v2}, new float[] {1, 1, 1, 1, v1, v2}),
                        env.observationSpace());
            }
            case "MountainCar-v0" -> {
                assertEquals(new Discrete(3), env.actionSpace());
                assertEquals(Box.of(new float[] {-1.2f, -0.07f}, new float[] {0.6f, 0.07f}), env.observationSpace());
            }
            case "MountainCarContinuous-v0" -> {
                assertEquals(Box.of(new float[] {-1f}, new float[] {1f}), env.actionSpace());
                assertEquals(Box.of(new float[] {-1.2f, -0.07f}, new float[] {0.6f, 0.07f}), env.observationSpace());
            }
            case "Pendulum-v1" -> {
                assertEquals(Box.of(new float[] {-2f}, new float[] {2f}), env.actionSpace());
                assertEquals(Box.of(new float[] {-1f, -1f, -8f}, new float[] {1f, 1f, 8f}), env.observationSpace());
            }
            default -> throw new AssertionError(id);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void stepBeforeResetIsAnIllegalStateException(String id) {
        ArrayEnv<?> env = Envs.makeArray(id);
        Object action = env.actionSpace().sample(new SplittableRandom(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> step(env, action, new float[env.observationSize()]));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void setStateRejectsAWrongLayout(String id) {
        ArrayEnv<?> env = Envs.makeArray(id);
        int size = env.state().length;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> env.setState(new double[size + 1]));
        assertTrue(e.getMessage().contains(id), e.getMessage());
    }

    @Test
    void outOfRangeDiscreteActionsNameTheValue() {
        for (String id : List.of("CartPole-v1", "Acrobot-v1", "MountainCar-v0")) {
            ArrayEnv<?> env = Envs.makeArray(id);
            float[] obs = new float[env.observationSize()];
            env.resetInto(0L, obs, 0);
            int n = ((Discrete) env.actionSpace()).n();
            for (int bad : new int[] {-1, n}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.stepInto(bad, obs, 0));
                assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            }
            assertEquals(0, env.elapsedSteps(), "a rejected action must not advance the episode");
        }
    }

    @Test
    void outOfRangeContinuousActionsNameTheValue() {
        Pendulum pendulum = new Pendulum();
        pendulum.reset(0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pendulum.step(new float[] {2.5f}));
        assertTrue(e.getMessage().contains("2.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pendulum.step(new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> pendulum.step(new float[] {1f, 1f}));

        MountainCarContinuous car = new MountainCarContinuous();
        car.reset(0L);
        e = assertThrows(IllegalArgumentException.class, () -> car.step(new float[] {-1.5f}));
        assertTrue(e.getMessage().contains("-1.5"), e.getMessage());
        // The bounds themselves are inside the space.
        car.step(new float[] {-1f});
        car.step(new float[] {1f});
        pendulum.step(new float[] {-2f});
        pendulum.step(new float[] {2f});
    }

    @Test
    void stepAfterTerminationIsAnIllegalStateException() {
        CartPole env = new CartPole();
        env.reset(3L);
        StepResult<float[]> result;
        int steps = 0;
        do {
            result = env.step(1); // always push right: the pole falls within a few dozen steps
            steps++;
        } while (!result.done());
        assertTrue(result.terminated());
        assertFalse(result.truncated());
        assertEquals(1.0, result.reward(), "the terminating step still pays +1");
        assertTrue(steps < 100);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(0));
        assertTrue(e.getMessage().contains("CartPole-v1"), e.getMessage());
        env.reset();
        env.step(0); // a reset makes it steppable again
    }

    @Test
    void pendulumNeverTerminatesAndIsTruncatedExactlyAtStep200() {
        Pendulum env = (Pendulum) Envs.make("Pendulum-v1");
        env.reset(11L);
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 1; t <= 200; t++) {
            StepResult<float[]> result = env.step(env.actionSpace().sample(random));
            assertFalse(result.terminated(), "step " + t);
            assertEquals(t == 200, result.truncated(), "step " + t);
            assertTrue(result.reward() <= 0 && result.reward() >= -16.2736044, "reward " + result.reward());
            assertTrue(env.observationSpace().contains(result.observation()), Arrays.toString(result.observation()));
        }
        assertThrows(IllegalStateException.class, () -> env.step(new float[] {0f}));
    }

    @Test
    void theOtherEnvironmentsAreTruncatedAtTheirRegistryLimits() {
        // Actions that never reach the goal: no torque, no push.
        assertTruncatedAt("Acrobot-v1", 1, 500);
        assertTruncatedAt("MountainCar-v0", 1, 200);
        assertTruncatedAt("MountainCarContinuous-v0", new float[] {0f}, 999);
        // CartPole with a shorter time limit, alternating pushes so the pole stays up.
        CartPole cartPole = new CartPole(6);
        cartPole.reset(0L);
        for (int t = 1; t <= 6; t++) {
            StepResult<float[]> result = cartPole.step(t % 2);
            assertFalse(result.terminated());
            assertEquals(t == 6, result.truncated(), "step " + t);
        }
    }

    private static void assertTruncatedAt(String id, Object action, int limit) {
        ArrayEnv<?> env = Envs.makeArray(id);
        float[] obs = new float[env.observationSize()];
        env.resetInto(0L, obs, 0);
        for (int t = 1; t <= limit; t++) {
            step(env, action, obs);
            assertFalse(env.terminated(), id + " step " + t);
            assertEquals(t == limit, env.truncated(), id + " step " + t);
        }
        assertTrue(env.needsReset());
    }

    @Test
    void terminationOnTheLastStepOfTheTimeLimitSetsBothFlags() {
        CartPole unlimited = new CartPole(0);
        unlimited.reset(9L);
        int steps = 0;
        boolean terminated;
        do {
            terminated = unlimited.step(0).terminated();
            steps++;
        } while (!terminated);
        CartPole limited = new CartPole(steps);
        limited.reset(9L);
        StepResult<float[]> last = null;
        for (int t = 0; t < steps; t++) {
            last = limited.step(0);
        }
        assertTrue(last.terminated());
        assertTrue(last.truncated());
    }

    @Test
    void objectApiAndFastPathAgree() {
        for (String id : GymnasiumData.ENV_IDS) {
            ArrayEnv<?> fast = Envs.makeArray(id);
            @SuppressWarnings("unchecked")
            dev.trail.env.Env<float[], Object> slow = (dev.trail.env.Env<float[], Object>) Envs.make(id);
            float[] obs = new float[fast.observationSize()];
            fast.resetInto(21L, obs, 0);
            assertArrayEquals(obs, slow.reset(21L));
            SplittableRandom random = new SplittableRandom(8);
            for (int t = 0; t < 30 && !fast.needsReset(); t++) {
                Object action = fast.actionSpace().sample(random);
                double reward = step(fast, action, obs);
                StepResult<float[]> result = slow.step(action);
                assertArrayEquals(obs, result.observation(), id);
                assertEquals(reward, result.reward(), id);
                assertEquals(fast.terminated(), result.terminated(), id);
                assertEquals(fast.truncated(), result.truncated(), id);
            }
        }
    }

    @Test
    void setStateKeepsTheTimeLimitCounter() {
        MountainCar env = new MountainCar(3);
        env.reset(0L);
        env.step(1);
        env.setState(new double[] {-0.5, 0.0});
        assertEquals(1, env.elapsedSteps());
        assertArrayEquals(new double[] {-0.5, 0.0}, env.state());
        env.step(1);
        assertFalse(env.truncated());
        env.step(1);
        assertTrue(env.truncated());
    }

    @Test
    void pendulumAngleNormalizationIsNumpysFlooredModulo() {
        assertEquals(0.0, Pendulum.angleNormalize(0.0));
        assertEquals(-Math.PI, Pendulum.angleNormalize(Math.PI), 1e-15);
        assertEquals(-Math.PI, Pendulum.angleNormalize(-Math.PI), 1e-15);
        assertEquals(0.5, Pendulum.angleNormalize(0.5 + 4 * Math.PI), 1e-12);
        assertEquals(-0.5, Pendulum.angleNormalize(-0.5 - 4 * Math.PI), 1e-12);
        assertNotEquals(Math.PI, Pendulum.angleNormalize(3 * Math.PI));
    }

    @Test
    void cartPoleFastPathDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean threads) || !threads.isThreadAllocatedMemorySupported()) {
            return; // not measurable on this JVM
        }
        CartPole env = new CartPole();
        float[] obs = new float[4];
        env.resetInto(0L, obs, 0);
        runCartPole(env, obs, 20_000); // warm up
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        runCartPole(env, obs, 200_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 4096, "200k CartPole steps allocated " + allocated + " bytes");
    }

    private static void runCartPole(CartPole env, float[] obs, int steps) {
        int action = 0;
        for (int i = 0; i < steps; i++) {
            env.stepInto(action, obs, 0);
            action ^= 1;
            if (env.needsReset()) {
                env.resetInto(obs, 0);
            }
        }
    }
}
