package dev.trail.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.config.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossOptionsTest {

    @Test
    void defaultsArePlainPpo() {
        Options o = Options.defaults("policy loss", LossOptions.all());
        assertEquals(PolicyLoss.Clip.ppo(0.2), LossOptions.clip(o));
        assertEquals(Aggregation.TOKEN_MEAN, LossOptions.aggregation(o));
        assertEquals(KlEstimators.Kind.K3, LossOptions.klEstimator(o));
        assertEquals(0.2, LossOptions.valueClipRange(o));
    }

    @Test
    void dapoWithDualClipFromSettings() {
        Options o = Options.resolve("policy loss", LossOptions.all(), Map.of("clip_epsilon_high", "0.28",
                "dual_clip", "true", "dual_clip_c", "10", "value_clip_range", "Infinity"));
        assertEquals(new PolicyLoss.Clip(0.2, 0.28, 10.0), LossOptions.clip(o));
        assertEquals(ValueLoss.NO_CLIP, LossOptions.valueClipRange(o));
    }

    @Test
    void drGrpoAggregationNeedsMaxLength() {
        Options missing = Options.resolve("policy loss", LossOptions.all(),
                Map.of("loss_aggregation", "seq-mean-token-sum-norm"));
        var e = assertThrows(IllegalArgumentException.class, () -> LossOptions.aggregation(missing));
        assertTrue(e.getMessage().contains("loss_max_length"), e.getMessage());
        Options set = Options.resolve("policy loss", LossOptions.all(),
                Map.of("loss_aggregation", "seq-mean-token-sum-norm", "loss_max_length", "4096"));
        assertEquals(Aggregation.SEQ_MEAN_TOKEN_SUM_NORM, LossOptions.aggregation(set));
        assertEquals(4096, LossOptions.maxLength(set));
        assertThrows(IllegalArgumentException.class, () -> Options.resolve("policy loss", LossOptions.all(),
                Map.of("loss_aggregation", "mean")));
    }
}
