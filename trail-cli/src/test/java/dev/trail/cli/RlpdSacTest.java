package dev.trail.cli;

import dev.trail.algo.TrainingListener;
import dev.trail.algo.sac.Sac;
import dev.trail.algo.sac.SacConfig;
import dev.trail.checkpoint.Checkpoint;
import dev.trail.data.OfflineDatasets;
import dev.trail.env.EnvSpec;
import dev.trail.nn.Parameters;
import dev.trail.offline.TransitionDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RLPD-style SAC: {@code offline_dataset}, {@code utd_ratio}, {@code layer_norm_critics}. */
class RlpdSacTest {

    @TempDir
    Path tmp;

    private Path pendulumData() {
        Path f = tmp.resolve("p.parquet");
        CliRunner r = CliRunner.run("collect", "--env", "Pendulum-v1", "--recipe", "random", "--episodes", "2",
                "--seed", "2", "--reference-episodes", "1", "--out", f.toString());
        assertEquals(0, r.code(), r.err());
        return f;
    }

    @Test
    void mixedBatchesTrainAndResumeExactly() throws IOException {
        Path file = pendulumData();
        EnvSpec env = TrainCommand.envSpec("Pendulum-v1");
        TransitionDataset data = OfflineDatasets.read(file, null);
        try (var e = env.makeArray()) {
            data = data.fitted(e.observationSpace(), e.actionSpace());
        }
        SacConfig config = SacConfig.fromSettings(Map.of("offline_dataset", file.toString(), "utd_ratio", "2",
                "layer_norm_critics", "true", "learning_starts", "20", "batch_size", "16", "hidden_sizes", "16,16"));
        TrainingListener quiet = new TrainingListener() { };
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        try (Sac straight = new Sac(config, env, 5, 80, data)) {
            straight.run(quiet, a, 40);
        }
        try (Sac resumed = Sac.load(a.resolve("step-0000040"), env, data)) {
            resumed.run(quiet, b, 40);
        }
        Parameters critic = Checkpoint.read(a.resolve("step-0000080")).tensors("critic");
        assertTrue(critic.layout().contains("qf1.ln.0.weight"), critic.layout());
        for (String f : List.of("parameters", "critic", "critic_target", "optimizer")) {
            Parameters x = Checkpoint.read(a.resolve("step-0000080")).tensors(f);
            Parameters y = Checkpoint.read(b.resolve("step-0000080")).tensors(f);
            for (int i = 0; i < x.count(); i++) {
                assertArrayEquals(x.get(i).data(), y.get(i).data(), f + " " + x.get(i).name());
            }
        }
        // the offline half changes what the critics learn
        SacConfig online = SacConfig.fromSettings(Map.of("utd_ratio", "2", "layer_norm_critics", "true",
                "learning_starts", "20", "batch_size", "16", "hidden_sizes", "16,16"));
        Path c = tmp.resolve("c");
        try (Sac plain = new Sac(online, env, 5, 80)) {
            plain.run(quiet, c, 80);
        }
        Parameters plainCritic = Checkpoint.read(c.resolve("step-0000080")).tensors("critic");
        assertFalse(java.util.Arrays.equals(critic.get(0).data(), plainCritic.get(0).data()));
    }

    @Test
    void fromTheCommandLineWithErrorsBeforeAnyRun() throws IOException {
        Path file = pendulumData();
        Path runs = tmp.resolve("runs");
        CliRunner r = CliRunner.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--total-steps", "60",
                "--set", "offline_dataset=" + file, "--set", "utd_ratio=2", "--set", "learning_starts=20",
                "--set", "batch_size=16", "--set", "hidden_sizes=16,16", "--eval-episodes", "1", "--out", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path run;
        try (var s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("utd_ratio: 2") && config.contains("offline_dataset:"), config);

        r = CliRunner.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--total-steps", "60",
                "--set", "offline_dataset=" + tmp.resolve("missing.parquet"), "--out", tmp.resolve("runs2").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.parquet"), r.err());
        assertFalse(Files.exists(tmp.resolve("runs2")) && Files.list(tmp.resolve("runs2")).findAny().isPresent(),
                "no run folder for a bad dataset");
        Path cartPole = tmp.resolve("c.parquet");
        assertEquals(0, CliRunner.run("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "2",
                "--reference-episodes", "1", "--out", cartPole.toString()).code());
        r = CliRunner.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--total-steps", "60",
                "--set", "offline_dataset=" + cartPole, "--out", tmp.resolve("runs3").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("c.parquet"), r.err());
    }
}
