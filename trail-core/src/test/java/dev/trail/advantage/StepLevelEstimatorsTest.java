package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.config.Option;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import dev.trail.trajectory.TrajectoryTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Registry entries and properties shared by every step-level estimator. */
class StepLevelEstimatorsTest {

    static final Map<String, Set<String>> OPTIONS = Map.of(
            "spo-chain", Set.of("threshold", "cutpoint_interval", "prompt_value", "whiten"),
            "spo-tree", Set.of("method", "probability_mask", "threshold", "whiten"),
            "salt", Set.of("base", "merge_key"),
            "ui-s1", Set.of("gamma", "mode", "step_weight", "episode_weight", "episode_form", "episode_score", "std_ddof",
                    "epsilon"),
            "spa", Set.of("variant", "alpha", "beta", "gamma", "gae_lambda"),
            "noisy-grpo", Set.of("p_alpha", "r_value"),
            "arena-rl", Set.of("rank_source"),
            "oprl", Set.of("beta", "alpha", "base", "step_normalisation"),
            "gigpo", Set.of("gamma", "step_weight", "mode", "episode_form", "std_ddof", "epsilon"));

    @Test
    void everyEstimatorIsRegisteredWithItsOptions() {
        for (Map.Entry<String, Set<String>> e : OPTIONS.entrySet()) {
            AdvantageEstimators.Entry entry = AdvantageEstimators.entry(e.getKey());
            assertEquals(e.getValue(), entry.options().stream().map(Option::name).collect(Collectors.toSet()),
                    e.getKey());
            assertFalse(entry.description().isBlank());
            assertEquals(e.getKey(), entry.create(Map.of()).name());
        }
        assertFalse(AdvantageEstimators.names().contains("pacs"), "PACS is math only");
    }

    @Test
    void defaultsFollowTheSpec() {
        assertEquals("0.9", defaultOf("spo-chain", "threshold"));
        assertEquals("5", defaultOf("spo-chain", "cutpoint_interval"));
        assertEquals("rloo", defaultOf("spo-tree", "method"));
        assertEquals("history-prefix", defaultOf("salt", "merge_key"));
        assertEquals("0.5", defaultOf("ui-s1", "gamma"));
        assertEquals("mean_std_norm", defaultOf("ui-s1", "mode"));
        assertEquals("paper", defaultOf("spa", "variant"));
        assertEquals("0.01", defaultOf("noisy-grpo", "p_alpha"));
        assertEquals("0.05", defaultOf("oprl", "beta"));
        assertEquals("0.95", defaultOf("gigpo", "gamma"));
        assertEquals("1.0", defaultOf("gigpo", "step_weight"));
    }

    private static String defaultOf(String estimator, String option) {
        return AdvantageEstimators.entry(estimator).options().stream().filter(o -> o.name().equals(option))
                .findFirst().orElseThrow().defaultValue();
    }

    // ---------------------------------------------------------------- a batch carrying every input

    static final String[] MODEL_COLUMNS = {"segmentValue", "progress", "grounding", "noiseLevel", "arenaRank",
        "seedScore", "judgeScore", "prmLogRatio", "episodeScore"};

    /** Two groups (3 and 2 members), 4-5 steps each, step 2 masked; every input an estimator reads. */
    static List<TrajectoryGroup> batch() {
        Random rnd = new Random(7);
        List<TrajectoryGroup> groups = new ArrayList<>();
        int[] sizes = {3, 2};
        int serial = 0;
        for (int g = 0; g < sizes.length; g++) {
            List<Trajectory> members = new ArrayList<>();
            for (int i = 0; i < sizes[g]; i++, serial++) {
                int len = 4 + (i % 2);
                float[] actions = new float[len];
                float[] obs = new float[len + 1];
                double[] logProbs = new double[len];
                double[] values = new double[len];
                boolean[] mask = new boolean[len];
                Map<String, double[]> extras = new LinkedHashMap<>();
                double[] match = new double[len];
                for (int t = 0; t < len; t++) {
                    actions[t] = t == 0 ? 1 : rnd.nextInt(2);
                    obs[t + 1] = obs[t] + actions[t];
                    logProbs[t] = Math.log(t % 2 == 1 ? 0.5 : 0.95);
                    values[t] = rnd.nextDouble();
                    mask[t] = t != 2;
                    match[t] = t == len - 2 && i == 0 ? 0 : 1;
                }
                for (String c : MODEL_COLUMNS) {
                    double[] col = new double[len];
                    for (int t = 0; t < len; t++) {
                        col[t] = rnd.nextDouble();
                    }
                    extras.put(c, col);
                }
                extras.put("grounding", Fixtures.constant(serial % 2, len));
                extras.put("noiseLevel", Fixtures.constant(0.3 * i, len));
                extras.put("arenaRank", Fixtures.constant(i + 1, len));
                extras.put("seedScore", Fixtures.constant(0.1 * (sizes[g] - i), len));
                extras.put("judgeScore", Fixtures.constant(0.2 * ((i * 7) % 5), len));
                extras.put("episodeScore", Fixtures.constant(i % 2, len));
                extras.put("match", match);
                double[] rewards = new double[len];
                rewards[0] = 0.1 * i;
                rewards[len - 1] = (serial * 3 % 4) / 3.0;
                members.add(new Trajectory("g" + g + "t" + i, "g" + g, 0, obs, 1, actions, 1, rewards, logProbs,
                        values, mask, true, false, Double.NaN, extras));
            }
            groups.add(new TrajectoryGroup("g" + g, members));
        }
        return groups;
    }

