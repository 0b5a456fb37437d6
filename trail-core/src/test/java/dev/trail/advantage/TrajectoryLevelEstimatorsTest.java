package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrajectoryLevelEstimatorsTest {

    private static final double TOL = 1e-6;
    private static final List<String> NAMES = List.of("reinforce", "remax", "rloo", "grpo", "dr-grpo", "lite-ppo",
            "reinforce++", "reinforce++-baseline", "gae");

    // ---------------------------------------------------------------- registry

    @Test
    void everyNameIsRegisteredWithADescriptionAndItsOwnName() {
        assertTrue(AdvantageEstimators.names().containsAll(NAMES), AdvantageEstimators.names().toString());
        for (String name : NAMES) {
            AdvantageEstimators.Entry e = AdvantageEstimators.entry(name);
            assertTrue(e.description().contains("§"), name + ": " + e.description());
            assertEquals(name, AdvantageEstimators.create(name).name());
            for (Option o : e.options()) {
                assertTrue(!o.description().isBlank(), name + "." + o.name());
            }
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("gpro"));
        assertTrue(e.getMessage().contains("gpro") && e.getMessage().contains("grpo")
                && e.getMessage().contains("gae"), e.getMessage());
    }

    @Test
    void defaultsFollowTheSpec() {
        assertEquals(Map.of("gamma", 0.99, "gae_lambda", 0.95, "whiten", false), defaults("gae"));
        assertEquals(Map.of("std_ddof", 1, "epsilon", 1e-6, "singleton", "raw"), defaults("grpo"));
        assertEquals(Map.of("std_ddof", 1, "epsilon", 1e-6), defaults("lite-ppo"));
        assertEquals(Map.of("code_compat", false, "gamma", 0.99, "kl_coef", 0.05, "clip", 5.0), defaults("remax"));
        assertEquals(Map.of("kl_coef", 0.01, "gamma", 1.0, "unbiased", true, "epsilon", 1e-8), defaults("reinforce++"));
        assertEquals(0.0, defaults("reinforce++-baseline").get("kl_coef"));
        assertEquals("batch-mean", defaults("reinforce").get("baseline"));
    }

    @Test
    void setStyleOverridesAreParsedAndUsed() {
        // gamma 0.5, lambda 1: Â = MC return − V; r = [0, 1], V = [0, 0], terminal → [0.5, 1]
        List<TrajectoryGroup> batch = List.of(new TrajectoryGroup("g",
                List.of(Trajectory.ofRewards("a", "g", new double[] {0, 1}, new double[] {0, 0}, true, false))));
        AdvantageResult r = AdvantageEstimators.create("gae", Map.of("gamma", "0.5", "gae_lambda", "1")).estimate(batch);
        assertArrayEquals(new double[] {0.5, 1}, r.advantages()[0], 1e-12);
        // grpo ddof=0 gives the population example of §1.4
        AdvantageResult p = AdvantageEstimators.create("grpo", Map.of("std_ddof", "0")).estimate(List.of(group("g", 1, 0, 1, 1)));
        assertEquals(0.577349, p.advantages()[0][0], TOL);
    }

    @Test
    void unknownOrInvalidOptionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("gae", Map.of("gama", "0.9")));
        assertTrue(e.getMessage().contains("gama") && e.getMessage().contains("gae_lambda"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators.create("grpo", Map.of("std_ddof", "2")));
        assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators.create("gae", Map.of("gamma", "1.5")));
        assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create("rloo", Map.of("singleton", "maybe")));
    }

    @Test
    void duplicateRegistrationFails() {
        AdvantageEstimators.Entry dup = new AdvantageEstimators.Entry("grpo", "a second grpo", List.of(),
                o -> AdvantageEstimators.create("rloo"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.register(dup));
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
    }

    // ---------------------------------------------------------------- worked examples through the adapters

    @Test
    void grpoBroadcastsToValidStepsAndReturnsRewardToGo() {
        // §1.4 example 1 with responses of lengths 2, 1, 3, 2; reward on the last step
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(Trajectory.ofOutcome("a", "q", 1, 2),
                Trajectory.ofOutcome("b", "q", 0, 1), Trajectory.ofOutcome("c", "q", 1, 3),
                Trajectory.ofOutcome("d", "q", 1, 2)));
        AdvantageResult r = AdvantageEstimators.create("grpo").estimate(List.of(g));
        assertArrayEquals(new double[] {0.499999, 0.499999}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.499997}, r.advantages()[1], TOL);
        assertArrayEquals(new double[] {0.499999, 0.499999, 0.499999}, r.advantages()[2], TOL);
        assertArrayEquals(new double[] {1, 1, 1}, r.returns()[2], 0.0);
    }

    @Test
    void outcomeEstimatorsOnTheSpecGroup() {
        List<TrajectoryGroup> batch = List.of(group("q", 1, 0, 1, 1));
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25}, firsts("reinforce", Map.of(), batch), TOL);
        assertArrayEquals(new double[] {0.4, -0.6, 0.4, 0.4},
                firsts("reinforce", Map.of("baseline", "constant", "constant", "0.6"), batch), TOL);
        assertArrayEquals(new double[] {0.333333, -1.0, 0.333333, 0.333333}, firsts("rloo", Map.of(), batch), TOL);
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25}, firsts("dr-grpo", Map.of(), batch), TOL);
        assertArrayEquals(new double[] {0.499999, -1.499997, 0.499999, 0.499999}, firsts("grpo", Map.of(), batch),
                TOL);
    }

    @Test
    void reinforceGroupMeanDiffersFromBatchMean() {
        // g1 = [1, 0] (mean 0.5), g2 = [1, 1] (mean 1); batch mean 0.75
        List<TrajectoryGroup> batch = List.of(group("g1", 1, 0), group("g2", 1, 1));
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0}, firsts("reinforce", Map.of("baseline", "group-mean"), batch),
                1e-12);
        assertArrayEquals(new double[] {0.25, -0.75, 0.25, 0.25}, firsts("reinforce", Map.of(), batch), 1e-12);
    }

    @Test
    void reinforceWithValueBaselineIsReturnMinusValue() {
        // r = [0, 0, 1], V = [0.5, 0.6, 0.8], γ 1: G = [1, 1, 1] → A = [0.5, 0.4, 0.2] (the LLM GAE example)
        List<TrajectoryGroup> batch = List.of(new TrajectoryGroup("g", List.of(
                Trajectory.ofRewards("a", "g", new double[] {0, 0, 1}, new double[] {0.5, 0.6, 0.8}, true, false))));
        AdvantageResult r = AdvantageEstimators.create("reinforce", Map.of("baseline", "value")).estimate(batch);
        assertArrayEquals(new double[] {0.5, 0.4, 0.2}, r.advantages()[0], 1e-12);
    }

    @Test
    void grpoSingletonGroupGetsTheRawReward() {
        AdvantageResult r = AdvantageEstimators.create("grpo").estimate(List.of(group("solo", 0.7)));
        assertArrayEquals(new double[] {0.7}, r.advantages()[0], 0.0);
        AdvantageResult z = AdvantageEstimators.create("grpo", Map.of("singleton", "zero"))
                .estimate(List.of(group("solo", 0.7)));
        assertArrayEquals(new double[] {0.0}, z.advantages()[0], 0.0);
    }

    @Test
    void grpoMixedGroupSizesNormaliseEachGroupOnItsOwn() {
        List<TrajectoryGroup> batch = List.of(group("a", 1, 0, 1, 1), group("b", 1, 0));
        assertArrayEquals(new double[] {0.499999, -1.499997, 0.499999, 0.499999, 0.707106, -0.707106},
                firsts("grpo", Map.of(), batch), TOL);
    }

    @Test
    void litePpoSpecExampleAndMixedSizesError() {
        List<TrajectoryGroup> batch = List.of(group("g1", 1, 0, 1, 1), group("g2", 0, 0, 0, 1));
        assertArrayEquals(new double[] {0.467706, -1.403119, 0.467706, 0.467706, -0.467706, -0.467706, -0.467706,
            1.403119}, firsts("lite-ppo", Map.of(), batch), TOL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators
                .create("lite-ppo").estimate(List.of(group("g1", 1, 0, 1, 1), group("odd", 1, 0))));
        assertTrue(e.getMessage().contains("odd"), e.getMessage());
    }

    @Test
    void remaxPaperAndCodeForms() {
        Trajectory t = withRef(Trajectory.ofOutcome("s", "q", 2.0, 4), new double[] {-1, -1, -1, -1},
                new double[] {-1.1, -0.8, -1.0, -1.3});
        List<TrajectoryGroup> batch = List.of(new TrajectoryGroup("q", List.of(t), 1.2, null));
        assertArrayEquals(new double[] {0.8, 0.8, 0.8, 0.8},
                AdvantageEstimators.create("remax").estimate(batch).advantages()[0], TOL);
        // lp − lp_ref = [0.1, −0.2, 0, 0.3] → the §1.2 code-semantics example
        AdvantageResult code = AdvantageEstimators.create("remax", Map.of("code_compat", "true")).estimate(batch);
        assertArrayEquals(new double[] {0.763477, 0.786239, 0.784080, 0.777000}, code.advantages()[0], TOL);
        assertArrayEquals(code.advantages()[0], code.returns()[0], 0.0);
    }

    @Test
    void reinforcePlusPlusSpecExample() {
        Trajectory s1 = withRef(Trajectory.ofOutcome("s1", "q", 1, 3), new double[] {0.2, -0.1, 0.3}, new double[3]);
        Trajectory s2 = withRef(Trajectory.ofOutcome("s2", "q", 0, 2), new double[] {0.1, 0.4}, new double[2]);
        List<TrajectoryGroup> batch = List.of(new TrajectoryGroup("q", List.of(s1, s2)));
        AdvantageResult r = AdvantageEstimators.create("reinforce++").estimate(batch);
        assertArrayEquals(new double[] {0.728473, 0.732119, 0.730296}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.096355, -1.094532}, r.advantages()[1], TOL);
    }

    @Test
    void reinforcePlusPlusBaselineSpecExample() {
        TrajectoryGroup g = new TrajectoryGroup("q", List.of(Trajectory.ofOutcome("a", "q", 1, 2),
                Trajectory.ofOutcome("b", "q", 0, 3), Trajectory.ofOutcome("c", "q", 1, 1),
                Trajectory.ofOutcome("d", "q", 1, 2)));
        AdvantageResult r = AdvantageEstimators.create("reinforce++-baseline").estimate(List.of(g));
        assertArrayEquals(new double[] {0.724569, 0.724569}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {-1.207615, -1.207615, -1.207615}, r.advantages()[1], TOL);
        assertArrayEquals(new double[] {0.724569}, r.advantages()[2], TOL);
    }

    @Test
    void gaeSpecExamplesTerminatedAndTruncated() {
        double[] rewards = {0, 0, 1};
        double[] values = {0.5, 0.6, 0.8};
        Trajectory term = Trajectory.ofRewards("term", "g", rewards, values, true, false);
        Trajectory trunc = new Trajectory("trunc", "g", 0, null, 0, null, 0, rewards, null, values, null, false, true,
                0.7, null);
        AdvantageResult r = AdvantageEstimators.create("gae").estimate(List.of(new TrajectoryGroup("g",
                List.of(term, trunc))));
        assertArrayEquals(new double[] {0.451484, 0.380100, 0.200000}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {0.951484, 0.980100, 1.0}, r.returns()[0], TOL);
        assertArrayEquals(new double[] {1.064470, 1.031867, 0.893000}, r.advantages()[1], TOL);
        assertArrayEquals(new double[] {1.564470, 1.631867, 1.693000}, r.returns()[1], TOL);
        AdvantageResult w = AdvantageEstimators.create("gae", Map.of("whiten", "true"))
                .estimate(List.of(new TrajectoryGroup("g", List.of(term, trunc))));
        assertEquals(0.0, Arrays.stream(w.advantages()).flatMapToDouble(Arrays::stream).sum(), 1e-9);
        assertArrayEquals(r.returns()[1], w.returns()[1], 0.0);
    }

    // ---------------------------------------------------------------- errors name the trajectory and field

    @Test
    void missingInputsAreNamed() {
        List<TrajectoryGroup> noValues = List.of(group("g", 1, 0));
        assertMessage(() -> AdvantageEstimators.create("gae").estimate(noValues), "g-0", "values");
        assertMessage(() -> AdvantageEstimators.create("remax").estimate(noValues), "g-0", "greedyReward");
        assertMessage(() -> AdvantageEstimators.create("reinforce++").estimate(noValues), "g-0", "logProbs");
        Trajectory noRef = new Trajectory("t7", "g", 0, null, 0, null, 0, new double[] {1}, new double[] {-1}, null,
                null, true, false, Double.NaN, null);
        assertMessage(() -> AdvantageEstimators.create("reinforce++")
                .estimate(List.of(new TrajectoryGroup("g", List.of(noRef)))), "t7", "refLogProb");
        Trajectory truncated = new Trajectory("t8", "g", 0, null, 0, null, 0, new double[] {1}, null,
                new double[] {0.5}, null, false, true, Double.NaN, null);
        assertMessage(() -> AdvantageEstimators.create("gae")
                .estimate(List.of(new TrajectoryGroup("g", List.of(truncated)))), "t8", "bootstrapValue");
    }

    @ParameterizedTest
    @MethodSource("names")
    void nonFiniteRewardsAreNamedWithTheStep(String name) {
        Trajectory bad = Trajectory.ofRewards("bad-1", "g", new double[] {0, Double.NaN, 1}, new double[3], true,
                false);
        assertMessage(() -> AdvantageEstimators.create(name).estimate(List.of(
                new TrajectoryGroup("g", List.of(bad, Trajectory.ofOutcome("ok", "g", 1, 3)), 0.5, null))),
                "bad-1", "step 1");
    }

    // ---------------------------------------------------------------- properties

    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of("reinforce", Map.of()), Arguments.of("reinforce", Map.of("baseline", "value")),
                Arguments.of("remax", Map.of()), Arguments.of("remax", Map.of("code_compat", "true")),
                Arguments.of("rloo", Map.of()), Arguments.of("grpo", Map.of()), Arguments.of("dr-grpo", Map.of()),
                Arguments.of("lite-ppo", Map.of()), Arguments.of("reinforce++", Map.of()),
                Arguments.of("reinforce++-baseline", Map.of()),
                Arguments.of("reinforce++-baseline", Map.of("kl_coef", "0.05")), Arguments.of("gae", Map.of()),
                Arguments.of("gae", Map.of("whiten", "true")));
    }

    static Stream<String> names() {
        return NAMES.stream();
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void maskedPositionsNeverChangeAnyResult(String name, Map<String, String> settings) {
        AdvantageEstimator est = AdvantageEstimators.create(name, settings);
        AdvantageResult a = est.estimate(richBatch(0.0));
        AdvantageResult b = est.estimate(richBatch(37.5));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.advantages()[i], b.advantages()[i], 0.0, name + " row " + i);
            assertArrayEquals(a.returns()[i], b.returns()[i], 0.0, name + " row " + i);
            for (int s = 0; s < a.advantages()[i].length; s++) {
                if (!richMask(i)[s]) {
                    assertEquals(0.0, a.advantages()[i][s], name + " row " + i + " step " + s);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void permutingAGroupPermutesTheRows(String name, Map<String, String> settings) {
        AdvantageEstimator est = AdvantageEstimators.create(name, settings);
        List<TrajectoryGroup> batch = richBatch(0.0);
        int[] perm = {2, 0, 1};
        TrajectoryGroup g0 = batch.get(0);
        List<Trajectory> shuffled = new ArrayList<>();
        for (int p : perm) {
            shuffled.add(g0.get(p));
        }
        List<TrajectoryGroup> permuted = List.of(new TrajectoryGroup(g0.groupId(), shuffled, g0.greedyReward(), null),
                batch.get(1));
        AdvantageResult a = est.estimate(batch);
        AdvantageResult b = est.estimate(permuted);
        for (int i = 0; i < perm.length; i++) {
            assertArrayEquals(a.advantages()[perm[i]], b.advantages()[i], 1e-12, name + " row " + i);
            assertArrayEquals(a.returns()[perm[i]], b.returns()[i], 1e-12, name + " row " + i);
        }
        for (int i = 3; i < a.size(); i++) {
            assertArrayEquals(a.advantages()[i], b.advantages()[i], 1e-12, name + " row " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void inputsAreNotModified(String name, Map<String, String> settings) {
        List<TrajectoryGroup> batch = richBatch(1.0);
        List<Trajectory> before = new ArrayList<>();
        for (Trajectory t : AdvantageResult.flatten(batch)) {
            before.add(deepCopy(t));
        }
        AdvantageEstimators.create(name, settings).estimate(batch);
        assertEquals(before, AdvantageResult.flatten(batch));
    }

    // ---------------------------------------------------------------- fixtures

    private static Map<String, Object> defaults(String name) {
        AdvantageEstimators.Entry e = AdvantageEstimators.entry(name);
        return Options.defaults(name, e.options()).asMap();
    }

    private static double[] firsts(String name, Map<String, String> settings, List<TrajectoryGroup> batch) {
        AdvantageResult r = AdvantageEstimators.create(name, settings).estimate(batch);
        return Arrays.stream(r.advantages()).mapToDouble(row -> row[row.length - 1]).toArray();
    }

    /** A group of one-step responses with the given outcome rewards; ids {@code <group>-<i>}. */
    private static TrajectoryGroup group(String id, double... rewards) {
        List<Trajectory> ts = new ArrayList<>();
        for (int i = 0; i < rewards.length; i++) {
            ts.add(Trajectory.ofOutcome(id + "-" + i, id, rewards[i], 1));
        }
        return new TrajectoryGroup(id, ts);
    }

    private static Trajectory withRef(Trajectory t, double[] logProbs, double[] refLogProbs) {
        return new Trajectory(t.id(), t.groupId(), 0, null, 0, null, 0, t.rewards(), logProbs, t.values(), t.mask(),
                t.terminated(), t.truncated(), t.bootstrapValue(), Map.of(TrajectoryInputs.REF_LOG_PROB, refLogProbs));
    }

    private static final boolean[][] MASKS = {
        {true, true, false, true, false}, // a masked tool step in the middle, one pad
        {true, true, true, true, true},
        {true, false, true, false, false},
        {true, true, true, false, false},
        {false, true, true, true, false},
        {true, true, true, true, true},
    };

    private static boolean[] richMask(int i) {
        return MASKS[i];
    }

    /**
     * Two groups of three 5-step trajectories with masks, values, log-probs, reference log-probs,
     * greedy rewards, one truncated trajectory; {@code junk} is written at every masked position.
     */
    private static List<TrajectoryGroup> richBatch(double junk) {
        double[][] outcomes = {{1, 0, 0.5}, {0.2, 0.9, 0.4}};
        List<TrajectoryGroup> groups = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            List<Trajectory> ts = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int i = 3 * g + k;
                boolean[] mask = MASKS[i];
                double[] rewards = new double[5];
                double[] values = new double[5];
                double[] lp = new double[5];
                double[] ref = new double[5];
                int last = -1;
                for (int s = 0; s < 5; s++) {
                    if (mask[s]) {
                        rewards[s] = 0.01 * (s + i);
                        values[s] = 0.1 * s - 0.05 * i;
                        lp[s] = -0.3 - 0.1 * s;
                        ref[s] = -0.35 - 0.07 * s * k;
                        last = s;
                    } else {
                        rewards[s] = junk;
                        values[s] = junk == 0 ? 0 : -junk;
                        lp[s] = -junk;
                        ref[s] = junk * 2;
                    }
                }
                rewards[last] += outcomes[g][k];
                boolean truncated = i == 4;
                ts.add(new Trajectory("t" + i, "g" + g, i, null, 0, null, 0, rewards, lp, values, mask, !truncated,
                        truncated, truncated ? 0.3 : Double.NaN, Map.of(TrajectoryInputs.REF_LOG_PROB, ref)));
            }
            groups.add(new TrajectoryGroup("g" + g, ts, 0.4 + 0.1 * g, null));
        }
        return groups;
    }

    private static Trajectory deepCopy(Trajectory t) {
        Map<String, double[]> extras = new java.util.LinkedHashMap<>();
        t.extras().forEach((k, v) -> extras.put(k, v.clone()));
        return new Trajectory(t.id(), t.groupId(), t.seed(), t.observations().clone(), t.observationSize(),
                t.actions().clone(), t.actionSize(), t.rewards().clone(),
                t.logProbs() == null ? null : t.logProbs().clone(), t.values() == null ? null : t.values().clone(),
                t.mask() == null ? null : t.mask().clone(), t.terminated(), t.truncated(), t.bootstrapValue(), extras);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
        }
    }
}
