package dev.trail.envs.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.EnvSnapshot;
import dev.trail.env.StartStateEnv;
import dev.trail.envs.Envs;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SnapshotRL's start states: replayed from teacher trajectories, restored at reset. */
class StartStateEnvTest {

    private static final String ID = DoorKey.ID;

    private static List<Trajectory> teacher(int n) {
        ShortestPathExpert expert = new ShortestPathExpert();
        MiniGridEnv env = MiniGridEnvs.make(ID);
        List<Trajectory> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(expert.episode(env, 100 + i, "t" + i));
        }
        return out;
    }

    @Test
    void startStatesAreTheStatesBeforeEachRecordedAction() {
        List<Trajectory> teacher = teacher(3);
        List<EnvSnapshot> starts = StartStateEnv.startStates(() -> MiniGridEnvs.make(ID), ID, teacher);
        assertEquals(teacher.stream().mapToInt(Trajectory::length).sum(), starts.size());
        // restoring the snapshot before step i of trajectory 1 and acting as recorded gives its observations
        Trajectory t = teacher.get(1);
        int i = t.length() / 2;
        EnvSnapshot s = starts.get(teacher.get(0).length() + i);
        MiniGridEnv env = MiniGridEnvs.make(ID);
        env.restore(s);
        float[] obs = new float[148];
        for (int k = i; k < t.length(); k++) {
            env.stepInto((int) t.actions()[k], obs, 0);
            assertArrayEquals(Arrays.copyOfRange(t.observations(), (k + 1) * 148, (k + 2) * 148), obs, "step " + k);
        }
        assertTrue(env.terminated());
    }

    @Test
    void resetsStartFromTeacherStatesWithTheStepCounterAtZero() {
        List<Trajectory> teacher = teacher(4);
        Set<List<Float>> seen = new HashSet<>();
        for (Trajectory t : teacher) {
            for (int k = 0; k < t.length(); k++) {
                seen.add(boxed(Arrays.copyOfRange(t.observations(), k * 148, (k + 1) * 148)));
            }
        }
        StartStateEnv<Integer> env = new StartStateEnv<>(MiniGridEnvs.make(ID),
                StartStateEnv.startStates(() -> MiniGridEnvs.make(ID), ID, teacher), 1.0);
        float[] obs = new float[148];
        Set<List<Float>> starts = new HashSet<>();
        for (int e = 0; e < 30; e++) {
            if (e == 0) {
                env.resetInto(5, obs, 0);
            } else {
                env.resetInto(obs, 0);
            }
            assertTrue(seen.contains(boxed(obs)), "reset " + e + " starts in a teacher state");
            assertEquals(0, env.inner().elapsedSteps());
            starts.add(boxed(obs));
        }
        assertTrue(starts.size() > 10, "resets spread over the states: " + starts.size());

        // fraction 0: ordinary resets (the teacher's seeds are not drawn)
        StartStateEnv<Integer> plain = new StartStateEnv<>(MiniGridEnvs.make(ID), env.startStates(), 0.0);
        plain.resetInto(5, obs, 0);
        MiniGridEnv reference = MiniGridEnvs.make(ID);
        float[] expected = new float[148];
        reference.resetInto(new dev.trail.seed.Rng(5).nextLong(), expected, 0);
        assertArrayEquals(expected, obs, "fraction 0: the wrapped env reset with a seed from the wrapper's stream");
    }

    @Test
    void aSnapshotOfTheWrapperContinuesExactly() {
        List<Trajectory> teacher = teacher(3);
        List<EnvSnapshot> starts = StartStateEnv.startStates(() -> MiniGridEnvs.make(ID), ID, teacher);
        StartStateEnv<Integer> a = new StartStateEnv<>(MiniGridEnvs.make(ID), starts, 0.5);
        float[] obs = new float[148];
        a.resetInto(11, obs, 0);
        a.stepInto(MiniGridEnv.RIGHT, obs, 0);
        EnvSnapshot s = a.snapshot();
        StartStateEnv<Integer> b = new StartStateEnv<>(MiniGridEnvs.make(ID), starts, 0.5);
        b.restore(s);
        float[] ob = new float[148];
        dev.trail.seed.Rng actions = new dev.trail.seed.Rng(3);
        for (int i = 0; i < 2000; i++) {
            int action = actions.nextInt(7);
            if (a.needsReset()) {
                a.resetInto(obs, 0);
                b.resetInto(ob, 0);
            } else {
                assertEquals(a.stepInto(action, obs, 0), b.stepInto(action, ob, 0));
                assertEquals(a.terminated(), b.terminated());
                assertEquals(a.truncated(), b.truncated());
            }
            assertArrayEquals(obs, ob, "step " + i);
        }
    }

    @Test
    void startStatesWorkForClassicControlToo() {
        dev.trail.env.ArrayEnv<?> cartPole = Envs.makeArray("CartPole-v1");
        float[] obs = new float[4];
        cartPole.resetInto(9, obs, 0);
        float[] observations = new float[4 * 4];
        System.arraycopy(obs, 0, observations, 0, 4);
        for (int i = 0; i < 3; i++) {
            cartPole.stepInto(i % 2, obs, 0);
            System.arraycopy(obs, 0, observations, (i + 1) * 4, 4);
        }
        Trajectory t = new Trajectory("c", null, 9, observations, 4, new float[] {0, 1, 0}, 1, new double[] {1, 1, 1},
                null, null, null, false, false, Double.NaN, null, "CartPole-v1", null, null, 0, null);
        List<EnvSnapshot> starts = StartStateEnv.startStates(() -> Envs.makeArray("CartPole-v1"), "CartPole-v1",
                List.of(t));
        assertEquals(3, starts.size());
        @SuppressWarnings("unchecked")
        StartStateEnv<Integer> env = new StartStateEnv<>((dev.trail.env.ArrayEnv<Integer>) Envs.makeArray("CartPole-v1"),
                starts, 1.0);
        env.resetInto(1, obs, 0);
        boolean match = false;
        for (int k = 0; k < 3; k++) {
            match |= Arrays.equals(obs, Arrays.copyOfRange(observations, k * 4, (k + 1) * 4));
        }
        assertTrue(match, Arrays.toString(obs));
    }

    @Test
    void trajectoriesOfAnotherEnvOrThatDoNotFitAreRefused() {
        List<Trajectory> teacher = teacher(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StartStateEnv.startStates(() -> MiniGridEnvs.make(Empty.ID_8X8), Empty.ID_8X8, teacher));
        assertTrue(e.getMessage().contains("trajectory t0 was recorded on " + ID + ", not " + Empty.ID_8X8),
                e.getMessage());
        // the same actions without a task id: Empty-8x8 ends (or not) differently; a 300-step file certainly overruns
        float[] actions = new float[300];
        Arrays.fill(actions, MiniGridEnv.FORWARD);
        Trajectory tooLong = new Trajectory("long", null, 0, null, 0, actions, 1, new double[300], null, null, null,
                false, false, Double.NaN, null, null, null, null, 0, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> StartStateEnv.startStates(() -> MiniGridEnvs.make(Empty.ID_8X8), Empty.ID_8X8, List.of(tooLong)));
        assertTrue(e.getMessage().contains("trajectory long (seed 0): " + Empty.ID_8X8 + " ended after"), e.getMessage());
    }

    private static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>();
        for (float f : a) {
            out.add(f);
        }
        return out;
    }
}
