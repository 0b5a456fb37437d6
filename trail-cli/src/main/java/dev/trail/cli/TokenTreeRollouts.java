package dev.trail.cli;

import ai.djl.ndarray.NDManager;
import dev.trail.algo.grpo.TreeRolloutConfig;
import dev.trail.config.bind.ConfigBinder;
import dev.trail.data.Labels;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import dev.trail.lm.ForkingDecoder;
import dev.trail.lm.LmCheckpoint;
import dev.trail.lm.Sampler;
import dev.trail.lm.SamplingConfig;
import dev.trail.lm.Transformer;
import dev.trail.lm.TransformerConfig;
import dev.trail.nn.Torch;
import dev.trail.rollout.GroupRollout;
import dev.trail.rollout.ResponseSampler;
import dev.trail.rollout.TreeCollector;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenEnv;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code trail rollout --tree iid|spo|latr|arpo}: G responses per problem of a token task from a
 * language-model policy, sampled independently ({@code iid}, the batch {@link Sampler}) or as a
 * rollout tree ({@link TreeCollector} with the strategy of {@link TreeRolloutConfig}), written as
 * trajectories whose tree members carry {@code parent} and {@code branch_step}.
 */
final class TokenTreeRollouts {

    /** What a run produced: the trajectories in group order and the budget. */
    record Result(List<Trajectory> trajectories, GroupRollout rollout, double seconds) {
    }

    private TokenTreeRollouts() {
    }

    static TreeRolloutConfig.Kind kind(String tree) {
        return switch (tree) {
            case "iid" -> TreeRolloutConfig.Kind.IID;
            case "spo" -> TreeRolloutConfig.Kind.TREE_SPO;
            case "latr" -> TreeRolloutConfig.Kind.TREE_LATR;
            case "arpo" -> TreeRolloutConfig.Kind.TREE_ARPO;
            default -> throw new UserError("--tree " + tree + " is not one of iid, spo, latr, arpo");
        };
    }

    static TreeRolloutConfig settings(Map<String, String> sets) {
        try {
            return ConfigBinder.of("tree", TreeRolloutConfig.class, TreeRolloutConfig.defaults()).bind(null, sets);
        } catch (IllegalArgumentException e) {
            throw new UserError("--set: " + e.getMessage(), e);
        }
    }

    static TokenTask task(String envId) {
        EnvSpec spec;
        try {
            spec = Envs.spec(envId);
            return TokenEnv.taskOf(spec);
        } catch (IllegalArgumentException e) {
            throw new UserError("--tree needs a token task (--env Arithmetic-v0, Countdown-v0, ...): " + e.getMessage(), e);
        }
    }

    static Transformer policy(String policy, long seed) {
        if (policy.equals("random")) {
            return Transformer.initialize(TransformerConfig.defaults(), Seeds.stream(seed, "init"));
        }
        try {
            return LmCheckpoint.load(Path.of(policy)).model();
        } catch (IOException | RuntimeException e) {
            throw new UserError("--policy " + policy + " is not a language-model checkpoint or run: " + e.getMessage(), e);
        }
    }

