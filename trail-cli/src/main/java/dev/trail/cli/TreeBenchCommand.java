package dev.trail.cli;

import dev.trail.algo.grpo.TreeRolloutConfig;
import dev.trail.lm.Transformer;
import dev.trail.rollout.GroupRollout;
import dev.trail.token.TokenTask;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trail bench trees}: sampling throughput of tree rollouts against the i.i.d. batch sampler
 * on the same problems with the same policy. The rollout kinds take turns within each repeat (so a
 * change of machine load hits all of them), after one warm-up round; medians are reported.
 */
@Command(name = "trees", mixinStandardHelpOptions = true,
        description = {"Sample B problems x G responses of a token task with a language-model policy, i.i.d. and as"
                + " rollout trees, and print per kind the medians of: sampled tokens/s, milliseconds per completed"
                + " trajectory, tokens computed and (row, position) pairs evaluated per completed trajectory.",
            "Example: trail bench trees --env Arithmetic-v0 --policy runs/<sft-run> --problems 16 --group-size 8"})
final class TreeBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Token task id.")
    String envId;

    @Option(names = "--policy", defaultValue = "random", paramLabel = "random|RUN",
            description = "A language-model run or checkpoint, or `random` (fresh default weights; default).")
    String policy;

    @Option(names = "--rollouts", defaultValue = "iid,spo,latr,arpo", split = ",", paramLabel = "KINDS",
            description = "Kinds to measure, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--problems", defaultValue = "16", paramLabel = "B", description = "Problems per round (default: ${DEFAULT-VALUE}).")
    int problems;

    @Option(names = "--group-size", defaultValue = "8", paramLabel = "G", description = "Responses per problem (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--max-new-tokens", defaultValue = "0", paramLabel = "N", description = "Response budget (default: the task's).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "Temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "R", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed; round r uses seed S + r (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Tree setting (as trail rollout --set).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        UserError.requirePositive("--problems", problems);
        UserError.requirePositive("--group-size", groupSize);
        UserError.requirePositive("--repeats", repeats);
        TreeRolloutConfig tree = TokenTreeRollouts.settings(settings);
        List<TreeRolloutConfig.Kind> ks = new ArrayList<>();
        for (String k : kinds) {
            ks.add(TokenTreeRollouts.kind(k.trim()));
        }
        TokenTask task = TokenTreeRollouts.task(envId);
        Transformer model = TokenTreeRollouts.policy(policy, seed);
        PrintWriter w = spec.commandLine().getOut();
        double[][][] m = new double[ks.size()][5][repeats];
        for (int r = -1; r < repeats; r++) {
            for (int k = 0; k < ks.size(); k++) {
                TokenTreeRollouts.Result res = TokenTreeRollouts.run(envId, task, model, ks.get(k), tree, problems,
                        groupSize, temperature, maxNewTokens, seed + Math.max(r, 0), policy);
                if (r < 0) {
                    continue; // warm-up
                }
                GroupRollout.Budget b = res.rollout().budget();
                int n = Math.max(1, b.trajectories());
                m[k][0][r] = b.tokensSampled() / res.seconds();
                m[k][1][r] = res.seconds() * 1000 / n;
                m[k][2][r] = b.tokensComputedPerTrajectory();
                m[k][3][r] = (double) b.positionsEvaluated() / n;
                m[k][4][r] = res.rollout().stats().responseTokens() / (double) n;
            }
        }
        w.printf(Locale.ROOT, "%s, policy %s, %d problems x G=%d, %d repeats (medians)%n", envId, policy, problems,
                groupSize, repeats);
        w.printf(Locale.ROOT, "%-10s %14s %14s %16s %18s %12s%n", "rollout", "sampled tok/s", "ms/trajectory",
                "computed/traj", "positions/traj", "length");
        for (int k = 0; k < ks.size(); k++) {
            w.printf(Locale.ROOT, "%-10s %14.0f %14.2f %16.1f %18.1f %12.2f%n", ks.get(k).cliName(),
                    BenchCommand.median(m[k][0]), BenchCommand.median(m[k][1]), BenchCommand.median(m[k][2]),
                    BenchCommand.median(m[k][3]), BenchCommand.median(m[k][4]));
        }
        w.flush();
        return Trail.OK;
    }
}
