package io.sluice.scheduler.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.sluice.task.TaskStatus;
import java.time.Duration;

/**
 * This node's task counters and latency histograms, kept by Micrometer. They are recorded into a registry of the
 * component's own and reach operators through every registry the metrics bundle publishes (JMX, {@code /api/metrics}):
 * the scheduler runs the same whether or not that bundle is installed, and keeps nothing static.
 *
 * <p>Names follow Micrometer's dotted convention ({@code sluice.tasks.completed} becomes
 * {@code sluice_tasks_completed_total} in Prometheus); every meter carries the task type as a tag.
 */
final class TaskMetrics {

    /** The service property of the registries this node's meters are published to. */
    static final String PUBLISHED_TO = "(sluice.metrics=node)";

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

    TaskMetrics() {
        // Micrometer's default pause detector needs LatencyUtils, which is not deployed: GC pauses are not what these
        // timers are for.
        registry.config().pauseDetector(new NoPauseDetector());
    }

    /** Starts publishing to a registry: meters made before it came are added to it too. */
    void publishTo(MeterRegistry target) {
        registry.add(target);
    }

    void withdrawFrom(MeterRegistry target) {
        registry.remove(target);
    }

    /** A task was scheduled (a new run requested) through this node. */
    void scheduled(String type) {
        counter("sluice.tasks.scheduled", "Runs scheduled through this node", type).increment();
    }

    /** This node started an attempt; the first attempt's delay since scheduling goes into the histogram. */
    void started(String type, int attempt, Duration sinceScheduled) {
        counter("sluice.tasks.started", "Attempts this node started", type).increment();
        if (attempt == 1) {
            timer("sluice.tasks.schedule.to.start", "Delay from schedule to the start of the first attempt", type)
                .record(sinceScheduled.isNegative() ? Duration.ZERO : sinceScheduled);
        }
    }

    /** An attempt of this node ended with the status its last write left (or {@code null} if the write was lost). */
    void ended(String type, TaskStatus status, Duration ran) {
        String outcome = status == null ? "lost" : switch (status) {
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case CANCELED -> "canceled";
            // Back in the queue: failed with attempts left, its type went away, or the node is stopping.
            default -> "requeued";
        };
        counter("sluice.tasks." + outcome, "Attempts of this node that ended " + outcome, type).increment();
        timer("sluice.tasks.run", "How long attempts ran on this node", type).record(ran);
    }

    /** A claim this node tried lost to another writer (normal when several nodes share work). */
    void claimConflict(String type) {
        counter("sluice.tasks.claim.conflicts", "Claims lost to another writer", type).increment();
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("type", type).register(registry);
    }

    private Timer timer(String name, String description, String type) {
        return Timer.builder(name).description(description).tag("type", type).publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1)).register(registry);
    }
}
