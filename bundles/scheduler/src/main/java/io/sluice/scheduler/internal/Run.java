package io.sluice.scheduler.internal;

import io.sluice.auth.ScopedClients;
import io.sluice.scheduler.internal.TaskTransitions.RunId;
import io.sluice.task.spi.CancellationSignal;
import io.sluice.task.RunningTask;
import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.TaskDocument;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a task on this node: the claim it holds, its cancellation signal, its latest progress, and the
 * {@link TaskContext} the task sees. It ends exactly once: by finishing, or by being abandoned when it ignores its
 * cancellation for longer than the grace period.
 *
 * @param <P> the params type
 */
final class Run<P> implements TaskContext<P> {

    /** The MDC key under which a run's log lines carry the task id. */
    static final String MDC_TASK_ID = "sluice.task.id";

    final TaskDocument claimed;
    /** The version this run last wrote (or read): its writes decide on it first, saving a read. */
    volatile io.sluice.store.StoredTask latest;
    final RunId id;
    final TaskDefinition<P, ?> definition;
    final RunSignal signal = new RunSignal();
    final Instant startedAt;

    private final P params;
    private final RunClients scopedClients;
    private final Runnable progressChanged;
    private final Logger logger;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<Object> unsentProgress = new AtomicReference<>();
    private volatile Future<?> timeout;

    Run(io.sluice.store.StoredTask claimed, TaskDefinition<P, ?> definition, P params, Instant startedAt,
        RunClients scopedClients, Runnable progressChanged) {
        this.claimed = claimed.document();
        this.latest = claimed;
        this.id = RunId.of(this.claimed);
        this.definition = definition;
        this.params = params;
        this.startedAt = startedAt;
        this.scopedClients = scopedClients;
        this.progressChanged = progressChanged;
        this.logger = LoggerFactory.getLogger("io.sluice.task." + definition.type());
    }

    @Override
    public String space() {
        return claimed.space();
    }

    /** Ends the run; true for the one caller that ended it, false if it had already ended. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    boolean ended() {
        return ended.get();
    }

    void timeout(Future<?> future) {
        this.timeout = future;
    }

    /** Drops the timeout timer of a run that ended. */
    void cancelTimeout() {
        Future<?> future = timeout;
        if (future != null) {
            future.cancel(false);
        }
    }

    /** The progress reported since the last write, or {@code null}; taking it marks it sent. */
    Object takeProgress() {
        return unsentProgress.getAndSet(null);
    }

    RunningTask describe() {
        return new RunningTask(claimed.id(), claimed.type(), claimed.attempt(), startedAt, signal.isCancelled());
    }

    // ---- TaskContext -----------------------------------------------------------------------------------------

    @Override
    public String taskId() {
        return claimed.id();
    }

    @Override
    public String type() {
        return claimed.type();
    }

    @Override
    public P params() {
        return params;
    }

    @Override
    public Optional<String> stream() {
        return Optional.ofNullable(claimed.stream());
    }

    @Override
    public String owner() {
        return claimed.owner();
    }

    @Override
    public int attempt() {
        return claimed.attempt();
    }

    @Override
    public CancellationSignal cancellation() {
        return signal;
    }

    @Override
    public ScopedClients scopedClients() {
        return scopedClients.get();
    }

    /** Ends the run's use of its key, and says whether the task's end must revoke it ({@link RunClients#close()}). */
    boolean closeKey() {
        return scopedClients.close();
    }

    /** The task's API key, or null. */
    io.sluice.security.TaskApiKey apiKey() {
        return scopedClients.key();
    }

    @Override
    public void progress(Object progress) {
        unsentProgress.set(progress);
        progressChanged.run();
    }

    @Override
    public Logger logger() {
        return logger;
    }
}
