package io.sluice.scheduler.internal;

import io.sluice.security.AccessPolicy;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.security.TaskApiKey;
import io.sluice.security.TaskApiKeys;
import io.sluice.scheduler.internal.TaskLifecycle.BeforeWrite;
import io.sluice.scheduler.internal.TaskTransitions.Acknowledge;
import io.sluice.scheduler.internal.TaskTransitions.Cancel;
import io.sluice.scheduler.internal.TaskTransitions.Schedule;
import io.sluice.store.StoreConflictException;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskChanges;
import io.sluice.store.TaskQuery;
import io.sluice.store.TaskRecord;
import io.sluice.store.TaskSearchResult;
import io.sluice.store.TaskStore;
import io.sluice.task.ForbiddenException;
import io.sluice.task.InvalidParamsException;
import io.sluice.task.PageRequest;
import io.sluice.task.ReportedStatus;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.ScheduleResult;
import io.sluice.task.StoreUnavailableException;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskConflictException;
import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskFilter;
import io.sluice.task.TaskNotFoundException;
import io.sluice.task.TaskPage;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskStatusView;
import io.sluice.task.TaskTypeInfo;
import io.sluice.task.UnknownTaskTypeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * This node's {@link TaskClient}: checks who may do what, binds params, and hands every change to
 * {@link TaskLifecycle}, which applies the status machine with conditional writes.
 *
 * <p>A task the caller may not read (another space, or a stream without the {@code read} grant) is answered exactly
 * like an absent one, so callers cannot learn what exists beyond their privileges.
 */
@Component(service = TaskClient.class, configurationPid = "io.sluice.scheduler")
public final class NodeTaskClient implements TaskClient {

    private static final org.slf4j.Logger AUDIT = org.slf4j.LoggerFactory.getLogger("io.sluice.audit");

    /** Task ids: what an OpenSearch document id and a URL path segment both take without escaping. */
    static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    /** Stream names: OpenSearch index names, lower case, no path characters. */
    static final Pattern STREAM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");

    private final TaskStore store;
    private final TaskChanges changes;
    private final Clock clock;
    private static final int WATCH_CHECK_THREADS = 4;

    private final ScheduledExecutorService watchTimers;
    private final ExecutorService watchChecks;
    private final Set<StatusWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<TaskPage>> lists = ConcurrentHashMap.newKeySet();
    /** How long a search may take to see a write (OpenSearch's default refresh interval, and a margin). */
    private static final Duration SEARCH_LAG = Duration.ofMillis(1100);
    private final TaskTypes types;
    private final AccessPolicy access;
    private final Staleness staleness;
    private final TaskLifecycle lifecycle;
    private final PluginJson json;
    private volatile LocalRuns localRuns;
    private volatile TaskApiKeys apiKeys;
    private final TaskMetrics metrics = new TaskMetrics();

    /** Binds the store and its change feed, the type whiteboard and the access policy. */
    @Activate
    public NodeTaskClient(@Reference TaskStore store, @Reference TaskChanges changes, @Reference TaskTypes types,
                          @Reference AccessPolicy access, SchedulerConfig config) {
        this(store, changes, types, access, Duration.ofSeconds(config.staleAfterSeconds()), Clock.systemUTC(), BeforeWrite.NONE);
    }

    /** A changed stale-after applies to the next read and decision. */
    @Modified
    void modified(SchedulerConfig config) {
        staleness.staleAfter(Duration.ofSeconds(config.staleAfterSeconds()));
    }

    /** For tests: the store's own change feed when it has one, a controllable clock, a hook before each write. */
    NodeTaskClient(TaskStore store, TaskTypes types, AccessPolicy access, Duration staleAfter, Clock clock,
                   BeforeWrite beforeWrite) {
        this(store, store instanceof TaskChanges feed ? feed : null, types, access, staleAfter, clock, beforeWrite);
    }

