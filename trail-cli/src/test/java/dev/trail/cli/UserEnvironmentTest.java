package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's environment class, defined only in these test sources, trains from the command line. */
class UserEnvironmentTest {

    @TempDir
    Path dir;

    @Test
    void userEnvironmentClassTrainsEvaluatesAndResumes() throws IOException {
        String env = "class:" + TinyUserEnv.class.getName();
        CliRunner r = CliRunner.run("train", "--env", env, "--algo", "ppo", "--total-steps", "4096", "--seed", "1",
                "--set", "num_envs=2", "--set", "num_steps=64", "--eval-episodes", "3", "--checkpoint-every", "1024",
                "--out", dir.resolve("runs").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("evaluation (3 episodes"), r.out());
        Path run;
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size());
            run = runs.get(0);
        }
        assertTrue(Files.readString(run.resolve("config.yaml")).contains(TinyUserEnv.class.getName()));
        // the trained policy walks right: the greedy return is the +1 minus a few step costs
        r = CliRunner.run("eval", "--run", run.toString(), "--env", env, "--episodes", "5", "--deterministic");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"mean\" : 0.9"), r.out());
        // a finished run has nothing to resume
        r = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("finished"), r.err());
    }

    @Test
    void badEnvironmentClassesAreRefusedNamingThem() {
        String runs = dir.resolve("runs").toString();
        CliRunner r = CliRunner.run("train", "--env", "class:com.acme.Missing", "--algo", "ppo", "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("com.acme.Missing") && r.err().contains("classpath"), r.err());
        r = CliRunner.run("train", "--env", "class:java.lang.String", "--algo", "ppo", "--out", runs);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("java.lang.String") && r.err().contains("Env"), r.err());
        assertTrue(!Files.exists(dir.resolve("runs")) || dir.resolve("runs").toFile().list().length == 0,
                "no run folder for a refused environment");
    }
}
