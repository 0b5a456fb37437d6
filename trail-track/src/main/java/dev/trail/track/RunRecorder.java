package dev.trail.track;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link MetricsListener} that writes into a {@link Run}: episodes as
 * {@code charts/episodic_return} and {@code charts/episodic_length}; updates with their own
 * metrics plus {@code time/steps_per_second} (environment steps per wall-clock second since the
 * previous update) unless the trainer already reports it.
 */
public final class RunRecorder implements MetricsListener {

    public static final String EPISODIC_LENGTH = "charts/episodic_length";
    public static final String STEPS_PER_SECOND = "time/steps_per_second";

    private final Run run;
    private long previousStep;
    private double previousSeconds;

    public RunRecorder(Run run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    public Run run() {
        return run;
    }

    @Override
    public void onUpdate(long globalStep, Map<String, Double> metrics) {
        double now = run.elapsedSeconds();
        if (!metrics.containsKey(STEPS_PER_SECOND) && now > previousSeconds && globalStep >= previousStep) {
            Map<String, Double> withSps = new HashMap<>(metrics);
            withSps.put(STEPS_PER_SECOND, (globalStep - previousStep) / (now - previousSeconds));
            run.log(globalStep, now, withSps);
        } else {
            run.log(globalStep, now, metrics);
        }
        previousStep = globalStep;
        previousSeconds = now;
    }

    @Override
    public void onEpisode(long globalStep, double episodicReturn, int length) {
        double now = run.elapsedSeconds();
        run.log(globalStep, now, Run.EPISODIC_RETURN, episodicReturn);
        run.log(globalStep, now, EPISODIC_LENGTH, length);
    }
}
