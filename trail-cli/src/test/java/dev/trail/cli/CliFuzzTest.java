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
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The fuzzing harness (issue 16; docs/RELIABILITY.md): property-based tests (jqwik) that feed every
 * input class the command line reads — config YAML, {@code --set} pairs, trajectory JSONL, Parquet
 * and Minari datasets, checkpoints, run folders — as mutated bytes of valid files or generated
 * values, and assert for each: exit code 0 or 2 (never 1, never a stack trace), a message naming
 * the file or key on exit 2, nothing created or changed outside the named output, the input
 * untouched. Bounded by tries (58 in all); jqwik prints the seed of a failure,
 * and {@code target/jqwik-database} replays it first on the next run.
 */
class CliFuzzTest {

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

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.of(Kind.class),
                Arbitraries.bytes(), Arbitraries.integers().between(1, 40)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
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

    @AfterContainer
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

    @Property(tries = 10)
    void configFiles(@ForAll("mutations") List<Mutation> ms) throws IOException {
        Path w = work();
        Path cfg = Files.write(w.resolve("c.yaml"), mutate(CONFIG.getBytes(StandardCharsets.UTF_8), ms));
        check(w, List.of("c.yaml", "--env", "--algo", "unknown"), List.of("runs"),
                "train", "--config", cfg.toString(), "--total-steps", "64", "--eval-episodes", "0", "--checkpoint-every",
                "64", "--out", w.resolve("runs").toString());
        deleteTree(w);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(Arbitraries.of("num_envs", "num_steps", "learning_rate", "hidden_sizes", "target_kl",
                        "gamma", "gae_lambda", "num_minibatches", "update_epochs", "clip_coef", "ent_coef", "norm_adv",
                        "anneal_lr", "backend", "advantage_estimator", "max_grad_norm", "ppo.num_envs", "sac.gamma"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "0", "-1", "1", "2", "3", "1e300", "-1e300", ".inf", "-.inf", ".nan", "nan",
                        "4294967296", "4294967295", "2147483648", "9223372036854775808", "1e-320", "0x10", "1_0",
                        "true", "false", "yes", "none", "null", "~", "[1, 2]", "{a: 1}", "64,abc", "65536,65536", "8,8",
                        "'3'", "\"3\"", "0.5", "2.5", "a: b", "- x", "&a", "*a", "!!binary AA==", "\u001b[31m", "é",
                        "\u0000", "1,", ",", "djl", "java", "gae", "x".repeat(100_000)),
                Arbitraries.integers().between(-3, 8).map(String::valueOf),
                Arbitraries.strings().ofMaxLength(20));
    }

    @Property(tries = 16)
    void setPairs(@ForAll("keys") String key, @ForAll("values") String value) throws IOException {
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

    @Property(tries = 12)
    void trajectoryJsonl(@ForAll("mutations") List<Mutation> ms) throws IOException {
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

    @Property(tries = 4)
    void parquetFiles(@ForAll("mutations") List<Mutation> ms) throws IOException {
        Path w = work();
        Path in = Files.write(w.resolve("in.parquet"), mutate(validParquet(), ms));
        check(w, List.of("in.parquet"), List.of(), "data", "info", in.toString());
        check(w, List.of("in.parquet"), List.of("o.jsonl"),
                "credit", "--estimator", "grpo", "--in", in.toString(), "--out", w.resolve("o.jsonl").toString());
        deleteTree(w);
    }

    @Property(tries = 5)
    void minariDatasets(@ForAll("mutations") List<Mutation> ms, @ForAll("fileIndex") int which) throws Exception {
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

    @Provide
    Arbitrary<Integer> fileIndex() {
        return Arbitraries.integers().between(0, 1000);
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

    @Property(tries = 6)
    void checkpoints(@ForAll("mutations") List<Mutation> ms, @ForAll("fileIndex") int which) throws IOException {
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

    @Property(tries = 5)
    void runFolders(@ForAll("mutations") List<Mutation> ms, @ForAll("runFile") String file) throws IOException {
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

    @Provide
    Arbitrary<String> runFile() {
        return Arbitraries.of("summary.json", "metrics.csv", "config.yaml", "provenance.json");
    }
}
