package dev.trail.loss;

import dev.trail.config.Option;
import dev.trail.config.Options;
import java.util.Arrays;
import java.util.List;

/**
 * Declared options of the loss math, with the spec's defaults (ALGORITHMS.md Appendix B.5), and
 * the factories that turn resolved {@link Options} into the values the math takes. The math itself
 * never reads options: algorithms resolve them at the edge and pass plain values.
 */
public final class LossOptions {

    /** ε_low (§0.5): PPO and DAPO 0.2. */
    public static final Option CLIP_EPSILON_LOW = Option.real("clip_epsilon_low", 0.2, 0.0, 0.99,
            "ratio clipped below at 1 - clip_epsilon_low");
    /** ε_high (§0.5): PPO 0.2; DAPO clip-higher 0.28. */
    public static final Option CLIP_EPSILON_HIGH = Option.real("clip_epsilon_high", 0.2, 0.0, 10.0,
            "ratio clipped above at 1 + clip_epsilon_high (DAPO: 0.28)");
    /** Whether the dual clip is on (§2.2). */
    public static final Option DUAL_CLIP = Option.flag("dual_clip", false,
            "cap the loss of negative-advantage tokens at -A*dual_clip_c");
    /** c of the dual clip (§2.2): verl 3, verl DAPO recipes 10. */
    public static final Option DUAL_CLIP_C = Option.real("dual_clip_c", PolicyLoss.Clip.DEFAULT_DUAL_CLIP_C, 1.0,
            Double.POSITIVE_INFINITY, "dual-clip constant c > 1 (verl 3, DAPO recipes 10)");
    /** Loss aggregation mode (§0.4). */
    public static final Option LOSS_AGGREGATION = Option.choice("loss_aggregation", Aggregation.TOKEN_MEAN.cliName(),
            Aggregation.cliNames(), "how per-token losses become one scalar");
    /** L_max for the Dr. GRPO aggregation (0 = not set). */
    public static final Option LOSS_MAX_LENGTH = Option.integer("loss_max_length", 0, 0, Integer.MAX_VALUE,
            "generation budget L_max for seq-mean-token-sum-norm (required by that mode)");
    /** Value clip range ε_v (§2.1): classic 0.2, verl 0.5; {@code Infinity} turns clipping off. */
    public static final Option VALUE_CLIP_RANGE = Option.real("value_clip_range", 0.2, 0.0, Double.POSITIVE_INFINITY,
            "value prediction clipped to oldValue +- value_clip_range (Infinity: off)");
    /** KL estimator (§0.6). */
    public static final Option KL_ESTIMATOR = Option.choice("kl_estimator", KlEstimators.Kind.K3.cliName(),
            Arrays.stream(KlEstimators.Kind.values()).map(KlEstimators.Kind::cliName).toList(),
            "per-token KL estimator: k1, k2, k3 (low_var_kl) or abs");

    private LossOptions() {
    }

    /** All loss options, in a stable order. */
    public static List<Option> all() {
        return List.of(CLIP_EPSILON_LOW, CLIP_EPSILON_HIGH, DUAL_CLIP, DUAL_CLIP_C, LOSS_AGGREGATION, LOSS_MAX_LENGTH,
                VALUE_CLIP_RANGE, KL_ESTIMATOR);
    }

    /** The clip settings of resolved options. */
    public static PolicyLoss.Clip clip(Options options) {
        PolicyLoss.Clip clip = new PolicyLoss.Clip(options.getDouble(CLIP_EPSILON_LOW.name()),
                options.getDouble(CLIP_EPSILON_HIGH.name()), Double.POSITIVE_INFINITY);
        return options.getBoolean(DUAL_CLIP.name()) ? clip.withDualClip(options.getDouble(DUAL_CLIP_C.name())) : clip;
    }

    /** The aggregation mode of resolved options; Dr. GRPO's mode also needs {@link #maxLength}. */
    public static Aggregation aggregation(Options options) {
        Aggregation a = Aggregation.fromCliName(options.getString(LOSS_AGGREGATION.name()));
        if (a.needsMaxLength() && options.getInt(LOSS_MAX_LENGTH.name()) <= 0) {
            throw new IllegalArgumentException("option " + LOSS_AGGREGATION.name() + "=" + a.cliName() + " needs "
                    + LOSS_MAX_LENGTH.name() + " > 0 (the generation budget L_max)");
        }
        return a;
    }

    /** L_max for the Dr. GRPO aggregation (0 when not set). */
    public static int maxLength(Options options) {
        return options.getInt(LOSS_MAX_LENGTH.name());
    }

    /** ε_v of resolved options. */
    public static double valueClipRange(Options options) {
        return options.getDouble(VALUE_CLIP_RANGE.name());
    }

    /** The KL estimator of resolved options. */
    public static KlEstimators.Kind klEstimator(Options options) {
        return KlEstimators.Kind.fromName(options.getString(KL_ESTIMATOR.name()));
    }
}
