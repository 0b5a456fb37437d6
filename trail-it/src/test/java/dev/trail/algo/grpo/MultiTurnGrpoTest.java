package dev.trail.algo.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.AdvantageResult;
import dev.trail.algo.Algorithms;
import dev.trail.algo.TrainingListener;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.envs.token.CountdownTask;
import dev.trail.envs.token.GridNavTask;
import dev.trail.envs.token.GuessTask;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.seed.Rng;
import dev.trail.token.Vocabulary;
import dev.trail.rollout.GroupRollout;
import dev.trail.rollout.ResponseSampler;
import dev.trail.token.Transcript;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GRPO-family trainer on multi-turn episodes: loss mask over policy tokens, turn-level credit, refusals. */
class MultiTurnGrpoTest {

    private static final TransformerConfig TINY = TransformerConfig.tiny().withContextLength(64);
    private static final EnvSpec GUESS = Envs.spec(GuessTask.ID);

    /** Guess-v0 over 0-1 (no held-out split: these tests never evaluate). */
    private static final EnvSpec COIN = dev.trail.envs.token.TokenTasks.spec(GuessTask.ID,
            Map.of("max", "1", "held_out_fraction", "0"));

    /**
     * A tiny model that writes '0', '1' or EOS with probability about 1/3 each (final features all 1,
     * head rows of those tokens 6/d, the rest 0), so that Guess-v0 over 0-1 episodes succeed at
     * different turns or fail: rewards and returns vary within a group.
     */
    private static Transformer coinPolicy() {
        Transformer model = Transformer.initialize(TINY, new Rng(5));
        java.util.Arrays.fill(model.parameters().get("lnf.weight").data(), 0f);
        java.util.Arrays.fill(model.parameters().get("lnf.bias").data(), 1f);
        float[] head = model.parameters().get("head.weight").data();
        java.util.Arrays.fill(head, 0f);
        int d = TINY.width();
        for (int id : new int[] {Vocabulary.id('0'), Vocabulary.id('1'), Vocabulary.EOS}) {
            java.util.Arrays.fill(head, id * d, (id + 1) * d, 6f / d);
        }
        return model;
    }

    private static GrpoConfig tiny(String estimator) {
        return GrpoConfig.defaults().withEstimator(estimator).withModel(TINY).withBatch(4, 2, 2).withBudget(1, 0)
                .withEval(0, 4, 0);
    }

    private static final class Last implements TrainingListener {
        Map<String, Double> metrics = new HashMap<>();

        @Override
        public void onUpdate(int update, long globalStep, Map<String, Double> m) {
            metrics = m;
        }
    }

    /** Every turn-level estimator trains from the trainer; tokens of a turn share one advantage, observations get 0. */
    @Test
    void turnLevelCreditIsSpreadOverEachTurnsPolicyTokens() throws IOException {
        for (String name : List.of("gigpo", "salt", "ui-s1", "grpo")) {
            try (Grpo g = new Grpo(tiny(name).withBatch(6, 2, 2), COIN, 3, coinPolicy())) {
                GroupRollout rollout = g.collect(TrainingListener.NONE);
                AdvantageResult a = g.credit(rollout);
                List<ResponseSampler.Response> all = rollout.responses();
                assertEquals(all.size(), a.advantages().length);
                double nonZero = 0;
                for (double[] row : a.advantages()) {
                    for (double v : row) {
                        nonZero = Math.max(nonZero, Math.abs(v));
                    }
                }
                assertTrue(nonZero > 0.1, name + ": the rewards of a group should vary, advantages all ~0");
                for (int i = 0; i < all.size(); i++) {
                    Transcript t = all.get(i).transcript();
                    assertTrue(t.multiTurn());
                    double[] row = a.advantages()[i];
                    for (Transcript.Turn turn : t.turns()) {
                        for (int j = turn.start(); j < turn.end(); j++) {
                            assertEquals(row[turn.start()], row[j], name + ": one advantage per turn");
                        }
                        for (int j = turn.end(); j < turn.observationEnd(); j++) {
                            assertEquals(0.0, row[j], name + ": observation tokens are not trained on");
                        }
                    }
                }
            }
        }
    }

    /** GiGPO and GRPO differ exactly where a group revisits a state with different returns. */
    @Test
    void gigpoAddsStepAdvantagesToGrposEpisodeAdvantages() throws IOException {
        GrpoConfig c = tiny("grpo").withBatch(8, 2, 2);
        AdvantageResult grpo;
        AdvantageResult gigpo;
        GroupRollout rollout;
        try (Grpo g = new Grpo(c, COIN, 1, coinPolicy())) {
            rollout = g.collect(TrainingListener.NONE);
            grpo = g.credit(rollout);
        }
        try (Grpo g = new Grpo(c.withEstimator("gigpo").withEstimatorOptions("step_weight=0"), COIN, 1, coinPolicy())) {
            AdvantageResult episodeOnly = g.credit(g.collect(TrainingListener.NONE));
            // same seed, same samples; with omega = 0 GiGPO is GRPO (unbiased std, eps 1e-6) on every policy token
            for (int i = 0; i < grpo.advantages().length; i++) {
                for (int j = 0; j < grpo.advantages()[i].length; j++) {
                    assertEquals(grpo.advantages()[i][j], episodeOnly.advantages()[i][j], 1e-9);
                }
            }
        }
        try (Grpo g = new Grpo(c.withEstimator("gigpo"), COIN, 1, coinPolicy())) {
            gigpo = g.credit(g.collect(TrainingListener.NONE));
        }
        // every episode's first turn is taken in the start state 0-1, so the first turns of a group form one
        // anchor group; where their discounted returns differ, GiGPO adds a step advantage GRPO lacks
        double maxDifference = 0;
        for (int i = 0; i < grpo.advantages().length; i++) {
            for (int j = 0; j < grpo.advantages()[i].length; j++) {
                maxDifference = Math.max(maxDifference, Math.abs(grpo.advantages()[i][j] - gigpo.advantages()[i][j]));
            }
        }
        assertTrue(maxDifference > 0.1, "gigpo never differed from grpo: " + maxDifference);
        assertTrue(rollout.responses().stream().mapToInt(r -> r.transcript().turns().size()).max().getAsInt() > 1);
    }

    @Test
    void multiTurnRunReportsTurnsAndFiniteLosses() throws IOException {
        Last r = new Last();
        Grpo.train(tiny("gigpo").withSampling(1.0, 1.0, 0), GUESS, 2, null, r, null, 0);
        assertTrue(r.metrics.get("charts/turns") >= 1.0, r.metrics.toString());
        assertTrue(Double.isFinite(r.metrics.get("losses/policy_loss")), r.metrics.toString());
        assertTrue(r.metrics.containsKey("eval/pass@1"), r.metrics.toString());
    }

    @Test
    void multiTurnEstimatorOnASingleResponseTaskIsRefusedNamingBoth() {
        EnvSpec countdown = Envs.spec(CountdownTask.ID);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Algorithms.get("grpo").validate(tiny("gigpo"), countdown));
        assertTrue(e.getMessage().contains("gigpo") && e.getMessage().contains(CountdownTask.ID)
                && e.getMessage().contains("multi-turn"), e.getMessage());
        // the same option on a multi-turn task is fine, with its own options checked
        Algorithms.get("grpo").validate(tiny("gigpo"), Envs.spec(GridNavTask.ID));
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withEstimator("gigpo")
                .withEstimatorOptions("gamma=2"));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().withEstimatorOptions("oops"));
        assertTrue(e.getMessage().contains("estimator_options") && e.getMessage().contains("oops"), e.getMessage());
    }
}
