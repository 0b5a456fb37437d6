package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trail train --algo bc|td3bc|iql|cql --dataset FILE}: a tracked run whose config records
 * the dataset and its hash, and the dataset errors, each one line naming the file and the field,
 * exit 2, before any run folder exists.
 */
class OfflineTrainCommandTest {

    @TempDir
    static Path dir;
    static Path cartPole;

    @BeforeAll
    static void collect() {
        cartPole = dir.resolve("cartpole-random.parquet");
        CliRunner c = CliRunner.run("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "5",
                "--reference-episodes", "2", "--out", cartPole.toString());
        assertEquals(0, c.code(), c.err());
    }

    static boolean empty(Path runs) throws Exception {
        if (!Files.exists(runs)) {
            return true;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void trainsATrackedRunThatRecordsTheDataset() throws Exception {
        Path runs = dir.resolve("ok");
        CliRunner r = CliRunner.run("train", "--algo", "cql", "--dataset", cartPole.toString(), "--env", "CartPole-v1",
                "--total-steps", "20", "--set", "batch_size=16", "--set", "hidden_sizes=16", "--set", "eval_every=10",
                "--set", "eval_episodes=1", "--set", "log_every=5", "--out", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.findFirst().orElseThrow();
        }
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("dataset: \"" + cartPole.toAbsolutePath().normalize() + "\""), config);
        assertTrue(config.contains("dataset_sha256: \"sha256:"), config);
        assertTrue(config.contains("cql_alpha: 1.0"), "discrete CQL defaults: " + config);
        String metrics = Files.readString(run.resolve("metrics.csv"));
        // a random-recipe dataset has no expert reference, so no normalised score
        assertTrue(metrics.contains("losses/cql_gap") && metrics.contains("eval/mean_return")
                && metrics.contains("eval/best_mean_return") && !metrics.contains("eval/normalized_score"), metrics);
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("update-0000020")));
    }

    /** Offline → online from the CLI: an offline IQL run, then {@code --init} it with {@code online_steps}. */
    @Test
    void iqlFineTunesOnlineFromAnOfflineRun() throws Exception {
        Path offline = dir.resolve("iql-offline");
        String[] small = {"--set", "batch_size=16", "--set", "hidden_sizes=16", "--set", "eval_every=1000",
                "--set", "eval_episodes=1", "--set", "log_every=10"};
        CliRunner r = CliRunner.run(Stream.concat(Stream.of("train", "--algo", "iql", "--dataset", cartPole.toString(),
                "--env", "CartPole-v1", "--total-steps", "30", "--out", offline.toString()), Stream.of(small))
                .toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path offlineRun;
        try (Stream<Path> s = Files.list(offline)) {
            offlineRun = s.findFirst().orElseThrow();
        }
        Path tuned = dir.resolve("iql-online");
        r = CliRunner.run(Stream.concat(Stream.of("train", "--algo", "iql", "--dataset", cartPole.toString(), "--env",
                "CartPole-v1", "--init", offlineRun.toString(), "--set", "online_steps=40", "--checkpoint-every", "50",
                "--out", tuned.toString()), Stream.of(small)).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> s = Files.list(tuned)) {
            run = s.findFirst().orElseThrow();
        }
        String metrics = Files.readString(run.resolve("metrics.csv"));
        assertTrue(metrics.contains("70,") && metrics.contains("charts/online_steps,40.0")
                && metrics.contains("charts/episodic_return"), metrics);
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("update-0000070")), "30 offline + 40 online");
        refused("--init " + offlineRun + ": the offline updates are the checkpoint's", "train", "--algo", "iql",
                "--dataset", cartPole.toString(), "--env", "CartPole-v1", "--init", offlineRun.toString(),
                "--total-steps", "10", "--set", "online_steps=5");
        refused("--init: fine-tuning from " + offlineRun.resolve("checkpoints").resolve("update-0000030")
                + " needs online_steps >= 1, got 0", "train", "--algo", "iql", "--dataset", cartPole.toString(),
                "--env", "CartPole-v1", "--init", offlineRun.toString());
        refused("--init is for the token-level algorithms and IQL's online fine-tuning; bc starts fresh", "train",
                "--algo", "bc", "--dataset", cartPole.toString(), "--env", "CartPole-v1", "--init", offlineRun.toString());
    }

    private static void refused(String expectedStart, String... args) throws Exception {
        Path runs = dir.resolve("refused-" + Math.abs(String.join(" ", args).hashCode()));
        String[] all = Stream.concat(Stream.of(args), Stream.of("--out", runs.toString())).toArray(String[]::new);
        CliRunner r = CliRunner.run(all);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("train: " + expectedStart), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(empty(runs), "no run folder before the checks pass");
    }

    @Test
    void datasetErrorsExitTwoBeforeAnyRunFolder() throws Exception {
        String file = cartPole.toAbsolutePath().normalize().toString();
        refused(file + ": field observations has 4 values per step",
                "train", "--algo", "iql", "--dataset", cartPole.toString(), "--env", "Pendulum-v1");
        refused(file + ": field actions holds discrete actions",
                "train", "--algo", "cql", "--dataset", cartPole.toString(), "--env", "CartPole-v1",
                "--set", "variant=continuous");
        refused(file + ": field actions holds discrete actions",
                "train", "--algo", "td3bc", "--dataset", cartPole.toString(), "--env", "CartPole-v1");
        Path emptyFile = dir.resolve("empty.jsonl");
        Files.writeString(emptyFile, "");
        refused(emptyFile.toAbsolutePath().normalize() + ": field rewards: the dataset has no transitions",
                "train", "--algo", "bc", "--dataset", emptyFile.toString(), "--env", "CartPole-v1");
        Path missing = dir.resolve("missing.parquet");
        refused(missing.toAbsolutePath().normalize() + ": no such dataset file",
                "train", "--algo", "bc", "--dataset", missing.toString(), "--env", "CartPole-v1");
        refused("bc learns from a dataset", "train", "--algo", "bc", "--env", "CartPole-v1");
        refused("--dataset is for the offline algorithms", "train", "--algo", "ppo", "--env", "CartPole-v1",
                "--dataset", cartPole.toString());
        refused("bc: sampler=best is not one of", "train", "--algo", "bc", "--env", "CartPole-v1",
                "--dataset", cartPole.toString(), "--set", "sampler=best");
        assertFalse(Files.exists(dir.resolve("runs")));
    }
}
