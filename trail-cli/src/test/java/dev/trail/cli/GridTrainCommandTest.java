package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail train} of PPO and DQN on grid worlds and CartPole, and the errors a user can make there. */
class GridTrainCommandTest {

    @TempDir
    Path dir;

    private CliRunner train(String... args) {
        String[] base = {"train", "--out", dir.resolve("runs").toString(), "--seed", "2", "--eval-episodes", "1"};
        return CliRunner.run(Stream.of(base, args).flatMap(Stream::of).toArray(String[]::new));
    }

    @Test
    void ppoTrainsOnDoorKeyWithTheGridEncoder() throws Exception {
        CliRunner r = train("--env", "MiniGrid-DoorKey-8x8-v0", "--algo", "ppo", "--total-steps", "256",
                "--set", "num_envs=2", "--set", "num_steps=64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("evaluation"), r.out());
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            Path run = runs.findFirst().orElseThrow();
            try (Stream<Path> cps = Files.list(run.resolve("checkpoints"))) {
                Path cp = cps.findFirst().orElseThrow();
                String meta = Files.readString(cp.resolve("checkpoint.json"));
                assertTrue(meta.contains("\"encoder\":\"GRID_CNN\"") || meta.contains("\"encoder\" : \"GRID_CNN\""), meta);
            }
        }
    }

    @Test
    void dqnTrainsOnCartPoleAndOnAGridWorld() {
        CliRunner r = train("--env", "CartPole-v1", "--algo", "dqn", "--total-steps", "400",
                "--set", "learning_starts=100", "--set", "batch_size=16");
        assertEquals(0, r.code(), r.err());
        r = train("--env", "MiniGrid-Empty-8x8-v0", "--algo", "dqn", "--total-steps", "150",
                "--set", "learning_starts=50", "--set", "batch_size=8");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void badInputExitsWithTwoNamingTheValue() {
        CliRunner r = train("--env", "MiniGrid-DoorKey-9x9-v0", "--algo", "ppo");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("MiniGrid-DoorKey-9x9-v0") && r.err().contains("MiniGrid-DoorKey-8x8-v0")
                && r.err().contains("MiniGrid-LavaGapS7-v0"), r.err());
        r = train("--env", "MiniGrid-Empty-8x8-v0", "--algo", "dqn", "--set", "backend=java");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("backend=java"), r.err());
        r = train("--env", "MiniGrid-Empty-8x8-v0", "--algo", "ppo", "--set", "backend=java");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("backend=java"), r.err());
        r = train("--env", "Pendulum-v1", "--algo", "dqn");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("Pendulum-v1"), r.err());
        r = train("--env", "CartPole-v1", "--algo", "dqn", "--set", "loss=l1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("l1"), r.err());
    }
}
