package dev.trail.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.trail.advantage.AdvantageEstimators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreditCommandTest {

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines));
        return p;
    }

    /** The values of {@code field} in each step of each line (or at top level for lines without steps). */
    private static List<double[]> column(Path file, String field) throws IOException {
        List<double[]> out = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        for (String line : Files.readAllLines(file)) {
            List<Double> vals = new ArrayList<>();
            try (JsonParser p = f.createParser(line)) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (name.equals("steps")) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String sf = p.currentName();
                                p.nextToken();
                                if (sf.equals(field)) {
                                    vals.add(p.getDoubleValue());
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    } else if (name.equals(field) && v.isNumeric()) {
                        vals.add(p.getDoubleValue());
                    } else {
                        p.skipChildren();
                    }
                }
            }
            out.add(vals.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    @Test
    void gaeMatchesTheSpecWorkedExampleAndKeepsOtherFields() throws IOException {
        // ALGORITHMS.md §2.1: r = [0, 0, 1], V = [0.5, 0.6, 0.8], gamma 0.99, lambda 0.95.
        Path in = write("in.jsonl",
                "{\"id\":\"a\",\"group\":\"g\",\"meta\":{\"k\":[1,2]},\"steps\":[{\"reward\":0,\"value\":0.5,\"action\":\"look\"},"
                        + "{\"reward\":0,\"value\":0.6,\"action\":\"go\"},{\"reward\":1,\"value\":0.8,\"action\":\"stop\"}]}",
                "{\"id\":\"b\",\"group\":\"h\",\"truncated\":true,\"terminated\":false,\"bootstrap_value\":0.7,"
                        + "\"steps\":[{\"reward\":0,\"value\":0.5},{\"reward\":0,\"value\":0.6},{\"reward\":1,\"value\":0.8}]}");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "gae", "--set", "gamma=0.99", "--set", "gae_lambda=0.95",
                "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<double[]> adv = column(out, "advantage");
        List<double[]> ret = column(out, "return");
        assertArrayEquals(new double[] {0.451484, 0.380100, 0.200000}, adv.get(0), 1e-6);
        assertArrayEquals(new double[] {0.951484, 0.980100, 1.0}, ret.get(0), 1e-6);
        assertArrayEquals(new double[] {1.064470, 1.031867, 0.893000}, adv.get(1), 1e-6);
        String first = Files.readAllLines(out).get(0);
        assertTrue(first.contains("\"meta\":{\"k\":[1,2]}") && first.contains("\"action\":\"look\""), first);
    }

    @Test
    void grpoOnOutcomeRewardsMatchesTheSpecAndPreservesLineOrder() throws IOException {
        // ALGORITHMS.md §1.4 example 1: R = [1, 0, 1, 1] -> A = [0.499999, -1.499997, 0.499999, 0.499999].
        // Lines of another group are interleaved; output order must follow input order.
        Path in = write("in.jsonl",
                "{\"id\":1,\"group\":\"q\",\"reward\":1}",
                "{\"id\":9,\"group\":\"other\",\"reward\":5}",
                "{\"id\":2,\"group\":\"q\",\"reward\":0}",
                "{\"id\":3,\"group\":\"q\",\"reward\":1}",
                "{\"id\":10,\"group\":\"other\",\"reward\":3}",
                "{\"id\":4,\"group\":\"q\",\"steps\":[{\"x\":1},{\"x\":2}],\"reward\":1}");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<double[]> adv = column(out, "advantage");
        assertEquals(0.499999, adv.get(0)[0], 1e-6);
        assertEquals(-1.499997, adv.get(2)[0], 1e-6);
        assertEquals(0.499999, adv.get(3)[0], 1e-6);
        assertArrayEquals(new double[] {0.499999, 0.499999}, adv.get(5), 1e-6);
        assertEquals(-adv.get(1)[0], adv.get(4)[0], 1e-9, "a group of two gets opposite advantages");
    }

    @Test
    void emptyStepObjectsAndExistingCreditFieldsGiveValidJson() throws IOException {
        // empty step objects get the fields without a leading comma; old advantage/return fields are replaced
        Path in = write("in.jsonl",
                "{\"id\":\"a\",\"group\":\"g\",\"reward\":1,\"steps\":[{},{ }]}",
                "{\"id\":\"b\",\"group\":\"g\",\"reward\":0,\"steps\":[{\"advantage\":9,\"return\":9}]}",
                "{}".replace("{}", "{\"id\":\"c\",\"group\":\"g\",\"reward\":0,\"advantage\":7}"));
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "rloo", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<double[]> adv = column(out, "advantage");
        // RLOO on R = [1, 0, 0]: 1 - 0 = 1; 0 - 0.5 = -0.5; 0 - 0.5 = -0.5
        assertArrayEquals(new double[] {1, 1}, adv.get(0), 1e-12);
        assertArrayEquals(new double[] {-0.5}, adv.get(1), 1e-12);
        assertArrayEquals(new double[] {-0.5}, adv.get(2), 1e-12);
        assertFalse(Files.readString(out).contains(":9") || Files.readString(out).contains(":7,"), Files.readString(out));
        Path single = write("single.jsonl", "{\"group\":\"g\",\"reward\":1,\"steps\":[{},{\"x\":[1,{\"y\":2}]}]}");
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", single.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"group\":\"g\",\"reward\":1,\"steps\":[{\"advantage\":1.0,\"return\":1.0},"
                + "{\"x\":[1,{\"y\":2}],\"advantage\":1.0,\"return\":1.0}]}", Files.readString(out).strip());
    }

    @Test
    void listPrintsEveryRegisteredEstimatorWithItsOptions() {
        CliRunner r = CliRunner.run("credit", "--list");
        assertEquals(0, r.code(), r.err());
        for (String name : AdvantageEstimators.names()) {
            assertTrue(r.out().contains(name + " - "), name + " missing from --list");
        }
        assertTrue(r.out().contains("gamma="), r.out());
    }

    @Test
    void unknownEstimatorListsTheKnownOnes() throws IOException {
        Path in = write("in.jsonl", "{\"reward\":1}");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpoo", "--in", in.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("grpoo") && r.err().contains("grpo"), r.err());
    }

    @Test
    void unknownEstimatorOptionIsRefusedNamingIt() throws IOException {
        Path in = write("in.jsonl", "{\"reward\":1}");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--set", "gama=0.9", "--in", in.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gama"), r.err());
        r = CliRunner.run("credit", "--estimator", "reinforce++", "--set", "klCoef=0.1", "--in", in.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'klCoef'") && r.err().contains("closest known option is 'kl_coef'"), r.err());
    }

    @Test
    void malformedLineNamesTheLineAndLeavesNoOutput() throws IOException {
        Path in = write("in.jsonl", "{\"id\":\"a\",\"reward\":1}", "{\"id\":\"b\",\"reward\":", "{\"reward\":2}");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void nanOrInfiniteRewardNamesLineStepAndField() throws IOException {
        Path in = write("in.jsonl", "{\"id\":\"a\",\"steps\":[{\"reward\":0},{\"reward\":NaN}]}");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "reinforce", "--in", in.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 1") && r.err().contains("step 1") && r.err().contains("reward"), r.err());
        assertFalse(Files.exists(out));
        Path inf = write("inf.jsonl", "{\"reward\":1}", "{\"reward\":-Infinity}");
        r = CliRunner.run("credit", "--estimator", "grpo", "--in", inf.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2") && r.err().contains("reward"), r.err());
    }

    /** Multi-turn episodes, one step per agent turn (observation = the state the turn saw): GiGPO's worked example. */
    private static final String[] TURNS = {
        "{\"id\":\"t1\",\"group\":\"layout\",\"steps\":[{\"observation\":[0],\"action\":\"r\",\"reward\":0},"
                + "{\"observation\":[1],\"action\":\"d\",\"reward\":1}]}",
        "{\"id\":\"t2\",\"group\":\"layout\",\"steps\":[{\"observation\":[0],\"action\":\"d\",\"reward\":0},"
                + "{\"observation\":[2],\"action\":\"r\",\"reward\":0},{\"observation\":[1],\"action\":\"d\",\"reward\":1}]}",
        "{\"id\":\"t3\",\"group\":\"layout\",\"terminated\":false,\"truncated\":true,\"steps\":["
                + "{\"observation\":[0],\"action\":\"d\",\"reward\":0},{\"observation\":[2],\"action\":\"l\",\"reward\":0},"
                + "{\"observation\":[2],\"action\":\"l\",\"reward\":0}]}"};

    @Test
    void gigpoOnMultiTurnEpisodesMatchesItsWorkedExample() throws IOException {
        Path in = write("turns.jsonl", TURNS);
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "gigpo", "--set", "gamma=0.5", "--in", in.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<double[]> adv = column(out, "advantage");
        // GigpoTest: τ1 [1.577345, 0.577349], τ2 [0.577349, 1.732046, 0.577349], τ3 [-2.154695, -1.732047, -1.732047]
        assertArrayEquals(new double[] {1.577345, 0.577349}, adv.get(0), 1e-5);
        assertArrayEquals(new double[] {0.577349, 1.732046, 0.577349}, adv.get(1), 1e-5);
        assertArrayEquals(new double[] {-2.154695, -1.732047, -1.732047}, adv.get(2), 1e-5);
        assertArrayEquals(new double[] {0.25, 0.5, 1.0}, column(out, "return").get(1), 1e-12);
    }

    @Test
    void malformedMultiTurnEpisodesNameTheLineAndField() throws IOException {
        Path out = dir.resolve("out.jsonl");
        // a turn without the state it saw
        Path missing = write("missing.jsonl", TURNS[0], TURNS[1],
                TURNS[2].replace("{\"observation\":[2],\"action\":\"l\",\"reward\":0}]", "{\"action\":\"l\",\"reward\":0}]"));
        CliRunner r = CliRunner.run("credit", "--estimator", "gigpo", "--in", missing.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 3") && r.err().contains("'observation'"), r.err());
        // no states at all: GiGPO cannot find its anchor states
        Path none = write("none.jsonl", TURNS[0].replaceAll("\"observation\":\\[\\d\\],", ""));
        r = CliRunner.run("credit", "--estimator", "gigpo", "--in", none.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 1") && r.err().contains("observation"), r.err());
        // a turn reward that is not a number
        Path reward = write("reward.jsonl", TURNS[0], TURNS[1].replace("\"action\":\"r\",\"reward\":0", "\"action\":\"r\",\"reward\":\"x\""));
        r = CliRunner.run("credit", "--estimator", "gigpo", "--in", reward.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2") && r.err().contains("step 1: reward"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingValueForGaeNamesTheLineAndField() throws IOException {
        Path in = write("in.jsonl", "{\"id\":\"ok\",\"steps\":[{\"reward\":1,\"value\":0}]}",
                "{\"id\":\"t7\",\"steps\":[{\"reward\":1}]}");
        Path out = dir.resolve("out.jsonl");
        CliRunner r = CliRunner.run("credit", "--estimator", "gae", "--in", in.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2") && r.err().contains("value"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void partiallyGivenValuesAreRefused() throws IOException {
        Path in = write("in.jsonl", "{\"steps\":[{\"reward\":1,\"value\":0},{\"reward\":1}]}");
        CliRunner r = CliRunner.run("credit", "--estimator", "gae", "--in", in.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 1") && r.err().contains("value"), r.err());
    }

    @Test
    void existingOutputIsKeptWhenTheRunFails() throws IOException {
        Path out = write("out.jsonl", "previous content");
        Path in = write("in.jsonl", "not json");
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", in.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("previous content\n", Files.readString(out));
    }

    @Test
    void missingInputFileIsAUsageError() {
        CliRunner r = CliRunner.run("credit", "--estimator", "grpo", "--in", dir.resolve("nope.jsonl").toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.jsonl"), r.err());
    }
}
