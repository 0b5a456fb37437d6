package dev.trail.algo.grpo;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.loss.Aggregation;
import dev.trail.loss.KlEstimators;
import java.util.Arrays;
import java.util.List;

/**
 * {@link GrpoConfig} as named options for config files and {@code --set}
 * ({@code trail train --algo grpo|dr-grpo|rloo|remax|reinforce++|reinforce++-baseline|lite-ppo}).
 * {@code dapo=true} starts from DAPO's settings ({@link GrpoConfig#withDapo()}); explicit options
 * still override them.
 */
public final class GrpoOptions {

    private GrpoOptions() {
    }

    /** The options with {@link GrpoConfig#defaults()} as defaults. */
    public static List<Option> options() {
        GrpoConfig d = GrpoConfig.defaults();
        return List.of(
                Option.flag("dapo", false, "start from DAPO: clip-higher 0.2/0.28, token-mean, dynamic sampling, overlong shaping, no KL"),
                Option.integer("group_size", d.groupSize(), 1, 4096, "G, responses per prompt"),
                Option.integer("prompts_per_batch", d.promptsPerBatch(), 1, 1 << 16, "B, prompts per update"),
                Option.real("epsilon_low", d.epsilonLow(), 0, 1, "lower ratio clip"),
                Option.real("epsilon_high", d.epsilonHigh(), 0, 10, "upper ratio clip (DAPO clip-higher: 0.28)"),
                Option.text("dual_clip", "none", "dual-clip constant c > 1, or none"),
                Option.choice("aggregation", d.aggregation().cliName(), Aggregation.cliNames(), "loss aggregation mode"),
                Option.choice("kl", d.klKind().name().toLowerCase(), List.of("k1", "k2", "k3", "abs"), "KL estimator"),
                Option.real("kl_coef", d.klCoef(), 0, 1e6, "KL coefficient beta (0: off)"),
                Option.flag("kl_in_reward", d.klInReward(), "KL penalty in the reward instead of the loss"),
                Option.real("entropy_coef", d.entropyCoef(), 0, 1e6, "entropy bonus coefficient"),
                Option.integer("update_epochs", d.updateEpochs(), 1, 1000, "passes over each batch"),
                Option.integer("minibatches", d.minibatches(), 1, 1 << 20, "minibatches per epoch"),
                Option.real("learning_rate", d.learningRate(), Double.MIN_VALUE, 1, "Adam learning rate"),
                Option.real("max_grad_norm", d.maxGradNorm(), Double.MIN_VALUE, 1e9, "global gradient-norm clip"),
                Option.real("temperature", d.temperature(), Double.MIN_VALUE, 100, "sampling temperature"),
                Option.real("top_p", d.topP(), Double.MIN_VALUE, 1, "nucleus sampling mass"),
                Option.integer("max_new_tokens", d.maxNewTokens(), 0, 1 << 16, "response budget (0: the task's default)"),
                Option.flag("dynamic_sampling", d.dynamicSampling(), "DAPO: drop groups with equal rewards and refill"),
                Option.integer("max_gen_batches", d.maxGenBatches(), 1, 1000, "generation rounds allowed per update to refill"),
                Option.flag("overlong_shaping", d.overlongShaping(), "DAPO soft overlong penalty"),
                Option.integer("overlong_cache", d.overlongCache(), 0, 1 << 16, "overlong penalty window L_cache"),
                Option.integer("iterations", d.iterations(), 1, 10_000_000, "updates to run"),
                Option.real("max_minutes", d.maxMinutes(), 0, 1e6, "wall-clock budget in minutes (0: none)"),
                Option.integer("eval_every", d.evalEvery(), 0, 10_000_000, "updates between held-out evaluations"),
                Option.integer("eval_problems", d.evalProblems(), 1, 1_000_000, "held-out problems per evaluation"),
                Option.integer("eval_k", d.evalK(), 0, 1024, "samples per problem for pass@k (0: greedy only)"));
    }

