package dev.trail.track;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small runs for tests. */
public final class TestRuns {

    private TestRuns() {
    }

    /**
     * Fast options: 50 ms flushes, no end-of-run plot, TensorBoard on, git probed outside any
     * work tree (one failing git call instead of three).
     */
    public static Run.Options fast() {
        return Run.Options.defaults().withFlushInterval(Duration.ofMillis(50)).withPlotAtFinish(false)
                .withWorkDir(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("env_id", "CartPole-v1");
        c.put("total_timesteps", 500_000L);
        Map<String, Object> ppo = new LinkedHashMap<>();
        ppo.put("gamma", 0.99);
        ppo.put("gae_lambda", 0.95);
        ppo.put("clip_coef", 0.2);
        ppo.put("hidden_sizes", List.of(64L, 64L));
        ppo.put("anneal_lr", true);
        ppo.put("note", "two words: quoted");
        c.put("ppo", ppo);
        return c;
    }

    /**
     * A finished run whose episodic returns are {@code returns[i]} at step {@code (i+1)*stepsPerEpisode}
     * and wall time {@code (i+1)*secondsPerEpisode}.
     */
    public static Run finishedRun(Path runsDir, String env, String algo, long seed, double[] returns,
                                  long stepsPerEpisode, double secondsPerEpisode) throws IOException {
        Run run = Run.start(runsDir, new RunInfo(env, algo, seed, config(), List.of("train", "--seed", Long.toString(seed))), fast());
        for (int i = 0; i < returns.length; i++) {
            long step = (i + 1) * stepsPerEpisode;
            double wall = (i + 1) * secondsPerEpisode;
            run.log(step, wall, Run.EPISODIC_RETURN, returns[i]);
            run.log(step, wall, Map.of("losses/policy", 1.0 / (i + 1), "charts/learning_rate", 2.5e-4));
        }
        run.finish(RunStatus.FINISHED);
        return run;
    }
}
