package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fuzzing harness (issue 16; docs/RELIABILITY.md): property-based tests that feed every
 * input class the command line reads — config YAML, {@code --set} pairs, trajectory JSONL, Parquet
 * and Minari datasets, checkpoints, run folders — as mutated bytes of valid files or generated
 * values, and assert for each: exit code 0 or 2 (never 1, never a stack trace), a message naming
 * the file or key on exit 2, nothing created or changed outside the named output, the input
 * untouched. Bounded by tries (58 in all). Every try draws its input from its own seeded stream,
 * printed in the test's name ({@code seed=...}); {@code -Dtrail.fuzz.seed=S} replays a failing
 * try (with {@code -Dtest=CliFuzzTest}), {@code -Dtrail.fuzz.tries=K} multiplies the tries for a
 * longer hunt.
 */
class CliFuzzTest {

    // ---------------------------------------------------------------- tries and generators

    /** The base seed of every try (fixed, so CI runs the same inputs every time). */
    static final long BASE_SEED = Long.getLong("trail.fuzz.seed", 20_261_201L);
    /** How many times the declared tries to run. */
    static final int TRIES_FACTOR = Integer.getInteger("trail.fuzz.tries", 1);

    /** A property: one check of inputs drawn from a seeded stream. */
    interface Property {
        void check(SplittableRandom random) throws Exception;
    }

    /**
     * {@code tries} dynamic tests of {@code property}, each seeded with the next value of a stream
     * seeded by the base seed and the property's name; with {@code -Dtrail.fuzz.seed=S} given alone
     * (no factor), one try seeded with {@code S}, the seed a failing try's name shows.
     */
    static Stream<DynamicTest> tries(String name, int tries, Property property) {
        boolean replay = System.getProperty("trail.fuzz.seed") != null && System.getProperty("trail.fuzz.tries") == null;
        int n = replay ? 1 : tries * TRIES_FACTOR;
        long[] seeds = replay ? new long[] {BASE_SEED}
                : new SplittableRandom(BASE_SEED * 31 + name.hashCode()).longs(n).toArray();
        return IntStream.range(0, n).mapToObj(i -> DynamicTest.dynamicTest(name + " try " + i + " seed=" + seeds[i], () -> {
            try {
                property.check(new SplittableRandom(seeds[i]));
            } catch (Throwable t) {
                throw new AssertionError(name + " failed with seed=" + seeds[i] + " (replay: -Dtest=CliFuzzTest -Dtrail.fuzz.seed="
                        + seeds[i] + "): " + t.getMessage(), t);
            }
        }));
    }

    @SafeVarargs
    static <T> T oneOf(SplittableRandom r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** Up to {@code max} characters: printable ASCII, control characters, Latin-1 and other Unicode. */
    static String text(SplittableRandom r, int min, int max) {
        int len = min + r.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            int c = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x20);
                case 1 -> 0x80 + r.nextInt(0x780);
                case 2 -> 0x800 + r.nextInt(0xD000);
                default -> 0x20 + r.nextInt(0x5F);
            };
            b.append((char) c);
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- mutations of valid bytes

    enum Kind { FLIP, SET, INSERT, DELETE, TRUNCATE, DUPLICATE }