    /** The same batch with every model output at masked steps replaced by something else. */
    static List<TrajectoryGroup> perturbMasked(List<TrajectoryGroup> batch) {
        List<TrajectoryGroup> out = new ArrayList<>();
        for (TrajectoryGroup g : batch) {
            List<Trajectory> members = new ArrayList<>();
            for (Trajectory t : g.trajectories()) {
                double[] lp = t.logProbs().clone();
                double[] v = t.values().clone();
                Map<String, double[]> extras = new LinkedHashMap<>();
                for (Map.Entry<String, double[]> e : t.extras().entrySet()) {
                    extras.put(e.getKey(), e.getValue().clone());
                }
                for (int s = 0; s < t.length(); s++) {
                    if (!t.valid(s)) {
                        lp[s] = Math.log(0.01) - lp[s];
                        v[s] = 100 + s;
                        for (String c : MODEL_COLUMNS) {
                            extras.get(c)[s] = c.equals("segmentValue") ? Double.NaN : -42.0;
                        }
                    }
                }
                members.add(new Trajectory(t.id(), t.groupId(), t.seed(), t.observations(), t.observationSize(),
                        t.actions(), t.actionSize(), t.rewards(), lp, v, t.mask(), t.terminated(), t.truncated(),
                        t.bootstrapValue(), extras));
            }
            out.add(new TrajectoryGroup(g.groupId(), members, g.greedyReward(), g.tree()));
        }
        return out;
    }

    static final String[][] CONFIGS = {
        {"spo-chain"}, {"spo-chain", "cutpoint_interval", "1", "prompt_value", "always"},
        {"salt"}, {"salt", "merge_key", "state-action", "base", "rloo"},
        {"ui-s1"}, {"ui-s1", "episode_form", "code", "episode_score", "extras"},
        {"spa"}, {"spa", "variant", "code"},
        {"noisy-grpo"}, {"arena-rl"}, {"arena-rl", "rank_source", "score-tournament"},
        {"oprl"}, {"oprl", "step_normalisation", "group", "base", "rloo"},
        {"gigpo"}, {"gigpo", "mode", "mean_norm", "episode_form", "code"}};

