package dev.trail.algo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one training loop: iterate until done, checkpoint every {@code checkpointEvery} iterations
 * and at the end, stop cleanly on an interrupt. Every algorithm runs through it, so checkpoint
 * cadence, interrupts and resume behave the same for PPO, SAC and the GRPO family.
 *
 * <pre>
 * while not done:
 *     metrics = trainer.iterate()          # collect -> credit -> update epochs -> metrics
 *     if periodic or done or interrupted:  # (or listener.stopRequested()); a checkpoint holds the whole run state
 *         listener.beforeCheckpoint(...)   # trackers flush: the metrics up to it are on disk
 *         trainer.save(checkpoints / name); listener.onCheckpoint(...)
 *     if interrupted: stop (the interrupt flag stays set for the caller)
 * </pre>
 *
 * A run restored from a checkpoint ({@code Ppo.load}, ...) continues through the same loop and
 * produces the same iterations as one that never stopped.
 */
public final class TrainingLoop {

    private TrainingLoop() {
    }

    /**
     * What a loop produced.
     *
     * @param iterations iterations done in total
     * @param globalStep environment steps done in total
     * @param lastMetrics the last iteration's metrics (empty when none ran)
     * @param lastCheckpoint the last checkpoint written, or null
     */
    public record Result(long iterations, long globalStep, Map<String, Double> lastMetrics, Path lastCheckpoint) {
    }

    /**
     * Runs {@code trainer} to the end of its budget.
     *
     * @param checkpointDir where checkpoints go, or null for none
     * @param checkpointEvery checkpoint period in iterations; 0 for only the last one
     */
    public static Result run(Trainer trainer, TrainingListener listener, Path checkpointDir, long checkpointEvery)
            throws IOException {
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0, got " + checkpointEvery);
        }
        Map<String, Double> last = Map.of();
        Path lastCheckpoint = null;
        while (!trainer.done()) {
            last = trainer.iterate(listener);
            boolean periodic = checkpointEvery > 0 && trainer.iterations() % checkpointEvery == 0;
            // an interrupt (e.g. from a Ctrl-C handler) stops after this iteration, with a checkpoint to resume from
            // (cleared while the checkpoint is written: interruptible file channels would refuse to write)
            boolean threadInterrupted = Thread.interrupted();
            boolean interrupted = threadInterrupted || listener.stopRequested();
            if (checkpointDir != null && (periodic || trainer.done() || interrupted)) {
                lastCheckpoint = checkpointDir.resolve(trainer.checkpointName());
                listener.beforeCheckpoint(trainer.iterations(), trainer.globalStep());
                trainer.save(lastCheckpoint);
                listener.onCheckpoint(trainer.iterations(), trainer.globalStep(), lastCheckpoint);
            }
            if (interrupted) {
                if (threadInterrupted) {
                    Thread.currentThread().interrupt();
                }
                break;
            }
        }
        return new Result(trainer.iterations(), trainer.globalStep(), last, lastCheckpoint);
    }
}
