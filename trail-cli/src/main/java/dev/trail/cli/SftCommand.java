package dev.trail.cli;

import dev.trail.algo.sft.Sft;
import dev.trail.algo.sft.SftConfig;
import dev.trail.envs.token.TokenTasks;
import dev.trail.track.RunInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trail sft}: supervised warm start of a transformer policy on a token task's demonstrations. */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = {"Supervised fine-tuning on generated demonstrations: the warm start for token-level RL.",
            "Example: trail sft --env Arithmetic-v0 --seed 1, then trail train --env Arithmetic-v0 --algo grpo --init runs/<sft-run>"})
final class SftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--env", paramLabel = "ID", description = "Token task: Arithmetic-v0, Countdown-v0, Calculator-v0, or a multi-turn one: GridNav-v0, "
            + "Guess-v0, Calculator-MultiTurn-v0.")
    String envId;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Option, repeatable (see --list).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--list", description = "List the options and exit.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        if (list) {
            TrainCommand.printOptions(spec.commandLine().getOut(), "sft", "supervised warm start",
                    SftConfig.binder().options());
            return Trail.OK;
        }
        if (envId == null || !TokenTasks.ids().contains(envId)) {
            throw new UserError("sft trains on token tasks; " + envId + " is not one of " + TokenTasks.ids());
        }
        SftConfig config;
        try {
            config = SftConfig.binder().parse(settings);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("env", envId);
        c.put("algo", "sft");
        c.put("seed", seed);
        c.put("sft", SftConfig.binder().toMap(config));
        List<String> cmd = new ArrayList<>(List.of("trail"));
        cmd.addAll(spec.commandLine().getParseResult().originalArgs());
        return LmTraining.run(spec.commandLine().getOut(), spec.commandLine().getErr(), out,
                new RunInfo(envId, "sft", seed, c, cmd), (dir, listener) -> {
                    Sft.Result r = Sft.run(config, TrainCommand.envSpec(envId), seed, dir, listener);
                    LmTraining.printEvaluation(spec.commandLine().getOut(), "after SFT", r.evaluation());
                    spec.commandLine().getOut().println("checkpoint: " + r.checkpoint());
                });
    }
}
