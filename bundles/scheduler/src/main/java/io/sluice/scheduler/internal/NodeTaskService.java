package io.sluice.scheduler.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.auth.ScopedClientFactory;
import io.sluice.security.TaskApiKeys;
import io.sluice.store.StoreHealth;
import io.sluice.store.TaskQuery;
import io.sluice.store.StoredTask;
import io.sluice.store.TaskStore;
import io.sluice.task.NodeHealth;
import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import io.sluice.task.TaskStatus;
import io.sluice.task.TaskTypeInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's scheduler: it owns the {@link TaskRunner} (started on activation, stopped on deactivation) and reports
 * the node's health. A configuration change is applied to the running runner ({@link #modified}): runs in progress
 * carry on, nothing is released or restarted.
 */
@Component(service = {TaskService.class, LocalRuns.class}, configurationPid = "io.sluice.scheduler")
@Designate(ocd = SchedulerConfig.class)
public final class NodeTaskService implements TaskService, LocalRuns {

    private static final Logger LOG = LoggerFactory.getLogger(NodeTaskService.class);

    private final TaskTypes types;
    private final TaskStore store;
    private final BundleContext context;
    private volatile SchedulerSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final Staleness staleness;
    private final TaskRunner runner;
    private final TaskMetrics metrics = new TaskMetrics();
    private volatile TaskApiKeys apiKeys;
    private volatile ScopedClientFactory scopedClients;

    /** Starts this node's runner. */
    @Activate
    public NodeTaskService(@Reference TaskTypes types, @Reference TaskStore store, SchedulerConfig config, BundleContext context) {
        this.types = types;
        this.store = store;
        this.context = context;
        this.settings = SchedulerSettings.from(config, context);
        this.staleness = new Staleness(settings.staleAfter());
        TaskLifecycle lifecycle = new TaskLifecycle(store, new TaskTransitions(staleness), clock, TaskLifecycle.BeforeWrite.NONE);
        this.runner = new TaskRunner(store, types, settings, clock, lifecycle,
            new RunCredentials(() -> apiKeys, () -> scopedClients), metrics);
    }

    /**
     * Applies changed settings to the running node. Invalid settings are refused (DS logs the reason) and the previous
     * ones stay. A new node id is logged and waits for the scheduler to restart, since running claims carry the old one.
     */
    @Modified
    void modified(SchedulerConfig config) {
        SchedulerSettings next = SchedulerSettings.from(config, context);
        if (!next.nodeId().equals(settings.nodeId())) {
            LOG.warn("nodeId changed from {} to {}: it applies when the scheduler restarts (bundle:restart io.sluice.scheduler); "
                + "every other setting applies now", settings.nodeId(), next.nodeId());
            next = next.withNodeId(settings.nodeId());
        }
        runner.reconfigure(next);
        staleness.staleAfter(next.staleAfter());
        settings = next;
    }

    @Deactivate
    void deactivate() {
        runner.stop();
    }

    /** Counts starts, ends and conflicts into the registries the metrics bundle publishes (none without it). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = TaskMetrics.PUBLISHED_TO)
    void bindMeterRegistry(MeterRegistry registry) {
        metrics.publishTo(registry);
    }

    void unbindMeterRegistry(MeterRegistry registry) {
        metrics.withdrawFrom(registry);
    }

    /** The task API keys runs act with, revoked when their tasks end if a run may have stored them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindApiKeys(TaskApiKeys keys) {
        apiKeys = keys;
    }

    void unbindApiKeys(TaskApiKeys keys) {
        if (apiKeys == keys) {
            apiKeys = null;
        }
    }

    /** Where runs get the scoped clients of their key: the same factory the HTTP routes use. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindScopedClients(ScopedClientFactory factory) {
        scopedClients = factory;
    }

    void unbindScopedClients(ScopedClientFactory factory) {
        if (scopedClients == factory) {
            scopedClients = null;
        }
    }

    @Override
    public Optional<Slot> reserve(String type) {
        return runner.reserve(type);
    }

    @Override
    public void queued(StoredTask task) {
        runner.queued(task);
    }

    @Override
    public void canceled(String space, String id) {
        runner.canceled(space, id);
    }

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public List<TaskTypeInfo> types() {
        return types.infos();
    }

    @Override
    public Optional<TaskTypeInfo> type(String type) {
        return types.infos().stream().filter(t -> t.type().equals(type)).findFirst();
    }

    @Override
    public List<RunningTask> running() {
        return runner.running();
    }

    @Override
    public NodeHealth health() {
        StoreHealth storeHealth = store.health();
        Map<String, Long> queued = Map.of();
        long stale = 0;
        List<String> otherNodes = List.of();
        if (storeHealth.available()) {
            Instant now = clock.instant();
            Instant staleBefore = now.minus(staleness.staleAfter());
            queued = store.countByType(TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS)).withClaimed(false));
            stale = store.count(TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS, TaskStatus.BEING_CANCELED))
                    .withClaimed(true).withHeartbeatBefore(staleBefore))
                + store.count(TaskQuery.all().withStatuses(Set.of(TaskStatus.IN_PROGRESS, TaskStatus.BEING_CANCELED))
                    .withClaimed(false).withUpdatedBefore(staleBefore).withDueBy(staleBefore));
            otherNodes = store.nodesBeatingSince(staleBefore).stream().filter(n -> !n.equals(settings.nodeId())).sorted().toList();
        }
        return new NodeHealth(settings.nodeId(), storeHealth.status(), storeHealth.message(), settings.capacity(),
            runner.runningCount(), queued, runner.startLatencyMillis(50), runner.startLatencyMillis(99), runner.claimsLost(),
            stale, otherNodes, clock.instant());
    }
}
