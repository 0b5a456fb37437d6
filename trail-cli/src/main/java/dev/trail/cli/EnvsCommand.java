package dev.trail.cli;

import dev.trail.env.Env;
import dev.trail.env.EnvSpec;
import dev.trail.envs.Envs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trail envs}: the registered environments. */
@Command(name = "envs", mixinStandardHelpOptions = true,
        description = "List the registered environments: id, spaces, time limit, reward threshold.")
final class EnvsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "observation space", "action space", "time limit", "reward threshold"});
        for (String id : Envs.ids()) {
            EnvSpec s = Envs.spec(id);
            try (Env<?, ?> env = Envs.make(id)) {
                rows.add(new String[] {id, env.observationSpace().toString(), env.actionSpace().toString(),
                    s.maxEpisodeSteps() == 0 ? "none" : Integer.toString(s.maxEpisodeSteps()),
                    Double.isNaN(s.rewardThreshold()) ? "none" : Tables.number(s.rewardThreshold())});
            }
        }
        Tables.print(spec.commandLine().getOut(), rows);
        return Trail.OK;
    }
}
