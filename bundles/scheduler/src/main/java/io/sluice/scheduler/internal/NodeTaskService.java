package io.sluice.scheduler.internal;

import io.sluice.store.StoreHealth;
import io.sluice.store.TaskStore;
import io.sluice.task.NodeHealth;
import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/** This node's {@link TaskService}. */
@Component(service = TaskService.class, configurationPid = "io.sluice.scheduler")
@Designate(ocd = SchedulerConfig.class)
public final class NodeTaskService implements TaskService {

    private final TaskTypes types;
    private final TaskStore store;
    private final String nodeId;
    private final int capacity;

    /** Binds the type whiteboard and the store. */
    @Activate
    public NodeTaskService(@Reference TaskTypes types, @Reference TaskStore store, SchedulerConfig config, BundleContext context) {
        this.types = types;
        this.store = store;
        this.nodeId = config.nodeId().isBlank() ? defaultNodeId(context) : config.nodeId().trim();
        this.capacity = config.capacity();
    }

    static String defaultNodeId(BundleContext context) {
        String karafName = Optional.ofNullable(context.getProperty("karaf.name")).orElse("sluice");
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + karafName;
        } catch (UnknownHostException e) {
            return karafName;
        }
    }

    @Override
    public String nodeId() {
        return nodeId;
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
        return List.of();
    }

    @Override
    public NodeHealth health() {
        StoreHealth storeHealth = store.health();
        return new NodeHealth(nodeId, storeHealth.status(), storeHealth.message(), capacity, 0, Map.of(), -1, -1, 0, 0,
            List.of(), Instant.now());
    }
}
