package dev.trail.track;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The git state of a working folder, read from the {@code .git} files themselves — no {@code git}
 * process is started, so nothing a repository configures ({@code core.fsmonitor}, filters, hooks,
 * {@code includeIf}) runs when Trail records a run's provenance in an untrusted folder.
 *
 * <ul>
 *   <li>{@code commit}: {@code HEAD}, followed through symbolic refs to a loose ref or
 *       {@code packed-refs} (in the common folder for worktrees; a {@code .git} file's
 *       {@code gitdir:} is followed).</li>
 *   <li>{@code branch}: the branch {@code HEAD} names, or {@code HEAD} when detached (what
 *       {@code git rev-parse --abbrev-ref HEAD} prints).</li>
 *   <li>{@code dirty}: whether a tracked file differs from the index by its size, modification
 *       time, type or presence (git's own first test, without re-reading content): edits and
 *       deletions show; changes staged but not committed, and a file touched without a change
 *       (reported dirty), are where it differs from {@code git status}; untracked files are not
 *       counted. Null when the index cannot be read (a format other than versions 2 and 3).</li>
 * </ul>
 */
final class GitState {

    private GitState() {
    }

    /** {@code {commit, dirty, branch, dirty_method}} of the repository holding {@code dir}, or null if none. */
    static Map<String, Object> read(Path dir) {
        try {
            Path gitDir = findGitDir(dir.toAbsolutePath().normalize());
            if (gitDir == null) {
                return null;
            }
            Path common = commonDir(gitDir);
            String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
            String branch;
            String commit;
            if (head.startsWith("ref:")) {
                String ref = head.substring(4).strip();
                branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
                commit = resolveRef(gitDir, common, ref, 0);
            } else {
                branch = "HEAD";
                commit = isSha(head) ? head : null;
            }
            if (commit == null) {
                return null; // no commit yet, as git rev-parse HEAD fails
            }
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("commit", commit);
            g.put("dirty", dirty(gitDir, workTree(dir, gitDir)));
            g.put("branch", branch);
            g.put("dirty_method", "index-stat");
            return g;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code .git} folder of the nearest enclosing repository (following a {@code gitdir:} file). */
    static Path findGitDir(Path start) throws IOException {
        for (Path p = start; p != null; p = p.getParent()) {
            Path dotGit = p.resolve(".git");
            if (Files.isDirectory(dotGit) && Files.isRegularFile(dotGit.resolve("HEAD"))) {
                return dotGit;
            }
            if (Files.isRegularFile(dotGit)) {
                String text = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
                if (text.startsWith("gitdir:")) {
                    Path target = p.resolve(text.substring(7).strip()).normalize();
                    return Files.isRegularFile(target.resolve("HEAD")) ? target : null;
                }
            }
        }
        return null;
    }

    private static Path commonDir(Path gitDir) throws IOException {
        Path f = gitDir.resolve("commondir");
        if (Files.isRegularFile(f)) {
            return gitDir.resolve(Files.readString(f, StandardCharsets.UTF_8).strip()).normalize();
        }
        return gitDir;
    }

    /** The work tree of {@code gitDir}: the folder holding {@code .git}, or a worktree's {@code gitdir} file's folder. */
    private static Path workTree(Path dir, Path gitDir) throws IOException {
        Path back = gitDir.resolve("gitdir"); // worktrees/<name>/gitdir: the path of the worktree's .git file
        if (Files.isRegularFile(back)) {
            return Path.of(Files.readString(back, StandardCharsets.UTF_8).strip()).getParent();
        }
        return gitDir.getParent();
    }

    private static String resolveRef(Path gitDir, Path common, String ref, int depth) throws IOException {
        if (depth > 10 || ref.contains("..")) {
            return null;
        }
        for (Path base : List.of(gitDir, common)) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) {
                String v = Files.readString(loose, StandardCharsets.UTF_8).strip();
                if (v.startsWith("ref:")) {
                    return resolveRef(gitDir, common, v.substring(4).strip(), depth + 1);
                }
                return isSha(v) ? v : null;
            }
        }
        Path packed = common.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.startsWith("#") || line.startsWith("^")) {
                    continue;
                }
                int sp = line.indexOf(' ');
                if (sp > 0 && line.substring(sp + 1).strip().equals(ref) && isSha(line.substring(0, sp))) {
                    return line.substring(0, sp);
                }
            }
        }
        return null;
    }

    private static boolean isSha(String s) {
        return (s.length() == 40 || s.length() == 64) && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    /** Compares each index entry's size, mtime and type with the work tree; null if the index is unreadable. */
    private static Boolean dirty(Path gitDir, Path workTree) throws IOException {
        Path indexFile = gitDir.resolve("index");
        if (!Files.isRegularFile(indexFile)) {
            return false; // nothing staged, nothing tracked
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(indexFile));
        if (b.remaining() < 12 || b.getInt() != 0x44495243) { // "DIRC"
            return null;
        }
        int version = b.getInt();
        if (version != 2 && version != 3) {
            return null;
        }
        long entries = Integer.toUnsignedLong(b.getInt());
        for (long e = 0; e < entries; e++) {
            int start = b.position();
            b.position(start + 8); // ctime
            int mtimeSeconds = b.getInt();
            int mtimeNanos = b.getInt();
            b.position(b.position() + 8); // dev, ino
            int mode = b.getInt();
            b.position(b.position() + 8); // uid, gid
            long size = Integer.toUnsignedLong(b.getInt());
            b.position(b.position() + 20); // object id (SHA-1)
            int flags = Short.toUnsignedInt(b.getShort());
            boolean skipWorktree = false;
            if ((flags & 0x4000) != 0 && version >= 3) {
                int extended = Short.toUnsignedInt(b.getShort());
                skipWorktree = (extended & 0x4000) != 0;
            }
            int nul = b.position();
            while (b.get(nul) != 0) {
                nul++;
            }
            String name = new String(b.array(), b.position(), nul - b.position(), StandardCharsets.UTF_8);
            int length = nul - start + 1;
            b.position(start + (length + 7) / 8 * 8);
            boolean assumeValid = (flags & 0x8000) != 0;
            int type = mode >>> 12;
            if (assumeValid || skipWorktree || type == 0b1110 || (flags >>> 12 & 0x3) != 0) {
                continue; // as git does (and submodules, and entries of an unresolved merge)
            }
            if (changed(workTree.resolve(name), type, size, mtimeSeconds, mtimeNanos)) {
                return true;
            }
        }
        return false;
    }

    private static boolean changed(Path file, int type, long size, int mtimeSeconds, int mtimeNanos) {
        try {
            var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean link = type == 0b1010;
            if (link != a.isSymbolicLink() || !link && !a.isRegularFile()) {
                return true;
            }
            if ((a.size() & 0xffffffffL) != size) {
                return true;
            }
            FileTime m = a.lastModifiedTime();
            long seconds = m.to(TimeUnit.SECONDS);
            long nanos = m.to(TimeUnit.NANOSECONDS) - TimeUnit.SECONDS.toNanos(seconds);
            return (int) seconds != mtimeSeconds || mtimeNanos != 0 && nanos != mtimeNanos;
        } catch (IOException e) {
            return true; // deleted
        }
    }
}