    private NodeTaskClient(TaskStore store, TaskChanges changes, TaskTypes types, AccessPolicy access, Duration staleAfter,
                           Clock clock, BeforeWrite beforeWrite) {
        this.store = store;
        this.changes = changes;
        this.clock = clock;
        this.watchTimers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-status-watch-timer");
            thread.setDaemon(true);
            return thread;
        });
        // A check may read OpenSearch: a few threads, so one slow read does not hold up every other waiting poll.
        AtomicInteger checkThreads = new AtomicInteger();
        this.watchChecks = new ThreadPoolExecutor(WATCH_CHECK_THREADS, WATCH_CHECK_THREADS, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread thread = new Thread(r, "sluice-status-watch-" + checkThreads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        this.types = types;
        this.access = access;
        this.json = types.json();
        this.staleness = new Staleness(staleAfter);
        this.lifecycle = new TaskLifecycle(store, new TaskTransitions(staleness), clock, beforeWrite);
    }

    /** Stops the status watches: every waiting caller is answered (503: the task service is stopping), none dropped. */
    /** Counts schedules into the registries the metrics bundle publishes (none when it is not installed). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = TaskMetrics.PUBLISHED_TO)
    void bindMeterRegistry(MeterRegistry registry) {
        metrics.publishTo(registry);
    }

    void unbindMeterRegistry(MeterRegistry registry) {
        metrics.withdrawFrom(registry);
    }

    @Deactivate
    void deactivate() {
        watchTimers.shutdownNow();
        watchChecks.shutdownNow();
        for (StatusWatch watch : List.copyOf(watches)) {
            watch.result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", null));
        }
        for (CompletableFuture<TaskPage> list : List.copyOf(lists)) {
            list.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", null));
        }
    }

    /** The lifecycle this client writes through. */
    TaskLifecycle lifecycle() {
        return lifecycle;
    }

    /** This node's runner, told of schedules and cancels so that they take effect at once. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, service = LocalRuns.class)
    void bindLocalRuns(LocalRuns runs) {
        localRuns = runs;
    }

    void unbindLocalRuns(LocalRuns runs) {
        if (localRuns == runs) {
            localRuns = null;
        }
    }

    /** Mints the task API key each run acts with; without it, tasks are scheduled without one (and cannot use scoped clients). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, service = TaskApiKeys.class)
    void bindApiKeys(TaskApiKeys keys) {
        apiKeys = keys;
    }

    void unbindApiKeys(TaskApiKeys keys) {
        if (apiKeys == keys) {
            apiKeys = null;
        }
    }

    @Override
    public TaskDocument get(String id, Caller caller) {
        return visible(id, caller).map(StoredTask::document).orElse(TaskDocument.notStarted(id));
    }

    @Override
    public TaskStatusView status(String id, Caller caller) {
        checkId(id);
        Optional<StoredTask> task = changes == null ? Optional.empty()
            : changes.recent(caller.space(), id).map(TaskChanges.Known::task).orElse(null);
        if (task == null || changes == null) {
            task = store.get(caller.space(), id);
        }
        Instant now = lifecycle.now();
        return task.filter(t -> mayRead(t.document(), caller))
            .map(t -> view(t, now))
            .orElseGet(() -> view(TaskDocument.notStarted(id), Optional.empty(), null));
    }

    @Override
    public CompletionStage<TaskStatusView> statusChange(String id, Caller caller, String seenEtag, Duration timeout) {
        TaskStatusView current = status(id, caller);
        if (!current.etag().equals(seenEtag) || timeout.isZero() || timeout.isNegative() || changes == null) {
            return CompletableFuture.completedFuture(current);
        }
        return new StatusWatch(id, caller, seenEtag, timeout).start();
    }

    @Override
    public CompletionStage<TaskPage> listChange(TaskFilter filter, PageRequest page, Caller caller, String seenEtag,
                                                Duration timeout) {
        TaskPage current = list(filter, page, caller);
        if (!current.etag().equals(seenEtag) || timeout.isZero() || timeout.isNegative() || changes == null) {
            return CompletableFuture.completedFuture(current);
        }
        return new ListWatch(filter, page, caller, seenEtag, timeout).start(current);
    }

    /**
     * One waiting listing. Woken by any change the node sees in the caller's space, it lists again once a search can
     * see the change (OpenSearch's refresh interval); a timer also wakes it when a task on the page would turn stale,
     * and when the wait ends. Holds no thread.
     */
    private final class ListWatch {
        private final TaskFilter filter;
        private final PageRequest page;
        private final Caller caller;
        private final String seenEtag;
        private final long deadline;
        private final CompletableFuture<TaskPage> result = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicBoolean checkPending = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile TaskChanges.Registration registration;
        private volatile ScheduledFuture<?> timer;

        ListWatch(TaskFilter filter, PageRequest page, Caller caller, String seenEtag, Duration timeout) {
            this.filter = filter;
            this.page = page;
            this.caller = caller;
            this.seenEtag = seenEtag;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        CompletableFuture<TaskPage> start(TaskPage current) {
            lists.add(result);
            registration = changes.watchSpace(caller.space(), this::changed);
            result.whenComplete((p, error) -> {
                lists.remove(result);
                registration.close();
                ScheduledFuture<?> pending = timer;
                if (pending != null) {
                    pending.cancel(false);
                }
            });
            waitFor(current);
            return result;
        }

        /** Something changed: list again once a search sees it; several changes meanwhile make one check. */
        private void changed() {
            if (!result.isDone() && checkPending.compareAndSet(false, true)) {
                try {
                    watchTimers.schedule(() -> dispatch(this::check), SEARCH_LAG.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", e));
                }
            }
        }

        private void check() {
            checkPending.set(false);
            if (result.isDone()) {
                return;
            }
            try {
                TaskPage current = list(filter, page, caller);
                if (!current.etag().equals(seenEtag) || System.nanoTime() - deadline >= 0) {
                    result.complete(current);
                    return;
                }
                waitFor(current);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        /** Sets the timer: the end of the wait, or sooner when a task on the page would turn stale. */
        private void waitFor(TaskPage current) {
            long wake = deadline;
            Instant now = clock.instant();
            for (TaskStatusView task : current.tasks()) {
                if (task.status() == ReportedStatus.IN_PROGRESS || task.status() == ReportedStatus.BEING_CANCELED) {
                    Instant from = task.node() != null && task.heartbeatAt() != null ? task.heartbeatAt() : task.updatedAt();
                    if (from != null) {
                        long untilStale = Math.max(Duration.between(now, from.plus(staleness.staleAfter())).toNanos(),
                            TimeUnit.SECONDS.toNanos(1));
                        wake = Math.min(wake, System.nanoTime() + untilStale);
                    }
                }
            }
            ScheduledFuture<?> previous = timer;
            if (previous != null) {
                previous.cancel(false);
            }
            try {
                timer = watchTimers.schedule(() -> dispatch(this::check), Math.max(0, wake - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", e));
            }
        }

        private void dispatch(Runnable action) {
            try {
                watchChecks.execute(action);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", e));
            }
        }
    }

    /**
     * One waiting status read: woken by the change feed (its own writes at once, other nodes' within the feed
     * interval) and by a timer at the moment the task would turn stale or the wait ends. Holds no thread; the checks
     * run on this client's timer thread, never on the writer's.
     */
    private final class StatusWatch {
        private final String id;
        private final Caller caller;
        private final String seenEtag;
        private final long deadline;
        private final CompletableFuture<TaskStatusView> result = new CompletableFuture<>();
        private volatile TaskChanges.Registration registration;
        private volatile ScheduledFuture<?> timer;

        StatusWatch(String id, Caller caller, String seenEtag, Duration timeout) {
            this.id = id;
            this.caller = caller;
            this.seenEtag = seenEtag;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        CompletableFuture<TaskStatusView> start() {
            watches.add(this);
            registration = changes.watch(caller.space(), id, () -> dispatch(this::check));
            result.whenComplete((view, error) -> {
                watches.remove(this);
                registration.close();
                ScheduledFuture<?> pending = timer;
                if (pending != null) {
                    pending.cancel(false);
                }
            });
            dispatch(this::check); // a change between the first read and the registration
            return result;
        }

        private void check() {
            if (result.isDone()) {
                return;
            }
            try {
                TaskStatusView view = status(id, caller);
                if (!view.etag().equals(seenEtag) || System.nanoTime() - deadline >= 0) {
                    result.complete(view);
                    return;
                }
                // Wake again at the wait's end, or when the task would turn stale if nothing is written before.
                long wake = deadline;
                Optional<Instant> staleAt = changes.recent(caller.space(), id).flatMap(TaskChanges.Known::task)
                    .flatMap(t -> staleness.staleAt(t.record()));
                if (staleAt.isPresent()) {
                    long untilStale = Duration.between(clock.instant(), staleAt.get()).toNanos();
                    wake = Math.min(wake, System.nanoTime() + Math.max(untilStale, 0));
                }
                ScheduledFuture<?> previous = timer;
                if (previous != null) {
                    previous.cancel(false);
                }
                timer = watchTimers.schedule(() -> dispatch(this::check), Math.max(0, wake - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The client stopped while this check ran: the same answer its stop gives every waiting read.
                result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", e));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private void dispatch(Runnable action) {
            try {
                watchChecks.execute(action);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new StoreUnavailableException("the task service is stopping: ask again", e));
            }
        }
    }

    @Override
    public ScheduleResult schedule(ScheduleRequest request, Caller caller) {
        String what = "schedule " + request.type() + (request.stream() == null ? "" : " on " + request.stream());
        return audited(caller, what, request.taskId(), () -> scheduleRun(request, caller), ScheduleResult::task);
    }

    private ScheduleResult scheduleRun(ScheduleRequest request, Caller caller) {
        String stream = request.stream() == null ? null : checkStream(request.stream());
        String id = checkId(request.taskId());
        requireManage(stream, caller);
        TaskDefinition<?, ?> definition = types.definition(request.type()).orElseThrow(() -> new UnknownTaskTypeException(
            "no installed bundle provides task type '" + request.type() + "'; installed types: "
                + types.infos().stream().map(TaskTypeInfo::type).collect(Collectors.joining(", ", "[", "]"))));
        Map<String, Object> params = json.toObject(json.bind(definition, request.params()), "params");
        // The run acts on the caller's behalf through its own key, minted now with the caller's privileges. Sluice's
        // key service stores a key on its first use, so the mint is done at once. With one that stores keys when they
        // are minted, a new task that starts here at once has its key stored while it is written (one round trip, not
        // two): stored claimed by this node, no other node can run it, and its run starts only once both are stored.
        // Any other task is written only once its key is: another node may find and run it.
        TaskApiKeys keys = apiKeys;
        TaskApiKeys.Pending pendingKey = keys == null ? null : keys.startMint(caller, id, keyLifetime(definition));
        TaskApiKey key = pendingKey == null ? null : pendingKey.key();
        // With a free slot here, the new run is stored already claimed by this node and starts at once.
        LocalRuns runs = localRuns;
        Optional<LocalRuns.Slot> slot = runs == null ? Optional.empty() : runs.reserve(definition.type());
        TaskLifecycle.Result result;
        try {
            Schedule schedule = new Schedule(definition.type(), stream, caller.space(), caller.user(), params,
                slot.map(LocalRuns.Slot::node).orElse(null), key);
            boolean keyAlongside = pendingKey != null && slot.isPresent() && !pendingKey.stored().isDone();
            if (pendingKey != null && !keyAlongside) {
                pendingKey.awaitStored();
            }
            // An explicit id usually names a new task: one create, no read. If the task exists the create is refused,
            // and the usual path reads it and decides. A stream's task (id from type and stream) is usually scheduled
            // again over its last run, so it takes the usual path at once.
            Optional<TaskLifecycle.Result> created = request.id() == null ? Optional.empty()
                : lifecycle.applyToAbsent(caller.space(), id, schedule);
            if (created.isPresent()) {
                result = created.get();
                if (keyAlongside) {
                    awaitKeyOrUndo(pendingKey, caller.space(), result.stored());
                }
            } else {
                // Replacing a task cannot be undone: its key must be stored first.
                if (keyAlongside) {
                    pendingKey.awaitStored();
                }
                Optional<StoredTask> existing = request.id() == null ? Optional.empty() : store.get(caller.space(), id);
                // An explicit id may name a task of another stream: the caller must be allowed to replace that one too.
                existing.map(StoredTask::document).filter(other -> !java.util.Objects.equals(other.stream(), stream))
                    .ifPresent(other -> requireManage(other.stream(), caller));
                result = lifecycle.apply(caller.space(), id, schedule, existing.orElse(null));
            }
        } catch (RuntimeException e) {
            slot.ifPresent(LocalRuns.Slot::release);
            revoke(keys, key);
            throw e;
        }
        boolean started = result.kind() == TaskLifecycle.Kind.WRITTEN;
        if (started) {
            metrics.scheduled(definition.type());
        }
        if (!started) {
            revoke(keys, key);
        } else if (result.replaced() != null) {
            // The stale run this one replaced must not act any more (a finished task's key went with its end).
            revoke(keys, result.replaced().record().apiKey());
        }
        slot.ifPresent(s -> {
            if (started) {
                s.start(result.stored());
            } else {
                s.release();
            }
        });
        if (slot.isEmpty() && started && runs != null && result.stored().document().node() == null
            && result.stored().record().runAfter() == null) {
            // No free slot here: queued for this node's next one, not left for a search to find after a refresh.
            runs.queued(result.stored());
        }
        return new ScheduleResult(result.document(), started);
    }

    /**
     * Waits for the key of a task just created claimed by this node. If the key could not be stored, the task is
     * deleted again (its run has not started, and no other node runs a task claimed by a live one) and the caller
     * hears the key's error.
     */
    private void awaitKeyOrUndo(TaskApiKeys.Pending pendingKey, String space, StoredTask created) {
        try {
            pendingKey.awaitStored();
        } catch (RuntimeException keyFailure) {
            try {
                store.delete(space, created.id(), created.version());
            } catch (RuntimeException undoFailure) {
                // Not added to keyFailure: a failed bulk hands the same exception to every write in it.
                AUDIT.warn("task {} was stored but its API key {} was not, and deleting the task failed: {}",
                    created.id(), pendingKey.key().id(), undoFailure.getMessage());
            }
            throw keyFailure;
        }
    }

    /** Long enough for every attempt, its timeout and backoffs, and a stretch of waiting for a node; at least a day. */
    private static Duration keyLifetime(TaskDefinition<?, ?> definition) {
        Duration attempts = definition.timeout().multipliedBy(Math.max(1, definition.maxAttempts()) * 2L);
        return attempts.compareTo(Duration.ofDays(1)) > 0 ? attempts : Duration.ofDays(1);
    }

    private static void revoke(TaskApiKeys keys, TaskApiKey key) {
        if (keys != null && key != null) {
            try {
                keys.revoke(key);
            } catch (RuntimeException e) {
                AUDIT.warn("revoking API key {} failed: {}", key.id(), e.getMessage());
            }
        }
    }

    @Override
    public TaskDocument cancel(String id, Caller caller) {
        return audited(caller, "cancel", id, () -> cancelRun(id, caller), t -> t);
    }

    private TaskDocument cancelRun(String id, Caller caller) {
        Optional<StoredTask> task = visible(id, caller);
        if (task.isEmpty()) {
            throw notFound(id);
        }
        requireManage(task.get().document().stream(), caller);
        TaskLifecycle.Result result = lifecycle.apply(caller.space(), id, new Cancel());
        LocalRuns runs = localRuns;
        if (runs != null && result.document().status() == TaskStatus.BEING_CANCELED) {
            runs.canceled(caller.space(), id);
        }
        return result.document();
    }

    @Override
    public TaskDocument acknowledge(String id, Caller caller) {
        return audited(caller, "acknowledge", id, () -> acknowledgeRun(id, caller), t -> t);
    }

    private TaskDocument acknowledgeRun(String id, Caller caller) {
        Optional<StoredTask> task = visible(id, caller);
        if (task.isEmpty()) {
            throw notFound(id);
        }
        requireManage(task.get().document().stream(), caller);
        return lifecycle.apply(caller.space(), id, new Acknowledge()).document();
    }

    @Override
    public TaskPage list(TaskFilter filter, PageRequest page, Caller caller) {
        TaskQuery query = TaskQuery.all()
            .withType(filter.type())
            .withStatuses(filter.status() == null ? null : Set.of(filter.status()))
            // A filter no stream can match is a mistake to report, not an empty page (a typo would look like "no tasks").
            .withStream(filter.stream() == null ? null : checkStream(filter.stream()))
            .withSpace(caller.space())
            .withOwner(filter.owner())
            .withStreamPatterns(access.streamPatterns(caller, Privilege.READ));
        TaskSearchResult result = store.search(query, page.from(), page.size());
        Instant now = lifecycle.now();
        // The search filters by stream patterns; an API key caller's frozen scope may be narrower still.
        return new TaskPage(result.tasks().stream().filter(t -> mayRead(t.document(), caller)).map(t -> view(t, now)).toList(),
            result.total(), page.from(), page.size());
    }

    @Override
    public boolean delete(String id, Caller caller) {
        for (int round = 1; round <= TaskLifecycle.MAX_ROUNDS; round++) {
            Optional<StoredTask> task = visible(id, caller);
            if (task.isEmpty()) {
                return false;
            }
            TaskDocument doc = task.get().document();
            requireManage(doc.stream(), caller);
            boolean live = (doc.status() == TaskStatus.IN_PROGRESS || doc.status() == TaskStatus.BEING_CANCELED)
                && !staleness.isStale(task.get().record(), lifecycle.now());
            if (live) {
                throw new TaskConflictException("task " + id + " is " + doc.status().wireName() + ": cancel it first");
            }
            try {
                return store.delete(caller.space(), id, task.get().version());
            } catch (StoreConflictException e) {
                // Changed since read: look again.
            }
        }
        throw new TaskConflictException("task " + id + " kept changing; try again");
    }

    /** A task that does not exist, or that the caller may not read: the same answer for both. */
    private static TaskNotFoundException notFound(String id) {
        return new TaskNotFoundException("task " + id + " not found");
    }

    /** Runs a change and writes one audit line for it: the resulting status, or the refusal (then rethrown). */
    private static <T> T audited(Caller caller, String action, String id, Supplier<T> change,
                                 java.util.function.Function<T, TaskDocument> document) {
        try {
            T result = change.get();
            audit(caller, action, id, document.apply(result).status().wireName());
            return result;
        } catch (RuntimeException e) {
            audit(caller, action, id, refusal(e));
            throw e;
        }
    }

    private static void audit(Caller caller, String action, String id, String outcome) {
        AUDIT.info("user={} via={} space={} action=\"{}\" task={} outcome={}", caller.user(),
            caller.authentication().name().toLowerCase(java.util.Locale.ROOT), caller.space(), action, id, outcome);
    }

    private static String refusal(RuntimeException e) {
        String code = e instanceof io.sluice.task.TaskException t ? String.valueOf(t.statusCode()) : e.getClass().getSimpleName();
        return "refused:" + code;
    }

    /** The task, if it exists and the caller may read it. */
    private Optional<StoredTask> visible(String id, Caller caller) {
        return store.get(caller.space(), checkId(id))
            .filter(t -> mayRead(t.document(), caller));
    }

    private boolean mayRead(TaskDocument task, Caller caller) {
        return task.stream() == null ? access.isAdmin(caller) : access.allows(caller, Privilege.READ, task.stream());
    }

    private void requireManage(String stream, Caller caller) {
        boolean allowed = stream == null ? access.isAdmin(caller) : access.allows(caller, Privilege.MANAGE, stream);
        if (!allowed) {
            throw new ForbiddenException(stream == null
                ? "user " + caller.user() + " may not manage tasks that have no stream (admin only)"
                : "user " + caller.user() + " may not manage tasks of stream '" + stream + "'");
        }
    }

    /** The read view: {@code stale} computed; payload, error and progress only where their status has them. */
    private TaskStatusView view(StoredTask task, Instant now) {
        return view(task.document(), staleness.reason(task.record(), now),
            task.version().primaryTerm() + "." + task.version().seqNo());
    }

    private static TaskStatusView view(TaskDocument d, Optional<String> stale, String version) {
        boolean done = d.status() == TaskStatus.COMPLETED || d.status() == TaskStatus.ACKNOWLEDGED;
        boolean running = d.status() == TaskStatus.IN_PROGRESS || d.status() == TaskStatus.BEING_CANCELED;
        return new TaskStatusView(d.id(), d.type(), stale.isPresent() ? ReportedStatus.STALE : ReportedStatus.of(d.status()),
            d.status(), stale.orElse(null), d.stream(), d.space(), d.owner(), d.node(), d.createdAt(), d.updatedAt(),
            d.heartbeatAt(), d.attempt(), done ? d.payload() : null, d.status() == TaskStatus.FAILED ? d.error() : null,
            running ? d.progress() : null, version);
    }

    private static String checkId(String id) {
        if (id == null || !TASK_ID.matcher(id).matches()) {
            throw new InvalidParamsException("id", "a task id is 1 to 255 of A-Z a-z 0-9 . _ - starting with a letter or "
                + "digit, got '" + id + "'");
        }
        return id;
    }

    private static String checkStream(String stream) {
        if (!STREAM.matcher(stream).matches() || stream.contains("..")) {
            throw new InvalidParamsException("stream", "a stream name is 1 to 255 of a-z 0-9 . _ - starting with a letter "
                + "or digit, got '" + stream + "'");
        }
        return stream;
    }
}
