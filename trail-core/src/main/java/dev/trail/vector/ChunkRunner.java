package dev.trail.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs {@code chunks} pieces of work per round: chunk 0 in the calling thread, chunks
 * {@code 1 .. chunks-1} on fixed daemon workers, and returns when all are done.
 *
 * <p>A round costs two hand-offs, so the barrier is spin-then-park: waiting threads first spin
 * briefly ({@link Thread#onSpinWait()}), which catches the next round when steps are microseconds
 * apart, then park so that idle workers cost nothing. Hand-offs use the classic flag/recheck
 * pattern on volatiles (the waiter publishes "parked" then rechecks the condition; the signaller
 * publishes the condition then checks "parked"), so a wake-up is never lost.
 *
 * <p>Memory effects: writes by the caller before {@link #run} are visible to the workers (volatile
 * {@code generation}), and the workers' writes are visible to the caller after {@code run} returns
 * (the {@code remaining} counter).
 */
final class ChunkRunner implements AutoCloseable {

    /** Work of one round: runs chunk {@code chunk}. */
    interface Chunk {
        void run(int chunk);
    }

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final int SPINS = 1 << 11;

    private final Worker[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private final Throwable[] failures;
    private volatile long generation;
    private volatile boolean closed;
    private volatile boolean callerParked;
    private volatile Thread caller;
    private Chunk task; // published by the volatile write of generation

    private final class Worker implements Runnable {
        final int chunk;
        final Thread thread;
        volatile boolean parked;

        Worker(int chunk) {
            this.chunk = chunk;
            this.thread = Thread.ofPlatform().daemon().name("trail-vector-" + THREAD_IDS.getAndIncrement()).unstarted(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g;
                int spins = 0;
                while ((g = generation) == seen && !closed) {
                    if (spins < SPINS) {
                        spins++;
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (generation == seen && !closed) {
                            LockSupport.park(ChunkRunner.this);
                        }
                        parked = false;
                    }
                }
                if (closed) {
                    return;
                }
                seen = g;
                try {
                    task.run(chunk);
                } catch (Throwable t) {
                    failures[chunk] = t;
                }
                if (remaining.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** @param chunks number of chunks per round, at least 1 ({@code chunks - 1} threads are started) */
    ChunkRunner(int chunks) {
        workers = new Worker[chunks - 1];
        failures = new Throwable[chunks];
        for (int k = 0; k < workers.length; k++) {
            workers[k] = new Worker(k + 1);
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    int chunks() {
        return workers.length + 1;
    }

    /**
     * Runs one round of {@code task} and waits for it. If chunks threw, rethrows the exception of
     * the lowest chunk (a deterministic choice) after all chunks finished.
     */
    void run(Chunk task) {
        if (closed) {
            throw new IllegalStateException("the vector environment is closed");
        }
        Throwable failure = null;
        if (workers.length > 0) {
            this.task = task;
            caller = Thread.currentThread();
            remaining.set(workers.length);
            generation = generation + 1;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
        }
        try {
            task.run(0);
        } catch (Throwable t) {
            failure = t;
        }
        if (workers.length > 0) {
            int spins = 0;
            while (remaining.get() != 0) {
                if (spins < SPINS) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    callerParked = true;
                    if (remaining.get() != 0) {
                        LockSupport.park(this);
                    }
                    callerParked = false;
                }
            }
            this.task = null;
            for (int k = 1; k < failures.length; k++) {
                if (failure == null) {
                    failure = failures[k];
                }
                failures[k] = null;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Stops the workers and waits for them to exit. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        boolean interrupted = false;
        for (Worker w : workers) {
            while (w.thread.isAlive()) {
                try {
                    w.thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The worker threads (for tests). */
    Thread[] threads() {
        Thread[] out = new Thread[workers.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = workers[k].thread;
        }
        return out;
    }
}