    static AdvantageEstimator create(String[] config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < config.length; i += 2) {
            settings.put(config[i], config[i + 1]);
        }
        return AdvantageEstimators.create(config[0], settings);
    }

    @Test
    void maskedStepsGetZeroAndNeverChangeOtherResults() {
        List<TrajectoryGroup> batch = batch();
        List<TrajectoryGroup> perturbed = perturbMasked(batch);
        List<Trajectory> flat = AdvantageResult.flatten(batch);
        for (String[] config : CONFIGS) {
            String label = String.join(" ", config);
            AdvantageResult a = create(config).estimate(batch);
            AdvantageResult b = create(config).estimate(perturbed);
            boolean anyNonZero = false;
            for (int i = 0; i < flat.size(); i++) {
                for (int s = 0; s < flat.get(i).length(); s++) {
                    assertEquals(a.advantages()[i][s], b.advantages()[i][s], 1e-12, label + " row " + i + " step " + s);
                    assertEquals(a.returns()[i][s], b.returns()[i][s], 1e-12, label + " return row " + i);
                    if (!flat.get(i).valid(s)) {
                        assertEquals(0.0, a.advantages()[i][s], label + " masked row " + i + " step " + s);
                    }
                    anyNonZero |= a.advantages()[i][s] != 0.0;
                }
            }
            assertTrue(anyNonZero, label + " gives some signal on this batch");
        }
    }

    @Test
    void permutingAGroupPermutesTheAdvantages() {
        List<TrajectoryGroup> batch = batch();
        List<Trajectory> g0 = new ArrayList<>(batch.get(0).trajectories());
        int[] perm = {2, 0, 1};
        List<Trajectory> shuffled = new ArrayList<>();
        for (int p : perm) {
            shuffled.add(g0.get(p));
        }
        List<TrajectoryGroup> permuted = List.of(new TrajectoryGroup("g0", shuffled), batch.get(1));
        for (String[] config : CONFIGS) {
            String label = String.join(" ", config);
            AdvantageResult a = create(config).estimate(batch);
            AdvantageResult b = create(config).estimate(permuted);
            for (int k = 0; k < perm.length; k++) {
                Fixtures.assertVector(a.advantages()[perm[k]], b.advantages()[k], 1e-12);
            }
            for (int k = 3; k < 5; k++) {
                Fixtures.assertVector(a.advantages()[k], b.advantages()[k], 1e-12);
            }
            assertEquals(5, b.size(), label);
        }
    }

    @Test
    void spoTreeMaskedStepsAndPermutation() {
        TrajectoryTree tree = SpoTreeTest.exampleTree();
        List<Trajectory> members = new ArrayList<>();
        for (int leaf : SpoTree.leaves(tree)) {
            Trajectory seg = tree.node(leaf).segment();
            double[] lp = Fixtures.logs(new double[] {0.5, 0.95, 0.5, 0.6});
            members.add(new Trajectory(seg.id(), "q", 0, null, 0, null, 0, Fixtures.outcome(tree.node(leaf).leafReward(), 4),
                    lp, null, new boolean[] {true, true, false, true}, true, false, Double.NaN, null));
        }
        AdvantageEstimator e = AdvantageEstimators.create("spo-tree");
        AdvantageResult a = e.estimate(List.of(new TrajectoryGroup("q", members, Double.NaN, tree)));
        List<Trajectory> perturbed = new ArrayList<>();
        for (Trajectory t : members) {
            double[] lp = t.logProbs().clone();
            lp[2] = Math.log(0.99);
            perturbed.add(new Trajectory(t.id(), "q", 0, null, 0, null, 0, t.rewards(), lp, null, t.mask(), true, false,
                    Double.NaN, null));
        }
        java.util.Collections.reverse(perturbed);
        AdvantageResult b = e.estimate(List.of(new TrajectoryGroup("q", perturbed, Double.NaN, tree)));
        for (int i = 0; i < members.size(); i++) {
            Fixtures.assertVector(a.advantages()[i], b.advantages()[members.size() - 1 - i], 1e-12);
            assertEquals(0.0, a.advantages()[i][2]);
            assertEquals(0.0, a.advantages()[i][1]); // p = 0.95: dropped by the probability mask
        }
    }

    @ParameterizedTest
    @CsvSource({
        "spo-chain, logProbs", "salt, actions", "spa, grounding", "noisy-grpo, noiseLevel",
        "arena-rl, arenaRank", "oprl, prmLogRatio", "spo-tree, tree", "gigpo, observations"})
    void missingInputErrorsNameTheTrajectoryAndField(String estimator, String field) {
        TrajectoryGroup bare = new TrajectoryGroup("g", List.of(Trajectory.ofOutcome("bare-1", "g", 1, 3)));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AdvantageEstimators.create(estimator).estimate(List.of(bare)));
        assertTrue(ex.getMessage().contains(field), ex.getMessage());
        assertTrue(ex.getMessage().contains(estimator.equals("spo-tree") ? "g" : "bare-1"), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"spo-chain", "salt", "ui-s1", "spa", "noisy-grpo", "arena-rl", "oprl", "gigpo"})
    void inputsAreNotMutated(String estimator) {
        List<TrajectoryGroup> batch = batch();
        List<TrajectoryGroup> copy = batch();
        AdvantageEstimators.create(estimator).estimate(batch);
        assertEquals(AdvantageResult.flatten(copy), AdvantageResult.flatten(batch));
    }

    @Test
    void uiS1WithoutItsOptionalMatchColumnTreatsEveryStepAsMatched() {
        Trajectory t = Trajectory.ofRewards("u", "g", new double[] {1, 1}, null, true, false);
        AdvantageResult r = AdvantageEstimators.create("ui-s1").estimate(List.of(new TrajectoryGroup("g", List.of(t))));
        Fixtures.assertVector(new double[] {1.5, 1.0}, r.returns()[0]);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators
                .create("ui-s1", Map.of("episode_score", "extras")).estimate(List.of(new TrajectoryGroup("g", List.of(t)))));
        assertTrue(ex.getMessage().contains("u") && ex.getMessage().contains("episodeScore"), ex.getMessage());
    }
}
