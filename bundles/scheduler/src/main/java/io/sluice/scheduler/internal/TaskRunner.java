package io.sluice.scheduler.internal;

import io.sluice.auth.ScopedClients;
import io.sluice.security.TaskApiKey;
import io.sluice.scheduler.internal.TaskLifecycle.Kind;
import io.sluice.scheduler.internal.TaskLifecycle.Result;
import io.sluice.store.DocVersion;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskQuery;
import io.sluice.store.TaskStore;
import io.sluice.task.AttemptRecord.Outcome;
import io.sluice.task.spi.CancellationReason;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.RunningTask;
import io.sluice.task.spi.TaskCancelledException;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskError;
import io.sluice.task.spi.TaskFailure;
import io.sluice.task.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs tasks on this node. It owns every thread of the scheduler and stops them in {@link #stop()}.
 *
 * <ul>
 *   <li><b>Claiming.</b> A task scheduled on this node is claimed at once ({@link #scheduled}); tasks scheduled or
 *       released elsewhere are found by a poll every {@code pollInterval}, or, while a backlog lasts, by the next page
 *       of it, looked for before the tasks found so far run out. Claims are conditional writes: losing one to another
 *       node is normal and silent; a task this node claimed is not claimed again when a search, behind OpenSearch's
 *       refresh, still shows it queued.</li>
 *   <li><b>Heartbeats.</b> Every {@code heartbeatInterval} each run writes {@code heartbeat_at} (with its latest
 *       progress; progress alone is written at most once a second). A heartbeat that finds the task
 *       {@code being_canceled} fires the run's signal; one that finds the task no longer held by the run (rescheduled,
 *       taken over) fires it with {@code CLAIM_LOST}, and the run never writes again.</li>
 *   <li><b>Ending.</b> A run that returns completes the task; a {@link TaskFailure} fails it at once; anything else is
 *       retried with exponential backoff and jitter until {@code maxAttempts} attempts failed. A run past its timeout
 *       is cancelled and counts as a failed attempt. A run that ignores its signal for {@code cancelGrace} is
 *       abandoned: its slot is freed and its task written as if it had stopped.</li>
 *   <li><b>Leases.</b> Every {@code leaseRenewal} the node renews its lease, one small document whatever the number of
 *       runs; other nodes decide it is gone when its lease was not renewed for {@code leaseLapse} by their own clock
 *       ({@link NodeLiveness}).</li>
 *   <li><b>Reaping.</b> Any node finishes the work of a dead one: a claim whose node's lease lapsed, or whose node
 *       stopped beating for {@code staleAfter}, is queued again (or failed as node_lost); a paused node that comes
 *       back finds its claims gone, fenced by the conditional writes. A cancellation nobody finishes becomes
 *       {@code canceled}. Finished tasks idle for {@code cleanupAfter} are deleted. Every node may do this at once:
 *       the writes are conditional.</li>
 * </ul>
 */
final class TaskRunner implements TaskTypes.Listener, LocalRuns {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CLEANUP_INTERVAL = Duration.ofHours(1);
    private static final Duration RECENT_CLAIMS = Duration.ofSeconds(10);
    private static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final int BEATERS = 8;
    private static final Set<TaskStatus> TERMINAL =
        Set.of(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELED, TaskStatus.ACKNOWLEDGED);

    private final TaskStore store;
    private final TaskTypes types;
    private volatile SchedulerSettings settings;
    private final Clock clock;
    private final TaskRuns runs;
    private final PluginJson json;
    private final RunCredentials credentials;

    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timers;
    // Sends the heartbeats of one tick concurrently, so that they share bulk requests.
    private final ThreadPoolExecutor beaters;
    private final Slots slots;
    // The periodic activities, rescheduled when their interval changes. Guarded by this.
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> beating;
    private ScheduledFuture<?> reaping;
    private ScheduledFuture<?> leasing;
    private final NodeLiveness liveness = new NodeLiveness(System::nanoTime);
    // Lapsed nodes none of whose claims the last pass found; touched by the reaper only.
    private final Set<String> settledLapses = ConcurrentHashMap.newKeySet();
    private final Map<String, Run<?>> running = new ConcurrentHashMap<>();
    // Tasks this node claimed (or handed out to claim) lately, by the version of its claim (or of the find). Until
    // OpenSearch's next refresh a search still finds them unclaimed; claiming such a find again would only conflict, and
    // the read that follows a conflict makes OpenSearch refresh the index: 9% of a backlog's claims went that way.
    private final Map<String, Claimed> recentClaims = new ConcurrentHashMap<>();
    // Tasks a poll found that no slot could take yet, oldest first (a page or two: 4 x capacity each, up to 200).
    private final Deque<StoredTask> ready = new ConcurrentLinkedDeque<>();
    // Tasks this node's client stored unclaimed for want of a free slot, oldest first; kept across timed polls, since a
    // search finds them only after OpenSearch's next refresh. Bounded: beyond it, polls find them.
    private final Deque<StoredTask> queuedHere = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queuedHereCount = new AtomicInteger();
    private final Map<String, AtomicBoolean> flushPending = new ConcurrentHashMap<>();
    private final AtomicBoolean pollPending = new AtomicBoolean();
    // The last task of the last full page a poll found; null when no backlog is known.
    private volatile StoredTask backlogCursor;
    private final StartLatencies startLatencies = new StartLatencies(Duration.ofMinutes(5));
    private final LongAdder claimsLost = new LongAdder();
    private final TaskMetrics metrics;
    private final Map<String, Long> lastWarnings = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile boolean halted;

    /** A runner whose meters are published nowhere (tests, benchmarks, the in-process scheduler). */
    TaskRunner(TaskStore store, TaskTypes types, SchedulerSettings settings, Clock clock, TaskLifecycle lifecycle,
               RunCredentials credentials) {
        this(store, types, settings, clock, lifecycle, credentials, new TaskMetrics());
    }

    /**
     * @param credentials how runs get their scoped clients, and their keys revoked
     * @param metrics where starts, ends and conflicts are counted
     */
    TaskRunner(TaskStore store, TaskTypes types, SchedulerSettings settings, Clock clock, TaskLifecycle lifecycle,
               RunCredentials credentials, TaskMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.types = types;
        this.settings = settings;
        this.clock = clock;
        this.credentials = credentials;
        this.json = types.json();
        this.runs = new TaskRuns(lifecycle, json, settings.maxPayloadBytes());
        this.slots = new Slots(settings.capacity());
        this.workers = new ThreadPoolExecutor(threads(settings.capacity()), threads(settings.capacity()), 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), named("sluice-task-" + settings.nodeId()));
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(2, named("sluice-scheduler-" + settings.nodeId()));
        // Every run has a timeout timer; ended runs cancel theirs, which must then leave the queue.
        timerPool.setRemoveOnCancelPolicy(true);
        this.timers = timerPool;
        this.beaters = new ThreadPoolExecutor(BEATERS, BEATERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            named("sluice-heartbeats-" + settings.nodeId()));
        beaters.allowCoreThreadTimeOut(true);
        types.addListener(this);
        schedulePeriodic(settings);
        timers.scheduleWithFixedDelay(guarded("cleanup", this::cleanup), jitter(Duration.ofMinutes(1).toMillis()),
            CLEANUP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Task runner of node {} started: capacity {}, heartbeat {} s, stale after {} s", settings.nodeId(),
            settings.capacity(), settings.heartbeatInterval().toSeconds(), settings.staleAfter().toSeconds());
    }

    /**
     * Worker threads for {@code capacity} slots: twice as many. A run's slot is free as soon as it returns, but its
     * thread still writes how it ended and, if the run used its key, revokes it (one or two round trips to
     * OpenSearch); the next run must not wait for those writes to find a thread. Slots, not threads, bound how many
     * runs there are.
     */
    private static int threads(int capacity) {
        return capacity * 2;
    }

    /** (Re)schedules polling, heartbeats and reaping at the intervals of {@code next}. */
    private synchronized void schedulePeriodic(SchedulerSettings next) {
        for (ScheduledFuture<?> periodic : new ScheduledFuture<?>[] {polling, beating, reaping, leasing}) {
            if (periodic != null) {
                periodic.cancel(false);
            }
        }
        long poll = next.pollInterval().toMillis();
        polling = timers.scheduleWithFixedDelay(guarded("poll", () -> poll(false)), 0, poll, TimeUnit.MILLISECONDS);
        long beat = next.heartbeatInterval().toMillis();
        beating = timers.scheduleWithFixedDelay(guarded("heartbeat", this::beatAll), beat, beat, TimeUnit.MILLISECONDS);
        // Reap at every poll: a dead node's tasks run again within staleAfter + one poll of its last heartbeat.
        reaping = timers.scheduleWithFixedDelay(guarded("reap", this::reap), jitter(poll), poll, TimeUnit.MILLISECONDS);
        long lease = next.leaseRenewal().toMillis();
        leasing = timers.scheduleWithFixedDelay(guarded("lease", this::renewLease), 0, lease, TimeUnit.MILLISECONDS);
    }

    /** One write per renewal, however many tasks run here: the node's sign of life. */
    private void renewLease() {
        if (!stopping) {
            store.renewLease(settings.nodeId(), clock.instant());
        }
    }

    /**
     * Applies changed settings without touching the runs in progress: capacity grows or shrinks as runs end, new
     * intervals take effect from the next tick, limits apply to the next decision. The node id is the one setting that
     * needs a restart of the scheduler, since claims carry it; the caller checks that it did not change.
     */
    void reconfigure(SchedulerSettings next) {
        SchedulerSettings previous = settings;
        if (!previous.nodeId().equals(next.nodeId())) {
            throw new IllegalArgumentException("the node id cannot change while the scheduler runs");
        }
        settings = next;
        runs.maxPayloadBytes(next.maxPayloadBytes());
        if (next.capacity() != previous.capacity()) {
            // Grow the pool before the permits, shrink it after: a permit must always find a worker.
            if (next.capacity() > previous.capacity()) {
                workers.setMaximumPoolSize(threads(next.capacity()));
                workers.setCorePoolSize(threads(next.capacity()));
            } else {
                workers.setCorePoolSize(threads(next.capacity()));
                workers.setMaximumPoolSize(threads(next.capacity()));
            }
            slots.resize(next.capacity() - previous.capacity());
        }
        if (!next.pollInterval().equals(previous.pollInterval())
                || !next.heartbeatInterval().equals(previous.heartbeatInterval())
                || !next.leaseRenewal().equals(previous.leaseRenewal())) {
            schedulePeriodic(next);
        }
        LOG.info("Task runner of node {} reconfigured: capacity {}, heartbeat {} s, stale after {} s, poll {} ms",
            next.nodeId(), next.capacity(), next.heartbeatInterval().toSeconds(), next.staleAfter().toSeconds(),
            next.pollInterval().toMillis());
    }

    /** Run slots: a semaphore whose size can change while permits are out. */
    private static final class Slots extends Semaphore {
        private static final long serialVersionUID = 1L;

        Slots(int permits) {
            super(permits);
        }

        /** Adds permits, or removes them (possibly going negative until enough runs end). */
        void resize(int delta) {
            if (delta > 0) {
                release(delta);
            } else if (delta < 0) {
                reducePermits(-delta);
            }
        }
    }

    // ---- what the client tells us ----------------------------------------------------------------------------

    @Override
    public Optional<Slot> reserve(String type) {
        Optional<TaskDefinition<?, ?>> definition = types.definition(type);
        if (stopping || definition.isEmpty() || tooManyOfType(definition.get()) || !slots.tryAcquire()) {
            return Optional.empty();
        }
        AtomicBoolean used = new AtomicBoolean();
        return Optional.of(new Slot() {
            @Override
            public String node() {
                return settings.nodeId();
            }

            @Override
            public void start(StoredTask claimed) {
                if (!used.compareAndSet(false, true)) {
                    return;
                }
                try {
                    workers.execute(() -> runClaimed(claimed));
                } catch (RejectedExecutionException e) {
                    slots.release();
                    runs.release(claimed.document().space(), claimed.id(), TaskTransitions.RunId.of(claimed.document()), claimed);
                }
            }

            @Override
            public void release() {
                if (used.compareAndSet(false, true)) {
                    slots.release();
                }
            }
        });
    }

    @Override
    public void queued(StoredTask task) {
        if (stopping || types.definition(task.document().type()).isEmpty()) {
            return;
        }
        if (queuedHereCount.incrementAndGet() > Math.max(1000, settings.capacity() * 10)) {
            queuedHereCount.decrementAndGet();
            return;
        }
        queuedHere.addLast(task);
        startReady(); // a slot may have freed since the schedule found none
    }

    /** A cancel was stored for a task: if it runs here, signal it now rather than at the next heartbeat. */
    @Override
    public void canceled(String space, String id) {
        Run<?> run = running.get(key(space, id));
        if (run != null && run.signal.fire(CancellationReason.CANCELED)) {
            afterSignal(run);
        }
    }

    // ---- claiming --------------------------------------------------------------------------------------------

    /**
     * Looks for queued tasks of the types this node has, oldest first, and hands them to free slots; what the slots
     * cannot take yet waits in {@link #ready}, handed out as runs end, so that one search serves many runs. A timed
     * poll starts from the oldest task (and forgets what it found before: another node may have taken it since); while
     * a backlog lasts, the poll that refills {@link #ready} goes on after the last task found ({@link #backlogCursor}):
     * a search sees this node's claims only after OpenSearch's next refresh, so starting over would find the tasks just
     * claimed again and drain a backlog at one page per refresh.
     */
    private void poll(boolean continuation) {
        pollPending.set(false);
        Set<String> known = types.names();
        if (stopping || known.isEmpty()) {
            return;
        }
        // One poll at a time (there are two timer threads): two continuations from one cursor would find one page twice.
        synchronized (ready) {
            if (!continuation) {
                // Even with no free slot: the oldest tasks (reaped from a dead node, retries come due, released elsewhere)
                // go first, not after a backlog walked from the cursor.
                ready.clear();
                forgetOldClaims();
            }
            TaskQuery claimable = TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS)).withClaimed(false)
                .withTypes(known).withDueBy(clock.instant()).inCreationOrder();
            int size = Math.min(200, Math.max(2, settings.capacity() * 4));
            StoredTask after = continuation ? backlogCursor : null;
            List<StoredTask> page = store.searchAfter(claimable, after, size).tasks();
            for (StoredTask task : page) {
                if (!handedOut(task)) {
                    ready.addLast(task);
                }
            }
            if (page.size() < size) {
                // The page ran out: no backlog beyond it.
                backlogCursor = null;
            } else {
                advanceCursor(page.get(page.size() - 1));
            }
        }
        startReady();
    }

    /** Hands found and locally queued tasks to free slots, oldest first. */
    private void startReady() {
        while (!stopping && (!ready.isEmpty() || !queuedHere.isEmpty()) && slots.tryAcquire()) {
            StoredTask next = takeNext();
            if (next == null) {
                slots.release();
                return;
            }
            claimHolding(next);
        }
    }

    /** The oldest of the tasks waiting for a slot, marked handed out (by this caller alone), or null. */
    private StoredTask takeNext() {
        while (true) {
            StoredTask local = queuedHere.peekFirst();
            StoredTask found = ready.peekFirst();
            if (local == null && found == null) {
                return null;
            }
            boolean fromHere = local != null && (found == null || CREATION_ORDER.compare(local, found) <= 0);
            StoredTask next = (fromHere ? queuedHere : ready).pollFirst();
            if (next != null && fromHere) {
                queuedHereCount.decrementAndGet();
            }
            if (next != null && markHandedOut(next)) {
                return next;
            }
        }
    }

    /** Running here, or found as it was before this node claimed it (or handed it out to be claimed). */
    private boolean handedOut(StoredTask found) {
        String key = key(found.document().space(), found.id());
        return running.containsKey(key) || covers(recentClaims.get(key), found);
    }

    /**
     * Marks a found task handed out, atomically: of two callers holding the same find (a page can hold a task a
     * timed poll found again), one gets true.
     */
    private boolean markHandedOut(StoredTask found) {
        String key = key(found.document().space(), found.id());
        if (running.containsKey(key)) {
            return false;
        }
        Claimed ours = new Claimed(found.version(), System.nanoTime());
        return recentClaims.compute(key, (k, mine) -> covers(mine, found) ? mine : ours) == ours;
    }

    /**
     * Whether a find is no newer than this node's claim (or hand-out) of it: a later primary term (a failover) or a
     * higher sequence number is newer.
     */
    private static boolean covers(Claimed mine, StoredTask found) {
        if (mine == null) {
            return false;
        }
        DocVersion a = found.version();
        DocVersion b = mine.version();
        return a.primaryTerm() != b.primaryTerm() ? a.primaryTerm() < b.primaryTerm() : a.seqNo() <= b.seqNo();
    }

    /** A claim this node wrote (or a find it handed out to be claimed): its version, and when (System.nanoTime). */
    private record Claimed(DocVersion version, long atNanos) {
    }

    /**
     * At timed polls, drops claims older than the refresh lag a search could still show, with room to spare: OpenSearch
     * refreshes every second by default. A claim forgotten too early costs one conflicting claim, nothing more.
     */
    private void forgetOldClaims() {
        long horizon = System.nanoTime() - RECENT_CLAIMS.toNanos();
        recentClaims.values().removeIf(claimed -> claimed.atNanos() < horizon);
    }

    /** Moves the cursor forward only: a timed poll from the oldest task must not send the walk back over claimed ones. */
    private void advanceCursor(StoredTask last) {
        StoredTask current = backlogCursor;
        if (last != null && (current == null || CREATION_ORDER.compare(last, current) > 0)) {
            backlogCursor = last;
        }
    }

    // The store's oldest-first order: created_at (to the millisecond, as it is indexed), then id.
    private static final Comparator<StoredTask> CREATION_ORDER = Comparator
        .comparingLong((StoredTask t) -> t.document().createdAt().toEpochMilli()).thenComparing(StoredTask::id);

    /**
     * With a slot taken: claims the task on a worker, which then runs it (the slot is given back if it cannot). The
     * claim is decided on the version the search (or this node's schedule) found, saving a read; if that was behind,
     * the conditional write conflicts and the claim reads the task as usual.
     */
    private void claimHolding(StoredTask found) {
        String space = found.document().space();
        String id = found.id();
        try {
            workers.execute(() -> claimAndRun(space, id, found));
        } catch (RejectedExecutionException e) {
            slots.release();
        }
    }

    /** On a worker holding a slot: claim the task and run it here. The slot is released when the run ends. */
    private void claimAndRun(String space, String id, StoredTask found) {
        StoredTask claimed = null;
        try {
            Result claim = runs.claim(space, id, settings.nodeId(), found);
            if (claim.kind() == Kind.WRITTEN) {
                claimed = claim.stored();
                recentClaims.put(key(space, id), new Claimed(claimed.version(), System.nanoTime()));
            } else {
                claimsLost.increment();
                metrics.claimConflict(found.document().type());
            }
        } catch (RuntimeException e) {
            // Not claimed, perhaps not even tried (the store was unreachable): the next find of it may claim it.
            recentClaims.remove(key(space, id));
            warn("Claiming task " + id + " failed", e);
        }
        if (claimed == null) {
            slots.release();
        } else {
            runClaimed(claimed);
        }
    }

    /** On a worker holding a slot: run a task this node claimed. */
    private void runClaimed(StoredTask claimed) {
        Run<?> run = null;
        try {
            run = prepare(claimed);
        } catch (RuntimeException e) {
            warn("Starting task " + claimed.id() + " failed", e);
        }
        if (run == null) {
            slots.release();
        } else {
            execute(run);
        }
    }

    /** Makes the run of a claimed task; null (and the claim given back) if it cannot run here after all. */
    private Run<?> prepare(StoredTask stored) {
        TaskDocument claimed = stored.document();
        Optional<TaskDefinition<?, ?>> definition = types.definition(claimed.type());
        TaskTransitions.RunId runId = TaskTransitions.RunId.of(claimed);
        if (definition.isEmpty() || stopping || tooManyOfType(definition.get())) {
            runs.release(claimed.space(), claimed.id(), runId, stored);
            return null;
        }
        Run<?> run;
        try {
            run = newRun(stored, definition.get());
        } catch (InvalidParamsException e) {
            runs.fail(claimed.space(), claimed.id(), runId, new TaskError("invalid_params", e.getMessage()),
                Outcome.FAILED, false, 1, null, stored);
            return null;
        }
        Instant now = clock.instant();
        if (claimed.attempt() == 1) {
            startLatencies.record(now, Duration.between(claimed.createdAt(), now));
        }
        metrics.started(claimed.type(), claimed.attempt(), Duration.between(claimed.createdAt(), now));
        running.put(key(run), run);
        run.timeout(timers.schedule(() -> timeOut(run), run.definition.timeout().toMillis(), TimeUnit.MILLISECONDS));
        return run;
    }

    private <P> Run<P> newRun(StoredTask claimed, TaskDefinition<P, ?> definition) {
        P params = json.rebind(definition.paramsType(), claimed.document().params());
        String key = key(claimed.document().space(), claimed.id());
        return new Run<>(claimed, definition, params, clock.instant(), clientsOf(claimed), () -> progressChanged(key));
    }

    /** The scoped clients of a run: made from its task API key on first use, then kept for the run. */
    private RunClients clientsOf(StoredTask claimed) {
        return new RunClients(credentials, claimed.record().apiKey(), claimed.id(), claimed.document().attempt());
    }

    /**
     * Revokes the key of a task that a write just ended (completed, failed, canceled). The ending write drops the key
     * from the task document, so {@code key} is the one the task held before.
     */
    private void revokeIfEnded(Result written, TaskApiKey key) {
        if (written == null || written.kind() != Kind.WRITTEN || !TERMINAL.contains(written.document().status())) {
            return;
        }
        credentials.revoke(key, written.document().id());
    }

    private boolean tooManyOfType(TaskDefinition<?, ?> definition) {
        int limit = definition.maxConcurrentRuns();
        return limit > 0 && running.values().stream().filter(r -> r.definition == definition).count() >= limit;
    }

    // ---- running ---------------------------------------------------------------------------------------------

    private <P> void execute(Run<P> run) {
        run.signal.attach(Thread.currentThread());
        MDC.put(Run.MDC_TASK_ID, run.taskId());
        Object result = null;
        Throwable error = null;
        try {
            if (!run.signal.isCancelled()) {
                result = run.definition.run(run);
            }
        } catch (Throwable t) {
            error = t;
        } finally {
            run.signal.detach();
            MDC.remove(Run.MDC_TASK_ID);
            // A late interrupt meant for this run must not leak into the worker's next task.
            Thread.interrupted();
        }
        if (run.end()) {
            finish(run, result, error);
        }
    }

    /** Writes how a run ended. Called once per run, by its worker or by the grace timer that abandoned it. */
    private void finish(Run<?> run, Object result, Throwable error) {
        if (halted) {
            return;
        }
        run.cancelTimeout();
        running.remove(key(run));
        flushPending.remove(key(run));
        slots.release();
        continueBacklog();
        String space = run.space();
        String id = run.taskId();
        try {
            Optional<CancellationReason> reason = run.signal.reason();
            Result written;
            if (reason.isPresent()) {
                written = switch (reason.get()) {
                    case CANCELED, TYPE_UNREGISTERED, NODE_STOPPING -> runs.release(space, id, run.id, run.latest);
                    case TIMED_OUT -> runs.fail(space, id, run.id, new TaskError("timeout", "attempt " + run.attempt()
                            + " ran longer than its timeout of " + run.definition.timeout().toSeconds() + " s"),
                        Outcome.TIMED_OUT, true, maxAttempts(run.definition), retryAt(run.claimed), run.latest);
                    case CLAIM_LOST -> null;
                };
            } else if (error == null) {
                written = runs.complete(space, id, run.id, result, run.latest);
            } else if (error instanceof TaskFailure failure) {
                written = runs.fail(space, id, run.id, new TaskError(failure.code(), String.valueOf(failure.getMessage())),
                    Outcome.FAILED, false, maxAttempts(run.definition), null, run.latest);
            } else if (error instanceof TaskCancelledException) {
                // Thrown without our signal: the task cancelled itself. Treat as a release.
                written = runs.release(space, id, run.id, run.latest);
            } else {
                // The plugin's bug or outage: its stack trace is what its author needs.
                LOG.warn("Task {} attempt {} failed", id, run.attempt(), error);
                written = runs.fail(space, id, run.id, new TaskError("error", error.toString()), Outcome.FAILED, true,
                    maxAttempts(run.definition), retryAt(run.claimed), run.latest);
            }
            if (written != null && written.kind() == Kind.LOST) {
                LOG.debug("Task {} changed under its run ({}): nothing written", id, written.lostWhy());
            }
            // A key no run opened was never stored: nothing to revoke, one write fewer per task.
            if (run.closeKey()) {
                revokeIfEnded(written, run.apiKey());
            }
            metrics.ended(run.type(), written == null || written.kind() != Kind.WRITTEN ? null : written.document().status(),
                Duration.between(run.startedAt, clock.instant()));
            if (written != null && written.document() != null && written.document().status() == TaskStatus.IN_PROGRESS) {
                requestPoll();
            }
        } catch (RuntimeException e) {
            // The claim stays; it will turn stale and the reaper takes the task over.
            warn("Recording the end of task " + id + " failed", e);
        }
    }

    private void timeOut(Run<?> run) {
        if (!run.ended() && run.signal.fire(CancellationReason.TIMED_OUT)) {
            LOG.info("Task {} ran past its timeout of {} s: cancelling it", run.taskId(), run.definition.timeout().toSeconds());
            afterSignal(run);
        }
    }

    /** Gives a signalled run {@code cancelGrace} to stop, then abandons it. */
    private void afterSignal(Run<?> run) {
        submitTimer(() -> {
            if (!run.ended()) {
                timers.schedule(() -> {
                    if (run.end()) {
                        LOG.warn("Task {} ignored its cancellation for {} s: abandoning its run", run.taskId(),
                            settings.cancelGrace().toSeconds());
                        run.signal.interruptWorker();
                        finish(run, null, null);
                    }
                }, settings.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    // ---- heartbeats and progress -----------------------------------------------------------------------------

    private void beatAll() {
        List<Run<?>> all = List.copyOf(running.values());
        if (all.size() <= 1) {
            all.forEach(this::beat);
            return;
        }
        // Several beats in flight at once share the store's batches: a tick costs a few bulk requests, not one per run.
        CompletableFuture<?>[] beats = all.stream()
            .map(run -> CompletableFuture.runAsync(() -> beat(run), beaters))
            .toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(beats).join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // Stopping: the beaters were shut down under us.
        }
    }

    private void beat(Run<?> run) {
        if (run.ended()) {
            return;
        }
        Result beat;
        try {
            beat = runs.heartbeat(run.space(), run.taskId(), run.id, run.takeProgress(), run.latest);
        } catch (RuntimeException e) {
            warn("Heartbeat of task " + run.taskId() + " failed", e);
            return;
        }
        if (beat.kind() == Kind.WRITTEN) {
            run.latest = beat.stored();
        }
        if (beat.kind() == Kind.LOST) {
            if (run.signal.fire(CancellationReason.CLAIM_LOST)) {
                LOG.info("Task {} is no longer held by this run ({}): stopping it", run.taskId(), beat.lostWhy());
                afterSignal(run);
            }
        } else if (beat.document().status() == TaskStatus.BEING_CANCELED && run.signal.fire(CancellationReason.CANCELED)) {
            afterSignal(run);
        }
    }

    /** Writes progress soon, but at most once per {@link #PROGRESS_INTERVAL} per run. */
    private void progressChanged(String key) {
        AtomicBoolean pending = flushPending.computeIfAbsent(key, k -> new AtomicBoolean());
        if (pending.compareAndSet(false, true)) {
            try {
                timers.schedule(() -> {
                    pending.set(false);
                    Run<?> run = running.get(key);
                    if (run != null) {
                        beat(run);
                    }
                }, PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                pending.set(false);
            }
        }
    }

    // ---- types coming and going ------------------------------------------------------------------------------

    @Override
    public void available(String type) {
        requestPoll();
    }

    @Override
    public void withdrawn(TaskDefinition<?, ?> definition) {
        for (Run<?> run : List.copyOf(running.values())) {
            if (run.definition == definition && run.signal.fire(CancellationReason.TYPE_UNREGISTERED)) {
                LOG.info("Task type {} went away: releasing task {}", definition.type(), run.taskId());
                afterSignal(run);
            }
        }
    }

    private void requestPoll() {
        if (pollPending.compareAndSet(false, true)) {
            submitTimer(() -> poll(false));
        }
    }

    /**
     * After a run ends: the next found task takes its slot, and while a backlog is known, the next page of it is looked
     * for before the found ones run out, so that slots do not wait for a search.
     */
    private void continueBacklog() {
        startReady();
        if (backlogCursor != null && ready.size() < Math.max(1, settings.capacity()) && pollPending.compareAndSet(false, true)) {
            submitTimer(() -> poll(true));
        }
    }

    // ---- the work of dead nodes, and old tasks ---------------------------------------------------------------

    /**
     * Takes over the claims of nodes whose lease lapsed, at once rather than when each claim turns stale. A lapsed node
     * whose last pass found none of its claims is not searched for again while it stays lapsed: a dead node's lease
     * document stays, and its lapse would otherwise cost a search at every poll for good.
     */
    private void reapLapsedLeases() {
        Set<String> lapsed = liveness.lapsed(store.leases(), settings.nodeId(), settings.leaseLapse());
        // A node that renewed since is judged afresh if it lapses again.
        settledLapses.retainAll(lapsed);
        Set<String> pending = new HashSet<>(lapsed);
        pending.removeAll(settledLapses);
        if (pending.isEmpty()) {
            return;
        }
        Set<String> holding = new HashSet<>();
        TaskQuery claims = TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS, TaskStatus.BEING_CANCELED)).withClaimed(true);
        for (StoredTask task : store.search(claims, 0, 500).tasks()) {
            TaskDocument doc = task.document();
            if (!pending.contains(doc.node()) || running.containsKey(key(doc.space(), doc.id()))) {
                continue;
            }
            holding.add(doc.node());
            int maxAttempts = types.definition(doc.type()).map(TaskRunner::maxAttempts).orElse(DEFAULT_MAX_ATTEMPTS);
            Result reaped = runs.reap(doc.space(), doc.id(), maxAttempts, doc.node());
            // The dead node's run may have opened the key: revoked whether or not it was stored.
            revokeIfEnded(reaped, task.record().apiKey());
            if (reaped.kind() == Kind.WRITTEN) {
                LOG.info("Took over task {} from node {}, whose lease lapsed: now {}", doc.id(), doc.node(),
                    reaped.document().status().wireName());
            }
        }
        pending.removeAll(holding);
        settledLapses.addAll(pending);
    }

    private void reap() {
        reapLapsedLeases();
        Instant now = clock.instant();
        TaskQuery staleClaims = TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS, TaskStatus.BEING_CANCELED))
            .withClaimed(true).withHeartbeatBefore(now.minus(settings.staleAfter()));
        TaskQuery orphanCancels = TaskQuery.all().withStatuses(Set.of(TaskStatus.BEING_CANCELED)).withClaimed(false);
        for (TaskQuery query : List.of(staleClaims, orphanCancels)) {
            for (StoredTask task : store.search(query, 0, 100).tasks()) {
                TaskDocument doc = task.document();
                if (running.containsKey(key(doc.space(), doc.id()))) {
                    continue;
                }
                int maxAttempts = types.definition(doc.type()).map(TaskRunner::maxAttempts).orElse(DEFAULT_MAX_ATTEMPTS);
                Result reaped = runs.reap(doc.space(), doc.id(), maxAttempts);
                revokeIfEnded(reaped, task.record().apiKey());
                if (reaped.kind() == Kind.WRITTEN) {
                    LOG.info("Took over task {} from node {}: now {}", doc.id(), doc.node(), reaped.document().status().wireName());
                }
            }
        }
        requestPoll();
    }

    /** Deletes finished tasks idle for longer than {@code cleanupAfter}. */
    void cleanup() {
        long deleted = store.deleteAll(TaskQuery.all().withStatuses(TERMINAL)
            .withUpdatedBefore(clock.instant().minus(settings.cleanupAfter())));
        if (deleted > 0) {
            LOG.info("Deleted {} finished tasks idle for more than {} days", deleted, settings.cleanupAfter().toDays());
        }
    }

    // ---- figures ---------------------------------------------------------------------------------------------

    List<RunningTask> running() {
        return running.values().stream().map(Run::describe).sorted(Comparator.comparing(RunningTask::startedAt)).toList();
    }

    int runningCount() {
        return running.size();
    }

    long startLatencyMillis(double percentile) {
        return startLatencies.percentile(clock.instant(), percentile);
    }

    long claimsLost() {
        return claimsLost.sum();
    }

    SchedulerSettings settings() {
        return settings;
    }

    // ---- stopping --------------------------------------------------------------------------------------------

    /**
     * Stops the node's part: no new claims; runs get {@code NODE_STOPPING} and up to {@code cancelGrace} to stop; runs
     * that do not are released anyway, so that another node takes their tasks at once instead of after
     * {@code staleAfter}.
     */
    void stop() {
        stopping = true;
        types.removeListener(this);
        List<Run<?>> left = List.copyOf(running.values());
        left.forEach(r -> r.signal.fire(CancellationReason.NODE_STOPPING));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.cancelGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        for (Run<?> run : left) {
            if (run.end()) {
                finish(run, null, null);
            }
        }
        timers.shutdownNow();
        beaters.shutdownNow();
        try {
            store.dropLease(settings.nodeId());
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the lease of node {}: other nodes will see it lapse", settings.nodeId(), e);
        }
        LOG.info("Task runner of node {} stopped", settings.nodeId());
    }

    /**
     * Stops as a crashed process would: threads gone, nothing written, claims left to go stale. For measuring recovery
     * from a dead node in one JVM; a real node stops with {@link #stop()}.
     */
    void halt() {
        halted = true;
        stopping = true;
        types.removeListener(this);
        timers.shutdownNow();
        beaters.shutdownNow();
        workers.shutdownNow();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** When a failed attempt may run again: exponential backoff from {@code retryBackoff}, with jitter. */
    private Instant retryAt(TaskDocument claimed) {
        int failed = TaskTransitions.failedAttempts(claimed) + 1;
        long base = settings.retryBackoff().toMillis() * (1L << Math.min(failed - 1, 20));
        long capped = Math.min(base, settings.retryBackoffMax().toMillis());
        long jittered = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return clock.instant().plusMillis(jittered);
    }

    private static int maxAttempts(TaskDefinition<?, ?> definition) {
        return Math.max(1, Math.min(definition.maxAttempts(), TaskTransitions.ATTEMPT_LOG_SIZE));
    }

    private void submitTimer(Runnable action) {
        try {
            timers.execute(guarded("dispatch", action));
        } catch (RejectedExecutionException e) {
            // Stopping: nothing more to do.
        }
    }

    private Runnable guarded(String what, Runnable action) {
        return () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: carry on, and warn at most once a minute per
                // activity, or a store outage would log twice a second.
                long now = System.nanoTime();
                Long last = lastWarnings.get(what);
                if (last == null || now - last > TimeUnit.MINUTES.toNanos(1)) {
                    lastWarnings.put(what, now);
                    warn("Scheduler " + what + " failed (repeats are logged at debug for a minute)", e);
                } else {
                    LOG.debug("Scheduler {} failed: {}", what, e.getMessage());
                }
            }
        };
    }

    /**
     * Logs a failure of the scheduler's own work: an expected one (the store unavailable, a conflict) as one line, since
     * its message says it all and it may repeat; anything else is a bug, logged with its stack trace.
     */
    private static void warn(String what, RuntimeException e) {
        if (e instanceof io.sluice.task.TaskException || e instanceof io.sluice.store.StoreConflictException) {
            LOG.warn("{}: {}", what, e.getMessage());
        } else {
            LOG.warn(what, e);
        }
    }

    private static long jitter(long millis) {
        return millis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, millis));
    }

    private static String key(Run<?> run) {
        return key(run.space(), run.taskId());
    }

    private static String key(String space, String id) {
        return space + ":" + id;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
