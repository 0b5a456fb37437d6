package dev.trail.lm;

import ai.djl.ndarray.NDManager;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.env.EnvSpec;
import dev.trail.token.TokenEnv;
import dev.trail.token.Transcript;
import dev.trail.nn.Torch;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held-out evaluation of a language policy on a token task: pass@1 by greedy decoding, and with
 * {@code k > 0} also {@code n = k} samples per problem at the sampling temperature for sampled
 * pass@1 (mean of {@code c/n}) and the unbiased pass@k of Chen et al. 2021,
 * {@code 1 − C(n−c, k)/C(n, k)}; mean response length, format-error rate (responses the verifier
 * finds malformed), truncation rate and tool-call rate of the greedy responses.
 *
 * <p>Problems come from {@link Split#HELD_OUT}, drawn from a stream named by the seed, so the
 * same seed evaluates the same problems (and the training run never sees them).
 */
public final class LmEvaluation {

    private LmEvaluation() {
    }

    /**
     * @param envId the task
     * @param problems held-out problems evaluated
     * @param k samples per problem for pass@k (0: greedy only)
     * @param passAt1 greedy pass@1
     * @param passAt1Sampled sampled pass@1 (NaN when k = 0)
     * @param passAtK unbiased pass@k (NaN when k = 0)
     * @param meanResponseLength mean tokens per greedy response (tool outputs and EOS included)
     * @param formatErrorRate share of greedy responses without the answer format
     * @param truncationRate share of greedy responses cut at the length budget
     * @param toolCallRate share of greedy responses with at least one tool call
     */
    public record Result(String envId, int problems, int k, double passAt1, double passAt1Sampled, double passAtK,
            double meanResponseLength, double formatErrorRate, double truncationRate, double toolCallRate) {

        /** The figures as namespaced metrics ({@code eval/pass@1}, ...). */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("eval/pass@1", passAt1);
            if (k > 0) {
                m.put("eval/pass@1_sampled", passAt1Sampled);
                m.put("eval/pass@" + k, passAtK);
            }
            m.put("eval/response_length", meanResponseLength);
            m.put("eval/format_error_rate", formatErrorRate);
            m.put("eval/truncation_rate", truncationRate);
            m.put("eval/tool_call_rate", toolCallRate);
            return m;
        }
    }

    /**
     * Evaluates a checkpoint (or run directory) on {@code envId}: the CLI's {@code trail eval}.
     *
     * @param episodes held-out problems
     * @param k samples per problem for pass@k (0 for greedy pass@1 only)
     */
    public static Result evaluate(Path checkpoint, EnvSpec env, int episodes, int k, long seed) throws IOException {
        LmCheckpoint.Loaded loaded = LmCheckpoint.load(checkpoint);
        TokenTask task = TokenEnv.taskOf(env);
        try (NDManager manager = Torch.newManager()) {
            return evaluate(manager, loaded.model(), task, episodes, k, 1.0, seed);
        }
    }

    /** The held-out problems of an evaluation: {@code count} draws from a stream named by {@code seed}. */
    public static List<Problem> heldOutProblems(TokenTask task, int count, long seed) {
        Rng rng = Seeds.stream(seed, "eval-problems");
        List<Problem> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(task.sample(rng, Split.HELD_OUT));
        }
        return out;
    }

    /** Evaluates {@code model} on {@code problems} held-out problems of {@code task}. */
    public static Result evaluate(NDManager manager, Transformer model, TokenTask task, int problems, int k,
            double temperature, long seed) {
        if (problems < 1) {
            throw new IllegalArgumentException("evaluation needs at least one problem, got " + problems);
        }
        if (k < 0) {
            throw new IllegalArgumentException("pass@k needs k >= 0, got " + k);
        }
        List<Problem> set = heldOutProblems(task, problems, seed);
        int maxNew = task.defaultMaxResponseTokens();
        Sampler sampler = new Sampler(model);
        Rng[] none = new Rng[problems];
        for (int i = 0; i < problems; i++) {
            none[i] = new Rng(i);
        }
        List<Sampler.Sample> greedy = sampler.sample(manager, task, set, none, SamplingConfig.greedy(maxNew));
        int correct = 0, malformed = 0, truncated = 0, tools = 0;
        double length = 0;
        for (Sampler.Sample s : greedy) {
            Transcript t = s.transcript();
            correct += t.verdict().correct() ? 1 : 0;
            malformed += t.verdict().formatOk() ? 0 : 1;
            truncated += t.truncated() ? 1 : 0;
            tools += t.toolCalls() > 0 ? 1 : 0;
            length += t.responseLength();
        }
        double sampledPass1 = Double.NaN, passK = Double.NaN;
        if (k > 0) {
            List<Problem> repeated = new ArrayList<>(problems * k);
            for (Problem p : set) {
                for (int j = 0; j < k; j++) {
                    repeated.add(p);
                }
            }
            Rng[] streams = Seeds.stream(seed, "eval-sampling").split(repeated.size());
            List<Sampler.Sample> sampled = sampler.sample(manager, task, repeated, streams,
                    SamplingConfig.sampled(temperature, maxNew));
            double p1 = 0, pk = 0;
            for (int i = 0; i < problems; i++) {
                int c = 0;
                for (int j = 0; j < k; j++) {
                    c += sampled.get(i * k + j).transcript().verdict().correct() ? 1 : 0;
                }
                p1 += passAtK(k, c, 1);
                pk += passAtK(k, c, k);
            }
            sampledPass1 = p1 / problems;
            passK = pk / problems;
        }
        return new Result(task.id(), problems, k, (double) correct / problems, sampledPass1, passK,
                length / problems, (double) malformed / problems, (double) truncated / problems,
                (double) tools / problems);
    }

    /**
     * The unbiased pass@k estimate from {@code n} samples of which {@code c} are correct:
     * {@code 1 − C(n−c, k)/C(n, k)}, computed as {@code 1 − Π_{i=n−c+1..n} (1 − k/i)} (Chen et al. 2021).
     */
    public static double passAtK(int n, int c, int k) {
        if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n, got n=" + n + ", c=" + c
                    + ", k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            prod *= 1.0 - (double) k / i;
        }
        return 1.0 - prod;
    }
}
