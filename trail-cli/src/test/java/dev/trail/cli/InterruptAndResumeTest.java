package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupts and resume safety (issue 16, items 4 and 5 and the resume items): SIGTERM to a real
 * {@code trail train} process writes a checkpoint at the stop and a clean {@code interrupted}
 * status; a second resume of a run being resumed is refused (the run folder's lock); a damaged
 * last checkpoint is refused naming the previous intact one, and nothing changes.
 */
class InterruptAndResumeTest {

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static long rows(Path run) throws IOException {
        Path m = run.resolve("metrics.csv");
        return Files.exists(m) ? Files.lines(m).count() : 0;
    }

    private static List<Path> checkpoints(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("checkpoint.json"))).sorted().toList();
        }
    }

    @Test
    void sigtermWritesACheckpointAtTheStopAndTheRunResumes() throws Exception {
        Path runs = dir.resolve("runs");
        Path log = dir.resolve("train.log");
        // one checkpoint planned, at the end: every checkpoint the folder holds after the stop is the stop's;
        // libtorch steps and a budget of many seconds, so that an idle machine cannot finish before the signal
        Process p = TrailProcess.start(log, "train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "131072",
                "--seed", "5", "--set", "num_envs=2", "--set", "num_steps=64", "--set", "backend=djl",
                "--checkpoint-every", "131072",
                "--eval-episodes", "0", "--out", runs.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline
                && (!Files.isDirectory(runs) || Files.list(runs).findAny().isEmpty() || rows(onlyRun(runs)) < 60)) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "still training when stopped: " + Files.readString(log));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "stopped");
        String out = Files.readString(log);
        Path run = onlyRun(runs);
        assertFalse(out.contains("has finished") || out.contains("failed") || out.contains("Exception"), out);
        assertTrue(out.contains("interrupted at step"), out);
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals("interrupted", summary.path("status").asText(), summary.toString());
        List<Path> cps = checkpoints(run);
        assertEquals(1, cps.size(), "the stop's checkpoint: " + cps);
        long stopStep = JSON.readTree(cps.get(0).resolve("checkpoint.json").toFile()).path("globalStep").asLong();
        assertTrue(stopStep > 0 && stopStep < 131072, "stopped mid-run at " + stopStep);
        assertEquals(summary.path("global_step").asLong(), stopStep, "nothing logged after the stop's checkpoint");

        // resume; a second resume while it runs is refused by the folder's lock
        Path log2 = dir.resolve("resume.log");
        Process resume = TrailProcess.start(log2, "train", "--resume", run.toString());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (resume.isAlive() && !Files.readString(log2).contains("resuming run") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(resume.isAlive(), Files.readString(log2));
        Map<String, String> before = HostileInputTest.snapshot(run.resolve("checkpoints"));
        CliRunner second = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, second.code(), second.out() + second.err());
        assertTrue(second.err().contains("in use"), second.err());
        assertEquals(0, resume.waitFor(), Files.readString(log2));
        assertTrue(before.size() > 0);
        JsonNode prov = JSON.readTree(run.resolve("provenance.json").toFile());
        JsonNode r = prov.path("resumes").get(0);
        assertEquals(stopStep, r.path("from_step").asLong(), "resumed from the stop: " + r);
        assertEquals(0, r.path("rows_dropped").asLong(), "no step was lost: " + r);
        assertEquals("finished", JSON.readTree(run.resolve("summary.json").toFile()).path("status").asText());
        assertEquals(1, prov.path("resumes").size());
    }

    @Test
    void aDamagedLastCheckpointIsRefusedNamingThePreviousIntactOne() throws Exception {
        Path runs = dir.resolve("runs");
        CliRunner t = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "512",
                "--set", "num_envs=2", "--set", "num_steps=64", "--checkpoint-every", "128", "--eval-episodes", "0",
                "--out", runs.toString());
        assertEquals(0, t.code(), t.err());
        Path run = onlyRun(runs);
        // as if it had been stopped: not finished
        Path summary = run.resolve("summary.json");
        Files.writeString(summary, Files.readString(summary).replace("\"finished\"", "\"interrupted\""));
        List<Path> cps = checkpoints(run);
        assertTrue(cps.size() >= 2, cps.toString());
        Path last = cps.get(cps.size() - 1);
        try (Stream<Path> s = Files.list(last)) {
            Path bin = s.filter(f -> f.toString().endsWith(".bin")).findFirst().orElseThrow();
            try (RandomAccessFile f = new RandomAccessFile(bin.toFile(), "rw")) {
                f.seek(f.length() / 2);
                int b = f.read();
                f.seek(f.length() / 2);
                f.write(b ^ 0xff);
            }
        }
        Map<String, String> before = HostileInputTest.snapshot(runs);
        CliRunner r = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(last.getFileName().toString()) && r.err().contains("damaged")
                && r.err().contains(cps.get(cps.size() - 2).getFileName().toString()), r.err());
        before.remove(run.getFileName() + "/.lock");
        Map<String, String> after = HostileInputTest.snapshot(runs);
        after.remove(run.getFileName() + "/.lock");
        assertEquals(before, after, "nothing changed");

        // an SFT-free check of the other resume refusals: a finished run, and options that would change it
        Files.writeString(summary, Files.readString(summary).replace("\"interrupted\"", "\"finished\""));
        r = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("has finished"), r.err());
        r = CliRunner.run("train", "--resume", run.toString(), "--total-steps", "4096");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--total-steps"), r.err());
    }

    @Test
    void resumingAnSftRunSaysWhatItIsNotUnknownAlgorithm() throws Exception {
        Path runs = dir.resolve("sft");
        CliRunner sft = CliRunner.run("sft", "--env", "Arithmetic-v0", "--seed", "3", "--out", runs.toString(),
                "--set", "steps=2", "--set", "eval_problems=2", "--set", "eval_every=0", "--set", "model.layers=1",
                "--set", "model.width=16", "--set", "model.heads=2");
        assertEquals(0, sft.code(), sft.err());
        Path run = onlyRun(runs);
        Path summary = run.resolve("summary.json");
        Files.writeString(summary, Files.readString(summary).replace("\"finished\"", "\"interrupted\""));
        CliRunner r = CliRunner.run("train", "--resume", run.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("SFT run") && !r.err().contains("unknown algorithm"), r.err());
    }
}
