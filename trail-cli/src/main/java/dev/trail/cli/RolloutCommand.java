package dev.trail.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.envs.Envs;
import dev.trail.io.AtomicFiles;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trail rollout}: roll out a policy on an environment and print episode statistics. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Roll out a policy on an environment; print per-episode return and length and a summary,"
                + " and optionally write the trajectories as JSON lines.")
final class RolloutCommand implements Callable<Integer> {

    /** The policies {@code rollout} can run. */
    enum PolicyKind { random }

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "ID", description = "Environment id (see `trail envs`).")
    String envId;

    @Option(names = "--episodes", defaultValue = "10", paramLabel = "N", description = "Episodes to run (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Root seed; episode i is reset with the i-th seed split off it (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--policy", defaultValue = "random", paramLabel = "POLICY",
            description = "Policy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PolicyKind policy;

    @Option(names = "--out", paramLabel = "FILE.jsonl",
            description = "Write the trajectories here, one JSON object per episode.")
    Path out;

    /** One finished episode. */
    record Episode(long seed, List<Object> observations, List<Object> actions, List<Double> rewards,
            boolean terminated, boolean truncated) {

        double totalReward() {
            double s = 0;
            for (double r : rewards) {
                s += r;
            }
            return s;
        }
    }

    @Override
    public Integer call() throws IOException {
        UserError.requirePositive("--episodes", episodes);
        if (out != null) {
            Outputs.checkWritable(out, "--out");
        }
        PrintWriter w = spec.commandLine().getOut();
        long[] seeds = Seeds.split(seed, episodes);
        Rng actionRng = Seeds.stream(seed, "policy");
        List<Episode> done = new ArrayList<>();
        long steps = 0;
        long start = System.nanoTime();
        try (@SuppressWarnings("unchecked") Env<Object, Object> env = (Env<Object, Object>) Envs.make(envId)) {
            w.printf("%-8s %-21s %12s %8s  %s%n", "episode", "seed", "return", "length", "end");
            for (int e = 0; e < episodes; e++) {
                Episode ep = runEpisode(env, seeds[e], actionRng);
                steps += ep.rewards().size();
                done.add(ep);
                w.printf("%-8d %-21d %12s %8d  %s%n", e, ep.seed(), Tables.number(ep.totalReward()), ep.rewards().size(),
                        ep.terminated() ? "terminated" : ep.truncated() ? "truncated" : "-");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        printSummary(w, done, steps, seconds);
        if (out != null) {
            writeJsonl(out, envId, done);
            w.println("wrote " + done.size() + " trajectories to " + out);
        }
        w.flush();
        return Trail.OK;
    }

    private Episode runEpisode(Env<Object, Object> env, long episodeSeed, Rng actionRng) {
        List<Object> obs = new ArrayList<>();
        List<Object> actions = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        obs.add(env.reset(episodeSeed));
        while (true) {
            Object action = env.actionSpace().sample(actionRng);
            StepResult<Object> r = env.step(action);
            actions.add(action);
            rewards.add(r.reward());
            obs.add(r.observation());
            if (r.terminated() || r.truncated()) {
                return new Episode(episodeSeed, obs, actions, rewards, r.terminated(), r.truncated());
            }
        }
    }

    private static void printSummary(PrintWriter w, List<Episode> eps, long steps, double seconds) {
        double[] returns = eps.stream().mapToDouble(Episode::totalReward).toArray();
        double[] lengths = eps.stream().mapToDouble(e -> e.rewards().size()).toArray();
        Stats r = Stats.of(returns);
        Stats l = Stats.of(lengths);
        w.printf(java.util.Locale.ROOT, "summary: %d episodes, %d steps; return mean %s ± %s (min %s, max %s);"
                + " length mean %s; %.2f s%n", eps.size(), steps, Tables.number(r.mean()), Tables.number(r.std()),
                Tables.number(r.min()), Tables.number(r.max()), Tables.number(l.mean()), seconds);
    }

    static void writeJsonl(Path path, String envId, List<Episode> eps) throws IOException {
        JsonFactory factory = new JsonFactory();
        try {
            AtomicFiles.write(path, os -> {
                for (int i = 0; i < eps.size(); i++) {
                    Episode e = eps.get(i);
                    JsonGenerator g = factory.createGenerator(os, JsonEncoding.UTF8);
                    g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
                    g.writeStartObject();
                    g.writeStringField("id", envId + "-" + i);
                    g.writeStringField("env", envId);
                    g.writeNumberField("episode", i);
                    g.writeNumberField("seed", e.seed());
                    g.writeFieldName("observations");
                    Json.writeList(g, e.observations());
                    g.writeFieldName("actions");
                    Json.writeList(g, e.actions());
                    g.writeArrayFieldStart("rewards");
                    for (double r : e.rewards()) {
                        g.writeNumber(r);
                    }
                    g.writeEndArray();
                    g.writeBooleanField("terminated", e.terminated());
                    g.writeBooleanField("truncated", e.truncated());
                    g.writeEndObject();
                    g.flush();
                    os.write('\n');
                }
            });
        } catch (IOException ex) {
            throw new UserError("cannot write --out " + path + ": " + ex.getMessage(), ex);
        }
    }
}
