package io.sluice.metrics.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.sluice.task.NodeHealth;
import io.sluice.task.TaskService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Every figure of {@code task:health} as a gauge of the node's registry: what an operator sees at the console, a
 * dashboard sees too. A scrape reads every gauge; they share one health read, at most {@code healthMaxAgeMillis} old.
 */
@Component(immediate = true, configurationPid = "io.sluice.metrics")
public final class HealthGauges {

    private final NodeMeterRegistry registry;
    private final TaskService tasks;
    private final long maxAgeNanos;
    private final MultiGauge queued;
    private final List<Meter> meters = new ArrayList<>();
    private NodeHealth last;
    private long readAt;

    /** Registers the gauges. */
    @Activate
    public HealthGauges(@Reference NodeMeterRegistry registry, @Reference TaskService tasks, MetricsConfig config) {
        this.registry = registry;
        this.tasks = tasks;
        this.maxAgeNanos = config.healthMaxAgeMillis() * 1_000_000L;
        gauge("sluice.node.capacity", "Runs this node may hold at once", NodeHealth::capacity);
        gauge("sluice.node.running", "Runs this node holds now", NodeHealth::running);
        gauge("sluice.node.live.nodes", "Other nodes seen alive recently", h -> h.liveNodes().size());
        gauge("sluice.store.available", "1 while the task store answers and holds all primary shards, else 0",
            h -> h.storeAvailable() ? 1 : 0);
        gauge("sluice.tasks.stale", "Tasks reported stale now", NodeHealth::staleTasks);
        gauge("sluice.tasks.schedule.to.start.recent.p50.ms",
            "Median schedule-to-start delay over the last minutes, as task:health shows it (-1 if none)",
            NodeHealth::scheduleToStartP50Millis);
        gauge("sluice.tasks.schedule.to.start.recent.p99.ms",
            "99th percentile of that delay, as task:health shows it (-1 if none)", NodeHealth::scheduleToStartP99Millis);
        meters.add(FunctionCounter.builder("sluice.node.claim.conflicts", this, g -> g.health().claimConflicts())
            .description("Claims this node lost to another since it started").register(registry));
        this.queued = MultiGauge.builder("sluice.tasks.queued").description("Tasks waiting for a node, by type")
            .register(registry);
    }

    @Deactivate
    void deactivate() {
        meters.forEach(registry::remove);
        queued.register(List.of(), true);
    }

    private void gauge(String name, String description, ToDoubleFunction<NodeHealth> figure) {
        meters.add(Gauge.builder(name, this, g -> figure.applyAsDouble(g.health())).description(description).register(registry));
    }

    /** The health figures, read again once they are older than the configured age; the queue gauges follow them. */
    private synchronized NodeHealth health() {
        long now = System.nanoTime();
        if (last == null || now - readAt > maxAgeNanos) {
            last = tasks.health();
            readAt = now;
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            last.queuedByType().forEach((type, count) -> rows.add(MultiGauge.Row.of(Tags.of("type", type), count)));
            if (queued != null) {
                queued.register(rows, true);
            }
        }
        return last;
    }
}
