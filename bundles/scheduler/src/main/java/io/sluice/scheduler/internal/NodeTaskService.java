package io.sluice.scheduler.internal;

import io.sluice.auth.TaskApiKeys;
import io.sluice.store.StoreHealth;
import io.sluice.store.TaskQuery;
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
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * This node's scheduler: it owns the {@link TaskRunner} (started on activation, stopped on deactivation, restarted
 * when the configuration changes) and reports the node's health.
 */
@Component(service = {TaskService.class, LocalRuns.class}, configurationPid = "io.sluice.scheduler")
@Designate(ocd = SchedulerConfig.class)
public final class NodeTaskService implements TaskService, LocalRuns {

    private final TaskTypes types;
    private final TaskStore store;
    private final SchedulerSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final TaskRunner runner;
    private volatile TaskApiKeys apiKeys;

    /** Starts this node's runner. */
    @Activate
    public NodeTaskService(@Reference TaskTypes types, @Reference TaskStore store, SchedulerConfig config, BundleContext context) {
        this.types = types;
        this.store = store;
        this.settings = SchedulerSettings.from(config, context);
        TaskLifecycle lifecycle = new TaskLifecycle(store, new TaskTransitions(new Staleness(settings.staleAfter())), clock,
            TaskLifecycle.BeforeWrite.NONE);
        this.runner = new TaskRunner(store, types, settings, clock, lifecycle, () -> apiKeys);
    }

    @Deactivate
    void deactivate() {
        runner.stop();
    }

    /** The task API keys runs act with (scoped clients), revoked when runs end. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindApiKeys(TaskApiKeys keys) {
        apiKeys = keys;
    }

    void unbindApiKeys(TaskApiKeys keys) {
        if (apiKeys == keys) {
            apiKeys = null;
        }
    }

    @Override
    public Optional<Slot> reserve(String type) {
        return runner.reserve(type);
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
            Instant staleBefore = now.minus(settings.staleAfter());
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
