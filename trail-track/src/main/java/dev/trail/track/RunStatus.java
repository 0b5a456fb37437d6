package dev.trail.track;

import java.util.Locale;

/** Life-cycle state of a run as recorded in {@code summary.json} (or derived, for {@link #CRASHED}). */
public enum RunStatus {
    /** The run is going: its process is alive and its heartbeat is fresh. */
    RUNNING,
    /** The run ended normally. */
    FINISHED,
    /** The run ended with an error (the trainer called {@code finish(FAILED)}). */
    FAILED,
    /** The JVM was shut down (SIGTERM, Ctrl-C, System.exit) before the run finished. */
    INTERRUPTED,
    /** Recorded as running, but its process is gone or its heartbeat is stale (e.g. SIGKILL, power loss). */
    CRASHED,
    /** The run's {@code summary.json} is missing or unreadable; a warning names the file. */
    DAMAGED;

    /** Lower-case name as written in files and shown to users. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label written by {@link #label()}; case-insensitive. */
    public static RunStatus parse(String label) {
        for (RunStatus s : values()) {
            if (s.name().equalsIgnoreCase(label.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run status '" + label + "', expected one of "
                + java.util.Arrays.stream(values()).map(RunStatus::label).toList());
    }
}
