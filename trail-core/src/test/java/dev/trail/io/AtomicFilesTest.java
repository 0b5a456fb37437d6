package dev.trail.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = Files.writeString(dir.resolve("a.txt"), "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk on fire");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("a.txt"), names());
    }

    @Test
    void aLinkToAFileStaysALinkAndTheFileKeepsItsMode() throws IOException {
        Path f = Files.writeString(dir.resolve("real.txt"), "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), f);
        AtomicFiles.write(link, "new".getBytes());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("link.txt", "real.txt"), names());
    }

    @Test
    void aScratchFileIsRenamedOntoTheTargetOrDeleted() throws IOException {
        Path target = dir.resolve("t.parquet");
        try (AtomicFiles.Output out = AtomicFiles.open(target)) {
            Path scratch = out.scratchFile(".parquet");
            Files.writeString(scratch, "content");
            out.commitFrom(scratch);
        }
        assertEquals("content", Files.readString(target));
        try (AtomicFiles.Output out = AtomicFiles.open(target)) {
            Files.writeString(out.scratchFile(".parquet"), "abandoned");
        }
        assertEquals("content", Files.readString(target));
        assertEquals(List.of("t.parquet"), names());
    }

    @Test
    void aFolderOrAMissingFolderIsRefusedNamingTheTarget() {
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(dir, new byte[1]));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("folder"), e.getMessage());
        Path missing = dir.resolve("no/such/file");
        e = assertThrows(IOException.class, () -> AtomicFiles.write(missing, new byte[1]));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void sameFileSeesThroughLinksAndHardLinks() throws IOException {
        Path f = Files.writeString(dir.resolve("a"), "x");
        assertTrue(AtomicFiles.sameFile(f, Files.createSymbolicLink(dir.resolve("s"), f)));
        assertTrue(AtomicFiles.sameFile(f, Files.createLink(dir.resolve("h"), f)));
        assertTrue(AtomicFiles.sameFile(f, dir.resolve(".").resolve("a")));
        assertTrue(!AtomicFiles.sameFile(f, dir.resolve("missing")) && !AtomicFiles.sameFile(f, Path.of("-")));
    }
}
