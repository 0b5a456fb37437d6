package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail train --config / --set / --list}: what is accepted, what is refused and how. */
class TrainConfigTest {

    @TempDir
    Path dir;

    private Path runsDir() {
        return dir.resolve("runs");
    }

    private List<Path> runs() throws IOException {
        if (!Files.isDirectory(runsDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runsDir())) {
            return s.sorted().toList();
        }
    }

    private CliRunner withConfig(String yaml, String... extra) throws IOException {
        Path file = dir.resolve("c" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        String[] base = {"train", "--config", file.toString(), "--out", runsDir().toString()};
        return CliRunner.run(Stream.of(base, extra).flatMap(Stream::of).toArray(String[]::new));
    }

    private CliRunner set(String... sets) {
        Stream<String> base = Stream.of("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "64",
                "--out", runsDir().toString());
        return CliRunner.run(Stream.concat(base, Stream.of(sets).flatMap(s -> Stream.of("--set", s)))
                .toArray(String[]::new));
    }

    /** Exit 2, one line on stderr containing every {@code parts}, and no run started. */
    private void refused(CliRunner r, String... parts) throws IOException {
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' missing in: " + err);
        }
        assertTrue(runs().isEmpty(), "no run directory for a refused config");
    }

    @Test
    void unknownKeysNameTheClosestKnownOne() throws IOException {
        refused(set("num_minibatchs=2"), "unknown key 'num_minibatchs' for ppo", "'num_minibatches'");
        refused(set("ppo.entropy_coef=0.1"), "'entropy_coef'", "'ent_coef'");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\ntotal_step: 100\n"), "'total_step'", "'total_steps'",
                "go in a section 'ppo:'");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nlearning_rate: 0.1\n"),
                "'learning_rate' is an option of ppo: put it in the section 'ppo:'");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nppo:\n  learning_rat: 0.1\n"), "'learning_rat'",
                "'learning_rate'");
    }

    @Test
    void valuesAreCheckedInTheirDeclaredType() throws IOException {
        refused(set("num_envs=4294967296"), "num_envs=4294967296", "[1, 4096]");
        refused(set("num_steps=1e300"), "num_steps=1e300", "outside the allowed range");
        refused(set("num_steps=2.5"), "num_steps=2.5 is not an integer");
        refused(set("anneal_lr=yes"), "anneal_lr=yes must be true or false");
        refused(set("gamma=1.5"), "gamma=1.5", "[0, 1]");
        refused(CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "0", "--out",
                runsDir().toString()), "config total_steps=0 is outside the allowed range [1, 9223372036854775807]");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\neval_episodes: 4294967296\n"), "eval_episodes=4294967296");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nseed: 1.5\n"), "seed=1.5 is not an integer");
    }

    @Test
    void yamlIsReadAsYamlDuplicatesRefusedNamingFileAndLine() throws IOException {
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nppo:\n  gamma: 0.9\n  gamma: 0.99\n"), ".yaml: line 5",
                "gamma");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nppo: [1, 2\n"), ".yaml: line ");
        refused(withConfig("env: CartPole-v1\nalgo: ppo\nppo: 3\n"), "'ppo' must be a section");
    }

    @Test
    void aHandWrittenConfigRunsAndItsConfigYamlReproducesItExactly() throws IOException {
        CliRunner r = withConfig("""
                # a comment
                env: CartPole-v1
                algo: ppo        # the algorithm
                seed: 3
                total_steps: 128
                eval_episodes: 0
                ppo:
                  learning_rate: '3e-4'   # quoted: YAML text, read as the number
                  hidden_sizes: "16,16"
                  num_envs: 2
                  num_steps: 32
                  num_minibatches: 2
                  update_epochs: 1
                  target_kl: none
                """);
        assertEquals(0, r.code(), r.err());
        Path first = runs().get(0);
        String config = Files.readString(first.resolve("config.yaml"));
        assertTrue(config.contains("learning_rate: 3.0E-4") && config.contains("hidden_sizes: \"16,16\"")
                && config.contains("target_kl: null") && config.contains("checkpoint_every: 12"), config);
        CliRunner again = CliRunner.run("train", "--config", first.resolve("config.yaml").toString(), "--out",
                runsDir().toString());
        assertEquals(0, again.code(), again.err());
        Path second = runs().stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();
        assertEquals(config, Files.readString(second.resolve("config.yaml")), "config.yaml round-trips exactly");
    }

    @Test
    void listShowsEveryAlgorithmsKeysFromTheRecords() {
        CliRunner r = CliRunner.run("train", "--list");
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("ppo - ", "sac - ", "grpo - ", "dr-grpo - ", "rloo - ", "train - ", "num_envs=4  environment copies",
                "(1, 4096]".replace("(", "["), "target_kl=none", "ent_coef=0.01", "ent_coef=0.0", "num_minibatches=2",
                "dapo=false", "loss_aggregation=token-mean", "dual_clip_c=none", "total_steps=none  environment steps to train for (default 500000", "policy_lr=")) {
            assertTrue(r.out().contains(s), s + " missing in:\n" + r.out());
        }
        assertFalse(r.out().contains("entropy_coef"), r.out());
        CliRunner sft = CliRunner.run("sft", "--list");
        assertTrue(sft.out().contains("model.layers=2") && sft.out().contains("learning_rate=0.002"), sft.out());
    }

    /** --preset: its values sit under --config and --set, are recorded in config.yaml, and bad names are refused. */
    @Test
    void aPresetIsRecordedAndOverriddenByConfigAndSet() throws IOException {
        CliRunner r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--preset", "fast", "--total-steps",
                "256", "--eval-episodes", "0", "--set", "update_epochs=1", "--set", "ppo.num_steps=16", "--out",
                runsDir().toString());
        assertEquals(0, r.code(), r.err());
        Path firstRun = runs().get(0);
        String config = Files.readString(firstRun.resolve("config.yaml"));
        assertTrue(config.contains("num_envs: 8") && config.contains("gae_lambda: 0.8"), "the preset's values: " + config);
        assertTrue(config.contains("update_epochs: 1") && config.contains("num_steps: 16"), "--set wins: " + config);
        // a config file's section also overrides the preset
        CliRunner f = withConfig("env: CartPole-v1\nalgo: ppo\ntotal_steps: 128\neval_episodes: 0\nppo:\n  num_envs: 2\n"
                + "  update_epochs: 1\n", "--preset", "fast");
        assertEquals(0, f.code(), f.err());
        Path second = runs().stream().filter(p -> !p.equals(firstRun)).findFirst().orElseThrow();
        String c2 = Files.readString(second.resolve("config.yaml"));
        assertTrue(c2.contains("num_envs: 2") && c2.contains("num_steps: 32"), c2);
        CliRunner list = CliRunner.run("train", "--list");
        assertTrue(list.out().contains("fast: ppo on CartPole-v1") && list.out().contains("gae_lambda=0.8"), list.out());
    }

    @Test
    void unknownPresetsAndPresetsForAnotherPairAreRefused() throws IOException {
        refused(CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--preset", "fastest", "--out",
                runsDir().toString()), "unknown preset 'fastest'", "known: fast");
        refused(CliRunner.run("train", "--env", "Acrobot-v1", "--algo", "ppo", "--preset", "fast", "--out",
                runsDir().toString()), "preset 'fast' has no values for ppo on Acrobot-v1", "ppo on CartPole-v1");
        refused(CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--set", "num_threads=0", "--out",
                runsDir().toString()), "num_threads=0");
    }
}
