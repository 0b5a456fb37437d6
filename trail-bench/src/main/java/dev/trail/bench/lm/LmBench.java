package dev.trail.bench.lm;

import ai.djl.ndarray.NDManager;
import dev.trail.algo.TrainingListener;
import dev.trail.algo.grpo.Grpo;
import dev.trail.algo.grpo.GrpoConfig;
import dev.trail.algo.sft.Sft;
import dev.trail.algo.sft.SftConfig;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.envs.token.TokenTasks;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.Sampler;
import dev.trail.lm.SamplingConfig;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measurements run once by hand, printing plain lines:
 * <pre>
 *   LmBench throughput [init=DIR] [env=Arithmetic-v0] [rows=128] [tokens=48]
 *   LmBench sft  [env=..] [steps=150] [seed=1] [out=runs/sft] [evalEvery=50]
 *   LmBench grpo [env=..] [init=runs/sft] [estimator=grpo] [minutes=20] [seed=1] [out=runs/grpo] [evalEvery=20]
 * </pre>
 */
public final class LmBench {

    private LmBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            o.put(kv[0], kv[1]);
        }
        String env = o.getOrDefault("env", "Arithmetic-v0");
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        TrainingListener print = new TrainingListener() {
            @Override
            public void onUpdate(int update, long globalStep, Map<String, Double> metrics) {
                StringBuilder sb = new StringBuilder("update " + update);
                metrics.forEach((k, v) -> sb.append(' ').append(k).append('=').append(String.format("%.4g", v)));
                System.out.println(sb);
            }
        };
        switch (args[0]) {
            case "throughput" -> throughput(o, env);
            case "sft" -> {
                SftConfig c = SftConfig.defaults();
                c = new SftConfig(c.model(), Integer.parseInt(o.getOrDefault("steps", "" + c.steps())), c.batchSize(),
                        Double.parseDouble(o.getOrDefault("lr", "" + c.learningRate())), c.warmupSteps(),
                        c.maxGradNorm(), Integer.parseInt(o.getOrDefault("evalEvery", "" + c.evalEvery())),
                        c.evalProblems(), c.logEvery());
                long t0 = System.nanoTime();
                Sft.Result r = Sft.run(c, dev.trail.envs.Envs.spec(env), seed, Path.of(o.getOrDefault("out", "runs/sft")), print);
                System.out.printf("sft done in %.1f s: held-out pass@1 %.3f -> %s%n", (System.nanoTime() - t0) / 1e9,
                        r.evaluation().passAt1(), r.checkpoint());
            }
            case "grpo" -> {
                GrpoConfig c = GrpoConfig.defaults().withEstimator(o.getOrDefault("estimator", "grpo"))
                        .withBudget(Integer.parseInt(o.getOrDefault("iterations", "100000")),
                                Double.parseDouble(o.getOrDefault("minutes", "20")))
                        .withEval(Integer.parseInt(o.getOrDefault("evalEvery", "20")),
                                Integer.parseInt(o.getOrDefault("evalProblems", "200")),
                                Integer.parseInt(o.getOrDefault("evalK", "4")))
                        .withLearningRate(Double.parseDouble(o.getOrDefault("lr", "" + GrpoConfig.defaults().learningRate())));
                if (o.containsKey("G")) {
                    c = c.withBatch(Integer.parseInt(o.get("G")), Integer.parseInt(o.get("B")), c.minibatches());
                }
                if (o.containsKey("minibatches")) {
                    c = c.withEpochs(c.updateEpochs(), Integer.parseInt(o.get("minibatches")));
                }
                if (o.containsKey("temperature")) {
                    c = c.withSampling(Double.parseDouble(o.get("temperature")), c.topP(), c.maxNewTokens());
                }
                if (o.containsKey("epochs")) {
                    c = c.withEpochs(Integer.parseInt(o.get("epochs")), c.minibatches());
                }
                if (o.containsKey("kl")) {
                    c = c.withKl(c.klKind(), Double.parseDouble(o.get("kl")), false);
                }
                if (o.containsKey("dapo")) {
                    c = c.withDapo();
                }
                long t0 = System.nanoTime();
                Path init = o.containsKey("init") ? Path.of(o.get("init")) : null;
                Grpo.Result r = Grpo.train(c, dev.trail.envs.Envs.spec(env), seed, init, print,
                        Path.of(o.getOrDefault("out", "runs/grpo")).resolve("checkpoints"), 0);
                System.out.printf("grpo(%s) done: %d updates in %.1f min: held-out pass@1 %.3f -> %.3f, pass@%d %.3f -> %.3f%n",
                        c.estimator(), r.updates(), (System.nanoTime() - t0) / 60e9, r.before().passAt1(),
                        r.after().passAt1(), c.evalK(), r.before().passAtK(), r.after().passAtK());
            }
            case "eval" -> {
                dev.trail.lm.LmEvaluation.Result r = dev.trail.lm.LmEvaluation.evaluate(Path.of(o.get("init")), dev.trail.envs.Envs.spec(env),
                        Integer.parseInt(o.getOrDefault("episodes", "500")), Integer.parseInt(o.getOrDefault("k", "8")),
                        seed);
                System.out.println(r);
            }
            default -> throw new IllegalArgumentException("modes: throughput, sft, grpo, eval");
        }
    }

    private static void throughput(Map<String, String> o, String env) throws Exception {
        Transformer model = o.containsKey("init") ? LmCheckpoint.load(Path.of(o.get("init"))).model()
                : Transformer.initialize(TransformerConfig.defaults(), new Rng(1));
        TokenTask task = TokenTasks.task(env);
        int rows = Integer.parseInt(o.getOrDefault("rows", "128"));
        int tokens = Integer.parseInt(o.getOrDefault("tokens", "" + task.defaultMaxResponseTokens()));
        Rng rng = new Rng(3);
        List<Problem> ps = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ps.add(task.sample(rng, Split.TRAIN));
        }
        try (NDManager manager = Torch.newManager()) {
            Sampler s = new Sampler(model);
            for (boolean cache : new boolean[] {true, false, true, false}) {
                SamplingConfig c = new SamplingConfig(1.0, 1.0, false, tokens, cache);
                s.sample(manager, task, ps, new Rng(4).split(rows), c);
                Sampler.Stats st = s.lastStats();
                System.out.printf("%s rows=%d maxNewTokens=%d cache=%s: %d tokens, %d steps, %.3f s, %.0f tokens/s%n",
                        env, rows, tokens, cache, st.tokensGenerated(), st.decodingSteps(), st.nanos() / 1e9,
                        st.tokensPerSecond());
            }
        }
    }
}
