package dev.trail.algo.sft;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.token.Vocabulary;
import dev.trail.lm.TransformerConfig;
import java.util.List;

/** {@link SftConfig} as named options for config files and {@code --set} ({@code trail sft}). */
public final class SftOptions {

    private SftOptions() {
    }

    /** The options with {@link SftConfig#defaults()} as defaults. */
    public static List<Option> options() {
        SftConfig d = SftConfig.defaults();
        TransformerConfig m = d.model();
        return List.of(
                Option.integer("steps", d.steps(), 1, 10_000_000, "gradient steps"),
                Option.integer("batch_size", d.batchSize(), 1, 1 << 16, "demonstrations per step"),
                Option.real("learning_rate", d.learningRate(), Double.MIN_VALUE, 1, "peak Adam learning rate"),
                Option.integer("warmup_steps", d.warmupSteps(), 0, 10_000_000, "linear warm-up steps"),
                Option.real("max_grad_norm", d.maxGradNorm(), Double.MIN_VALUE, 1e9, "global gradient-norm clip"),
                Option.integer("eval_every", d.evalEvery(), 0, 10_000_000, "steps between held-out evaluations (0: end only)"),
                Option.integer("eval_problems", d.evalProblems(), 1, 1_000_000, "held-out problems per evaluation"),
                Option.integer("layers", m.layers(), 1, 64, "transformer blocks"),
                Option.integer("width", m.width(), 1, 8192, "model width d (divisible by heads)"),
                Option.integer("heads", m.heads(), 1, 128, "attention heads"),
                Option.integer("context", m.contextLength(), 2, 8192, "context length in tokens"),
                Option.integer("mlp_ratio", m.mlpRatio(), 1, 16, "MLP hidden width over d"));
    }

    /** A config from resolved {@link #options()}. */
    public static SftConfig fromOptions(Options o) {
        SftConfig d = SftConfig.defaults();
        TransformerConfig m = d.model();
        TransformerConfig model = new TransformerConfig(Vocabulary.size(), o.getInt("layers"), o.getInt("width"),
                o.getInt("heads"), o.getInt("context"), o.getInt("mlp_ratio"), m.tiedEmbeddings(), m.initStd());
        return new SftConfig(model, o.getInt("steps"), o.getInt("batch_size"), o.getDouble("learning_rate"),
                o.getInt("warmup_steps"), o.getDouble("max_grad_norm"), o.getInt("eval_every"), o.getInt("eval_problems"),
                d.logEvery());
    }
}
