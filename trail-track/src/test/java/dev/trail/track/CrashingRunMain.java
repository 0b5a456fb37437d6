package dev.trail.track;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Child process of the SIGKILL test: logs, flushes, says READY, then logs more and waits to be killed. */
public final class CrashingRunMain {

    static final int FLUSHED = 50;

    public static void main(String[] args) throws Exception {
        // a long interval so that nothing after the explicit flush reaches the file before the kill
        Run.Options options = Run.Options.defaults().withFlushInterval(Duration.ofSeconds(5)).withPlotAtFinish(false);
        Run run = Run.start(Path.of(args[0]), new RunInfo("CartPole-v1", "ppo", 9, Map.of("a", 1L), List.of("crash")), options);
        for (int i = 1; i <= FLUSHED; i++) {
            run.log(i * 10L, i * 0.01, Run.EPISODIC_RETURN, i);
        }
        run.flush();
        for (int i = FLUSHED + 1; i <= FLUSHED + 20; i++) {
            run.log(i * 10L, i * 0.01, Run.EPISODIC_RETURN, i);
        }
        System.out.print("READY\n");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
