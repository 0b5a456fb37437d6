package dev.trail.algo.sft;

import dev.trail.nn.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trail.algo.TrainingDivergedException;
import dev.trail.algo.TrainingListener;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.env.EnvSpec;
import dev.trail.token.TokenEnv;
import dev.trail.token.Transcript;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.LmEvaluation;
import dev.trail.lm.TokenBatch;
import dev.trail.lm.Transformer;
import dev.trail.nn.Parameters;
import dev.trail.nn.Torch;
import dev.trail.optim.Adam;
import dev.trail.optim.GradientClipping;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning ("SFT warm start") of a fresh {@link Transformer} on a token task's
 * demonstrations: every step draws {@code batchSize} training problems, writes their reference
 * responses ({@link TokenTask#demonstration}, tool outputs filled in by a {@link ResponseBuilder}),
 * and minimises the token-mean cross-entropy of the policy tokens of the responses (prompt and
 * tool-output tokens are masked out), with Adam.
 *
 * <p>Streams: {@code init} (weights), {@code sft-data} (problems); evaluation uses the held-out
 * split with the run's seed. The result is written to {@code outDir/checkpoints/final} with the
 * transformer config and vocabulary in its metadata, ready for {@code --init}.
 */
public final class Sft {

    /** Token-mean cross-entropy of the last step. */
    public static final String SFT_LOSS = "losses/sft_loss";

    private Sft() {
    }

    /**
     * What a run produced.
     *
     * @param checkpoint the final checkpoint directory
     * @param evaluation the held-out evaluation after the last step
     * @param model the trained model
     */
    public record Result(Path checkpoint, LmEvaluation.Result evaluation, Transformer model) {
    }

    /**
     * Trains and saves a warm-start model: the CLI's {@code trail sft --env ID}.
     *
     * @param outDir the run directory; the model goes to {@code outDir/checkpoints/final}
     */
    public static Result run(SftConfig config, EnvSpec env, long seed, Path outDir, TrainingListener listener)
            throws IOException {
        TokenTask task = TokenEnv.taskOf(env);
        String envId = env.id();
        int contextLength = config.model().contextLength();
        int maxNew = task.defaultMaxResponseTokens();
        Transformer model = Transformer.initialize(config.model(), Seeds.stream(seed, "init"));
        Adam adam = new Adam(model.parameters(), 0.9, 0.999, 1e-8);
        Rng data = Seeds.stream(seed, "sft-data");
        LmEvaluation.Result eval = null;
        long tokens = 0;
        int skippedSteps = 0;
        int consecutiveSkips = 0;
        long start = System.nanoTime();
        try (NDManager manager = Torch.newManager()) {
            for (int step = 0; step < config.steps(); step++) {
                List<Transcript> demos = new ArrayList<>(config.batchSize());
                for (int i = 0; i < config.batchSize(); i++) {
                    Problem p = task.sample(data, Split.TRAIN);
                    demos.add(ResponseBuilder.respond(task, p, task.demonstration(p), contextLength, maxNew));
                }
                TokenBatch batch = TokenBatch.of(demos);
                double lr = config.learningRateAt(step);
                double loss;
                double gradNorm;
                try (NDManager sub = manager.newSubManager();
                        GradientCollector collector = Torch.engine().newGradientCollector()) {
                    Parameters.Bound w = model.parameters().bind(sub);
                    NDArray logProbs = model.tokenLogProbs(w, batch.inputsTensor(sub), batch.targetsTensor(sub), 1.0,
                            false).logProbs();
                    NDArray mask = batch.tensor(sub, batch.mask());
                    NDArray nll = Tensors.div(logProbs.mul(mask).sum().neg(), (float) batch.maskedTokens());
                    collector.backward(nll);
                    loss = nll.getFloat();
                    float[][] grads = w.gradients();
                    gradNorm = GradientClipping.clipGlobalNorm(grads, config.maxGradNorm());
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException("SFT", SFT_LOSS, step + 1, loss);
                    }
                    if (Double.isFinite(gradNorm)) {
                        adam.step(model.parameters(), grads, lr);
                        consecutiveSkips = 0;
                    } else if (++consecutiveSkips > 8) {
                        // a rare non-finite gradient with a finite loss is skipped (see Grpo); a run of them is not
                        throw new TrainingDivergedException("SFT", "losses/grad_norm", step + 1, gradNorm);
                    } else {
                        skippedSteps++;
                    }
                }
                tokens += batch.maskedTokens();
                boolean last = step + 1 == config.steps();
                boolean evalNow = last || (config.evalEvery() > 0 && (step + 1) % config.evalEvery() == 0);
                if (evalNow || (step + 1) % config.logEvery() == 0) {
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put(SFT_LOSS, loss);
                    metrics.put("losses/grad_norm", gradNorm);
                    metrics.put("losses/skipped_steps", (double) skippedSteps);
                    metrics.put("charts/learning_rate", lr);
                    metrics.put("time/tokens_per_second", tokens * 1e9 / (System.nanoTime() - start));
                    if (evalNow) {
                        eval = LmEvaluation.evaluate(manager, model, task, config.evalProblems(), 0, 1.0, seed);
                        metrics.putAll(eval.metrics());
                    }
                    listener.onUpdate(step + 1, tokens, metrics);
                }
            }
        }
        Path dir = outDir.resolve(LmCheckpoint.FINAL);
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("algorithm", "sft");
        meta.put("envId", envId);
        meta.put("seed", seed);
        meta.put("steps", config.steps());
        meta.put("skippedSteps", skippedSteps);
        meta.put("eval/pass@1", eval.passAt1());
        LmCheckpoint.save(dir, model, meta);
        listener.onCheckpoint(config.steps(), tokens, dir);
        return new Result(dir, eval, model);
    }
}
