package dev.trail.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provenance in an untrusted folder (issue 16, item 2): the git state is read from {@code .git}
 * without running anything the repository configures. The repository here sets
 * {@code core.fsmonitor} to a script that leaves a marker file: it must never run.
 */
class ProvenanceGitTest {

    @TempDir
    Path dir;

    /** Runs git for the test's own setup (before the hostile config exists), with no user or system config. */
    private String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", args) + ": " + out);
        return out.strip();
    }

    private static boolean gitAvailable() {
        try {
            return new ProcessBuilder("git", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theRepositorysFsmonitorHookNeverRunsAndTheStateIsRight() throws Exception {
        assumeTrue(gitAvailable(), "git is needed to build the test repository");
        git("init", "-q");
        Files.writeString(dir.resolve("a.txt"), "one\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.txt"), "two\n");
        git("add", "a.txt", "sub/b.txt");
        git("commit", "-q", "-m", "first");
        String head = git("rev-parse", "HEAD");
        Path marker = dir.resolve("hook-ran");
        Path hook = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\ntouch '" + marker + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve(".git/config"), Files.readString(dir.resolve(".git/config"))
                + "[core]\n\tfsmonitor = " + hook + "\n\thooksPath = " + dir + "\n");

        Map<String, Object> g = Provenance.git(dir.resolve("sub"));
        assertEquals(head, g.get("commit"));
        assertEquals("main", g.get("branch"));
        assertEquals(false, g.get("dirty"), "clean work tree");
        Files.writeString(dir.resolve("sub/b.txt"), "two, edited\n");
        assertEquals(true, Provenance.git(dir).get("dirty"), "an edited tracked file");
        Files.writeString(dir.resolve("sub/b.txt"), "two\n");
        Files.delete(dir.resolve("a.txt"));
        assertEquals(true, Provenance.git(dir).get("dirty"), "a deleted tracked file");

        // a whole run records the same, and runs nothing either
        try (Run run = Run.start(dir.resolve("runs"), new RunInfo("CartPole-v1", "ppo", 1, Map.of(), List.of("t")),
                Run.Options.defaults().withWorkDir(dir).withTensorBoard(false).withPlotAtFinish(false))) {
            String prov = Files.readString(run.dir().resolve(Run.PROVENANCE_FILE));
            assertFalse(!prov.contains(head), prov);
        }
        assertFalse(Files.exists(marker), "the repository's core.fsmonitor hook ran");
    }

    @Test
    void packedRefsDetachedHeadsAndNoRepository() throws Exception {
        assumeTrue(gitAvailable(), "git is needed to build the test repository");
        assertNull(Provenance.git(dir), "no repository");
        git("init", "-q");
        assertNull(Provenance.git(dir), "no commit yet");
        Files.writeString(dir.resolve("a.txt"), "one\n");
        git("add", "a.txt");
        git("commit", "-q", "-m", "first");
        String head = git("rev-parse", "HEAD");
        git("pack-refs", "--all");
        assertFalse(Files.exists(dir.resolve(".git/refs/heads/main")), "the ref is packed");
        assertEquals(head, Provenance.git(dir).get("commit"));
        git("checkout", "-q", "--detach");
        Map<String, Object> g = Provenance.git(dir);
        assertEquals(head, g.get("commit"));
        assertEquals("HEAD", g.get("branch"));
    }
}
