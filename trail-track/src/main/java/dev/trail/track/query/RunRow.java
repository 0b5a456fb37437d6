package dev.trail.track.query;

import dev.trail.track.RunStatus;

import java.nio.file.Path;

/**
 * One line of {@code trail runs list}.
 *
 * @param id          run id (directory name)
 * @param status      status, with {@code running} runs whose process is gone shown as {@code crashed}
 * @param env         environment id
 * @param algo        algorithm
 * @param seed        the run's (first) seed
 * @param globalStep  last logged global step
 * @param wallSeconds last logged wall time (seconds since start)
 * @param finalReturn mean of the last 10 {@code charts/episodic_return} values (NaN if none)
 * @param episodes    number of episodic returns logged
 * @param startTime   ISO-8601 start time
 * @param endTime     ISO-8601 end time, or null
 * @param dir         the run directory
 * @param problem     what is wrong with the run's files, or null
 */
public record RunRow(String id, RunStatus status, String env, String algo, long seed, long globalStep,
                     double wallSeconds, double finalReturn, long episodes, String startTime, String endTime,
                     Path dir, String problem) {
}
