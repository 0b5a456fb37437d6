package dev.trail.cli;

import dev.trail.data.Labels;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.rollout.EpisodeAssembler;
import dev.trail.rollout.Rollout;
import dev.trail.rollout.RolloutBuffer;
import dev.trail.space.Box;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keeps every trajectory a training run collects ({@code trail train --record-trajectories}):
 * i.i.d. buffers are assembled into whole episodes ({@link EpisodeAssembler}), token-task groups
 * are complete already. Written to a JSONL file that appears when the run ends ({@link #commit}).
 */
final class TrajectoryRecorder implements AutoCloseable {

    private final TrajectorySink sink;
    private final String envId;
    private final String algorithm;
    private final Box actionBox;
    private EpisodeAssembler assembler;
    private long count;

    TrajectoryRecorder(Path file, dev.trail.env.EnvSpec env, String algorithm) throws IOException {
        try (dev.trail.env.Env<?, ?> probe = env.make()) {
            this.actionBox = probe.actionSpace() instanceof Box b ? b : null;
        }
        this.sink = TrajectoryFiles.create(file, TrajectoryFiles.Format.JSONL, Map.of(), false);
        this.envId = env.id();
        this.algorithm = algorithm;
    }

    void accept(Rollout rollout) {
        try {
            if (rollout instanceof RolloutBuffer b) {
                if (assembler == null) {
                    assembler = new EpisodeAssembler(b.numEnvs(), b.observationSize(), b.actionSize(),
                            b.discrete() ? null : actionBox, envId, "ep", Map.of(Labels.POLICY, algorithm + " training"));
                }
                for (Trajectory t : assembler.accept(b, true, true)) {
                    sink.write(t);
                    count++;
                }
            } else {
                for (TrajectoryGroup g : rollout.groups()) {
                    for (Trajectory t : g.trajectories()) {
                        sink.write(t);
                        count++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long count() {
        return count;
    }

    void commit() throws IOException {
        sink.commit();
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
