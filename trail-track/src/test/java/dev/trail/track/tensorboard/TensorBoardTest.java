package dev.trail.track.tensorboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorBoardTest {

    @TempDir
    Path tmp;

    private Path writeSample() throws IOException {
        try (TensorBoardWriter w = TensorBoardWriter.create(tmp, 1_700_000_000.25, "host-1")) {
            for (int i = 0; i < 5; i++) {
                w.scalar("charts/episodic_return", 1000L * i, 1_700_000_000.25 + i, 10.5 * i);
                w.scalar("losses/policy", 1000L * i, 1_700_000_000.25 + i, -0.125 * i);
            }
            w.scalar("big/step", 5_000_000_000L, 1_700_000_010.0, 1.0);
            return w.file();
        }
    }

    @Test
    void eventsRoundTripThroughThePureJavaReaderWithCheckedCrcs() throws IOException {
        Path file = writeSample();
        assertEquals("events.out.tfevents.1700000000.host-1", file.getFileName().toString());
        TensorBoardReader.Contents c = TensorBoardReader.read(file);
        assertEquals(false, c.truncated());
        assertEquals(12, c.events().size());
        TensorBoardReader.Event first = c.events().get(0);
        assertEquals(TensorBoardWriter.FILE_VERSION, first.fileVersion());
        assertNull(first.tag());
        assertEquals(1_700_000_000.25, first.wallTime());
        List<TensorBoardReader.Event> s = c.scalars();
        assertEquals(11, s.size());
        assertEquals("charts/episodic_return", s.get(4).tag());
        assertEquals(2000, s.get(4).step());
        assertEquals(21.0f, s.get(4).simpleValue());
        assertEquals(1_700_000_002.25, s.get(4).wallTime());
        assertEquals(-0.5f, s.get(9).simpleValue());
        assertEquals(5_000_000_000L, s.get(10).step(), "multi-byte varint");
    }

    @Test
    void firstRecordHasTheExactTfRecordFraming() throws IOException {
        byte[] b = Files.readAllBytes(writeSample());
        // Event{wall_time=1.70000000025E9 (0x09 + 8 bytes), file_version="brain.Event:2" (0x1a, 13, ...)} = 24 bytes
        assertArrayEquals(new byte[]{24, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(b, 8));
        assertEquals(0x09, b[12]);
        assertEquals(0x1a, b[21]);
        assertEquals(13, b[22]);
        assertEquals("brain.Event:2", new String(b, 23, 13, StandardCharsets.US_ASCII));
        // known answer: event files written by TensorFlow itself start with the same 12 bytes,
        // 18 00 00 00 00 00 00 00 a3 7f 4b 22 (a 24-byte first record and its masked length CRC)
        assertArrayEquals(new byte[]{(byte) 0xa3, 0x7f, 0x4b, 0x22}, java.util.Arrays.copyOfRange(b, 8, 12));
        // masked CRC32C of the 8 length bytes, as TensorFlow computes it
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, 8);
        int c = (int) crc.getValue();
        int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
        assertEquals(masked, (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16 | (b[11] & 0xFF) << 24);
    }

    @Test
    void corruptionIsDetectedAndATruncatedTailIsReported() throws IOException {
        Path file = writeSample();
        byte[] b = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut.tfevents");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length - 3));
        TensorBoardReader.Contents c = TensorBoardReader.read(cut);
        assertTrue(c.truncated());
        assertEquals(11, c.events().size());
        b[40] ^= 0x20;
        Path bad = tmp.resolve("bad.tfevents");
        Files.write(bad, b);
        IOException e = assertThrows(IOException.class, () -> TensorBoardReader.read(bad));
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    /**
     * TensorBoard's own reader, when Python with the tensorboard package is installed. Without it
     * the file is still checked end to end: the framing must chain to the end of the file, the
     * Java reader must accept every CRC, and (when python3 exists) an independent plain-Python
     * reader written from the TFRecord/Event specs must decode the same scalars.
     */
    @Test
    void tensorBoardItselfLoadsTheFileWhenAvailable() throws Exception {
        Path file = writeSample();
        if (pythonHasTensorBoard()) {
            String script = String.join("\n",
                    "import sys",
                    "from tensorboard.backend.event_processing import event_accumulator as ea",
                    "acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0})",
                    "acc.Reload()",
                    "tags = sorted(acc.Tags()['scalars'])",
                    "print(','.join(tags))",
                    "print(','.join('%d:%g' % (e.step, e.value) for e in acc.Scalars('charts/episodic_return')))");
            Process p = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            assertEquals("big/step,charts/episodic_return,losses/policy", lines.get(lines.size() - 2), out);
            assertEquals("0:0,1000:10.5,2000:21,3000:31.5,4000:42", lines.get(lines.size() - 1), out);
        } else {
            // independent walk over the framing: lengths must chain exactly to the end of the file
            byte[] b = Files.readAllBytes(file);
            int pos = 0;
            int records = 0;
            while (pos < b.length) {
                long len = java.nio.ByteBuffer.wrap(b, pos, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                pos += 12 + (int) len + 4;
                records++;
            }
            assertEquals(b.length, pos);
            assertEquals(12, records);
            assertEquals(records, TensorBoardReader.read(file).events().size());
            if (pythonAvailable()) {
                // a second reader, in plain Python from the TFRecord and Event specs (CRC32C included)
                Process p = new ProcessBuilder("python3", "-c", PLAIN_PYTHON_READER, file.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                List<String> lines = out.lines().toList();
                assertEquals("brain.Event:2", lines.get(0), out);
                assertEquals("big/step,charts/episodic_return,losses/policy", lines.get(1), out);
                assertEquals("0:0,1000:10.5,2000:21,3000:31.5,4000:42", lines.get(2), out);
            }
        }
    }

    private static final String PLAIN_PYTHON_READER = String.join("\n",
            "import struct, sys",
            "T = []",
            "for n in range(256):",
            "    c = n",
            "    for _ in range(8):",
            "        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1",
            "    T.append(c)",
            "def crc32c(d):",
            "    c = 0xFFFFFFFF",
            "    for x in d:",
            "        c = T[(c ^ x) & 0xFF] ^ (c >> 8)",
            "    return c ^ 0xFFFFFFFF",
            "def masked(d):",
            "    c = crc32c(d)",
            "    return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xFFFFFFFF",
            "def varint(b, i):",
            "    v = s = 0",
            "    while True:",
            "        x = b[i]; i += 1; v |= (x & 0x7F) << s; s += 7",
            "        if not x & 0x80: return v, i",
            "def fields(b):",
            "    i = 0",
            "    while i < len(b):",
            "        k, i = varint(b, i); f, w = k >> 3, k & 7",
            "        if w == 0: v, i = varint(b, i)",
            "        elif w == 1: v = b[i:i+8]; i += 8",
            "        elif w == 5: v = b[i:i+4]; i += 4",
            "        elif w == 2:",
            "            n, i = varint(b, i); v = b[i:i+n]; i += n",
            "        else: raise ValueError('wire type %d' % w)",
            "        yield f, w, v",
            "data = open(sys.argv[1], 'rb').read()",
            "pos = 0; version = None; scalars = {}",
            "while pos < len(data):",
            "    head = data[pos:pos+8]; (n,) = struct.unpack('<Q', head)",
            "    assert struct.unpack('<I', data[pos+8:pos+12])[0] == masked(head), 'length crc'",
            "    rec = data[pos+12:pos+12+n]",
            "    assert struct.unpack('<I', data[pos+12+n:pos+16+n])[0] == masked(rec), 'data crc'",
            "    pos += 16 + n",
            "    step = 0",
            "    for f, w, v in fields(rec):",
            "        if f == 2: step = v",
            "        elif f == 3: version = v.decode()",
            "        elif f == 5:",
            "            for sf, sw, sv in fields(v):",
            "                tag = None; val = None",
            "                for vf, vw, vv in fields(sv):",
            "                    if vf == 1: tag = vv.decode()",
            "                    elif vf == 2: (val,) = struct.unpack('<f', vv)",
            "                scalars.setdefault(tag, []).append((step, val))",
            "print(version)",
            "print(','.join(sorted(scalars)))",
            "print(','.join('%d:%g' % e for e in scalars['charts/episodic_return']))");

    private static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "print(1)").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean pythonHasTensorBoard() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import tensorboard").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aRunWritesItsScalarsToTensorBoard() throws Exception {
        Path runs = tmp.resolve("runs");
        dev.trail.track.Run run = dev.trail.track.TestRuns.finishedRun(runs, "CartPole-v1", "ppo", 1, new double[]{1, 2, 3}, 10, 0.5);
        try (Stream<Path> files = Files.list(run.dir())) {
            Path events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
            List<TensorBoardReader.Event> s = TensorBoardReader.read(events).scalars();
            assertEquals(9, s.size());
            assertEquals("charts/episodic_return", s.get(0).tag());
            assertEquals(10, s.get(0).step());
            assertEquals(3.0f, s.stream().filter(e -> e.tag().equals("charts/episodic_return")).toList().get(2).simpleValue());
        }
    }
}
