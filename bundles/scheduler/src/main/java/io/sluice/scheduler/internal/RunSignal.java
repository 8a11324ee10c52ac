package io.sluice.scheduler.internal;

import io.sluice.task.spi.CancellationReason;
import io.sluice.task.spi.CancellationSignal;
import io.sluice.task.spi.TaskCancelledException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The cancellation signal of one run. The first reason wins; firing also interrupts the worker thread. */
final class RunSignal implements CancellationSignal {

    private final CompletableFuture<CancellationReason> fired = new CompletableFuture<>();
    private volatile Thread worker;

    /** The thread running the task, to interrupt on cancel; {@code null} once the run has ended. */
    void attach(Thread thread) {
        worker = thread;
    }

    void detach() {
        worker = null;
    }

    /** Interrupts the worker again, for a run that ignored its signal. */
    void interruptWorker() {
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Fires with a reason, unless it already fired. Returns whether this call fired it. */
    boolean fire(CancellationReason reason) {
        boolean first = fired.complete(reason);
        Thread thread = worker;
        if (first && thread != null) {
            thread.interrupt();
        }
        return first;
    }

    @Override
    public boolean isCancelled() {
        return fired.isDone();
    }

    @Override
    public Optional<CancellationReason> reason() {
        return Optional.ofNullable(fired.getNow(null));
    }

    @Override
    public void throwIfCancelled() {
        CancellationReason reason = fired.getNow(null);
        if (reason != null) {
            throw new TaskCancelledException(reason);
        }
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        try {
            fired.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            // Firing interrupts the worker: that is the signal, not a foreign interrupt.
            if (isCancelled()) {
                return true;
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CompletionStage<CancellationReason> whenCancelled() {
        return fired.copy();
    }
}
