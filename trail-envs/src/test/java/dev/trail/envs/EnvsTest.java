package dev.trail.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.env.ArrayEnv;
import dev.trail.env.Env;
import dev.trail.env.EnvSpec;
import dev.trail.envs.classic.Acrobot;
import dev.trail.envs.classic.CartPole;
import dev.trail.envs.classic.MountainCar;
import dev.trail.envs.classic.MountainCarContinuous;
import dev.trail.envs.classic.Pendulum;
import dev.trail.envs.grid.DistShift;
import dev.trail.envs.grid.DoorKey;
import dev.trail.envs.grid.Empty;
import dev.trail.envs.grid.FourRooms;
import dev.trail.envs.grid.KeyCorridor;
import dev.trail.envs.grid.LavaGap;
import dev.trail.envs.grid.MultiRoom;
import dev.trail.envs.grid.Unlock;
import dev.trail.token.TokenEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvsTest {

    @Test
    void idsAreSorted() {
        assertEquals(List.of("Acrobot-v1", "Arithmetic-v0", "Calculator-MultiTurn-v0", "Calculator-v0", "CartPole-v1",
                "Countdown-v0", "GridNav-v0", "Guess-v0", "MiniGrid-DistShift1-v0", "MiniGrid-DoorKey-8x8-v0", "MiniGrid-Empty-8x8-v0",
                "MiniGrid-Empty-Random-6x6-v0", "MiniGrid-FourRooms-v0", "MiniGrid-KeyCorridorS3R2-v0",
                "MiniGrid-LavaGapS7-v0", "MiniGrid-MultiRoom-N4-S5-v0", "MiniGrid-Unlock-v0",
                "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"), Envs.ids());
        assertEquals(List.of("Acrobot-v1", "CartPole-v1", "MiniGrid-DistShift1-v0", "MiniGrid-DoorKey-8x8-v0",
                "MiniGrid-Empty-8x8-v0", "MiniGrid-Empty-Random-6x6-v0", "MiniGrid-FourRooms-v0",
                "MiniGrid-KeyCorridorS3R2-v0", "MiniGrid-LavaGapS7-v0", "MiniGrid-MultiRoom-N4-S5-v0",
                "MiniGrid-Unlock-v0", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"),
                Envs.arrayIds());
        assertEquals(Envs.ids(), Envs.specs().stream().map(EnvSpec::id).toList());
    }

    @ParameterizedTest(name = "{0}: limit {1}, threshold {2}")
    @CsvSource({
        "CartPole-v1, 500, 475",
        "Acrobot-v1, 500, -100",
        "MountainCar-v0, 200, -110",
        "MountainCarContinuous-v0, 999, 90",
        "Pendulum-v1, 200, NaN",
    })
    void specsCarryGymnasiumsTimeLimitsAndRewardThresholds(String id, int limit, double threshold) {
        EnvSpec spec = Envs.spec(id);
        assertEquals(id, spec.id());
        assertEquals(limit, spec.maxEpisodeSteps());
        assertEquals(threshold, spec.rewardThreshold()); // assertEquals treats NaN as equal to NaN
        ArrayEnv<?> env = Envs.makeArray(id);
        assertEquals(limit, env.maxEpisodeSteps());
        assertEquals(id, env.id());
        assertInstanceOf(ArrayEnv.class, spec.make());
    }

    @Test
    void makeReturnsANewEnvironmentOfTheRightClass() {
        Map<String, Class<?>> classes = new java.util.HashMap<>(Map.of("CartPole-v1", CartPole.class, "Acrobot-v1", Acrobot.class,
                "MountainCar-v0", MountainCar.class, "MountainCarContinuous-v0", MountainCarContinuous.class,
                "Pendulum-v1", Pendulum.class, "Arithmetic-v0", TokenEnv.class, "Countdown-v0", TokenEnv.class,
                "Calculator-v0", TokenEnv.class));
        classes.putAll(Map.of("GridNav-v0", TokenEnv.class, "Guess-v0", TokenEnv.class, "Calculator-MultiTurn-v0",
                TokenEnv.class));
        classes.putAll(Map.of("MiniGrid-Empty-8x8-v0", Empty.class, "MiniGrid-Empty-Random-6x6-v0", Empty.class,
                "MiniGrid-DoorKey-8x8-v0", DoorKey.class, "MiniGrid-FourRooms-v0", FourRooms.class,
                "MiniGrid-MultiRoom-N4-S5-v0", MultiRoom.class, "MiniGrid-KeyCorridorS3R2-v0", KeyCorridor.class,
                "MiniGrid-LavaGapS7-v0", LavaGap.class, "MiniGrid-Unlock-v0", Unlock.class,
                "MiniGrid-DistShift1-v0", DistShift.class));
        for (String id : Envs.ids()) {
            Env<?, ?> a = Envs.make(id);
            Env<?, ?> b = Envs.make(id);
            assertNotSame(a, b);
            assertEquals(classes.get(id), a.getClass());
            a.reset(0L); // ready to use
        }
        for (String id : Envs.arrayIds()) {
            assertNotSame(Envs.makeArray(id), Envs.makeArray(id));
        }
    }

    @Test
    void makeArrayRefusesTokenTasksNamingTheArrayEnvironments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Envs.makeArray("Arithmetic-v0"));
        assertTrue(e.getMessage().contains("Arithmetic-v0") && e.getMessage().contains("CartPole-v1"), e.getMessage());
    }

    @Test
    void unknownIdNamesItAndListsTheKnownIds() {
        for (String bad : new String[] {"CartPole-v0", "cartpole-v1", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Envs.make(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            for (String id : Envs.ids()) {
                assertTrue(e.getMessage().contains(id), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> Envs.makeArray(bad));
            assertThrows(IllegalArgumentException.class, () -> Envs.spec(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> Envs.make(null));
    }
}