    /**
     * A config for {@code estimator} from resolved {@link #options()}.
     *
     * @param explicit the keys the user set (so that {@code dapo=true} keeps DAPO's values for the others)
     */
    public static GrpoConfig fromOptions(String estimator, Options o, java.util.Set<String> explicit) {
        GrpoConfig base = GrpoConfig.defaults().withEstimator(estimator);
        if (o.getBoolean("dapo")) {
            base = base.withDapo();
        }
        String dual = o.getString("dual_clip").trim();
        double dualClip;
        if (dual.isEmpty() || dual.equalsIgnoreCase("none")) {
            dualClip = Double.POSITIVE_INFINITY;
        } else {
            try {
                dualClip = Double.parseDouble(dual);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option dual_clip=" + dual + " is not a number or none");
            }
        }
        GrpoConfig b = base;
        return new GrpoConfig(estimator,
                pick(explicit, "group_size", o.getInt("group_size"), b.groupSize()),
                pick(explicit, "prompts_per_batch", o.getInt("prompts_per_batch"), b.promptsPerBatch()),
                pick(explicit, "epsilon_low", o.getDouble("epsilon_low"), b.epsilonLow()),
                pick(explicit, "epsilon_high", o.getDouble("epsilon_high"), b.epsilonHigh()),
                explicit.contains("dual_clip") ? dualClip : b.dualClipC(),
                explicit.contains("aggregation") ? Aggregation.fromCliName(o.getString("aggregation")) : b.aggregation(),
                explicit.contains("kl") ? KlEstimators.Kind.fromName(o.getString("kl")) : b.klKind(),
                pick(explicit, "kl_coef", o.getDouble("kl_coef"), b.klCoef()),
                pick(explicit, "kl_in_reward", o.getBoolean("kl_in_reward"), b.klInReward()),
                pick(explicit, "entropy_coef", o.getDouble("entropy_coef"), b.entropyCoef()),
                pick(explicit, "update_epochs", o.getInt("update_epochs"), b.updateEpochs()),
                pick(explicit, "minibatches", o.getInt("minibatches"), b.minibatches()),
                pick(explicit, "learning_rate", o.getDouble("learning_rate"), b.learningRate()),
                pick(explicit, "max_grad_norm", o.getDouble("max_grad_norm"), b.maxGradNorm()),
                pick(explicit, "temperature", o.getDouble("temperature"), b.temperature()),
                pick(explicit, "top_p", o.getDouble("top_p"), b.topP()),
                pick(explicit, "max_new_tokens", o.getInt("max_new_tokens"), b.maxNewTokens()),
                pick(explicit, "dynamic_sampling", o.getBoolean("dynamic_sampling"), b.dynamicSampling()),
                pick(explicit, "max_gen_batches", o.getInt("max_gen_batches"), b.maxGenBatches()),
                pick(explicit, "overlong_shaping", o.getBoolean("overlong_shaping"), b.overlongShaping()),
                pick(explicit, "overlong_cache", o.getInt("overlong_cache"), b.overlongCache()),
                pick(explicit, "iterations", o.getInt("iterations"), b.iterations()),
                pick(explicit, "max_minutes", o.getDouble("max_minutes"), b.maxMinutes()),
                pick(explicit, "eval_every", o.getInt("eval_every"), b.evalEvery()),
                pick(explicit, "eval_problems", o.getInt("eval_problems"), b.evalProblems()),
                pick(explicit, "eval_k", o.getInt("eval_k"), b.evalK()),
                b.model());
    }

    private static <T> T pick(java.util.Set<String> explicit, String key, T given, T base) {
        return explicit.contains(key) ? given : base;
    }

    /** The supported estimator names, for messages. */
    public static String estimators() {
        return Arrays.toString(GrpoConfig.ESTIMATORS.toArray());
    }
}
