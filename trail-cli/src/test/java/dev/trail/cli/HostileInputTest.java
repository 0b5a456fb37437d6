package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trail.track.Run;
import dev.trail.track.RunInfo;
import dev.trail.track.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects of issue 16 ("reliability and safety under hostile input"), one test per defect, each
 * the reproduction with the corrected behaviour asserted. See docs/RELIABILITY.md.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    private static final String GOOD = "{\"id\":\"a\",\"group\":\"g\",\"reward\":1}\n{\"id\":\"b\",\"group\":\"g\",\"reward\":0}\n";

    private Path good() throws IOException {
        return Files.writeString(dir.resolve("good.jsonl"), GOOD);
    }

    private static boolean isOther(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).isOther();
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    /** Every path under {@code root} with its bytes (folders as empty), to compare before and after. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String key = root.relativize(p).toString();
                m.put(key, Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p))) + ":" + Files.size(p)
                        : Files.isSymbolicLink(p) ? "link" : "dir");
            }
        }
        return m;
    }

    // ---------------------------------------------------------------- 1. special files as --out

    @Test
    void outIntoAFifoStreamsIntoItAndLeavesTheFifo() throws Exception {
        Path fifo = dir.resolve("ff");
        sh("mkfifo", fifo.toString());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                in.transferTo(got);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", fifo.toString());
        reader.join(30_000);
        assertEquals(0, r.code(), r.err());
        assertTrue(isOther(fifo) && !Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        assertEquals(2, got.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"advantage\"")).count(),
                got.toString(StandardCharsets.UTF_8));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("ff", "good.jsonl"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left beside it");
        }
    }

    @Test
    void outThroughASymlinkToADeviceKeepsTheLinkAndTheDevice() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null"));
        for (String name : List.of("out.jsonl", "out.parquet")) {
            Path named = Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/null"));
            CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", named.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isSymbolicLink(named), name + " is still a symbolic link");
        }
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", link.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link));
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");
    }

    @Test
    void outToADeviceNodeStreamsIntoIt() throws Exception {
        Path node = dir.resolve("fn");
        Process p = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "mknod needs root (CAP_MKNOD)");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", node.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.isRegularFile(node), "the device node is still a device node");
        assertTrue(isOther(node));
    }

    @Test
    void dashMeansStandardOutput() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CliRunner r;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", "-");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, r.code(), r.err());
        assertEquals(2, buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"advantage\"")).count(),
                buf.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(Path.of("-")), "no file named -");
        assertFalse(r.out().contains("\"advantage\""), "the summary line does not mix with the data");
    }

    @Test
    void outputFilesGetTheUmaskNotOwnerOnly() throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        Set<PosixFilePermission> umask = Files.getPosixFilePermissions(probe);
        assumeTrue(umask.contains(PosixFilePermission.OTHERS_READ) || umask.contains(PosixFilePermission.GROUP_READ),
                "the umask lets others read new files");
        for (String name : List.of("o.jsonl", "o.parquet")) {
            Path out = dir.resolve(name);
            CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(umask, Files.getPosixFilePermissions(out), name);
        }
        Path csv = dir.resolve("runs.csv");
        recordRun(dir.resolve("runs"), "CartPole-v1");
        CliRunner r = CliRunner.run("runs", "--dir", dir.resolve("runs").toString(), "export", "--format", "csv",
                "--out", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(umask, Files.getPosixFilePermissions(csv));
        // an existing file keeps its mode
        Path kept = dir.resolve("kept.jsonl");
        Files.writeString(kept, "old");
        Files.setPosixFilePermissions(kept, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", kept.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
    }

    @Test
    void aFullDiskIsAOneLineErrorNamingTheFile() throws Exception {
        // a "full" device made here (never /dev/full itself: the defect being tested would replace it)
        Path full = dir.resolve("full");
        Process p = new ProcessBuilder("mknod", full.toString(), "c", "1", "7").redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "mknod needs root (CAP_MKNOD)");
        for (String estimatorOut : List.of("jsonl", "parquet")) {
            Path link = Files.createSymbolicLink(dir.resolve("full." + estimatorOut), full);
            CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", good().toString(), "--out", link.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(link.toString()) && r.err().contains("No space left on device"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(isOther(full));
        }
    }

    static String recordRun(Path runs, String env) throws IOException {
        Run.Options opts = Run.Options.defaults().withPlotAtFinish(false).withTensorBoard(false);
        try (Run run = Run.start(runs, new RunInfo(env, "ppo", 1, Map.of("lr", 3e-4), List.of("test")), opts)) {
            run.log(1000, Map.of(Run.EPISODIC_RETURN, 1.0));
            run.finish(RunStatus.FINISHED);
            return run.id();
        }
    }

    // ---------------------------------------------------------------- 3. numbers that do not fit

    @Test
    void numbersThatDoNotFitTheirTypeAreRefusedNamingTheKey() throws IOException {
        Path runs = dir.resolve("runs");
        String[][] cases = {
            {"--total-steps", "2199023255552"},
            {"--eval-episodes", "4294967296"},
            {"--seed", "1e300"},
        };
        for (String[] c : cases) {
            CliRunner r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", c[0], c[1],
                    "--out", runs.toString());
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.out() + r.err());
            assertTrue(r.err().contains(c[1]), r.err());
        }
        for (String yaml : List.of("total_steps: 1e300", "total_steps: .inf", "total_steps: 2199023255552",
                "eval_episodes: 4294967296", "eval_episodes: 4294967295", "seed: 1e300", "seed: 18446744073709551616",
                "checkpoint_every: 1e300")) {
            Path cfg = Files.writeString(dir.resolve("c.yaml"), "env: CartPole-v1\nalgo: ppo\n" + yaml + "\n");
            CliRunner r = CliRunner.run("train", "--config", cfg.toString(), "--out", runs.toString());
            assertEquals(2, r.code(), yaml + ": " + r.out() + r.err());
            String key = yaml.substring(0, yaml.indexOf(':'));
            assertTrue(r.err().contains(key) && !r.err().contains("got -1"), yaml + ": " + r.err());
        }
        for (String set : List.of("num_envs=4294967297", "num_steps=1e300", "learning_rate=1e300", "update_epochs=.inf")) {
            CliRunner r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--set", set,
                    "--out", runs.toString());
            assertEquals(2, r.code(), set + ": " + r.out() + r.err());
            assertTrue(r.err().contains(set.substring(0, set.indexOf('='))), r.err());
        }
        assertFalse(Files.exists(runs), "nothing created");
    }

    // ---------------------------------------------------------------- 4. validation before the run folder

    @Test
    void badAlgorithmOptionsCreateNoRunFolder() throws IOException {
        Path runs = dir.resolve("runs");
        for (String set : List.of("hidden_sizes=64,abc", "hidden_sizes=0", "target_kl=abc", "target_kl=-1",
                "hidden_sizes=65536,65536,65536")) {
            CliRunner r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "256",
                    "--set", set, "--out", runs.toString());
            assertEquals(2, r.code(), set + ": " + r.out() + r.err());
            assertTrue(r.err().contains(set.substring(0, set.indexOf('='))), r.err());
            assertFalse(r.err().contains("OutOfMemoryError"), r.err());
            assertFalse(Files.exists(runs), set + ": nothing created");
        }
        CliRunner r = CliRunner.run("train", "--env", "Pendulum-v1", "--algo", "sac", "--total-steps", "256",
                "--set", "hidden_sizes=65536,65536", "--out", runs.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("hidden_sizes") && r.err().contains("memory"), r.err());
        assertFalse(Files.exists(runs));
    }

    // ---------------------------------------------------------------- 6. --in and --out the same file

    @Test
    void theInputIsNeverTheOutput() throws IOException {
        Path in = good();
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out", in.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("same file"), r.err());
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), in);
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out", link.toString());
        assertEquals(2, r.code(), r.err());
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", link.toString(), "--out",
                dir.resolve(".").resolve("good.jsonl").toString());
        assertEquals(2, r.code(), r.err());
        Path hard = Files.createLink(dir.resolve("hard.jsonl"), in);
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", hard.toString(), "--out", in.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(GOOD, Files.readString(in), "the input is untouched");
        r = CliRunner.run("data", "convert", in.toString(), in.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(GOOD, Files.readString(in), "the input is untouched");
    }

    // ---------------------------------------------------------------- 7. runs delete

    @Test
    void deleteRefusesAnEmptyIdAndGlobsWithoutAll() throws IOException {
        Path runs = dir.resolve("runs");
        String id = recordRun(runs, "CartPole-v1");
        for (String bad : List.of("", " ", "*", "Cart*", "?*")) {
            CliRunner r = CliRunner.run("runs", "--dir", runs.toString(), "delete", bad);
            assertEquals(2, r.code(), "'" + bad + "': " + r.out() + r.err());
            assertTrue(Files.isDirectory(runs.resolve(id)), "'" + bad + "' deleted nothing");
        }
        CliRunner r = CliRunner.run("runs", "--dir", runs.toString(), "delete", "--all", "*");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(runs.resolve(id)));
    }

    // ---------------------------------------------------------------- 8. deep nesting

    @Test
    void deeplyNestedYamlAndJsonAreUsageErrors() throws IOException {
        Path yaml = Files.writeString(dir.resolve("deep.yaml"), "env: " + "[".repeat(100_000) + "\n");
        CliRunner r = CliRunner.run("train", "--config", yaml.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("deep.yaml") && r.err().contains("nest"), r.err());
        Path yaml2 = Files.writeString(dir.resolve("deep2.yaml"), "env: CartPole-v1\nppo:\n" + "  x: ".repeat(1) + "{a: ".repeat(5000) + "\n");
        r = CliRunner.run("train", "--config", yaml2.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        Path json = Files.writeString(dir.resolve("deep.jsonl"),
                "{\"id\":\"a\",\"group\":\"g\",\"reward\":1,\"x\":" + "[".repeat(100_000) + "\n");
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", json.toString(), "--out", dir.resolve("o.jsonl").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("deep.jsonl"), r.err());
        assertFalse(Files.exists(dir.resolve("runs")) || Files.exists(dir.resolve("o.jsonl")));
    }

    // ---------------------------------------------------------------- 9. terminal escapes

    @Test
    void controlCharactersInRunFieldsAreEscapedWhenPrinted() throws IOException {
        Path runs = dir.resolve("runs");
        String id = recordRun(runs, "Evil\u001b[31m\u001b]0;pwned\u0007-v0");
        CliRunner r = CliRunner.run("runs", "--dir", runs.toString(), "list");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("\u001b") || r.out().contains("\u0007"), r.out());
        assertTrue(r.out().contains("\\u001b") || r.out().contains("\\e"), r.out());
        r = CliRunner.run("runs", "--dir", runs.toString(), "show", id.substring(0, 10));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("\u001b") || r.out().contains("\u0007"), r.out());
    }

    // ---------------------------------------------------------------- 10. messages

    @Test
    void aBinaryConfigIsNamedAndHugeValuesAreNotEchoedWhole() throws IOException {
        Path bin = Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80});
        CliRunner r = CliRunner.run("train", "--config", bin.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bin.yaml"), r.err());
        String huge = "x".repeat(200_000);
        r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--set", "learning_rate=" + huge,
                "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().length() < 2000 && r.err().contains("learning_rate"), r.err().length() + " chars");
        Path big = Files.writeString(dir.resolve("big.yaml"), "env: CartPole-v1\nalgo: ppo\nppo:\n  learning_rate: " + huge + "\n");
        r = CliRunner.run("train", "--config", big.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().length() < 2000 && r.err().contains("learning_rate"), r.err().length() + " chars");
        assertFalse(Files.exists(dir.resolve("runs")));
    }

    @Test
    void duplicateKeysAreRefused() throws IOException {
        Path in = Files.writeString(dir.resolve("dup.jsonl"), GOOD
                + "{\"id\":\"c\",\"group\":\"g\",\"steps\":[{\"reward\":1}],\"steps\":[{\"reward\":2}]}\n");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out",
                dir.resolve("o.jsonl").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dup.jsonl") && r.err().contains("line 3") && r.err().contains("steps"), r.err());
        assertFalse(Files.exists(dir.resolve("o.jsonl")));
        Path yaml = Files.writeString(dir.resolve("dup.yaml"), "env: CartPole-v1\nalgo: ppo\nseed: 1\nseed: 2\n");
        r = CliRunner.run("train", "--config", yaml.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dup.yaml") && r.err().contains("seed"), r.err());
    }

    @Test
    void metricsOfOneStepAreWrittenInADeterministicOrder() throws IOException {
        Path runs = dir.resolve("runs");
        Run.Options opts = Run.Options.defaults().withPlotAtFinish(false).withTensorBoard(false);
        Path runDir;
        try (Run run = Run.start(runs, new RunInfo("CartPole-v1", "ppo", 1, Map.of(), List.of("test")), opts)) {
            run.log(10, Map.of("eval/mean_return", 1.0, "eval/std_return", 2.0, "eval/mean_length", 3.0,
                    "eval/pass@1", 4.0, "eval/pass@8", 5.0, "eval/tool_call_rate", 6.0, "eval/truncation_rate", 7.0));
            run.finish(RunStatus.FINISHED);
            runDir = run.dir();
        }
        List<String> names = Files.readAllLines(runDir.resolve("metrics.csv")).stream().skip(1)
                .map(l -> l.split(",")[2]).toList();
        assertEquals(names.stream().sorted().toList(), names, "an unordered map's metrics are written sorted by name");
        assertArrayEquals(new String[] {"eval/mean_length", "eval/mean_return"}, names.subList(0, 2).toArray());
    }
}