    /**
     * Samples {@code problems} training problems (drawn from the seed) with {@code groupSize} responses each.
     *
     * @param maxNewTokens response budget (0: the task's default)
     */
    static Result run(String envId, TokenTask task, Transformer model, TreeRolloutConfig.Kind kind,
            TreeRolloutConfig tree, int problems, int groupSize, double temperature, int maxNewTokens, long seed,
            String policyLabel) {
        int maxNew = maxNewTokens > 0 ? maxNewTokens : task.defaultMaxResponseTokens();
        Rng problemRng = Seeds.stream(seed, "prompts");
        Rng sampling = Seeds.stream(seed, "sampling");
        List<Problem> batch = new ArrayList<>();
        for (int i = 0; i < problems; i++) {
            batch.add(task.sample(problemRng, Split.TRAIN));
        }
        long start = System.nanoTime();
        GroupRollout rollout;
        try (NDManager manager = Torch.newManager()) {
            if (kind.isTree()) {
                TreeCollector c;
                try {
                    c = new TreeCollector(task, tree.strategy(kind, groupSize, maxNew, 0),
                            new TreeCollector.Settings(temperature, 1.0, maxNew, model.config().contextLength(), problems),
                            Transcript::reward, problemRng, sampling);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage(), e);
                }
                rollout = c.grow(ForkingDecoder.factory(manager, model), batch, "");
            } else {
                rollout = independent(manager, task, model, batch, groupSize, temperature, maxNew, sampling);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Trajectory> out = new ArrayList<>();
        List<TrajectoryGroup> groups = rollout.groups();
        for (int gi = 0; gi < groups.size(); gi++) {
            GroupRollout.Group g = rollout.kept().get(gi);
            for (int j = 0; j < groups.get(gi).size(); j++) {
                Trajectory t = groups.get(gi).get(j);
                Transcript tr = g.responses().get(j).transcript();
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put(Labels.POLICY, policyLabel);
                labels.put("rollout", kind.cliName());
                labels.put("problem", tr.problemKey());
                labels.put("prompt_tokens", tokens(tr.promptTokens()));
                labels.put("response", tr.responseText());
                out.add(new Trajectory(t.id(), t.groupId(), seed, null, 0, t.actions(), t.actionSize(), t.rewards(),
                        t.logProbs(), null, t.mask(), t.terminated(), t.truncated(), Double.NaN, null, envId, null,
                        t.parentId(), t.branchStep(), labels));
            }
        }
        return new Result(out, rollout, seconds);
    }

    /** G independent responses per problem with the batch sampler, as a (tree-less) group rollout. */
    static GroupRollout independent(NDManager manager, TokenTask task, Transformer model, List<Problem> batch,
            int groupSize, double temperature, int maxNew, Rng sampling) {
        List<Problem> rows = new ArrayList<>();
        for (Problem p : batch) {
            for (int k = 0; k < groupSize; k++) {
                rows.add(p);
            }
        }
        Sampler sampler = new Sampler(model);
        long start = System.nanoTime();
        List<Sampler.Sample> samples = sampler.sample(manager, task, rows, sampling.split(rows.size()),
                new SamplingConfig(temperature, 1.0, false, maxNew, true));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<GroupRollout.Group> kept = new ArrayList<>();
        int correct = 0, malformed = 0, tool = 0, truncated = 0;
        long responseTokens = 0;
        double rewardSum = 0;
        for (int i = 0; i < batch.size(); i++) {
            List<ResponseSampler.Response> rs = new ArrayList<>();
            double[] rewards = new double[groupSize];
            for (int k = 0; k < groupSize; k++) {
                Sampler.Sample s = samples.get(i * groupSize + k);
                Transcript t = s.transcript();
                rs.add(new ResponseSampler.Response(t, s.logProbs()));
                rewards[k] = t.reward();
                rewardSum += rewards[k];
                correct += t.verdict().correct() ? 1 : 0;
                malformed += t.verdict().formatOk() ? 0 : 1;
                tool += t.toolCalls() > 0 ? 1 : 0;
                truncated += t.truncated() ? 1 : 0;
                responseTokens += t.responseLength();
            }
            kept.add(new GroupRollout.Group(String.valueOf(i), batch.get(i), rs, rewards, Double.NaN));
        }
        Sampler.Stats st = sampler.lastStats();
        GroupRollout.Stats stats = new GroupRollout.Stats(rows.size(), rewardSum, correct, malformed,
                st.tokensGenerated(), responseTokens, tool, truncated, batch.size(), 1, seconds);
        GroupRollout plain = new GroupRollout(kept, stats);
        GroupRollout.Budget b = plain.budget();
        return new GroupRollout(kept, stats, new GroupRollout.Budget(b.tokensSampled(), b.tokensComputed(),
                st.positionsEvaluated(), b.trajectories()));
    }

    private static String tokens(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(b.isEmpty() ? "" : " ").append(id);
        }
        return b.toString();
    }

    /** One summary line of the budget. */
    static String summary(Result r) {
        GroupRollout.Budget b = r.rollout().budget();
        GroupRollout.Stats s = r.rollout().stats();
        return String.format(java.util.Locale.ROOT,
                "rollout: %d groups, %d trajectories; reward mean %.4f; tokens sampled %d, computed %d (%.1f per"
                        + " trajectory), positions evaluated %d; %.0f sampled tokens/s, %.2f trajectories/s (%.2f s)",
                r.rollout().kept().size(), b.trajectories(), s.responses() == 0 ? 0 : s.rewardSum() / s.responses(),
                b.tokensSampled(), b.tokensComputed(), b.tokensComputedPerTrajectory(), b.positionsEvaluated(),
                b.tokensSampled() / Math.max(r.seconds(), 1e-9), b.trajectories() / Math.max(r.seconds(), 1e-9),
                r.seconds());
    }

    static String describe(int[] a) {
        return Arrays.toString(a);
    }
}