    /** One edit of a file: where (a fraction of its length), what, with which byte, how long. */
    record Mutation(double at, Kind kind, byte value, int length) {
        byte[] apply(byte[] in) {
            int n = in.length;
            int i = Math.min(n == 0 ? 0 : n - 1, (int) (at * n));
            int len = Math.min(length, Math.max(0, n - i));
            byte b = value >= '0' && value <= '9' ? (byte) 'x' : value; // no new digits: no huge valid budgets
            return switch (kind) {
                case FLIP -> {
                    byte[] out = in.clone();
                    if (n > 0) {
                        out[i] ^= (byte) (1 << (length % 8));
                    }
                    yield out;
                }
                case SET -> {
                    byte[] out = in.clone();
                    if (n > 0) {
                        out[i] = b;
                    }
                    yield out;
                }
                case INSERT -> {
                    byte[] ins = new byte[length];
                    Arrays.fill(ins, b);
                    yield concat(Arrays.copyOfRange(in, 0, i), ins, Arrays.copyOfRange(in, i, n));
                }
                case DELETE -> concat(Arrays.copyOfRange(in, 0, i), Arrays.copyOfRange(in, i + len, n));
                case TRUNCATE -> Arrays.copyOfRange(in, 0, i);
                case DUPLICATE -> {
                    int span = Math.min(3, len);
                    yield concat(Arrays.copyOfRange(in, 0, i + span), Arrays.copyOfRange(in, i, n));
                }
            };
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static byte[] mutate(byte[] in, List<Mutation> ms) {
        byte[] out = in;
        for (Mutation m : ms) {
            out = m.apply(out);
        }
        return out;
    }

    /** One to four edits at random places, of random kinds, bytes and lengths. */
    static List<Mutation> mutations(SplittableRandom r) {
        return IntStream.range(0, 1 + r.nextInt(4)).mapToObj(i -> new Mutation(r.nextDouble(),
                Kind.values()[r.nextInt(Kind.values().length)], (byte) r.nextInt(256), 1 + r.nextInt(40))).toList();
    }

    // ---------------------------------------------------------------- the checks

    private static Path base;

    /** A fresh folder for one try. */
    static Path work() throws IOException {
        if (base == null) {
            base = Files.createTempDirectory("trail-fuzz-");
        }
        return Files.createTempDirectory(base, "try-");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (base != null) {
            deleteTree(base);
            base = null;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The snapshot of {@code work} without the entries under {@code outputs} (names relative to it). */
    static Map<String, String> outside(Path work, String... outputs) throws IOException {
        Map<String, String> m = new TreeMap<>(HostileInputTest.snapshot(work));
        m.keySet().removeIf(k -> Arrays.stream(outputs).anyMatch(o -> k.equals(o) || k.startsWith(o + "/")));
        return m;
    }

    /**
     * Runs {@code args}; asserts exit 0 or 2, no stack trace, on 2 a message naming one of
     * {@code names}, and nothing under {@code work} changed but {@code outputs}.
     */
    static CliRunner check(Path work, List<String> names, List<String> outputs, String... args) throws IOException {
        String[] outs = outputs.toArray(String[]::new);
        Map<String, String> before = outside(work, outs);
        CliRunner r = CliRunner.run(args);
        String where = String.join(" ", args) + "\n--- out:\n" + cut(r.out()) + "\n--- err:\n" + cut(r.err());
        assertTrue(r.code() == 0 || r.code() == 2, "exit " + r.code() + ": " + where);
        assertFalse(r.err().contains("\tat ") || r.err().contains("failed:"),
                "no stack trace, no internal failure: " + where);
        if (r.code() == 2) {
            assertTrue(names.stream().anyMatch(n -> r.err().contains(n)), "the message names one of " + names + ": " + where);
            assertTrue(r.err().length() < 4000, "a short message: " + where);
        }
        assertEquals(before, outside(work, outs), "nothing changed outside " + outputs + ": " + where);
        return r;
    }

    static String cut(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    // ---------------------------------------------------------------- config YAML and --set

    static final String CONFIG = """
            env: CartPole-v1
            algo: ppo
            seed: 3
            total_steps: 64
            eval_episodes: 0
            ppo:
              num_envs: 2
              num_steps: 16
              hidden_sizes: "8"
              learning_rate: 3.0e-4
              target_kl: none
            """;

    @TestFactory
    Stream<DynamicTest> configFiles() {
        return tries("configFiles", 10, r -> configFile(mutations(r)));
    }

    void configFile(List<Mutation> ms) throws IOException {
        Path w = work();
        Path cfg = Files.write(w.resolve("c.yaml"), mutate(CONFIG.getBytes(StandardCharsets.UTF_8), ms));
        check(w, List.of("c.yaml", "--env", "--algo", "unknown"), List.of("runs"),
                "train", "--config", cfg.toString(), "--total-steps", "64", "--eval-episodes", "0", "--checkpoint-every",
                "64", "--out", w.resolve("runs").toString());
        deleteTree(w);
    }

    static String key(SplittableRandom r) {
        if (r.nextBoolean()) {
            return oneOf(r, "num_envs", "num_steps", "learning_rate", "hidden_sizes", "target_kl", "gamma", "gae_lambda",
                    "num_minibatches", "update_epochs", "clip_coef", "ent_coef", "norm_adv", "anneal_lr", "backend",
                    "advantage_estimator", "max_grad_norm", "ppo.num_envs", "sac.gamma");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    static String value(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> oneOf(r, "", " ", "0", "-1", "1", "2", "3", "1e300", "-1e300", ".inf", "-.inf", ".nan", "nan",
                    "4294967296", "4294967295", "2147483648", "9223372036854775808", "1e-320", "0x10", "1_0",
                    "true", "false", "yes", "none", "null", "~", "[1, 2]", "{a: 1}", "64,abc", "65536,65536", "8,8",
                    "'3'", "\"3\"", "0.5", "2.5", "a: b", "- x", "&a", "*a", "!!binary AA==", "\u001b[31m", "é",
                    "\u0000", "1,", ",", "djl", "java", "gae", "x".repeat(100_000));
            case 1 -> String.valueOf(-3 + r.nextInt(12));
            default -> text(r, 0, 20);
        };
    }

    @TestFactory
    Stream<DynamicTest> setPairs() {
        return tries("setPairs", 16, r -> setPair(key(r), value(r)));
    }

    void setPair(String key, String value) throws IOException {
        Path w = work();
        String bare = key.contains(".") ? key.substring(key.indexOf('.') + 1) : key;
        check(w, List.of(bare, bare.replace('_', ' '), "--set"), List.of("runs"),
                "train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "64", "--eval-episodes", "0",
                "--set", "num_steps=16", "--set", "num_envs=2", "--set", key + "=" + value,
                "--out", w.resolve("runs").toString());
        deleteTree(w);
    }

    // ---------------------------------------------------------------- datasets

    static final String JSONL = """
            {"id":"a","group":"g","steps":[{"reward":0,"value":0.5,"action":1},{"reward":1,"value":0.6,"action":0}]}
            {"id":"b","group":"g","terminated":false,"truncated":true,"bootstrap_value":0.2,"steps":[{"reward":0.5,"value":0.1}]}
            {"id":"c","group":"h","reward":1,"steps":[{"x":[1,{"y":2}]},{}]}
            """;

    @TestFactory
    Stream<DynamicTest> trajectoryJsonl() {
        return tries("trajectoryJsonl", 12, r -> trajectoryJsonl(mutations(r)));
    }

    void trajectoryJsonl(List<Mutation> ms) throws IOException {
        Path w = work();
        Path in = Files.write(w.resolve("in.jsonl"), mutate(JSONL.getBytes(StandardCharsets.UTF_8), ms));
        check(w, List.of("in.jsonl"), List.of("o.jsonl"),
                "credit", "--estimator", "gae", "--in", in.toString(), "--out", w.resolve("o.jsonl").toString());
        check(w, List.of("in.jsonl"), List.of(), "data", "info", in.toString());
        deleteTree(w);
    }

    private static byte[] parquet;

    static synchronized byte[] validParquet() throws IOException {
        if (parquet == null) {
            Path w = work();
            Path in = Files.writeString(w.resolve("in.jsonl"), JSONL);
            Path out = w.resolve("in.parquet");
            CliRunner r = CliRunner.run("data", "convert", in.toString(), out.toString());
            assertEquals(0, r.code(), r.err());
            parquet = Files.readAllBytes(out);
        }
        return parquet;
    }

    @TestFactory
    Stream<DynamicTest> parquetFiles() {
        return tries("parquetFiles", 4, r -> parquetFile(mutations(r)));
    }

    void parquetFile(List<Mutation> ms) throws IOException {
        Path w = work();
        Path in = Files.write(w.resolve("in.parquet"), mutate(validParquet(), ms));
        check(w, List.of("in.parquet"), List.of(), "data", "info", in.toString());
        check(w, List.of("in.parquet"), List.of("o.jsonl"),
                "credit", "--estimator", "grpo", "--in", in.toString(), "--out", w.resolve("o.jsonl").toString());
        deleteTree(w);
    }

    @TestFactory
    Stream<DynamicTest> minariDatasets() {
        return tries("minariDatasets", 5, r -> minariDataset(mutations(r), r.nextInt(1001)));
    }

    void minariDataset(List<Mutation> ms, int which) throws Exception {
        Path w = work();
        Path src = DataCommandTest.minari("cartpole-random-arrow-v0");
        Path ds = w.resolve("ds");
        copyTree(src, ds);
        List<Path> files;
        try (Stream<Path> s = Files.walk(ds)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Path victim = files.get(which % files.size());
        Files.write(victim, mutate(Files.readAllBytes(victim), ms));
        check(w, List.of("ds", victim.getFileName().toString()), List.of("o.jsonl"),
                "data", "convert", ds.toString(), w.resolve("o.jsonl").toString());
        deleteTree(w);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ---------------------------------------------------------------- checkpoints and run folders

    private static Path trainedRun;

    /** A tiny PPO run with two checkpoints, trained once. */
    static synchronized Path trainedRun() throws IOException {
        if (trainedRun == null) {
            Path w = work();
            CliRunner r = CliRunner.run("train", "--env", "CartPole-v1", "--algo", "ppo", "--total-steps", "64",
                    "--set", "num_envs=2", "--set", "num_steps=16", "--set", "hidden_sizes=8", "--checkpoint-every", "32",
                    "--eval-episodes", "0", "--out", w.resolve("runs").toString());
            assertEquals(0, r.code(), r.err());
            try (Stream<Path> s = Files.list(w.resolve("runs"))) {
                trainedRun = s.findFirst().orElseThrow();
            }
        }
        return trainedRun;
    }

    @TestFactory
    Stream<DynamicTest> checkpoints() {
        return tries("checkpoints", 6, r -> checkpoint(mutations(r), r.nextInt(1001)));
    }

    void checkpoint(List<Mutation> ms, int which) throws IOException {
        Path w = work();
        Path cp;
        try (Stream<Path> s = Files.list(trainedRun().resolve("checkpoints"))) {
            cp = s.sorted().reduce((a, b) -> b).orElseThrow();
        }
        Path copy = w.resolve("cp");
        copyTree(cp, copy);
        List<Path> files;
        try (Stream<Path> s = Files.list(copy)) {
            files = s.sorted().toList();
        }
        Path victim = files.get(which % files.size());
        Files.write(victim, mutate(Files.readAllBytes(victim), ms));
        check(w, List.of("cp", victim.getFileName().toString()), List.of(),
                "eval", "--checkpoint", copy.toString(), "--env", "CartPole-v1", "--episodes", "1");
        deleteTree(w);
    }

    @TestFactory
    Stream<DynamicTest> runFolders() {
        return tries("runFolders", 5,
                r -> runFolder(mutations(r), oneOf(r, "summary.json", "metrics.csv", "config.yaml", "provenance.json")));
    }

    void runFolder(List<Mutation> ms, String file) throws IOException {
        Path w = work();
        Path runs = w.resolve("runs");
        Path run = runs.resolve(trainedRun().getFileName().toString());
        copyTree(trainedRun(), run);
        Path victim = run.resolve(file);
        Files.write(victim, mutate(Files.readAllBytes(victim), ms));
        String id = run.getFileName().toString();
        List<String> names = List.of(id, file, "runs");
        check(w, names, List.of(), "runs", "--dir", runs.toString(), "list");
        check(w, names, List.of(), "runs", "--dir", runs.toString(), "show", id);
        check(w, names, List.of("runs/" + id), "train", "--resume", run.toString());
        deleteTree(w);
    }
}
